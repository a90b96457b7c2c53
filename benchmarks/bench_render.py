"""Offscreen rendering speed: frames per second at 854x480 for a 6,890-vertex animated mesh.

Each GL backend present (EGL, OSMesa) runs in its own subprocess (the OpenGL platform is fixed
per process), plus the skeleton-only OpenCV fallback.  Measured per backend:

* ``mesh``: render only (mesh replaced every frame, floor, 3 lights), no encoding;
* ``skeleton``: 24 joint spheres + 23 bone cylinders per frame;
* ``mesh_mp4``: the whole ``render_sequence`` path (render + H.264 encode + cache write).

Usage: ``.venv/bin/python benchmarks/bench_render.py [--frames 90]``.  Writes
``benchmarks/results/render.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "render.json"
WIDTH, HEIGHT = 854, 480


def _worker(backend: str, frames: int) -> dict:
    """Measure one backend in this process (FLAG3D_RENDER_BACKEND was set by the parent)."""
    from flag3d_core.player.demo import demo_motion
    from flag3d_core.render import MotionLayer, RenderOptions, render_backend, render_sequence
    from flag3d_core.render.gl import render_gl
    from flag3d_core.render.scene import SceneStyle
    from flag3d_core.render.sequence import resolve_camera
    from flag3d_core.render.skeleton_draw import draw_frame, floor_for

    info = render_backend()
    if info.name != backend:
        return {"backend": backend, "available": False, "detail": info.detail}
    motion = demo_motion(frames)
    mesh = MotionLayer(vertices=motion.vertices, faces=motion.faces)
    skel = MotionLayer(joints=motion.joints, edges=motion.edges)
    opts = RenderOptions(width=WIDTH, height=HEIGHT)
    style = SceneStyle()
    out: dict = {"backend": backend, "available": True, "detail": info.detail,
                 "vertices": int(motion.vertices.shape[1]), "faces": int(len(motion.faces)),
                 "frames": frames}

    def fps(layer: MotionLayer) -> float:
        cam = resolve_camera("front", [layer], opts)
        idx = list(range(frames))
        t0 = time.perf_counter()
        if backend == "skeleton-only":
            floor = floor_for([layer], style)
            for t in idx:
                draw_frame([layer], t, cam, style, floor)
        else:
            render_gl([layer], cam, style, idx, lambda _i, _img: None)
        return frames / (time.perf_counter() - t0)

    out["mesh_fps"] = fps(mesh)
    out["skeleton_fps"] = fps(skel)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        render_sequence(mesh, options=opts, cache_dir=tmp)
        out["mesh_mp4_fps"] = frames / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        hit = render_sequence(mesh, options=opts, cache_dir=tmp)
        out["cache_hit_ms"] = 1000 * (time.perf_counter() - t0)
        assert hit.cached
    return out


def _run_backend(backend: str, frames: int) -> dict:
    env = dict(os.environ, FLAG3D_RENDER_BACKEND=backend, PYTHONPATH=str(ROOT))
    env.pop("PYOPENGL_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", backend, "--frames", str(frames)],
        env=env, capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"backend": backend, "available": False, "detail": tail[:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _table(rows: list[dict]) -> str:
    lines = ["| backend | mesh fps (render only) | skeleton fps | mesh fps incl. H.264 | "
             "cache hit ms | renderer |", "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        if not r.get("available"):
            lines.append(f"| {r['backend']} | n/a | n/a | n/a | n/a | {r['detail']} |")
            continue
        lines.append(f"| {r['backend']} | {r['mesh_fps']:.1f} | {r['skeleton_fps']:.1f} | "
                     f"{r['mesh_mp4_fps']:.1f} | {r['cache_hit_ms']:.0f} | {r['detail']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=90)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.worker, args.frames)))
        return 0
    rows = [_run_backend(b, args.frames) for b in ("egl", "osmesa", "skeleton-only")]
    result = {
        "benchmark": "offscreen render fps", "size": [WIDTH, HEIGHT], "frames": args.frames,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_1m_at_end": round(os.getloadavg()[0], 2)},
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "numpy": np.__version__, "results": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(_table(rows))
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
