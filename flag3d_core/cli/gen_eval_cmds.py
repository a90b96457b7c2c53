"""Training the generation evaluators: ``train gen-recognizer`` (the category protocol's
ST-GCN on 5 s windows) and ``train text-motion`` (the language protocol's evaluator)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from flag3d_core.catalog import queries
from flag3d_core.cli.devices import device_arg
from flag3d_core.cli.output import emit
from flag3d_core.settings import Settings


def register_train(tsub: argparse._SubParsersAction) -> None:
    r = tsub.add_parser("gen-recognizer", help="the category protocol's ST-GCN, trained on "
                        "5 s windows of performers P001-P005")
    r.add_argument("--epochs", type=int, default=None)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    r.add_argument("--out", type=Path, default=None, help="checkpoint path")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_train_gen_recognizer)
    t = tsub.add_parser("text-motion", help="the language protocol's contrastive text-motion "
                        "evaluator, trained on performers P001-P005")
    t.add_argument("--steps", type=int, default=None)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    t.add_argument("--out", type=Path, default=None, help="checkpoint path")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=cmd_train_text_motion)


def cmd_train_gen_recognizer(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.body import load_body_model
    from flag3d_core.cli.progress import StageBars
    from flag3d_core.generation.eval_recognizer import EvalRecognizerConfig
    from flag3d_core.generation.evaluators import train_eval_recognizer_run

    cfg = replace(EvalRecognizerConfig(), seed=args.seed)
    if args.epochs is not None:
        cfg = replace(cfg, epochs=args.epochs)
    bars = StageBars(disable=args.json)
    body = load_body_model(settings.body_models)
    con = queries.connect(settings.catalog)
    try:
        res = train_eval_recognizer_run(
            con, settings.catalog, settings.arrays_dir, settings.checkpoints_dir, body, cfg,
            device=device_arg(settings, args.device), out=args.out,
            command="flag3d " + " ".join(sys.argv[1:]), progress=bars)
    finally:
        con.close()
        bars.close()
    text = (f"{res.run_id}: {res.checkpoint} ({res.seconds:.0f} s); top-1 on one 5 s window "
            f"of each test sequence {res.metrics['test_window_top1']:.3f}")
    emit(args, {"run_id": res.run_id, "checkpoint": str(res.checkpoint),
                "metrics": res.metrics}, text)
    return 0


def cmd_train_text_motion(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.body import load_body_model
    from flag3d_core.cli.progress import StageBars
    from flag3d_core.generation.evaluators import train_text_motion_run
    from flag3d_core.generation.text_motion import TextMotionTrainConfig
    from flag3d_core.search.encoder import MiniLMEncoder

    cfg = replace(TextMotionTrainConfig(), seed=args.seed,
                  device=device_arg(settings, args.device))
    if args.steps is not None:
        cfg = replace(cfg, steps=args.steps)
    bars = StageBars(disable=args.json)
    body = load_body_model(settings.body_models)
    con = queries.connect(settings.catalog)
    try:
        res = train_text_motion_run(con, settings.catalog, settings.arrays_dir,
                                    settings.checkpoints_dir, body, MiniLMEncoder.load(), cfg,
                                    out=args.out, command="flag3d " + " ".join(sys.argv[1:]),
                                    progress=bars)
    finally:
        con.close()
        bars.close()
    m = res.metrics
    text = (f"{res.run_id}: {res.checkpoint} ({res.seconds:.0f} s); test R-precision top-1/2/3 "
            "one clip per activity " + "/".join(
                f"{m[f'test/r_precision_per_class_top{k}']:.2f}" for k in (1, 2, 3))
            + ", random batches " + "/".join(
                f"{m[f'test/r_precision_random_top{k}']:.2f}" for k in (1, 2, 3)))
    emit(args, {"run_id": res.run_id, "checkpoint": str(res.checkpoint), "metrics": m}, text)
    return 0


def ensure_motion_index(settings: Settings) -> str:
    """Set-up's generation step: the playground's index of the real motions in the text-motion
    evaluator's embedding (built once per catalog and evaluator, kept in the cache folder);
    the generators and evaluators themselves are the committed weights."""
    import time

    from flag3d_core.body import load_body_model
    from flag3d_core.cli.progress import StageBars
    from flag3d_core.generation.evaluators import default_text_motion
    from flag3d_core.generation.judge import load_or_build_index

    t0 = time.perf_counter()
    body = load_body_model(settings.body_models)
    con = queries.connect(settings.catalog)
    bars = StageBars()
    try:
        try:
            ev = default_text_motion(con, body=body)
        except FileNotFoundError as exc:
            return f"no motion index ({exc})"
        index = load_or_build_index(con, settings.arrays_dir, settings.cache_dir, ev, body,
                                    progress=lambda d, n: bars("motion index", d, n))
    finally:
        bars.close()
        con.close()
    return f"motion index of {len(index.keys)} real motions ({time.perf_counter() - t0:.1f} s)"
