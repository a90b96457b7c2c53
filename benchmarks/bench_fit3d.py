"""fit3d: SMPL fitted to FLAG3D-Synth's 3D skeletons, against the SMPL ground truth.

For a spread of test sequences (one activity in every ``--stride``), on the same machine and in
one run, back to back per sequence:

* the fit as the app runs it (batched over frames, key frames then warm-started levels) on the
  first 300 frames: seconds, frames/s, MPJPE / PA-MPJPE / PVE (SMPL-24, pelvis-aligned, mm);
* the per-frame fit of the same objective (one frame at a time, every frame from the rest pose,
  no smoothness term since it needs neighbours) on the first ``--baseline-frames`` frames:
  frames/s and MPJPE; the ratio of frames/s is the figure to quote.

Goals: MPJPE <= 10 mm and a 300-frame sequence in <= 10 s on the 2-core CPU.

    .venv/bin/python benchmarks/bench_fit3d.py [--device cpu|cuda] [--stride 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from flag3d_core.body import load_body_model
from flag3d_core.catalog import queries
from flag3d_core.catalog.record import load_sequence
from flag3d_core.layouts.correspondences import correspondence
from flag3d_core.mesh_recovery.fit3d import Fit3dConfig, fit_joints3d
from flag3d_core.mesh_recovery.runs import PredictedSmpl, score_sequence
from flag3d_core.settings import load_settings

GOAL_MM, GOAL_S, FRAMES = 10.0, 10.0, 300


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--stride", type=int, default=10, help="one activity in every N")
    ap.add_argument("--baseline-frames", type=int, default=20)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "fit3d.json"))
    args = ap.parse_args()
    s = load_settings()
    body = load_body_model(s.body_models, device=args.device)
    con = queries.connect(s.catalog)
    ids = queries.fit_candidates(con, per_activity=1)[:: args.stride]
    cfg = replace(Fit3dConfig(), device=args.device)
    per_frame = replace(cfg, batched=False, warm_start=False, refine_iters=0)
    rows = []
    warm = load_sequence(queries.cursor(con), s.arrays_dir, ids[0])  # first-call set-up, untimed
    fit_joints3d(warm.joints3d()[:20], correspondence(warm.layout.name), body, cfg)
    load0 = os.getloadavg()[0]
    for sid in ids:
        rec = load_sequence(queries.cursor(con), s.arrays_dir, sid)
        kp = rec.joints3d()[:FRAMES]
        corr = correspondence(rec.layout.name)
        t0 = time.perf_counter()
        fit = fit_joints3d(kp, corr, body, cfg)
        sec = time.perf_counter() - t0
        err = score_sequence(rec, PredictedSmpl(np.arange(len(kp)), fit.global_orient,
                                                fit.body_pose, fit.betas, fit.transl), body)
        kb = kp[: args.baseline_frames]
        t0 = time.perf_counter()
        base = fit_joints3d(kb, corr, body, per_frame)
        bsec = time.perf_counter() - t0
        berr = score_sequence(rec, PredictedSmpl(np.arange(len(kb)), base.global_orient,
                                                 base.body_pose, base.betas, base.transl), body)
        sm = err.summary()
        rows.append({"sequence": rec.name, "frames": len(kp), "seconds": sec,
                     "fps": len(kp) / sec, "mpjpe": sm["mpjpe"], "pa_mpjpe": sm["pa_mpjpe"],
                     "pve": sm["pve"], "residual": float(np.nanmean(fit.residual_mm)),
                     "base_fps": len(kb) / bsec, "base_mpjpe": berr.summary()["mpjpe"]})
    con.close()
    Path(args.out).write_text(json.dumps({"device": args.device, "rows": rows,
                                          "load_before": load0,
                                          "load_after": os.getloadavg()[0]}, indent=1))
    med = statistics.median
    print(f"{len(rows)} test sequences (one activity in {args.stride}), first {FRAMES} frames, "
          f"device {args.device}, torch threads {__import__('torch').get_num_threads()}, load "
          f"average {load0:.1f} -> {os.getloadavg()[0]:.1f}.\n")
    print("| sequence | frames | fit s | frames/s | MPJPE | PA-MPJPE | PVE | keypoint residual "
          "| per-frame fit frames/s | its MPJPE | batched / per-frame |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['sequence']} | {r['frames']} | {r['seconds']:.1f} | {r['fps']:.0f} | "
              f"{r['mpjpe']:.1f} | {r['pa_mpjpe']:.1f} | {r['pve']:.1f} | {r['residual']:.2f} | "
              f"{r['base_fps']:.1f} | {r['base_mpjpe']:.1f} | {r['fps'] / r['base_fps']:.1f}x |")
    mp = med([r["mpjpe"] for r in rows])
    worst = max(r["mpjpe"] for r in rows)
    sec300 = max(r["seconds"] * FRAMES / r["frames"] for r in rows)
    ratio = med([r["fps"] / r["base_fps"] for r in rows])
    print(f"\nMPJPE median {mp:.1f} mm, worst {worst:.1f} mm (goal <= {GOAL_MM:.0f}: "
          f"{'met' if worst <= GOAL_MM else 'missed'}); slowest 300 frames {sec300:.1f} s "
          f"(goal <= {GOAL_S:.0f}: {'met' if sec300 <= GOAL_S else 'missed'}); batched vs "
          f"per-frame frames/s, median of the pairs: {ratio:.1f}x. Errors in mm on SMPL-24 "
          "joints, pelvis-aligned (PA: per-frame Procrustes); PVE over the 6,890 vertices.")


if __name__ == "__main__":
    main()
