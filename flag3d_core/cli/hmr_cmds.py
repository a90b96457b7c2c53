"""Mesh-recovery commands: ``fit smpl``, ``eval hmr`` (registered by model_cmds with the other
``eval`` commands) and the set-up run."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flag3d_core.catalog import queries
from flag3d_core.cli.devices import device_arg
from flag3d_core.cli.output import emit
from flag3d_core.errors import NotInCatalogError
from flag3d_core.settings import Settings

# Set-up fits the first SETUP_MAX_FRAMES frames of one test sequence per activity (bounded:
# about 2-3 minutes on 2 cores; `flag3d fit smpl --per-activity 0` fits the whole split).
SETUP_PER_ACTIVITY = 1
SETUP_MAX_FRAMES = 90
SETUP_KEY_ITERS = 60  # fewer key-frame steps than the default 100 (recorded in the run config)
# ... and runs the committed kp2smpl checkpoint on the held-out camera (see its PROVENANCE.md).
SHIPPED_KP2SMPL = Path(__file__).resolve().parents[1] / "mesh_recovery" / "kp2smpl" / \
    "weights" / "kp2smpl-synth.pt"
HELD_OUT_CAMERA = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fit", help="fit a body model to catalog sequences")
    fsub = p.add_subparsers(dest="what", required=True)
    f = fsub.add_parser("smpl", help="SMPL fitted to 3D keypoints (fit3d), scored against the "
                        "SMPL ground truth and recorded as a mesh_recovery run")
    f.add_argument("--from", dest="source", default="joints3d",
                   choices=["joints3d", "keypoints2d"],
                   help="3D skeletons (fit3d), or the 2D keypoints of a studio camera (fit2d, "
                   "started from kp2smpl)")
    f.add_argument("--camera", type=int, default=HELD_OUT_CAMERA,
                   help="studio camera of the 2D keypoints (--from keypoints2d)")
    f.add_argument("--init", type=Path, default=None,
                   help="kp2smpl checkpoint fit2d starts from (default: the committed one)")
    f.add_argument("--sequence", action="append", default=[],
                   help="sequence id or release name (repeatable); default: the split")
    f.add_argument("--protocol", default="in-domain")
    f.add_argument("--split", default="test", choices=["train", "test"])
    f.add_argument("--per-activity", type=int, default=0,
                   help="fit the first N sequences of each activity (0: all)")
    f.add_argument("--max-frames", type=int, default=None, help="fit the first N frames")
    f.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    f.add_argument("--json", action="store_true")
    f.set_defaults(handler=cmd_fit_smpl)


def register_train(tsub: argparse._SubParsersAction) -> None:
    t = tsub.add_parser("hmr", help="kp2smpl: 2D keypoints -> SMPL, trained on studio cameras "
                        "C001/C006, scored on held-out camera C002 (test performers)")
    t.add_argument("--minutes", type=float, default=4.0, help="training wall time")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--per-activity", type=int, default=1,
                   help="held-out sequences scored per activity (0: all)")
    t.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=cmd_train_hmr)


def register_eval(esub: argparse._SubParsersAction) -> None:
    e = esub.add_parser("hmr", help="MPJPE / PA-MPJPE / PVE / acceleration error of a "
                        "mesh-recovery run, per body part and activity")
    e.add_argument("--run", default="latest", help="run id or 'latest'")
    e.add_argument("--json", action="store_true")
    e.set_defaults(handler=cmd_eval_hmr)


def fit_smpl(settings: Settings, sequence_ids: list[str], *, max_frames: int | None,
             protocol: str, device: str, key_iters: int | None = None) -> object:
    from dataclasses import replace

    from tqdm import tqdm

    from flag3d_core.body import load_body_model
    from flag3d_core.mesh_recovery.fit3d import Fit3dConfig
    from flag3d_core.mesh_recovery.runs import fit3d_run

    body = load_body_model(settings.body_models, device=device)
    cfg = replace(Fit3dConfig(), device=device)
    if key_iters is not None:
        cfg = replace(cfg, key_iters=key_iters)
    bar = tqdm(total=len(sequence_ids), desc="fit3d", unit="seq", mininterval=0.5)
    try:
        return fit3d_run(settings.catalog, settings.arrays_dir, body, sequence_ids, config=cfg,
                         max_frames=max_frames, protocol=protocol,
                         progress=lambda d, t: bar.update(d - bar.n))
    finally:
        bar.close()


def _sequences(settings: Settings, args: argparse.Namespace) -> list[str]:
    con = queries.connect(settings.catalog)
    try:
        if args.sequence:
            return [queries.resolve_sequence_id(con, s) for s in args.sequence]
        return queries.fit_candidates(con, args.protocol, args.split,
                                      per_activity=args.per_activity or None)
    finally:
        con.close()


def cmd_fit_smpl(args: argparse.Namespace, settings: Settings) -> int:
    if args.source == "keypoints2d":
        return _fit_2d(args, settings)
    ids = _sequences(settings, args)
    protocol = "selected" if args.sequence else f"{args.protocol}/{args.split}"
    res = fit_smpl(settings, ids, max_frames=args.max_frames, protocol=protocol,
                   device=device_arg(settings, args.device))
    m = res.metrics
    emit(args, {"run_id": res.run_id, "seconds": round(res.seconds, 1), "metrics": m},
         f"run {res.run_id}: MPJPE {m['mpjpe']:.1f} mm, PA-MPJPE {m['pa_mpjpe']:.1f} mm, PVE "
         f"{m.get('pve', float('nan')):.1f} mm, accel {m['accel']:.2f} mm/frame^2 over "
         f"{m['num_sequences']} sequences / {m['num_frames']} frames ({res.seconds:.0f} s; "
         "SMPL-24 joints, pelvis-aligned)")
    return 0


def kp2smpl_eval(settings: Settings, checkpoint: Path, per_activity: int | None,
                 device: str, *, ids: list[str] | None = None, refine: object = None,
                 protocol: str | None = None, max_frames: int | None = None) -> object:
    """Score a kp2smpl checkpoint (refined by fit2d when ``refine`` is given) on held-out camera
    C002 (or ``ids``) and record the run."""
    from tqdm import tqdm

    from flag3d_core.body import load_body_model
    from flag3d_core.mesh_recovery.runs import kp2smpl_run

    if ids is None:
        con = queries.connect(settings.catalog)
        try:
            ids = queries.view_candidates(con, HELD_OUT_CAMERA, per_activity=per_activity)
        finally:
            con.close()
    body = load_body_model(settings.body_models, device="cpu")
    bar = tqdm(total=len(ids), desc="kp2smpl" if refine is None else "fit2d", unit="seq",
               mininterval=0.5)
    try:
        return kp2smpl_run(settings.catalog, settings.arrays_dir, body, checkpoint, ids,
                           protocol=protocol or f"held-out camera C{HELD_OUT_CAMERA:03d}, "
                           "test performers", refine=refine, max_frames=max_frames,
                           progress=lambda d, t: bar.update(d - bar.n))
    finally:
        bar.close()


def cmd_train_hmr(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.body import load_body_model
    from flag3d_core.mesh_recovery.kp2smpl import (
        CrossViewProtocol,
        Kp2SmplConfig,
        Kp2SmplTrainConfig,
        load_pairs,
        save_kp2smpl,
        train_kp2smpl,
    )
    from flag3d_core.mesh_recovery.kp2smpl.batches import TrainingFrames
    from flag3d_core.mesh_recovery.kp2smpl.data import pair_entries
    from flag3d_core.recognition.checkpoint import data_fingerprint

    device = device_arg(settings, args.device)
    proto = CrossViewProtocol()
    body = load_body_model(settings.body_models, device=device)
    con = queries.connect(settings.catalog)
    try:
        train = load_pairs(con, settings.arrays_dir, body, views=proto.train_views,
                           splits=proto.train_splits)
    finally:
        con.close()
    cfg = Kp2SmplTrainConfig(steps=100_000, seed=args.seed, max_seconds=args.minutes * 60.0)
    res = train_kp2smpl(TrainingFrames(train), body, cfg, Kp2SmplConfig(), device=device)
    ckpt = settings.checkpoints_dir / f"kp2smpl-seed{args.seed}.pt"
    save_kp2smpl(ckpt, res.model, cfg, data_fingerprint=data_fingerprint(pair_entries(train)),
                 metrics={"training": {"steps": res.steps, "seconds": res.seconds}},
                 command=" ".join(["flag3d", *sys.argv[1:]]),
                 extra={"protocol": proto.to_dict()})
    run = kp2smpl_eval(settings, ckpt, args.per_activity or None, device)
    m = run.metrics
    emit(args, {"run_id": run.run_id, "checkpoint": str(ckpt), "metrics": m},
         f"run {run.run_id}: held-out camera MPJPE {m['mpjpe']:.1f} mm, PA-MPJPE "
         f"{m['pa_mpjpe']:.1f} mm over {m['num_sequences']} sequences -> {ckpt}")
    return 0


def _fit_2d(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.mesh_recovery.fit2d import Fit2dConfig

    con = queries.connect(settings.catalog)
    try:
        ids = ([queries.resolve_sequence_id(con, s) for s in args.sequence] if args.sequence
               else queries.view_candidates(con, args.camera, args.split,
                                            per_activity=args.per_activity or None))
    finally:
        con.close()
    protocol = ("selected" if args.sequence
                else f"camera C{args.camera:03d}, {args.split} performers")
    res = kp2smpl_eval(settings, args.init or SHIPPED_KP2SMPL, None, "cpu", ids=ids,
                       refine=Fit2dConfig(device=device_arg(settings, args.device)),
                       protocol=protocol, max_frames=args.max_frames)
    m = res.metrics
    emit(args, {"run_id": res.run_id, "seconds": round(res.seconds, 1), "metrics": m},
         f"run {res.run_id}: MPJPE {m['mpjpe']:.1f} mm, PA-MPJPE {m['pa_mpjpe']:.1f} mm over "
         f"{m['num_sequences']} sequences ({res.seconds:.0f} s; fit2d from kp2smpl, SMPL-24 "
         "joints, pelvis-aligned)")
    return 0


def cmd_eval_hmr(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.mesh_recovery.runs import run_summary

    con = queries.connect(settings.catalog)
    try:
        s = run_summary(con, args.run)
    finally:
        con.close()
    m = s["metrics"]
    lines = [f"run {s['run_id']} ({s['model']}, {s['protocol']}): {m['num_sequences']} sequences, "
             f"{m['num_frames']} frames",
             f"MPJPE {m['mpjpe']:.1f}  PA-MPJPE {m['pa_mpjpe']:.1f}  PVE "
             f"{m.get('pve', float('nan')):.1f} mm  accel {m['accel']:.2f} mm/frame^2  "
             f"(SMPL-24, pelvis-aligned; 14 joints: MPJPE {m.get('mpjpe_lsp14', float('nan')):.1f}"
             f", PA-MPJPE {m.get('pa_mpjpe_lsp14', float('nan')):.1f})",
             "per body part (MPJPE / PA-MPJPE mm): " + ", ".join(
                 f"{k} {v['mpjpe']:.1f}/{v['pa_mpjpe']:.1f}"
                 for k, v in s["per_body_part"].items())]
    emit(args, s, "\n".join(lines))
    return 0


def ensure_default_mesh_run(settings: Settings) -> str:
    """Fit the set-up subset when the catalog has no mesh-recovery run.
    ``FLAG3D_SETUP_HMR=0`` skips it."""
    if os.environ.get("FLAG3D_SETUP_HMR", "1") == "0":
        return "skipped (FLAG3D_SETUP_HMR=0)"
    con = queries.connect(settings.catalog)
    try:
        if not queries.model_runs(con, "mesh_recovery").empty:
            return "present"
        ids = queries.fit_candidates(con, per_activity=SETUP_PER_ACTIVITY)
    finally:
        con.close()
    if not ids:
        raise NotInCatalogError("set-up found no test sequence with SMPL parameters to fit")
    res = fit_smpl(settings, ids, max_frames=SETUP_MAX_FRAMES, protocol="in-domain/test",
                   device=settings.torch_device(), key_iters=SETUP_KEY_ITERS)
    learned = kp2smpl_eval(settings, SHIPPED_KP2SMPL, SETUP_PER_ACTIVITY, "cpu")
    return (f"fitted {res.run_id}: MPJPE {res.metrics['mpjpe']:.1f} mm on {res.n_sequences} "
            f"sequences in {res.seconds:.0f} s; {learned.run_id}: MPJPE "
            f"{learned.metrics['mpjpe']:.1f} mm, PA-MPJPE {learned.metrics['pa_mpjpe']:.1f} mm "
            f"on the held-out camera in {learned.seconds:.0f} s")
