"""Model commands: ``train recognition``, ``eval recognition``, ``runs list``."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING

import numpy as np

from flag3d_core.catalog import queries
from flag3d_core.cli.devices import device_arg
from flag3d_core.cli.output import emit
from flag3d_core.errors import NotInCatalogError
from flag3d_core.recognition.names import MODEL_NAMES, STGCN
from flag3d_core.settings import Settings

if TYPE_CHECKING:
    from flag3d_core.recognition.runs import RunResult

# Set-up trains this model when the catalog has no recognition run (bounded: see README).
DEFAULT_SETUP_RUN = {"model": STGCN, "protocol": "in-domain"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model on the catalog")
    tsub = p.add_subparsers(dest="task", required=True)
    r = tsub.add_parser("recognition", help="skeleton action recognition")
    r.add_argument("--model", default=STGCN, choices=MODEL_NAMES)
    r.add_argument("--protocol", default="in-domain", choices=["in-domain", "cross-domain"])
    r.add_argument("--epochs", type=int, default=None)
    r.add_argument("--device", default=None, choices=["auto", "cpu", "cuda"])
    r.add_argument("--num-clips", type=int, default=5, help="clips averaged per test sequence")
    r.add_argument("--max-train", type=int, default=None, help="subsample the training split")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_train_recognition)
    from flag3d_core.cli import gen_cmds, gen_eval_cmds, hmr_cmds

    hmr_cmds.register_train(tsub)
    gen_cmds.register_train(tsub)
    gen_eval_cmds.register_train(tsub)

    p = sub.add_parser("eval", help="evaluation of a recorded run")
    esub = p.add_subparsers(dest="task", required=True)
    e = esub.add_parser("recognition",
                        help="top-1/top-5/mean class accuracy, confusion, per body part")
    e.add_argument("--run", default="latest", help="run id or 'latest'")
    e.add_argument("--json", action="store_true")
    e.set_defaults(handler=cmd_eval_recognition)
    hmr_cmds.register_eval(esub)
    gen_cmds.register_eval(esub)

    p = sub.add_parser("runs", help="model runs recorded in the catalog")
    rsub = p.add_subparsers(dest="runs_command", required=True)
    ls = rsub.add_parser("list", help="list runs")
    ls.add_argument("--task", help="recognition, mesh_recovery, generation")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_runs_list)


def train(settings: Settings, model: str, protocol: str, epochs: int | None, device: str,
          num_clips: int = 5, max_train: int | None = None) -> RunResult:
    from tqdm import tqdm

    from flag3d_core.recognition.runs import train_run

    con = queries.connect(settings.catalog)
    bar = tqdm(desc=f"train {model} ({protocol})", unit="step", mininterval=1.0)

    def progress(epoch: int, step: int, total: int, loss: float) -> None:
        bar.total = total
        bar.set_postfix(epoch=epoch + 1, loss=f"{loss:.3f}")
        bar.update(step - bar.n)

    try:
        return train_run(con, settings.catalog, settings.arrays_dir, settings.checkpoints_dir,
                         model, protocol, epochs=epochs, device=device, num_clips=num_clips,
                         max_train=max_train, progress=progress)
    finally:
        bar.close()
        con.close()


def cmd_train_recognition(args: argparse.Namespace, settings: Settings) -> int:
    res = train(settings, args.model, args.protocol, args.epochs, device_arg(settings, args.device),
                args.num_clips, args.max_train)
    m = res.metrics
    emit(args, {"run_id": res.run_id, "checkpoint": str(res.checkpoint),
                "seconds": round(res.seconds, 1), "metrics": m, "history": res.history},
         f"run {res.run_id}: top-1 {m['top1']:.3f}, top-5 {m['top5']:.3f}, mean class "
         f"{m['mean_class_accuracy']:.3f} on {m['num_samples']} test sequences "
         f"({res.seconds:.0f} s) -> {res.checkpoint}")
    return 0


def cmd_eval_recognition(args: argparse.Namespace, settings: Settings) -> int:
    from flag3d_core.metrics.classification import most_confused_pairs
    from flag3d_core.recognition.runs import label_map, run_confusion, run_probs

    con = queries.connect(settings.catalog)
    try:
        run = queries.model_run(con, args.run, task="recognition")
        if run is None:
            raise NotInCatalogError(f"no model run {args.run!r} in the catalog (train one with "
                                    "`flag3d train recognition`)")
        cm = run_confusion(con, run["run_id"])
        preds, probs = run_probs(con, run["run_id"])
    finally:
        con.close()
    metrics = json.loads(run["metrics"])
    names = label_map()
    pairs = [{"true": names[int(t)], "pred": names[int(p)], "count": int(n)}
             for t, p, n in most_confused_pairs(cm, 10)]
    per_seq = [{"sequence_id": r.sequence_id, "label_true": int(r.label_true),
                "label_pred": int(r.label_pred), "top5": json.loads(r.top5), "probs": pr.tolist()}
               for r, pr in zip(preds.itertuples(), np.round(probs, 5), strict=True)]
    payload = {"run_id": run["run_id"], "model": run["model"], "protocol": run["protocol"],
               **metrics, "confusion": cm.tolist(), "most_confused": pairs,
               "per_sequence": per_seq}
    bp = metrics.get("per_group", {})
    text = (f"run {run['run_id']} ({run['model']}, {run['protocol']})\n"
            f"top-1 {metrics['top1']:.3f}  top-5 {metrics['top5']:.3f}  mean class "
            f"{metrics['mean_class_accuracy']:.3f}  ({metrics['num_samples']} sequences)\n"
            "per body part: " + ", ".join(f"{k} {v:.2f}" for k, v in bp.items()) + "\n"
            "most confused: "
            + "; ".join(f"{p['true']} -> {p['pred']} ({p['count']})" for p in pairs[:5]))
    emit(args, payload, text)
    return 0


def cmd_runs_list(args: argparse.Namespace, settings: Settings) -> int:
    con = queries.connect(settings.catalog)
    try:
        df = queries.model_runs(con, args.task)
    finally:
        con.close()
    records = []
    for r in df.to_dict(orient="records"):
        r["metrics"] = json.loads(r["metrics"]) if r.get("metrics") else {}
        cfg = json.loads(r["config"]) if r.get("config") else {}
        r["config"] = {k: v for k, v in cfg.items() if k != "history"}
        records.append(r)
    def headline(m: dict) -> str:
        if "top1" in m:
            return f"top1={m['top1']:.3f}"
        if "mpjpe" in m:
            return f"MPJPE={m['mpjpe']:.1f} mm PA-MPJPE={m.get('pa_mpjpe', float('nan')):.1f} mm"
        return ""

    text = "\n".join(f"{r['run_id']}  {r['task']}  {r['model']}  {r['protocol']}  "
                     f"{headline(r['metrics'])}" for r in records) or "(no runs)"
    emit(args, {"runs": records}, text)
    return 0


def ensure_default_models(settings: Settings) -> str:
    """Train the default recognizer at set-up when the catalog has no recognition run.

    ``FLAG3D_SETUP_EPOCHS`` bounds the training (default: the model's default epochs).
    """
    con = queries.connect(settings.catalog)
    try:
        have = not queries.model_runs(con, "recognition").empty
    finally:
        con.close()
    if have:
        return "present"
    setup_epochs = os.environ.get("FLAG3D_SETUP_EPOCHS")
    epochs = int(setup_epochs) if setup_epochs else None
    res = train(settings, DEFAULT_SETUP_RUN["model"], DEFAULT_SETUP_RUN["protocol"], epochs,
                settings.torch_device())
    return f"trained {res.run_id}: top-1 {res.metrics['top1']:.3f} in {res.seconds:.0f} s"
