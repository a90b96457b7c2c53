"""Benchmark the in-browser 3D player (pages/_ui/player).

1. Bytes: payload size per 10 s of motion (per-frame arrays) and the sent-once part (template),
   for skeleton, mesh (SMPL-sized body, 6,900 vertices) and two tracks side by side.
   Goal: < 1 MB per 10 s of motion after the template.
2. Time to a moving player, in headless Chromium (SwiftShader WebGL) on the demo app with the
   SMPL-sized body: from opening the page, and from choosing a sequence / the mesh view in the
   app's widgets until the player's frame counter advances. Goal: < 2 s from choosing.
   The body is the project's stand-in SMPL body when flag3d_core.body is there.

Run from the repository root:
    .venv/bin/python benchmarks/bench_player.py [--no-browser] [--repeats 2]
Results go to benchmarks/results/player.json; a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from flag3d_core.body.kinematics import smpl_joints_np
from flag3d_core.devtools.server import StreamlitServer
from flag3d_core.layouts import NTU25, SMPL24
from flag3d_core.player.demo import demo_smpl_motion, standin_body
from flag3d_core.player.tracks import mesh_track, player_payload, skeleton_track
from flag3d_core.player.wire import payload_sizes

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "player.json"
FPS = 30.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
IFRAME = 'iframe[title*="flag3d_player"]'
BODY = "standin"  # the project's stand-in SMPL body (6,890 V, y up), as the app shows it


def bench_bytes() -> list[dict]:
    body = standin_body()
    m = demo_smpl_motion("squat", 10.0, FPS, body, up="y")
    joints24 = smpl_joints_np(m["global_orient"], m["body_pose"], body.rest_joints,
                              body.parents, m["transl"])
    joints25 = np.concatenate([joints24, joints24[:, :1]], axis=1)  # 25 joints, NTU-sized
    mesh = mesh_track(body.template, body.faces, body.weights, body.parents, body.rest_joints,
                      m["global_orient"], m["body_pose"], m["transl"], fps=FPS)
    cases = {
        "skeleton ntu25": [skeleton_track(joints25, NTU25, FPS)],
        "skeleton smpl24": [skeleton_track(joints24, SMPL24, FPS)],
        f"mesh {BODY} ({body.template.shape[0]} V, {body.faces.shape[0]} F)": [mesh],
        "mesh + skeleton ntu25": [mesh, skeleton_track(joints25, NTU25, FPS)],
    }
    rows = []
    for name, tracks in cases.items():
        s = payload_sizes(player_payload(tracks, fps=FPS))
        rows.append({"case": name, "seconds": s.duration_s, "total_bytes": s.total,
                     "sent_once_bytes": s.static, "motion_bytes_per_10s": round(s.motion_per_10s),
                     "goal_met": s.motion_per_10s < 1_000_000})
    return rows


def _wait_moving(page, old_id: str | None) -> None:
    """Block until the player shows a payload other than ``old_id`` and its frame advances."""
    frame = next(f for f in page.frames if "flag3d_player" in f.url)
    frame.wait_for_function(
        "(old) => document.body.dataset.payloadId && document.body.dataset.payloadId !== old",
        arg=old_id, polling="raf", timeout=30_000)
    start = frame.evaluate("document.body.dataset.frame")
    frame.wait_for_function("(f) => document.body.dataset.frame !== f", arg=start,
                            polling="raf", timeout=30_000)


def _payload_id(page) -> str | None:
    frame = next(f for f in page.frames if "flag3d_player" in f.url)
    return frame.evaluate("document.body.dataset.payloadId || null")


def bench_browser(repeats: int) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"open_page_s": [], "choose_sequence_s": [], "switch_to_mesh_s": []}
    demo = StreamlitServer(REPO / "pages/_ui/player/demo_app.py", cwd=REPO,
                           env={"PYTHONPATH": str(REPO), "FLAG3D_PLAYER_DEMO_BODY": BODY},
                           timeout=60)
    with demo as url:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                         args=CHROMIUM_ARGS)
            for _ in range(repeats):
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                t0 = time.perf_counter()
                page.goto(url + "/")
                page.wait_for_selector(IFRAME, timeout=30_000)
                while not any("flag3d_player" in f.url for f in page.frames):
                    page.wait_for_timeout(20)
                _wait_moving(page, None)
                out["open_page_s"].append(time.perf_counter() - t0)
                webgl = next(f for f in page.frames if "flag3d_player" in f.url).evaluate(
                    "document.body.dataset.webgl")
                for show in ("mesh", "skeleton"):
                    old = _payload_id(page)
                    t0 = time.perf_counter()
                    page.get_by_text(show, exact=True).click()
                    _wait_moving(page, old)
                    if show == "mesh":
                        out["switch_to_mesh_s"].append(time.perf_counter() - t0)
                page.get_by_text("mesh", exact=True).click()
                for seq in ("arm raise", "squat + arm raise", "squat"):
                    page.wait_for_timeout(300)
                    old = _payload_id(page)
                    page.get_by_role("combobox", name="Sequence").click()
                    option = page.get_by_role("option", name=seq, exact=True)
                    option.wait_for()
                    t0 = time.perf_counter()
                    option.click()
                    _wait_moving(page, old)
                    out["choose_sequence_s"].append(time.perf_counter() - t0)
                page.close()
            browser.close()
    timings = {k: {"median": statistics.median(v), "max": max(v), "n": len(v),
                   "goal_met": max(v) < 2.0 if k != "open_page_s" else None}
               for k, v in out.items()}
    return {"webgl": webgl, "body": BODY, "load_average": os.getloadavg(), **timings}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-browser", action="store_true", help="only measure bytes")
    ap.add_argument("--repeats", type=int, default=2, help="fresh page loads to time")
    args = ap.parse_args()
    result: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": f"{platform.platform()}, {os.cpu_count()} CPUs",
                    "bytes": bench_bytes()}
    print("| case | seconds | sent once (KB) | motion per 10 s (KB) | total (KB) | < 1 MB |")
    print("|---|---|---|---|---|---|")
    for r in result["bytes"]:
        print(f"| {r['case']} | {r['seconds']:.1f} | {r['sent_once_bytes'] / 1e3:.1f} | "
              f"{r['motion_bytes_per_10s'] / 1e3:.1f} | {r['total_bytes'] / 1e3:.1f} | "
              f"{'yes' if r['goal_met'] else 'NO'} |")
    if not args.no_browser and shutil.which("chromium") is None:
        print("\nTime to a moving player: skipped (chromium missing: apt-get install -y chromium)")
    elif not args.no_browser:
        result["time_to_moving"] = bench_browser(args.repeats)
        print("\n| time to a moving player | median (s) | max (s) | n | < 2 s |")
        print("|---|---|---|---|---|")
        for k, v in result["time_to_moving"].items():
            if not isinstance(v, dict):
                continue
            goal = "-" if v["goal_met"] is None else "yes" if v["goal_met"] else "NO"
            print(f"| {k} | {v['median']:.2f} | {v['max']:.2f} | {v['n']} | {goal} |")
        t = result["time_to_moving"]
        print(f"\nWebGL: {t['webgl']}; body: {t['body']}; load average after: "
              f"{', '.join(f'{x:.1f}' for x in t['load_average'])} on {os.cpu_count()} CPUs")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
