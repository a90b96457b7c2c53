"""Does a FLAG3D-sized skeleton pickle still load under the default load limits?

The real ``flag3d_keypoint.pkl`` is ~1.7 GB (7,200 MoCap sequences, NTU-25, float32). This
writes a pyskl pickle of the same layout and size (``--gb``, default 1.7) with the project's
own writer into a temporary folder, then reads every record through ``iter_skeleton_pkl``
(the restricted unpickler with ``flag3d_core.io_limits.DEFAULT``), and reports the time, the
peak resident memory (VmHWM) against the file size, and how many records were skipped.

    .venv/bin/python benchmarks/bench_large_pickle.py [--gb 1.7]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from flag3d_core.datasets.flag3d.names import format_mocap_name
from flag3d_core.datasets.flag3d.skeleton import SkippedRecord, iter_skeleton_pkl
from flag3d_core.synth.writer import skeleton_annotation, write_annotation_pkl


def _vm_hwm_mb() -> float:
    text = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", text).group(1)) / 1024


def read_all(path: Path) -> dict:
    """Read every record (in a fresh process: its peak memory is the read's alone)."""
    t0 = time.perf_counter()
    ok = skipped = 0
    reasons: list[str] = []
    for rec in iter_skeleton_pkl(path, kind="3d"):
        if isinstance(rec, SkippedRecord):
            skipped += 1
            reasons.append(rec.reason)
        else:
            ok += 1
    return {"read": ok, "skipped": skipped, "first_reasons": reasons[:3],
            "read_s": round(time.perf_counter() - t0, 1), "peak_rss_mb": round(_vm_hwm_mb())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=1.7)
    ap.add_argument("--read", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "large_pickle.json")
    args = ap.parse_args()
    if args.read:
        print(json.dumps(read_all(args.read)))
        return
    n_seq = 7200
    frames = int(args.gb * 1e9 / n_seq / (25 * 3 * 4))
    rng = np.random.default_rng(0)
    base = rng.normal(0, 0.3, (frames, 25, 3)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "flag3d_keypoint.pkl"
        anns = []
        for i in range(n_seq):
            p, a, r = i // 720 + 1, i % 60 + 1, (i // 60) % 12 + 1
            name = format_mocap_name(avatar=1, performer=p, activity=a, repetition=r, scene=1,
                                     camera=1)
            kp = base + np.float32(i * 1e-4)  # every sequence its own array
            anns.append(skeleton_annotation(name, a - 1, kp))
        t0 = time.perf_counter()
        write_annotation_pkl(path, anns, {"train": [], "val": []})
        write_s = time.perf_counter() - t0
        del anns
        size_mb = path.stat().st_size / 2**20
        proc = subprocess.run([sys.executable, __file__, "--read", str(path)], check=True,
                              capture_output=True, text=True)
        got = json.loads(proc.stdout.strip().splitlines()[-1])
    res = {"file_mb": round(size_mb), "sequences": n_seq, "frames_each": frames,
           "write_s": round(write_s, 1), **got}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    print("| file | sequences | read / skipped | read time | peak RSS (process) |\n"
          "|---|---|---|---|---|")
    print(f"| {res['file_mb']:,} MB pyskl pickle, (1, {frames}, 25, 3) float32 each | {n_seq:,} "
          f"| {res['read']:,} / {res['skipped']:,} | {res['read_s']} s | "
          f"{res['peak_rss_mb']:,} MB ({res['peak_rss_mb'] / res['file_mb']:.2f}x the file) |")


if __name__ == "__main__":
    main()
