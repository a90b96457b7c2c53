"""The researcher's path through the real pages, timed as a person clicks (headless Chromium).

Paths (each measured on a fresh page of a warm server, after one warm-up visit of every page):

* Home -> charts: open Home until three plotly charts have drawn their traces;
* Browse row -> moving player: on Browse (filtered to one activity), click a row of the sequence
  table, then "Open ... in the player", until the player moves with that sequence;
* cold Sequence page -> moving player: open ``/sequence?seq=<a sequence not opened before>``
  until the player moves;
* view switch: skeleton <-> mesh on the Sequence page until the new view is drawn (in the
  player since issue 10; a Streamlit rerun with a new payload before);
* Recognition -> heatmap: open Recognition until the confusion heatmap is drawn.

With ``--baseline DIR`` (a checkout of an older commit) both apps are served on the same catalog
and every measurement alternates between them, so noise falls on both alike; the table gives both
medians, maxima and their ratio (after / before; below 1 is faster).

    .venv/bin/python benchmarks/bench_paths.py [--repeats 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flag3d_core.devtools.server import StreamlitServer

ROOT = Path(__file__).resolve().parent.parent
IFRAME = 'iframe[title*="flag3d_player"]'
GOALS = {"home": 2.0, "browse_row": 2.0, "cold_sequence": 3.0, "view_switch": 0.3,
         "recognition": 2.0}
TITLES = {"home": "Home -> charts", "browse_row": "Browse row -> moving player",
          "cold_sequence": "cold Sequence page -> moving player",
          "view_switch": "view switch skeleton <-> mesh (drawn)",
          "recognition": "Recognition -> heatmap"}


def _moving(page: Any, old_payload: str | None = None, timeout: float = 60.0) -> None:
    """Wait until the player holds a payload other than ``old_payload`` and its frame counter
    advances (the motion is on screen and playing)."""
    frame = page.frame_locator(IFRAME).last
    sel = "body[data-payload-id]" if old_payload is None else \
        f"body[data-payload-id]:not([data-payload-id='{old_payload}'])"
    frame.locator(sel).wait_for(timeout=timeout * 1000)
    f0 = frame.locator("body").get_attribute("data-frame")
    deadline = time.perf_counter() + timeout
    while frame.locator("body").get_attribute("data-frame") == f0:
        if time.perf_counter() > deadline:
            raise TimeoutError("the player did not move")
        page.wait_for_timeout(15)


def home(page: Any, url: str, _sid: str) -> float:
    t0 = time.perf_counter()
    page.goto(f"{url}/home")
    page.wait_for_function(  # Vega-Lite charts (a canvas each) or, before, plotly ones
        "document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
        "[data-testid=stVegaLiteChart] svg.marks').length + "
        "[...document.querySelectorAll('.js-plotly-plot')].filter("
        "(p) => p.querySelector('.trace')).length >= 3", timeout=60_000)
    return time.perf_counter() - t0


def recognition(page: Any, url: str, _sid: str) -> float:
    t0 = time.perf_counter()
    page.goto(f"{url}/recognition")
    page.wait_for_function(  # the Vega-Lite heatmap drawn or, before, the plotly one
        "document.querySelector('[data-testid=stVegaLiteChart] canvas, "
        "[data-testid=stVegaLiteChart] svg.marks, .js-plotly-plot g.heatmaplayer image')",
        timeout=60_000)
    return time.perf_counter() - t0


def cold_sequence(page: Any, url: str, sid: str) -> float:
    t0 = time.perf_counter()
    page.goto(f"{url}/sequence?seq={sid}")
    _moving(page)
    return time.perf_counter() - t0


def browse_row(page: Any, url: str, sid: str) -> float:
    """Browse filtered to the sequence's activity; click the table row of ``sid``."""
    act = sid.rsplit("/", 1)[-1]
    activity = "A" + act.split("A")[-1][:3]
    page.goto(f"{url}/browse?act={activity}&source=mocap")
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.wait_for(timeout=60_000)
    page.wait_for_timeout(800)  # the grid's canvas draws its rows
    box = grid.bounding_box()
    t0 = time.perf_counter()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # row-selection cell of the first row
    link = page.get_by_role("link", name="in the player")
    link.wait_for(timeout=60_000)
    link.click()
    _moving(page)
    return time.perf_counter() - t0


