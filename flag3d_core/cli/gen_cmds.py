"""Motion-generation commands: ``train generator``, ``generate``, ``eval generation``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flag3d_core.catalog import queries
from flag3d_core.cli.devices import device_arg
from flag3d_core.cli.output import emit
from flag3d_core.errors import NotInCatalogError
from flag3d_core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("generate", help="generate motions from a text prompt or an activity")
    what = g.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="a free-text prompt (the text-conditioned generator)")
    what.add_argument("--activity", help="an activity id like A030 (the action generator)")
    g.add_argument("--seconds", type=float, default=None,
                   help="length (default: three of the activity's typical cycles, at least 6 s)")
    g.add_argument("--samples", type=int, default=3)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--out", type=Path, required=True, help="folder for the SMPL .npz and BVH")
    g.add_argument("--checkpoint", type=Path, default=None,
                   help="generator checkpoint (default: the newest run's, else the committed)")
    g.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    g.add_argument("--no-record", action="store_true",
                   help="do not add the motions to the catalog's generated_motions table")
    g.add_argument("--json", action="store_true")
    g.set_defaults(handler=cmd_generate)


def register_train(tsub: argparse._SubParsersAction) -> None:
    t = tsub.add_parser("generator", help="action- or text-conditioned motion VAE, trained on "
                        "performers P001-P005 and evaluated against P006-P010")
    t.add_argument("--model", choices=["action", "text"], default="action")
    t.add_argument("--epochs", type=int, default=None)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    t.add_argument("--out", type=Path, default=None, help="checkpoint path (default: the "
                   "checkpoints folder)")
    t.add_argument("--no-eval", action="store_true",
                   help="skip the category and language protocols")
    t.add_argument("--eval-seeds", type=int, default=3, help="seeds of both protocols")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=cmd_train_generator)


def register_eval(esub: argparse._SubParsersAction) -> None:
    e = esub.add_parser("generation", help="the recorded protocol figures of a generation run, "
                        "or both protocols run now on a checkpoint")
    e.add_argument("--run", default="latest", help="run id or 'latest'")
    e.add_argument("--checkpoint", type=Path, default=None,
                   help="evaluate this generator checkpoint now (both protocols)")
    e.add_argument("--seeds", type=int, default=3, help="seeds of both protocols")
    e.add_argument("--write", action="store_true",
                   help="with --checkpoint: store the figures in the checkpoint")
    e.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    e.add_argument("--json", action="store_true")
    e.set_defaults(handler=cmd_eval_generation)


def protocol_evaluator(settings: Settings, body: object, device: str, seeds: int,
                       bars: object) -> object:
    """A function LoadedGenerator -> metrics: the category and language protocols on the test
    performers (``flag3d_core.generation.protocols``)."""
    from flag3d_core.generation.protocols import evaluate_generator
    from flag3d_core.search.encoder import MiniLMEncoder

    def run(gen: object) -> dict:
        con = queries.connect(settings.catalog)
        try:
            return evaluate_generator(gen, con, settings.arrays_dir, body, MiniLMEncoder.load(),
                                      device=device, seeds=seeds, progress=bars)
        except FileNotFoundError as exc:
            raise NotInCatalogError(str(exc)) from None
        finally:
            con.close()
    return run


def cmd_train_generator(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from flag3d_core.body import load_body_model
    from flag3d_core.cli.progress import StageBars
    from flag3d_core.generation.runs import train_run
    from flag3d_core.generation.train import GeneratorTrainConfig

    device = device_arg(settings, args.device)
    cfg = replace(GeneratorTrainConfig(), seed=args.seed, device=device)
    if args.epochs is not None:
        cfg = replace(cfg, epochs=args.epochs)
    bars = StageBars(disable=args.json)
    encoder = None
    if args.model == "text":
        from flag3d_core.search.encoder import MiniLMEncoder

        encoder = MiniLMEncoder.load()
    body = load_body_model(settings.body_models)
    con = queries.connect(settings.catalog)
    try:
        res = train_run(con, settings.catalog, settings.arrays_dir, settings.checkpoints_dir,
                        body, args.model, cfg, encoder=encoder, out=args.out,
                        evaluate=None if args.no_eval else protocol_evaluator(
                            settings, body, device, args.eval_seeds, bars),
                        command="flag3d " + " ".join(sys.argv[1:]), progress=bars)
    finally:
        con.close()
        bars.close()
    m = res.metrics
    text = "\n".join([f"{res.run_id}: {res.checkpoint} ({res.seconds:.0f} s)",
                      *metric_lines({k: v for k, v in m.items() if k != "confusion"})])
    emit(args, {"run_id": res.run_id, "checkpoint": str(res.checkpoint), "metrics": m}, text)
    return 0


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.body import load_body_model
    from flag3d_core.generation.playground import GenerationRequest, run_request, write_outputs

    model = "text" if args.text is not None else "action"
    req = GenerationRequest(model=model, prompt=args.text, activity_id=args.activity,
                            seconds=args.seconds, samples=args.samples, seed=args.seed)
    body = load_body_model(settings.body_models)
    con = queries.connect(settings.catalog)
    try:
        result = run_request(con, req, checkpoint=args.checkpoint,
                             device=device_arg(settings, args.device))
    finally:
        con.close()
    files = write_outputs(result, body, args.out)
    if not args.no_record:
        from flag3d_core.generation.playground import record_result

        record_result(settings.catalog, settings.arrays_dir, result)
    lines = [f"{len(result.samples)} motion(s) of {result.seconds:.1f} s "
             f"({result.generator.name}, {result.condition_text}):"]
    lines += [f"  {f}" for f in files]
    emit(args, {"gen_ids": [s.gen_id for s in result.samples], "files": [str(f) for f in files],
                "seconds": result.seconds}, "\n".join(lines))
    return 0


METRIC_ROWS = (("", ("accuracy", "fid", "diversity", "multimodality")),
               ("text/", ("r_precision_per_class_top3", "r_precision_random_top3", "fid",
                          "mm_dist", "diversity", "multimodality")))
APE_KEYS = ("ape_root_m", "ape_joints_m", "ave_root_m2", "ave_joints_m2")


def metric_lines(metrics: dict) -> list[str]:
    """The category and language protocols' rows of a metrics dict, with their conventions."""
    rows = []
    for prefix, keys in METRIC_ROWS:
        for row in ("generated", "real"):
            have = [k for k in keys if f"{prefix}{row}/{k}" in metrics]
            if have:
                rows.append(f"  {prefix or 'category/'}{row:9s} " + ", ".join(
                    f"{k} {metrics[f'{prefix}{row}/{k}']:.3f} ± "
                    f"{metrics[f'{prefix}{row}/{k}_ci95']:.3f}" for k in have))
    ape = [k for k in APE_KEYS if f"text/generated/{k}" in metrics]
    if ape:
        rows.append("  TEMOS      " + ", ".join(
            f"{k} {metrics[f'text/generated/{k}']:.3f}" for k in ape))
    for key in ("conventions", "text/conventions"):
        if key in metrics:
            rows.append(f"  {metrics[key]}")
    return rows


