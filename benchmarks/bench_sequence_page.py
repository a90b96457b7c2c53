"""Time from choosing a sequence on the real Sequence page to a moving player (headless Chromium).

Serves app.py on the default catalog (built by ``make app``), opens the Sequence page, then picks
other sequences in the "Sequence" box and measures until the player has the new payload and its
frame counter advances. Includes the catalog query, array loading, payload building (mesh:
template sent once, rotations per frame) and the browser's decode and skinning.

With ``--baseline DIR`` (a checkout of an older commit, e.g. ``git worktree add /tmp/base REV``)
a second server serves that checkout's app on the same catalog, and every pick is timed on
both, alternating, so that the machine's noise falls on both alike; the table then gives both
medians and their ratio (after / before: below 1 is faster). Only one page is open at a time
(each pick opens a fresh page, waits for its player, then times the pick): two animating
players in one browser would slow each other down.

    .venv/bin/python benchmarks/bench_sequence_page.py [--repeats 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from flag3d_core.devtools.server import StreamlitServer

ROOT = Path(__file__).resolve().parent.parent
IFRAME = 'iframe[title*="flag3d_player"]'
VIEWS = ("mesh", "skeleton")


def _pick(page: Any, sid: str, label: str) -> tuple[float, float]:
    """Choose ``sid`` in the Sequence box; seconds until the player moves with its payload, and
    until the page is complete (the new sequence's joint-angle chart is drawn: the player's own
    chart strip since it came with the payload, a plotly chart below it before)."""
    frame = page.frame_locator(IFRAME).last
    old = frame.locator("body").get_attribute("data-payload-id")
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Sequence").first
    box.locator("input").click()
    # the picker shows 'A013 Lateral Raise · P001 · R002' labels since issue 10, ids before
    box.locator("input").fill(label)
    page.wait_for_timeout(400)  # the options filter as one types
    if page.get_by_role("option", name=label).count() == 0:
        box.locator("input").fill(sid.rsplit("/", 1)[-1])
    page.get_by_role("option").first.wait_for(timeout=30_000)
    t0 = time.perf_counter()
    page.keyboard.press("Enter")
    frame.locator(f"body[data-payload-id]:not([data-payload-id='{old}'])").wait_for(
        timeout=60_000)
    f0 = frame.locator("body").get_attribute("data-frame")
    while frame.locator("body").get_attribute("data-frame") == f0:
        page.wait_for_timeout(20)
    moving = time.perf_counter() - t0
    if frame.locator("body").get_attribute("data-chart") == "shown":
        # the joint-angle chart is the player's strip, drawn just after the motion's first frame
        new = frame.locator("body").get_attribute("data-payload-id")
        frame.locator(f"body[data-chart-for='{new}']").wait_for(timeout=60_000)
        return moving, max(moving, time.perf_counter() - t0)
    name = sid.rsplit("/", 1)[-1]  # an older app: a plotly chart below the player
    page.locator(".js-plotly-plot").filter(has_text=f"Joint angles of {name}").first.wait_for(
        timeout=60_000)
    return moving, max(moving, time.perf_counter() - t0)


def _stats(t: list[float]) -> dict:
    return {"median_s": round(statistics.median(t), 2), "max_s": round(max(t), 2), "n": len(t)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--views", default=",".join(VIEWS), help="e.g. skeleton")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="checkout of an older commit to time side by side")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "sequence_page.json")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from flag3d_core.catalog import queries
    from flag3d_core.settings import load_settings

    s = load_settings()
    # both servers read the same catalog, body model and caches
    env = {"FLAG3D_CATALOG": str(s.catalog), "FLAG3D_BODY_MODELS": str(s.body_models),
           "FLAG3D_DATA": str(s.data_dir)}
    con = queries.connect(s.catalog)
    mocap = queries.sequences(con, queries.SequenceFilter(source="mocap"), limit=1000)
    con.close()
    picks = mocap.sequence_id.tolist()[37::53][: args.repeats]
    from flag3d_core.catalog.views import playable_labels

    con = queries.connect(s.catalog)
    labels = playable_labels(con)
    con.close()
    roots = {"after": ROOT} | ({"before": args.baseline.resolve()} if args.baseline else {})
    views = [v for v in args.views.split(",") if v in VIEWS]
    times = {name: {v: [] for v in views} for name in roots}
    complete = {name: {v: [] for v in views} for name in roots}
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(StreamlitServer(root / "app.py", cwd=root, env=env,
                                                          timeout=120))
                for name, root in roots.items()}
        pw = stack.enter_context(sync_playwright())
        b = pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        for view in views:
            for sid in picks:
                for name in roots:
                    page = b.new_page(viewport={"width": 1400, "height": 1200})
                    page.goto(f"{urls[name]}/sequence?view={view}")
                    page.frame_locator(IFRAME).last.locator("body[data-payload-id]").wait_for(
                        timeout=120_000)
                    try:
                        moving, done = _pick(page, sid, labels[sid])
                    except Exception:
                        page.screenshot(path=str(args.out.with_suffix(f".{name}-failed.png")))
                        print(f"pick of {sid} failed on {name}", file=sys.stderr)
                        raise
                    times[name][view].append(moving)
                    complete[name][view].append(done)
                    page.close()
        b.close()
    res = {name: {v: _stats(t) for v, t in per.items()} for name, per in times.items()}
    res_complete = {name: {v: _stats(t) for v, t in per.items()}
                    for name, per in complete.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"moving_player": res, "page_complete": res_complete,
                                    "raw_moving_s": times, "raw_complete_s": complete,
                                    "picks": picks}, indent=2))
    if "before" in res:
        print("| Sequence page: choose a sequence -> | view | before (median / max) "
              "| after (median / max) | after / before | n |\n|---|---|---|---|---|---|")
        for what, tt, rr in (("moving player", times, res),
                             ("page complete (new joint-angle chart drawn)", complete,
                              res_complete)):
            for v in views:
                a, bb = rr["after"][v], rr["before"][v]
                ratio = statistics.median(tt["after"][v]) / statistics.median(tt["before"][v])
                # the same sequence picked on both apps back to back: the paired ratios
                paired = sorted(x / y for x, y in zip(tt["after"][v], tt["before"][v],
                                                      strict=True))
                q = len(paired) // 4
                print(f"| {what} | {v} | {bb['median_s']} / {bb['max_s']} s | {a['median_s']} "
                      f"/ {a['max_s']} s | {ratio:.2f} (paired median "
                      f"{statistics.median(paired):.2f}, quartiles {paired[q]:.2f}-"
                      f"{paired[-q - 1]:.2f}) | {a['n']} |")
    else:
        print("| Sequence page: choose a sequence -> moving player | median | max | n | goal |\n"
              "|---|---|---|---|---|")
        for v, r in res["after"].items():
            print(f"| {v} | {r['median_s']} s | {r['max_s']} s | {r['n']} | < 2 s |")


if __name__ == "__main__":
    main()