def view_switch(page: Any, url: str, sid: str) -> float:
    """On the Sequence page (mesh), switch to the skeleton and back; the mean of the two."""
    page.goto(f"{url}/sequence?seq={sid}&view=mesh")
    _moving(page)
    frame = page.frame_locator(IFRAME).last
    in_player = frame.locator("#views button").count() > 0 and \
        frame.locator("#views").is_visible()
    took = []
    for view in ("skeleton", "mesh"):
        page.wait_for_timeout(300)
        old = frame.locator("body").get_attribute("data-payload-id")
        t0 = time.perf_counter()
        if in_player:
            frame.locator(f"#views button[data-view='{view}']").click()
            frame.locator(f"body[data-view='{view}']").wait_for(timeout=30_000)
            f0 = frame.locator("body").get_attribute("data-frame")
            while frame.locator("body").get_attribute("data-frame") == f0:
                page.wait_for_timeout(10)
        else:
            page.get_by_text(view, exact=True).first.click()
            _moving(page, old)
        took.append(time.perf_counter() - t0)
    return statistics.mean(took)


PATHS: dict[str, Callable[[Any, str, str], float]] = {
    "home": home, "browse_row": browse_row, "cold_sequence": cold_sequence,
    "view_switch": view_switch, "recognition": recognition}


def _stats(t: list[float]) -> dict:
    return {"median_s": round(statistics.median(t), 2), "max_s": round(max(t), 2), "n": len(t)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--baseline", type=Path, default=None)
    ap.add_argument("--only", default="", help="comma-separated path names")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "paths.json")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from flag3d_core.catalog import queries
    from flag3d_core.settings import load_settings

    s = load_settings()
    env = {"FLAG3D_CATALOG": str(s.catalog), "FLAG3D_BODY_MODELS": str(s.body_models),
           "FLAG3D_DATA": str(s.data_dir)}
    con = queries.connect(s.catalog)
    mocap = queries.sequences(con, queries.SequenceFilter(source="mocap"), limit=2000)
    con.close()
    # per repeat a sequence no server has opened yet (cold caches for that sequence)
    picks = mocap.sequence_id.tolist()[11::97]
    paths = [p for p in PATHS if not args.only or p in args.only.split(",")]
    roots = {"after": ROOT} | ({"before": args.baseline.resolve()} if args.baseline else {})
    times: dict[str, dict[str, list[float]]] = {n: {p: [] for p in paths} for n in roots}
    with contextlib.ExitStack() as stack:
        urls = {n: stack.enter_context(StreamlitServer(r / "app.py", cwd=r, env=env,
                                                       timeout=180))
                for n, r in roots.items()}
        pw = stack.enter_context(sync_playwright())
        b = pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        for url in urls.values():  # warm-up: every page once (imports, models, caches)
            page = b.new_page(viewport={"width": 1400, "height": 1200})
            for fn in (home, recognition, cold_sequence):
                fn(page, url, picks[-1])
            page.close()
        used = 0
        for path in paths:
            for _ in range(args.repeats):
                sid = picks[used % (len(picks) - 1)]
                used += 1
                for n, url in urls.items():
                    page = b.new_page(viewport={"width": 1400, "height": 1200})
                    times[n][path].append(PATHS[path](page, url, sid))
                    page.close()
        b.close()
    res = {n: {p: _stats(t) for p, t in per.items()} for n, per in times.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    if "before" in res:
        print("| path (warm server, 2-core CPU) | goal | before (median / max) "
              "| after (median / max) | after / before | n |\n|---|---|---|---|---|---|")
    else:
        print("| path (warm server, 2-core CPU) | goal | median | max | n |\n|---|---|---|---|---|")
    for p in paths:
        a = res["after"][p]
        if "before" in res:
            bb = res["before"][p]
            ratio = statistics.median(times["after"][p]) / statistics.median(times["before"][p])
            print(f"| {TITLES[p]} | <= {GOALS[p]} s | {bb['median_s']} / {bb['max_s']} s | "
                  f"{a['median_s']} / {a['max_s']} s | {ratio:.2f} | {a['n']} |")
        else:
            print(f"| {TITLES[p]} | <= {GOALS[p]} s | {a['median_s']} s | {a['max_s']} s | "
                  f"{a['n']} |")


if __name__ == "__main__":
    main()
