"""Time from choosing a sequence on the real Sequence page to a moving player (headless Chromium).

Serves app.py on the default catalog (built by ``make app``), opens the Sequence page, then picks
other sequences in the "Sequence" box and measures until the player has the new payload and its
frame counter advances. Includes the catalog query, array loading, payload building (mesh:
template sent once, rotations per frame) and the browser's decode and skinning.

    .venv/bin/python benchmarks/bench_sequence_page.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

from flag3d_core.devtools.server import StreamlitServer

ROOT = Path(__file__).resolve().parent.parent
IFRAME = 'iframe[title*="flag3d_player"]'


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "sequence_page.json")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with StreamlitServer(ROOT / "app.py", cwd=ROOT, timeout=120) as url:
        from flag3d_core.catalog import queries
        from flag3d_core.settings import load_settings

        con = queries.connect(load_settings().catalog)
        mocap = queries.sequences(con, queries.SequenceFilter(source="mocap"), limit=400)
        ids = mocap.sequence_id.tolist()
        con.close()
        picks = ids[37::53][: args.repeats]
        times: dict[str, list[float]] = {"skeleton": [], "mesh": []}
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
            page = b.new_page(viewport={"width": 1400, "height": 1200})
            for view in ("mesh", "skeleton"):
                page.goto(f"{url}/sequence?view={view}")
                frame = page.frame_locator(IFRAME).last
                frame.locator("body[data-payload-id]").wait_for(timeout=120_000)
                for sid in picks:
                    old = frame.locator("body").get_attribute("data-payload-id")
                    box = page.locator('[data-testid="stSelectbox"]').filter(
                        has_text="Sequence").first
                    box.locator("input").click()
                    box.locator("input").fill(sid.rsplit("/", 1)[-1])
                    t0 = time.perf_counter()
                    page.keyboard.press("Enter")
                    new = f"body[data-payload-id]:not([data-payload-id='{old}'])"
                    frame.locator(new).wait_for(timeout=60_000)
                    f0 = frame.locator("body").get_attribute("data-frame")
                    while frame.locator("body").get_attribute("data-frame") == f0:
                        page.wait_for_timeout(20)
                    times[view].append(time.perf_counter() - t0)
            b.close()
    res = {v: {"median_s": round(statistics.median(t), 2), "max_s": round(max(t), 2), "n": len(t)}
           for v, t in times.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    print("| Sequence page: choose a sequence -> moving player | median | max | n | goal |\n"
          "|---|---|---|---|---|")
    for v, r in res.items():
        print(f"| {v} | {r['median_s']} s | {r['max_s']} s | {r['n']} | < 2 s |")


if __name__ == "__main__":
    main()
