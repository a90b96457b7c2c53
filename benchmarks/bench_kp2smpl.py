"""kp2smpl (2D keypoint sequence -> SMPL): a time-bounded training run on the catalog's
FLAG3D-Synth, then held-out-camera errors, the postures split and CPU inference speed.

Cross-view protocol (:class:`~flag3d_core.mesh_recovery.kp2smpl.CrossViewProtocol`): train on
the rendered keypoints of studio cameras ``--train-views`` of the in-domain training performers,
test on cameras ``--test-views`` of the test performers (new views of new people). For
context it also tests the training cameras on the test performers, and the phone (``real``)
videos of the test performers by PA-MPJPE only (the release has no phone calibration). Errors
are SMPL-24 joints, pelvis-aligned MPJPE and PA-MPJPE (mm,
:func:`flag3d_core.metrics.mesh.mesh_errors`), frame-weighted over sequences.

    .venv/bin/python benchmarks/bench_kp2smpl.py [--minutes 4] [--threads 1]
        [--train-views 1,6] [--test-views 2] [--max-train 0] [--max-test 0]

Writes ``results/kp2smpl.md`` (also printed), ``results/kp2smpl.json`` and the checkpoint
(``<catalog>/checkpoints/kp2smpl.pt`` unless ``--checkpoint``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import torch

from flag3d_core.body import load_body_model
from flag3d_core.catalog import queries
from flag3d_core.mesh_recovery.kp2smpl import (
    CrossViewProtocol,
    Kp2SmplConfig,
    Kp2SmplTrainConfig,
    evaluate_pairs,
    inference_fps,
    load_pairs,
    save_kp2smpl,
    summarise,
    train_kp2smpl,
)
from flag3d_core.mesh_recovery.kp2smpl.batches import TrainingFrames
from flag3d_core.mesh_recovery.kp2smpl.data import pair_entries
from flag3d_core.recognition.checkpoint import data_fingerprint
from flag3d_core.settings import load_settings

HERE = Path(__file__).resolve().parent
GOALS = {"pa_mpjpe": 60.0, "mpjpe": 110.0, "fps": 300.0}


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.1f}"  # NaN -> n/a


def _json_safe(x):
    """NaN (a metric that does not apply) as JSON null."""
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_json_safe(v) for v in x]
    return None if isinstance(x, float) and x != x else x


def markdown(r: dict) -> str:
    t, cfg = r["training"], r["train_config"]
    lines = [
        f"`bench_kp2smpl.py`, run {r['when']} on {r['machine']['node']} "
        f"({r['machine']['cpus']} CPUs, {r['machine']['threads']} torch thread(s)), "
        f"{r['seconds']:.0f} s in all",
        "",
        f"Training: {t['steps']} steps of {cfg['batch_size']} windows x {cfg['window']} frames "
        f"({t['frames_seen'] / 1e6:.2f} M frames) in {t['seconds']:.0f} s on the CPU; "
        f"{t['train_sequences']} sequences ({t['train_frames']:,} frames) of cameras "
        f"{r['protocol']['train_views']}, performers of the in-domain train split; loss "
        f"{t['loss_first']:.3f} (first 20 steps) -> {t['loss_last']:.3f} (last 20); "
        f"{r['params'] / 1e6:.2f} M parameters.",
        "",
        "| test set | sequences | frames | PA-MPJPE (mm) | MPJPE (mm) | kneel/lie PA / MPJPE "
        "| stand PA / MPJPE |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in r["tests"].items():
        a, bp = s["all"], s["by_posture"]
        kl, st = bp.get("kneel_lie", {}), bp.get("stand", {})
        lines.append(
            f"| {name} | {a['sequences']} | {a['frames']:,} | {_fmt(a['pa_mpjpe'])} | "
            f"{_fmt(a['mpjpe'])} | {_fmt(kl.get('pa_mpjpe', float('nan')))} / "
            f"{_fmt(kl.get('mpjpe', float('nan')))} | {_fmt(st.get('pa_mpjpe', float('nan')))}"
            f" / {_fmt(st.get('mpjpe', float('nan')))} |")
    held = r["tests"]["held-out cameras"]["all"]
    fps = r["inference_fps"]
    ok = lambda good: "met" if good else "**missed**"  # noqa: E731
    lines += [
        "",
        "| goal | measured | |",
        "|---|---:|---|",
        f"| PA-MPJPE <= {GOALS['pa_mpjpe']:.0f} mm, held-out cameras | "
        f"{_fmt(held['pa_mpjpe'])} mm | {ok(held['pa_mpjpe'] <= GOALS['pa_mpjpe'])} |",
        f"| MPJPE <= {GOALS['mpjpe']:.0f} mm, held-out cameras | {_fmt(held['mpjpe'])} mm | "
        f"{ok(held['mpjpe'] <= GOALS['mpjpe'])} |",
        f"| CPU inference >= {GOALS['fps']:.0f} frames/s (300-frame sequence, predict() "
        f"whole) | {fps['1']:,.0f} (1 thread), {fps['2']:,.0f} (2 threads) | "
        f"{ok(min(fps.values()) >= GOALS['fps'])} |",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=4.0, help="training wall time")
    ap.add_argument("--threads", type=int, default=1, help="torch threads for training")
    ap.add_argument("--train-views", type=_ints, default=CrossViewProtocol().train_views)
    ap.add_argument("--test-views", type=_ints, default=CrossViewProtocol().test_views)
    ap.add_argument("--max-train", type=int, default=0, help="cap on training sequences")
    ap.add_argument("--max-test", type=int, default=0, help="cap on each test set")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoint", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "kp2smpl.json")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    settings = load_settings()
    con = queries.connect(settings.catalog)
    body = load_body_model(settings.body_models)
    proto = CrossViewProtocol(train_views=args.train_views, test_views=args.test_views)
    cap = lambda n: n or None  # noqa: E731
    train = load_pairs(con, settings.arrays_dir, body, views=proto.train_views,
                       splits=proto.train_splits, max_sequences=cap(args.max_train))
    tests = {
        "held-out cameras": load_pairs(con, settings.arrays_dir, body, views=proto.test_views,
                                       splits=proto.test_splits, max_sequences=cap(args.max_test)),
        "training cameras, test performers": load_pairs(
            con, settings.arrays_dir, body, views=proto.train_views, splits=proto.test_splits,
            max_sequences=cap(args.max_test)),
        "phones (real), PA only": load_pairs(con, settings.arrays_dir, body, source="real",
                                            splits=proto.test_splits,
                                            max_sequences=cap(args.max_test)),
    }
    frames = TrainingFrames(train)
    cfg = Kp2SmplTrainConfig(steps=100_000, seed=args.seed, max_seconds=args.minutes * 60.0)
    bar = None
    try:
        from tqdm import tqdm

        bar = tqdm(total=None, desc="kp2smpl", unit="step", file=sys.stderr, mininterval=5)
    except ImportError:
        pass

    def progress(step: int, total: int, losses: dict[str, float]) -> None:
        if bar is not None:
            bar.total = total
            bar.update(1)
            bar.set_postfix(loss=f"{losses['total']:.3f}", refresh=False)

    res = train_kp2smpl(frames, body, cfg, Kp2SmplConfig(), progress=progress)
    if bar is not None:
        bar.close()
    summaries = {name: summarise(evaluate_pairs(res.model, pairs, body))
                 for name, pairs in tests.items()}
    fps = {str(n): inference_fps(res.model, body, threads=n) for n in (1, 2)}
    training = {"steps": res.steps, "seconds": res.seconds, "frames_seen": res.frames_seen,
                "train_sequences": len(train), "train_frames": frames.num_frames,
                "loss_first": res.mean_loss(0, 20), "loss_last": res.mean_loss(res.steps - 20,
                                                                               res.steps)}
    report = {
        "when": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": {"node": platform.node(), "cpus": os.cpu_count(), "threads": args.threads,
                    "platform": platform.platform(), "torch": torch.__version__},
        "protocol": proto.to_dict(), "train_config": cfg.to_dict(),
        "params": sum(p.numel() for p in res.model.parameters()),
        "training": training, "tests": summaries, "inference_fps": fps,
        "seconds": time.perf_counter() - start,
    }
    ckpt = args.checkpoint or settings.checkpoints_dir / "kp2smpl.pt"
    save_kp2smpl(ckpt, res.model, cfg, data_fingerprint=data_fingerprint(pair_entries(train)),
                 metrics={"tests": summaries, "inference_fps": fps, "training": training},
                 command=["benchmarks/bench_kp2smpl.py", *sys.argv[1:]],
                 extra={"protocol": proto.to_dict(), "steps_run": res.steps})
    report["checkpoint"] = str(ckpt)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(_json_safe(report), indent=2) + "\n")
    md = markdown(report)
    (args.out.parent / "kp2smpl.md").write_text(md + "\n")
    print(md)


if __name__ == "__main__":
    main()
