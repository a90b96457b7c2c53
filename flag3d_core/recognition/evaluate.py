"""Prediction and evaluation loops over in-memory items; the metric maths lives in
:mod:`flag3d_core.metrics.classification`."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader

from flag3d_core.layouts import get_layout
from flag3d_core.metrics import classification as cls_metrics
from flag3d_core.recognition.data import RecognitionDataset, RecognitionItem
from flag3d_core.recognition.preprocess import PreprocessConfig


def autocast_context(device: str, amp: str) -> contextlib.AbstractContextManager:
    """torch.autocast on CUDA with ``amp`` in {"bf16", "fp16"}; a no-op on CPU or "off"."""
    if not str(device).startswith("cuda") or amp == "off":
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if amp == "bf16" else torch.float16
    return torch.autocast("cuda", dtype=dtype)


def stream_probs(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Softmax scores averaged over the model's streams. (N, C, T, V, M) -> (N, K) float32."""
    streams = model.stream_logits(x) if hasattr(model, "stream_logits") else [model(x)]
    return torch.stack([s.float().softmax(dim=-1) for s in streams]).mean(dim=0)


@torch.no_grad()
def predict(model: nn.Module, items: Sequence[RecognitionItem], num_clips: int = 1, *,
            preprocess: PreprocessConfig | None = None, batch_size: int = 32,
            device: str = "cpu", amp: str = "off") -> np.ndarray:
    """Class probabilities (N, K): softmax per stream and clip, averaged over both.

    The layout comes from ``model.cfg.layout``; ``preprocess`` must match training
    (a checkpoint stores it: use ``LoadedModel.predict``).
    """
    cfg = preprocess or PreprocessConfig()
    layout = get_layout(model.cfg.layout)
    data = RecognitionDataset(items, layout, cfg, train=False, num_clips=num_clips)
    was_training = model.training
    model.eval()
    out = []
    try:
        for clips, _ in DataLoader(data, batch_size=batch_size, shuffle=False):
            n, k = clips.shape[:2]  # clips: (N, clips, C, T, V, M)
            x = clips.flatten(0, 1).to(device)
            with autocast_context(device, amp):
                p = stream_probs(model, x)
            out.append(p.view(n, k, -1).mean(dim=1).cpu())
    finally:
        model.train(was_training)
    if not out:
        return np.zeros((0, model.cfg.num_classes), dtype=np.float32)
    return torch.cat(out).numpy()


@dataclass
class EvalResult:
    """Scores of one evaluation. ``confusion`` has rows = ground truth, columns = prediction."""

    top1: float
    top5: float
    mean_class_accuracy: float
    confusion: np.ndarray  # (K, K) int64
    probs: np.ndarray  # (N, K)
    y_true: np.ndarray  # (N,)
    y_pred: np.ndarray  # (N,)
    keys: list[str]
    per_group: dict[str, float] = field(default_factory=dict)

    def metrics(self) -> dict[str, float | dict[str, float]]:
        """Plain JSON-able summary (what checkpoints and the catalog store)."""
        out: dict[str, float | dict[str, float]] = {
            "top1": self.top1, "top5": self.top5,
            "mean_class_accuracy": self.mean_class_accuracy, "num_samples": len(self.keys),
        }
        if self.per_group:
            out["per_group"] = dict(self.per_group)
        return out


def evaluate_probs(probs: np.ndarray, items: Sequence[RecognitionItem],
                   group_of_class: Sequence[str] | Mapping[int, str] | None = None) -> EvalResult:
    """Metrics of given probabilities (N, K) against the items' labels."""
    y_true = np.array([it.label for it in items], dtype=np.int64)
    num_classes = probs.shape[1]
    y_pred = probs.argmax(axis=1) if len(probs) else np.zeros(0, dtype=np.int64)
    return EvalResult(
        top1=cls_metrics.top_k_accuracy(probs, y_true, 1),
        top5=cls_metrics.top_k_accuracy(probs, y_true, min(5, num_classes)),
        mean_class_accuracy=cls_metrics.mean_class_accuracy(y_true, y_pred, num_classes),
        confusion=cls_metrics.confusion_matrix(y_true, y_pred, num_classes),
        probs=probs, y_true=y_true, y_pred=y_pred, keys=[it.key for it in items],
        per_group=(cls_metrics.per_group_accuracy(y_true, y_pred, group_of_class)
                   if group_of_class is not None else {}),
    )


def evaluate(model: nn.Module, items: Sequence[RecognitionItem], num_clips: int = 1, *,
             preprocess: PreprocessConfig | None = None, batch_size: int = 32,
             device: str = "cpu", amp: str = "off",
             group_of_class: Sequence[str] | Mapping[int, str] | None = None) -> EvalResult:
    """:func:`predict` then the metrics (top-1/5, mean class accuracy, confusion, per group)."""
    probs = predict(model, items, num_clips, preprocess=preprocess, batch_size=batch_size,
                    device=device, amp=amp)
    return evaluate_probs(probs, items, group_of_class)
