"""Motion-generation commands: ``train generator``, ``generate``, ``eval generation``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flag3d_core.catalog import queries
from flag3d_core.checkpoint_io import file_sha256
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
    t.add_argument("--no-eval", action="store_true", help="skip the category protocol")
    t.add_argument("--eval-seeds", type=int, default=3, help="seeds of the category protocol")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=cmd_train_generator)


def register_eval(esub: argparse._SubParsersAction) -> None:
    e = esub.add_parser("generation", help="the recorded protocol figures of a generation run")
    e.add_argument("--run", default="latest", help="run id or 'latest'")
    e.add_argument("--json", action="store_true")
    e.set_defaults(handler=cmd_eval_generation)


def category_evaluator(settings: Settings, body: object, device: str, seeds: int,
                       bars: object) -> object:
    """A function LoadedGenerator -> metrics (the category protocol on the test performers,
    seen by the protocol's recognizer)."""
    from flag3d_core.generation.data import load_motions
    from flag3d_core.generation.evaluate import CategoryConfig, evaluate_category
    from flag3d_core.generation.evaluators import default_eval_recognizer

    def run(gen: object) -> dict:
        con = queries.connect(settings.catalog)
        try:
            try:
                rec = default_eval_recognizer(con, device)
            except FileNotFoundError as exc:
                raise NotInCatalogError(str(exc)) from None
            train = load_motions(con, settings.arrays_dir, split="train", body_model=body)
            test = load_motions(con, settings.arrays_dir, split="test", body_model=body)
        finally:
            con.close()
        condition_of = None
        if gen.model.cfg.condition == "text":
            from flag3d_core.search.encoder import MiniLMEncoder

            enc = MiniLMEncoder.load()
            texts = {lab: a["text"] for lab, a in gen.activities.items()}
            emb = dict(zip(texts, enc.encode(list(texts.values())), strict=True))
            condition_of = emb.__getitem__
        res = evaluate_category(gen.model, rec, body, train, test,
                                CategoryConfig(seeds=tuple(range(seeds))),
                                condition_of=condition_of, max_direct=gen.max_direct,
                                progress=lambda d, n: bars("category protocol", d, n))
        return res.metrics() | {"confusion": res.confusion.tolist(),
                                "recognizer_sha256": file_sha256(rec.extra["path"])}
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
                        evaluate=None if args.no_eval else category_evaluator(
                            settings, body, device, args.eval_seeds, bars),
                        command="flag3d " + " ".join(sys.argv[1:]), progress=bars)
    finally:
        con.close()
        bars.close()
    m = res.metrics
    text = f"{res.run_id}: {res.checkpoint} ({res.seconds:.0f} s)"
    if "generated/accuracy" in m:
        text += (f"\n  generated: accuracy {m['generated/accuracy']:.3f}, FID "
                 f"{m['generated/fid']:.2f}, diversity {m['generated/diversity']:.2f}, "
                 f"multimodality {m['generated/multimodality']:.2f}"
                 f"\n  real:      accuracy {m['real/accuracy']:.3f}, FID {m['real/fid']:.2f}, "
                 f"diversity {m['real/diversity']:.2f}, multimodality "
                 f"{m['real/multimodality']:.2f}")
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
        result = run_request(con, req, checkpoint=args.checkpoint)
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


def cmd_eval_generation(args: argparse.Namespace, settings: Settings) -> int:
    con = queries.connect(settings.catalog)
    try:
        run = queries.model_run(con, args.run, task="generation")
    finally:
        con.close()
    if run is None:
        raise NotInCatalogError(f"no generation run {args.run!r} in the catalog")
    metrics = run["metrics"] if isinstance(run["metrics"], dict) else json.loads(run["metrics"])
    metrics = {k: v for k, v in metrics.items() if k != "confusion"}
    rows = [f"{run['run_id']} ({run['model']}, {run['protocol']})"]
    for row in ("generated", "real"):
        if f"{row}/accuracy" in metrics:
            rows.append(f"  {row:9s} " + ", ".join(
                f"{k} {metrics[f'{row}/{k}']:.3f} ± {metrics[f'{row}/{k}_ci95']:.3f}"
                for k in ("accuracy", "fid", "diversity", "multimodality")))
    if "conventions" in metrics:
        rows.append(f"  {metrics['conventions']}")
    emit(args, {"run_id": run["run_id"], "metrics": metrics}, "\n".join(rows))
    return 0
