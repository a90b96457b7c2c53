"""Generation runs against the catalog: train a generator on the protocol's training split,
evaluate it, record the run (task ``generation``); find the default generators.

The committed generators (``weights/``, made by :func:`train_run` with the command in their
PROVENANCE.md) serve the playground right after set-up; a trained run's checkpoint goes to the
checkpoints folder and becomes the one ``latest`` finds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.analysis.repetitions import count_repetitions
from flag3d_core.atomic import check_writable_dir
from flag3d_core.catalog import queries
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.generation.checkpoint import (
    LoadedGenerator,
    file_hash,
    load_generator,
    save_generator,
)
from flag3d_core.generation.data import PROTOCOL, MotionItem, data_fingerprint, load_motions
from flag3d_core.generation.model import GeneratorConfig
from flag3d_core.generation.motion import ROT_FEATURES
from flag3d_core.generation.train import (
    GeneratorTrainConfig,
    activity_phrasings,
    train_generator,
)

__all__ = ["MODELS", "SHIPPED", "TASK", "TrainRunResult", "activity_table", "default_generator",
           "generator_path", "phrase_embeddings", "train_run"]

TASK = "generation"
MODELS = ("action", "text")
WEIGHTS = Path(__file__).resolve().parent / "weights"
SHIPPED = {m: WEIGHTS / f"vae-{m}-synth.pt" for m in MODELS}

Progress = Callable[[str, int, int], None]


def activity_table(items: list[MotionItem]) -> dict[int, dict[str, str]]:
    """label -> activity id, name, body part, instruction text and its typical cycle in seconds
    (median over the items of the autocorrelation period; '' when none is found)."""
    table: dict[int, dict[str, str]] = {}
    periods: dict[int, list[float]] = {}
    for it in items:
        table.setdefault(it.label, {"activity_id": it.activity_id, "name": it.activity,
                                    "body_part": it.body_part, "text": it.text})
        p = count_repetitions(it.motion[:, :ROT_FEATURES], fps=it.fps).period_frames
        if p:
            periods.setdefault(it.label, []).append(p / it.fps)
    for lab, row in table.items():
        ps = periods.get(lab)
        row["cycle_s"] = f"{float(np.median(ps)):.2f}" if ps else ""
    return dict(sorted(table.items()))


def phrase_embeddings(items: list[MotionItem], encoder: Any) -> dict[str, np.ndarray]:
    """MiniLM embeddings of every phrasing the text model learns."""
    phrases = sorted({p for it in items for p in activity_phrasings(it)})
    return dict(zip(phrases, encoder.encode(phrases), strict=True))


@dataclass
class TrainRunResult:
    run_id: str
    checkpoint: Path
    metrics: dict[str, Any]
    seconds: float


def train_run(con: queries.Con, catalog: Path, arrays_dir: Path, checkpoints_dir: Path,
              body: Any, model: str, train_cfg: GeneratorTrainConfig, *,
              arch: GeneratorConfig | None = None, encoder: Any = None,
              evaluate: Callable[[LoadedGenerator], dict[str, Any]] | None = None,
              out: Path | None = None, command: str = "",
              progress: Progress | None = None) -> TrainRunResult:
    """Train ``model`` ('action' or 'text') on the training performers, write its checkpoint
    (``out`` or the checkpoints folder), evaluate it with ``evaluate`` (metrics stored in the
    run and the checkpoint) and record the run in the catalog."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    target_dir = out.parent if out is not None else checkpoints_dir
    check_writable_dir(target_dir)  # before training, not after
    t0 = time.perf_counter()
    items = load_motions(con, arrays_dir, split="train", body_model=body,
                         progress=(lambda d, n: progress("loading motions", d, n))
                         if progress else None)
    if not items:
        raise ValueError("the catalog has no MoCap sequences with SMPL parameters of the "
                         "training performers")
    n_classes = max(it.label for it in items) + 1
    cfg = arch or GeneratorConfig(condition=model, n_classes=n_classes, fps=items[0].fps,
                                  text_norm=model == "text")
    embeddings = phrase_embeddings(items, encoder) if model == "text" else None
    result = train_generator(
        items, cfg, train_cfg, body, text_embeddings=embeddings,
        progress=(lambda e, n, m: progress("training", e, n)) if progress else None)
    run_id = f"vae-{model}-{datetime.now(UTC):%Y%m%d-%H%M%S-%f}"
    path = out or checkpoints_dir / f"{run_id}.pt"
    activities = activity_table(items)
    train_metrics = {"final_" + k: v for k, v in result.history[-1].items()} | {
        "train_seconds": round(result.seconds, 1), "train_sequences": len(items)}
    fingerprint = data_fingerprint(items)
    save_generator(path, result.model, train_cfg, activities=activities,
                   data_fingerprint=fingerprint, metrics=train_metrics, command=command)
    metrics = dict(train_metrics)
    if evaluate is not None:
        metrics |= evaluate(load_generator(path))
        save_generator(path, result.model, train_cfg, activities=activities,
                       data_fingerprint=fingerprint, metrics=metrics, command=command)
    config = {"model": asdict(cfg), "train": train_cfg.to_dict(), "protocol": PROTOCOL,
              "data_fingerprint": fingerprint, "checkpoint_sha256": file_hash(path),
              "command": command}
    with catalog_transaction(catalog) as wcon:
        queries.insert_model_run(wcon, run_id, TASK, f"vae-{model}", PROTOCOL,
                                 json.loads(json.dumps(config, default=str)),
                                 json.loads(json.dumps(metrics, default=float)), str(path))
    return TrainRunResult(run_id, path, metrics, time.perf_counter() - t0)


def generator_path(con: queries.Con, model: str) -> Path:
    """The checkpoint of the newest recorded run of ``model`` that still exists, else the
    committed one (raises FileNotFoundError when neither exists)."""
    runs = queries.model_runs(con, task=TASK)
    for r in runs.itertuples(index=False):
        if r.model == f"vae-{model}" and r.checkpoint and Path(r.checkpoint).is_file():
            return Path(r.checkpoint)
    if SHIPPED[model].is_file():
        return SHIPPED[model]
    raise FileNotFoundError(f"no {model} generator: train one with `flag3d train generator "
                            f"--model {model}`")


def default_generator(con: queries.Con, model: str, device: str = "cpu") -> LoadedGenerator:
    """The generator of :func:`generator_path`."""
    return load_generator(generator_path(con, model), device)
