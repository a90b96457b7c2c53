"""Training loop for the skeleton recognisers over in-memory items.

SGD (Nesterov) or AdamW with linear warm-up then cosine decay per step; mixed precision
(``torch.autocast`` bf16/fp16, GradScaler for fp16) on CUDA only; validation after every epoch;
seeded so a CPU run is reproducible. Multi-stream models (2s-AGCN) get the sum of one
cross-entropy per stream, which trains each stream exactly as if it were trained alone.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader

from flag3d_core.layouts import get_layout
from flag3d_core.metrics.classification import top_k_accuracy
from flag3d_core.recognition.blocks import GraphModelConfig
from flag3d_core.recognition.data import RecognitionDataset, RecognitionItem
from flag3d_core.recognition.evaluate import autocast_context, predict
from flag3d_core.recognition.preprocess import PreprocessConfig
from flag3d_core.recognition.registry import build_model, make_config

log = logging.getLogger(__name__)

Progress = Callable[[int, int, int, float], None]
"""progress(epoch, step, total_steps, loss): epoch 0-based, step 1-based over the whole run."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything a training run depends on (stored in checkpoints).

    ``model_options`` are extra fields of the model's config (``base_channels``,
    ``num_stages``, ``streams`` ...); ``layout``/``num_classes``/``in_channels`` are given here.
    """

    model: str = "stgcn"
    layout: str = "ntu25"
    num_classes: int = 60
    in_channels: int = 3
    model_options: dict[str, Any] = field(default_factory=dict)
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    epochs: int = 10
    batch_size: int = 16
    optimizer: str = "sgd"  # "sgd" (Nesterov, momentum 0.9) | "adamw"
    lr: float = 0.05
    weight_decay: float = 5e-4
    warmup_epochs: float = 1.0
    label_smoothing: float = 0.0
    amp: str = "bf16"  # CUDA only: "bf16" | "fp16" | "off"
    num_clips_val: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if self.optimizer not in ("sgd", "adamw"):
            raise ValueError(
                f"TrainConfig.optimizer must be 'sgd' or 'adamw', got {self.optimizer!r}")
        if self.amp not in ("bf16", "fp16", "off"):
            raise ValueError(f"TrainConfig.amp must be 'bf16', 'fp16' or 'off', got {self.amp!r}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError("TrainConfig.epochs and batch_size must be >= 1")

    def model_config(self) -> GraphModelConfig:
        """The model's frozen config dataclass."""
        return make_config(self.model, layout=self.layout, num_classes=self.num_classes,
                           in_channels=self.in_channels, **self.model_options)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        d = dict(d)
        d["preprocess"] = PreprocessConfig(**d.get("preprocess", {}))
        d["model_options"] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in d.get("model_options", {}).items()}
        return cls(**d)


@dataclass
class EpochStats:
    epoch: int
    loss: float
    train_top1: float
    val_top1: float  # NaN without validation items
    lr: float
    seconds: float


@dataclass
class TrainResult:
    model: nn.Module
    config: TrainConfig
    history: list[EpochStats]
    seconds: float
    device: str
    num_parameters: int

    @property
    def final_val_top1(self) -> float:
        return self.history[-1].val_top1 if self.history else float("nan")


def lr_at(step: int, total: int, warmup: int, base_lr: float) -> float:
    """Linear warm-up over ``warmup`` steps, then cosine decay to 0 at ``total``."""
    if step < warmup:
        return base_lr * (step + 1) / warmup
    progress = (step - warmup) / max(total - warmup, 1)
    return 0.5 * base_lr * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def make_optimizer(cfg: TrainConfig, model: nn.Module) -> torch.optim.Optimizer:
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9, nesterov=True,
                           weight_decay=cfg.weight_decay)


def _check_labels(items: Sequence[RecognitionItem], num_classes: int, what: str) -> None:
    bad = [it.key for it in items if not 0 <= it.label < num_classes]
    if bad:
        raise ValueError(f"{what}: {len(bad)} item(s) with labels outside 0..{num_classes - 1}, "
                         f"e.g. {bad[0]!r}")


def train_recognizer(cfg: TrainConfig, train_items: Sequence[RecognitionItem],
                     val_items: Sequence[RecognitionItem] = (), *, device: str = "cpu",
                     progress: Progress | None = None) -> TrainResult:
    """Train ``cfg.model`` on ``train_items``; validate on ``val_items`` after every epoch.

    Returns the model of the LAST epoch (no selection on the validation set).
    """
    if not train_items:
        raise ValueError("train_recognizer: no training items")
    _check_labels(train_items, cfg.num_classes, "train_items")
    _check_labels(val_items, cfg.num_classes, "val_items")
    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed)
    layout = get_layout(cfg.layout)
    data = RecognitionDataset(train_items, layout, cfg.preprocess, train=True, seed=cfg.seed)
    shuffle = torch.Generator().manual_seed(cfg.seed)
    loader = DataLoader(data, batch_size=cfg.batch_size, shuffle=True, generator=shuffle,
                        drop_last=len(data) > cfg.batch_size)
    model = build_model(cfg.model, cfg.model_config()).to(device)
    opt = make_optimizer(cfg, model)
    use_cuda = str(device).startswith("cuda")
    scaler = torch.amp.GradScaler("cuda", enabled=use_cuda and cfg.amp == "fp16")
    total = cfg.epochs * len(loader)
    warmup = int(cfg.warmup_epochs * len(loader))
    history: list[EpochStats] = []
    step = 0
    start = time.perf_counter()
    for epoch in range(cfg.epochs):
        t0 = time.perf_counter()
        data.set_epoch(epoch)
        model.train()
        losses, hits, seen = [], 0, 0
        for x, y in loader:
            lr = lr_at(step, total, warmup, cfg.lr)
            for group in opt.param_groups:
                group["lr"] = lr
            x, y = x.to(device), y.to(device)
            with autocast_context(device, cfg.amp):
                streams = model.stream_logits(x)
                loss = sum(F.cross_entropy(s.float(), y, label_smoothing=cfg.label_smoothing)
                           for s in streams)
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            step += 1
            losses.append(float(loss.detach()))
            hits += int((torch.stack(streams).sum(0).argmax(1) == y).sum())
            seen += len(y)
            if progress is not None:
                progress(epoch, step, total, losses[-1])
        val_top1 = float("nan")
        if val_items:
            probs = predict(model, val_items, cfg.num_clips_val, preprocess=cfg.preprocess,
                            device=device, amp=cfg.amp)
            val_top1 = top_k_accuracy(probs, np.array([it.label for it in val_items]), 1)
        stats = EpochStats(epoch, float(np.mean(losses)), hits / max(seen, 1), val_top1,
                           lr, time.perf_counter() - t0)
        history.append(stats)
        log.info("epoch %d loss %.4f train top1 %.3f val top1 %.3f (%.1f s)", epoch,
                 stats.loss, stats.train_top1, stats.val_top1, stats.seconds)
    model.eval()
    return TrainResult(model=model, config=cfg, history=history,
                       seconds=time.perf_counter() - start, device=str(device),
                       num_parameters=sum(p.numel() for p in model.parameters()))
