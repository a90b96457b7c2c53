"""The generation evaluators as runs: train the category protocol's recognizer and the
text-motion evaluator on the training performers, record them (task
``generation-evaluator``), and find the ones to use (the newest recorded run whose checkpoint
exists, else the committed weights made by the same code, see ``weights/PROVENANCE.md``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flag3d_core.atomic import check_writable_dir
from flag3d_core.catalog import queries
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.checkpoint_io import file_sha256
from flag3d_core.generation.data import PROTOCOL, data_fingerprint, load_motions
from flag3d_core.generation.eval_recognizer import (
    EvalRecognizerConfig,
    load_eval_recognizer,
    save_eval_recognizer,
    train_eval_recognizer,
)
from flag3d_core.generation.text_motion import (
    TextMotionEvaluator,
    TextMotionTrainConfig,
    load_text_motion,
    save_text_motion,
)
from flag3d_core.recognition.checkpoint import LoadedModel

__all__ = ["EVALUATOR_TASK", "SHIPPED_EVALUATORS", "EvaluatorRun", "default_eval_recognizer",
           "default_text_motion", "evaluator_path", "train_eval_recognizer_run",
           "train_text_motion_run"]

EVALUATOR_TASK = "generation-evaluator"
WEIGHTS = Path(__file__).resolve().parent / "weights"
SHIPPED_EVALUATORS = {"stgcn-windows": WEIGHTS / "stgcn-windows-5s-synth.pt",
                      "text-motion": WEIGHTS / "text-motion-synth.pt"}

Progress = Callable[[str, int, int], None]


@dataclass
class EvaluatorRun:
    run_id: str
    checkpoint: Path
    metrics: dict[str, Any]
    seconds: float


def evaluator_path(con: queries.Con, model: str) -> Path | None:
    """The checkpoint of evaluator ``model`` ('stgcn-windows' or 'text-motion') to use: the
    newest recorded run's that exists, else the committed one, else None."""
    for r in queries.model_runs(con, task=EVALUATOR_TASK).itertuples(index=False):
        if r.model == model and r.checkpoint and Path(r.checkpoint).is_file():
            return Path(r.checkpoint)
    shipped = SHIPPED_EVALUATORS[model]
    return shipped if shipped.is_file() else None


def default_eval_recognizer(con: queries.Con, device: str = "cpu", *,
                            path: Path | None = None) -> LoadedModel:
    """The category protocol's recognizer (raises FileNotFoundError when there is none)."""
    path = path or evaluator_path(con, "stgcn-windows")
    if path is None:
        raise FileNotFoundError("no category-protocol recognizer: train one with `flag3d "
                                "train gen-recognizer`")
    rec = load_eval_recognizer(path, device)
    rec.extra["path"] = str(path)
    return rec


def default_text_motion(con: queries.Con, device: str = "cpu", *, body: Any = None,
                        path: Path | None = None) -> TextMotionEvaluator:
    """The text-motion evaluator (raises FileNotFoundError when there is none)."""
    path = path or evaluator_path(con, "text-motion")
    if path is None:
        raise FileNotFoundError("no text-motion evaluator: train one with `flag3d train "
                                "text-motion`")
    ev = load_text_motion(path, device, body=body)
    ev.metrics["path"] = str(path)
    ev.metrics["sha256"] = file_sha256(path)
    return ev


def _record(catalog: Path, model: str, path: Path, config: dict, metrics: dict) -> str:
    run_id = f"{model}-{datetime.now(UTC):%Y%m%d-%H%M%S-%f}"
    with catalog_transaction(catalog) as wcon:
        queries.insert_model_run(wcon, run_id, EVALUATOR_TASK, model, PROTOCOL,
                                 json.loads(json.dumps(config, default=str)),
                                 json.loads(json.dumps(metrics, default=float)), str(path))
    return run_id


def train_eval_recognizer_run(con: queries.Con, catalog: Path, arrays_dir: Path,
                              checkpoints_dir: Path, body: Any,
                              cfg: EvalRecognizerConfig | None = None, *,
                              device: str = "cpu", out: Path | None = None, command: str = "",
                              progress: Progress | None = None) -> EvaluatorRun:
    """Train the protocol's recognizer on P001-P005, score it on one window of each test
    sequence, write and record it."""
    cfg = cfg or EvalRecognizerConfig()
    target = out or checkpoints_dir / "stgcn-windows-latest.pt"
    check_writable_dir(target.parent)
    t0 = time.perf_counter()
    train = load_motions(con, arrays_dir, split="train", body_model=body)
    test = load_motions(con, arrays_dir, split="test", body_model=body)
    if not train or not test:
        raise ValueError("the catalog has no MoCap sequences with SMPL of both splits")
    res = train_eval_recognizer(train, body, cfg, device=device, val_items=test,
                                n_classes=max(it.label for it in train + test) + 1,
                                progress=progress)
    labels = {it.label: it.activity_id for it in train}
    metrics = {"test_window_top1": res.final_val_top1,
               "history": [asdict(h) for h in res.history],
               "train_seconds": round(res.seconds, 1), "train_sequences": len(train)}
    path = save_eval_recognizer(target, res, cfg, train, labels, metrics, command)
    config = {"eval_recognizer": asdict(cfg), "train": res.config.to_dict(),
              "data_fingerprint": data_fingerprint(train), "checkpoint_sha256":
              file_sha256(path), "command": command}
    run_id = _record(catalog, "stgcn-windows", path, config, metrics)
    return EvaluatorRun(run_id, path, metrics, time.perf_counter() - t0)


def train_text_motion_run(con: queries.Con, catalog: Path, arrays_dir: Path,
                          checkpoints_dir: Path, body: Any, encoder: Any,
                          train_cfg: TextMotionTrainConfig | None = None, *,
                          out: Path | None = None, command: str = "",
                          progress: Progress | None = None) -> EvaluatorRun:
    """Train the text-motion evaluator on P001-P005, measure its retrieval on P006-P010,
    write and record it."""
    train_cfg = train_cfg or TextMotionTrainConfig()
    from flag3d_core.generation.text_motion_train import evaluate_retrieval, train_text_motion

    target = out or checkpoints_dir / "text-motion-latest.pt"
    check_writable_dir(target.parent)
    t0 = time.perf_counter()
    train = load_motions(con, arrays_dir, split="train", body_model=body)
    test = load_motions(con, arrays_dir, split="test", body_model=body)
    ev = train_text_motion(train, body, encoder, train_cfg=train_cfg,
                           progress=(lambda d, n, _loss: progress("training", d, n))
                           if progress else None)
    ev.body = body
    metrics = {f"test/{k}": v for k, v in evaluate_retrieval(ev, test, encoder, body).items()}
    path = save_text_motion(target, ev, metrics=metrics | {"command": command})
    config = {"train": asdict(train_cfg), "data_fingerprint": ev.data_fingerprint,
              "checkpoint_sha256": file_sha256(path), "command": command}
    metrics |= {k: v for k, v in ev.metrics.items() if isinstance(v, int | float)}
    run_id = _record(catalog, "text-motion", path, config, metrics)
    return EvaluatorRun(run_id, path, metrics, time.perf_counter() - t0)