def cmd_eval_generation(args: argparse.Namespace, settings: Settings) -> int:
    if args.checkpoint is not None:
        return _eval_checkpoint(args, settings)
    con = queries.connect(settings.catalog)
    try:
        run = queries.model_run(con, args.run, task="generation")
    finally:
        con.close()
    if run is None:
        raise NotInCatalogError(f"no generation run {args.run!r} in the catalog")
    metrics = run["metrics"] if isinstance(run["metrics"], dict) else json.loads(run["metrics"])
    metrics = {k: v for k, v in metrics.items() if k != "confusion"}
    rows = [f"{run['run_id']} ({run['model']}, {run['protocol']})", *metric_lines(metrics)]
    emit(args, {"run_id": run["run_id"], "metrics": metrics}, "\n".join(rows))
    return 0


def _eval_checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.body import load_body_model
    from flag3d_core.cli.progress import StageBars
    from flag3d_core.generation.checkpoint import file_hash, load_generator, save_generator

    device = device_arg(settings, args.device)
    gen = load_generator(args.checkpoint, device)
    body = load_body_model(settings.body_models)
    bars = StageBars(disable=args.json)
    try:
        metrics = protocol_evaluator(settings, body, device, args.seeds, bars)(gen)
    finally:
        bars.close()
    if args.write:
        save_generator(args.checkpoint, gen.model, gen.train_config, activities=gen.activities,
                       data_fingerprint=gen.data_fingerprint, metrics=gen.metrics | metrics,
                       command=gen.command)
    shown = {k: v for k, v in metrics.items() if k != "confusion"}
    rows = [f"{args.checkpoint} ({gen.name}, sha256 {file_hash(args.checkpoint)[:12]})",
            *metric_lines(shown)]
    emit(args, {"checkpoint": str(args.checkpoint), "metrics": shown}, "\n".join(rows))
    return 0
