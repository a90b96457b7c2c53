"""Recognition runs against the catalog: load a protocol's items, train, evaluate, record.

A run is one trained checkpoint plus its evaluation on the protocol's test split; both the run
(config, metrics, checkpoint path) and its per-sequence predictions go into the catalog through
the atomic writer.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flag3d_core.atomic import check_writable_dir
from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_array
from flag3d_core.catalog.queries import Con
from flag3d_core.catalog.taxonomy import flag3d_activities
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.errors import NotInCatalogError
from flag3d_core.recognition.checkpoint import (
    LoadedModel,
    data_fingerprint,
    load_checkpoint,
    save_checkpoint,
)
from flag3d_core.recognition.data import RecognitionItem
from flag3d_core.recognition.evaluate import EvalResult, evaluate_probs, predict
from flag3d_core.recognition.names import MODEL_NAMES
from flag3d_core.recognition.preprocess import PreprocessConfig, normalize_2d
from flag3d_core.recognition.train import TrainConfig, train_recognizer

log = logging.getLogger(__name__)

PROTOCOLS = ("in-domain", "cross-domain")
MODELS = MODEL_NAMES


@dataclass(frozen=True)
class ProtocolSpec:
    """What a protocol feeds the models."""

    kind: str  # array kind in the catalog
    layout: str
    in_channels: int
    mode: str  # PreprocessConfig.mode


PROTOCOL_SPECS = {
    "in-domain": ProtocolSpec("joints3d_ntu25", "ntu25", 3, "3d"),
    "cross-domain": ProtocolSpec("keypoints2d_coco17", "coco17", 3, "2d"),
}


@dataclass
class ProtocolData:
    protocol: str
    train: list[RecognitionItem]
    test: list[RecognitionItem]
    fingerprint: str


def _item(arrays_dir: Path, row: Any, spec: ProtocolSpec,
          scores_path: str | None) -> RecognitionItem:
    # row: one DataFrame.itertuples() row of queries.split_arrays
    arr = np.asarray(load_array(arrays_dir, row.path), dtype=np.float32)
    if spec.mode == "2d":
        scores = np.asarray(load_array(arrays_dir, scores_path), dtype=np.float32)
        arr = normalize_2d(arr, scores, (int(row.img_height or 480), int(row.img_width or 854)))
    return RecognitionItem(array=arr, label=int(row.label), key=row.sequence_id)


def load_protocol(con: Con, arrays_dir: Path, protocol: str, *, max_train: int | None = None,
                  seed: int = 0) -> ProtocolData:
    """Items of a protocol's train and test splits, converted for the models.

    Args:
        max_train: optionally subsample the training split (seeded), e.g. for a quick run.
    """
    if protocol not in PROTOCOL_SPECS:
        raise ValueError(f"unknown protocol {protocol!r}; choose from {PROTOCOLS}")
    spec = PROTOCOL_SPECS[protocol]
    df = queries.split_arrays(con, protocol, spec.kind)
    if df.empty:
        raise ValueError(f"the catalog has no {spec.kind} sequences with a {protocol} split; "
                         "ingest the 2D keypoint files for cross-domain" if spec.mode == "2d" else
                         f"the catalog has no {spec.kind} sequences with a {protocol} split")
    scores = {}
    if spec.mode == "2d":
        s = queries.split_arrays(con, protocol, "keypoint_scores")
        scores = dict(zip(s.sequence_id, s.path, strict=True))
    train_df, test_df = df[df.split == "train"], df[df.split == "test"]
    if max_train is not None and len(train_df) > max_train:
        train_df = train_df.sample(n=max_train, random_state=seed).sort_values("sequence_id")
    fp = data_fingerprint((r.sequence_id, (int(r.n_frames),), r.checksum)
                          for r in train_df.itertuples())
    return ProtocolData(
        protocol,
        [_item(arrays_dir, r, spec, scores.get(r.sequence_id)) for r in train_df.itertuples()],
        [_item(arrays_dir, r, spec, scores.get(r.sequence_id)) for r in test_df.itertuples()],
        fp,
    )


def default_config(model: str, protocol: str, epochs: int | None = None,
                   **overrides: Any) -> TrainConfig:
    """Training defaults sized for a 2-core CPU on FLAG3D-Synth (see benchmarks/RESULTS.md)."""
    spec = PROTOCOL_SPECS[protocol]
    base = dict(model=model, layout=spec.layout, num_classes=60,
                in_channels=spec.in_channels,
                preprocess=PreprocessConfig(mode=spec.mode, clip_len=48),
                epochs=epochs or 10, batch_size=16, optimizer="sgd", lr=0.05, num_clips_val=1)
    base.update(overrides)
    return TrainConfig(**base)


@dataclass
class RunResult:
    run_id: str
    model: str
    protocol: str
    metrics: dict
    checkpoint: Path
    seconds: float
    history: list[dict] = field(default_factory=list)


def _run_id(model: str, protocol: str) -> str:
    return f"{model}-{protocol}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}"


def label_map() -> dict[int, str]:
    return {a.label: a.name for a in flag3d_activities()}


def body_part_of_class() -> dict[int, str]:
    return {a.label: a.body_part for a in flag3d_activities()}


def predictions_frame(run_id: str, ev: EvalResult, top_k: int = 5) -> pd.DataFrame:
    top = np.argsort(-ev.probs, axis=1)[:, :top_k]
    return pd.DataFrame({
        "run_id": run_id, "sequence_id": ev.keys, "label_true": ev.y_true.astype(int),
        "label_pred": ev.y_pred.astype(int),
        "top5": [json.dumps([[int(c), round(float(p[c]), 5)] for c in t])
                 for t, p in zip(top, ev.probs, strict=True)],
        "probs": [json.dumps(np.round(p, 5).tolist()) for p in ev.probs],
    })


def record_run(catalog: Path, run_id: str, model: str, protocol: str, config: dict, metrics: dict,
               checkpoint: Path, ev: EvalResult) -> None:
    with catalog_transaction(catalog) as con:
        queries.insert_model_run(con, run_id, "recognition", model, protocol, config, metrics,
                                 str(checkpoint))
        queries.insert_predictions(con, predictions_frame(run_id, ev))


def train_run(con: Con, catalog: Path, arrays_dir: Path, checkpoints_dir: Path, model: str,
              protocol: str,
              *, epochs: int | None = None, device: str = "cpu", num_clips: int = 5,
              max_train: int | None = None,
              progress: Callable[[int, int, int, float], None] | None = None,
              **overrides: Any) -> RunResult:
    """Train ``model`` on ``protocol``'s train split, evaluate on its test split, record both."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose from {MODELS}")
    t0 = time.perf_counter()
    check_writable_dir(checkpoints_dir)  # before training, not after: the checkpoint goes there
    data = load_protocol(con, arrays_dir, protocol, max_train=max_train)
    cfg = default_config(model, protocol, epochs, **overrides)
    result = train_recognizer(cfg, data.train, data.test, device=device, progress=progress)
    probs = predict(result.model, data.test, num_clips, preprocess=cfg.preprocess, device=device)
    ev = evaluate_probs(probs, data.test, body_part_of_class())
    metrics = {**ev.metrics(), "num_clips": num_clips, "train_seconds": round(result.seconds, 1),
               "num_train": len(data.train), "num_parameters": result.num_parameters,
               "device": result.device}
    run_id = _run_id(model, protocol)
    ckpt = save_checkpoint(checkpoints_dir / f"{run_id}.pt", result.model, cfg,
                           label_map=label_map(), data_fingerprint=data.fingerprint,
                           metrics=metrics,
                           extra={"protocol": protocol, "run_id": run_id})
    history = [vars(h) for h in result.history]
    record_run(catalog, run_id, model, protocol, {**cfg.to_dict(), "history": history}, metrics,
               ckpt, ev)
    return RunResult(run_id, model, protocol, metrics, ckpt, time.perf_counter() - t0, history)


def run_confusion(con: Con, run_id: str, num_classes: int = 60) -> np.ndarray:
    """(K, K) confusion matrix of a recorded run: rows = ground truth, columns = prediction."""
    from flag3d_core.metrics.classification import confusion_matrix

    p = queries.predictions(con, run_id)
    return confusion_matrix(p.label_true.to_numpy(), p.label_pred.to_numpy(), num_classes)


def run_probs(con: Con, run_id: str) -> tuple[pd.DataFrame, np.ndarray]:
    """A recorded run's predictions and its (N, K) probabilities."""
    p = queries.predictions(con, run_id)
    if not len(p):
        return p, np.zeros((0, 60), dtype=np.float32)
    probs = np.array([json.loads(x) for x in p.probs], dtype=np.float32)
    return p, probs


def load_run_model(con: Con, run_id: str, device: str = "cpu") -> tuple[dict, LoadedModel]:
    """The checkpoint of a recorded run (``latest`` allowed)."""
    run = queries.model_run(con, run_id, task="recognition")
    if run is None:
        raise NotInCatalogError(f"no model run {run_id!r} in the catalog")
    return run, load_checkpoint(run["checkpoint"], device=device)
