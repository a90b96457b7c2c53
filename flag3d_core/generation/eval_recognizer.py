"""The category protocol's recognizer: the project's ST-GCN trained on windows of the
protocol's length.

ACTOR scores generated clips with a recognizer trained on clips of the same length. The
Recognition page's ST-GCN instead samples 48 frames spread over a whole 7-16 s sequence, so a
5 s window looks three times faster to it and real test windows reach only about 64 %. This
recognizer trains on windows of ``window_s`` (every ``stride_s``) of the training performers'
motions, turned into NTU-25 joints exactly as generated motions are (the body's joints and
landmark vertices, :func:`~flag3d_core.generation.skeleton.ntu25_joints_batch`), with the
recognition code's own trainer and preprocessing. Its checkpoint is a recognizer checkpoint
whose ``extra`` says what it is for and which window it expects.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.generation.data import PROTOCOL, MotionItem, data_fingerprint
from flag3d_core.generation.skeleton import ntu25_joints
from flag3d_core.recognition.checkpoint import LoadedModel, load_checkpoint, save_checkpoint
from flag3d_core.recognition.data import RecognitionItem
from flag3d_core.recognition.preprocess import PreprocessConfig
from flag3d_core.recognition.train import TrainConfig, TrainResult, train_recognizer

__all__ = ["ROLE", "EvalRecognizerConfig", "load_eval_recognizer", "motion_joints",
           "save_eval_recognizer", "train_eval_recognizer", "window_items"]

ROLE = "generation-category-protocol"


@dataclass(frozen=True)
class EvalRecognizerConfig:
    """How the protocol's recognizer is trained (stored in its checkpoint's ``extra``)."""

    window_s: float = 5.0
    stride_s: float = 2.5
    epochs: int = 8
    clip_len: int = 48
    batch_size: int = 16
    lr: float = 0.05
    seed: int = 0


def motion_joints(body: Any, items: Sequence[MotionItem],
                  progress: Callable[[int, int], None] | None = None) -> list[np.ndarray]:
    """NTU-25 joints (T, 25, 3) of each whole motion."""
    out = []
    for i, it in enumerate(items):
        out.append(ntu25_joints(body, it.motion, it.betas, it.fps))
        if progress is not None:
            progress(i + 1, len(items))
    return out


def window_items(joints: Sequence[np.ndarray], items: Sequence[MotionItem], n_frames: int,
                 stride: int) -> list[RecognitionItem]:
    """Windows (n_frames, 25, 3) every ``stride`` frames of each motion (a motion shorter than
    a window is looped once), labelled with its activity."""
    out = []
    for j, it in zip(joints, items, strict=True):
        n_t = len(j)
        for start in range(0, max(n_t - n_frames, 0) + 1, max(1, stride)):
            out.append(RecognitionItem(j[(start + np.arange(n_frames)) % n_t], it.label,
                                       f"{it.key}@{start}"))
    return out


def train_eval_recognizer(items: Sequence[MotionItem], body: Any,
                          cfg: EvalRecognizerConfig = EvalRecognizerConfig(), *,
                          n_classes: int = 60, device: str = "cpu",
                          val_items: Sequence[MotionItem] = (),
                          progress: Callable[[str, int, int], None] | None = None
                          ) -> TrainResult:
    """Train the protocol's ST-GCN on windows of ``items`` (the training performers);
    ``val_items`` (one window each at the start) are scored after every epoch."""
    if not items:
        raise ValueError("no training motions for the protocol's recognizer")
    fps = float(items[0].fps)
    n_frames = int(round(cfg.window_s * fps))
    stride = int(round(cfg.stride_s * fps))
    tick = (lambda what: (lambda d, n: progress(what, d, n))) if progress else (
        lambda what: None)
    train = window_items(motion_joints(body, items, tick("NTU-25 joints")), items, n_frames,
                         stride)
    val = window_items(motion_joints(body, val_items), val_items, n_frames,
                       10 ** 9) if val_items else []
    tc = TrainConfig(model="stgcn", layout="ntu25", num_classes=n_classes, in_channels=3,
                     preprocess=PreprocessConfig(mode="3d", clip_len=cfg.clip_len),
                     epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer="sgd", lr=cfg.lr,
                     seed=cfg.seed)
    steps = tick("training")
    return train_recognizer(tc, train, val, device=device,
                            progress=(lambda e, s, n, loss: steps(s, n)) if progress else None)


def save_eval_recognizer(path: str | os.PathLike, result: TrainResult,
                         cfg: EvalRecognizerConfig, items: Sequence[MotionItem],
                         label_map: dict[int, str], metrics: dict[str, Any] | None = None,
                         command: str = "") -> Path:
    """A recognizer checkpoint whose ``extra`` names its role, window and training data."""
    return save_checkpoint(path, result.model, result.config, label_map=label_map,
                           data_fingerprint=data_fingerprint(list(items)),
                           metrics=metrics or {},
                           extra={"role": ROLE, "protocol": PROTOCOL, "config": asdict(cfg),
                                  "window_frames": int(round(cfg.window_s * items[0].fps)),
                                  "command": command})


def load_eval_recognizer(path: str | os.PathLike, device: str = "cpu") -> LoadedModel:
    """Load the protocol's recognizer (raises ValueError for another kind of recognizer)."""
    rec = load_checkpoint(path, device)
    if rec.extra.get("role") != ROLE:
        raise ValueError(f"{path}: not a category-protocol recognizer (its role is "
                         f"{rec.extra.get('role')!r}); train one with `flag3d train "
                         "gen-recognizer`")
    return rec
