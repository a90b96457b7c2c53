"""Prompt -> first moving generated sample on the real Playground page (headless Chromium).

Serves app.py on the default catalog (built by ``make app``), opens /playground, types a prompt
(or picks an activity), asks for one sample of ``--seconds`` (default 6 s) with a new seed each
time, and times from the click on Generate until the player holds the new payload and its
frame counter advances. Includes the sentence encoding, the generator, the evaluators' verdicts
(recognizer, text-motion similarity, nearest real motion), the payload of the sample and the
nearest real motion, and the browser's decode. The first request of a fresh server (models
and the real-motion index loaded) is reported apart from the warm ones.

    .venv/bin/python benchmarks/bench_playground.py [--repeats 6] [--mode text|activity]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_paths import IFRAME, _moving  # noqa: E402

from flag3d_core.devtools.server import StreamlitServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ("raise both arms out to the sides, then lower them slowly",
           "squat down with a barbell on the shoulders and stand up",
           "lunge forward with one leg, then the other",
           "curl the dumbbells up to the shoulders",
           "lie on the back and lift both legs",
           "push the bar overhead from the chest")


def _ask(page, mode: str, i: int, seconds: float) -> float:
    frame = page.frame_locator(IFRAME)
    old = (frame.last.locator("body").get_attribute("data-payload-id")
           if page.locator(IFRAME).count() else None)
    if mode == "text":
        page.get_by_text("Text prompt", exact=True).click()
        page.locator("textarea").fill(PROMPTS[i % len(PROMPTS)])
    else:
        page.get_by_text("Activity", exact=True).first.click()
    page.get_by_label("Length (s)").fill(f"{seconds:g}")
    page.get_by_label("Samples").fill("1")
    page.get_by_label("Seed").fill(str(100 + i))
    page.wait_for_timeout(300)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Generate").click()
    _moving(page, old, timeout=180)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=6)
    ap.add_argument("--mode", choices=("text", "activity"), default="text")
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "playground.json")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from flag3d_core.settings import load_settings

    s = load_settings()
    env = {"FLAG3D_CATALOG": str(s.catalog), "FLAG3D_BODY_MODELS": str(s.body_models),
           "FLAG3D_DATA": str(s.data_dir)}
    times: list[float] = []
    with StreamlitServer(ROOT / "app.py", cwd=ROOT, env=env, timeout=120) as url, \
            sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        page = b.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{url}/playground")
        page.get_by_role("button", name="Generate").wait_for(timeout=120_000)
        for i in range(args.repeats + 1):
            times.append(_ask(page, args.mode, i, args.seconds))
            print(f"request {i}: {times[-1]:.2f} s", file=sys.stderr)
        page.screenshot(path=str(args.out.with_suffix(".png")), full_page=True)
        b.close()
    warm = times[1:]
    res = {"mode": args.mode, "seconds_of_motion": args.seconds, "first_request_s":
           round(times[0], 2), "warm_median_s": round(statistics.median(warm), 2),
           "warm_max_s": round(max(warm), 2), "n_warm": len(warm),
           "raw_s": [round(t, 3) for t in times]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    print(f"| prompt -> first moving sample ({args.mode}, {args.seconds:g} s, 1 sample) | "
          f"first request {res['first_request_s']} s | warm median {res['warm_median_s']} s "
          f"(max {res['warm_max_s']}, n {len(warm)}) |")


if __name__ == "__main__":
    main()
