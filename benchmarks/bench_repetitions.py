"""Repetition counting against FLAG3D-Synth's ground truth (cycles the generator animated).

Regenerates a seeded sample of demo-profile sequences (the generator knows how many exercise
cycles it put in each), counts repetitions from the NTU-25 joints alone, and reports exact and
off-by-one accuracy, mean absolute error, and the worst activities.

    .venv/bin/python benchmarks/bench_repetitions.py [--n 240]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from flag3d_core.analysis.repetitions import (
    count_repetitions,
    count_repetitions_in_joints,
    motion_curves,
)
from flag3d_core.synth.generate import _Job, generate_sequence
from flag3d_core.synth.profiles import get_profile


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=240)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).parent / "results" / "repetitions.json")
    args = ap.parse_args()
    prof = get_profile("demo")
    rng = np.random.default_rng(0)
    jobs = [_Job(int(p), int(a), int(r), 0, prof, None) for p, a, r in zip(
        rng.integers(1, 11, args.n), np.resize(np.arange(1, 61), args.n),
        rng.integers(1, 4, args.n), strict=True)]
    rows, t0 = [], time.perf_counter()
    for job in jobs:
        seq = generate_sequence(job)
        angles_only = count_repetitions(motion_curves(seq["kp3d"])[:, :9], fps=prof.fps)
        reps = count_repetitions_in_joints(seq["kp3d"], fps=prof.fps)
        rows.append((job.activity, seq["cycles"], reps.count, angles_only.count))
    act, true, pred, pred_angles = (np.array(c) for c in zip(*rows, strict=True))
    err_angles = np.abs(pred_angles - true)
    err = np.abs(pred - true)
    per_act = {int(a): float(err[act == a].mean()) for a in np.unique(act)}
    worst = sorted(per_act.items(), key=lambda kv: -kv[1])[:8]
    res = {"n": len(rows), "exact": float((err == 0).mean()), "within_1": float((err <= 1).mean()),
           "mae": float(err.mean()), "mean_true": float(true.mean()),
           "mean_pred": float(pred.mean()),
           "worst_activities_mae": worst, "seconds": round(time.perf_counter() - t0, 1),
           "angles_only": {"exact": float((err_angles == 0).mean()),
                           "within_1": float((err_angles <= 1).mean()),
                           "mae": float(err_angles.mean())}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=2))
    print("| repetition counting (demo profile sample) | value |\n|---|---|")
    print(f"| sequences | {res['n']} (true cycles mean {res['mean_true']:.2f}) |")
    a = res["angles_only"]
    print(f"| exact count | {res['exact']:.1%} (joint angles alone: {a['exact']:.1%}) |")
    print(f"| within ±1 | {res['within_1']:.1%} (joint angles alone: {a['within_1']:.1%}) |")
    print(f"| mean absolute error | {res['mae']:.2f} repetitions "
          f"(joint angles alone: {a['mae']:.2f}) |")
    print("| worst activities (MAE) | " + ", ".join(f"A{a:03d} {m:.1f}" for a, m in worst) + " |")


if __name__ == "__main__":
    main()
