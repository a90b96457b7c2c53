"""Training the motion VAE on the catalog's real motions.

Each step takes a batch of random windows of one random length (``min_frames`` to
``max_frames``, the same for the whole batch, so nothing is padded) and minimises ACTOR's
losses: the reconstruction of the (standardised) motion features, the SMPL joints' positions
through the shared kinematics (metres), and the KL divergence to the prior. Text conditions
are MiniLM embeddings of one of each activity's phrasings, drawn per sample.
Training randomness is a function of ``seed`` only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from flag3d_core.generation.data import MotionItem
from flag3d_core.generation.model import GeneratorConfig, MotionVAE
from flag3d_core.generation.skeleton import smpl_joints

__all__ = ["GeneratorTrainConfig", "TrainResult", "activity_phrasings", "feature_stats",
           "train_generator"]


@dataclass(frozen=True)
class GeneratorTrainConfig:
    """How a generator is trained (stored in its checkpoint)."""

    epochs: int = 30
    batch_size: int = 32
    lr: float = 1e-3
    min_frames: int = 60
    max_frames: int = 180
    kl_weight: float = 1e-4
    joint_weight: float = 4.0
    windows_per_item: int = 8  # windows drawn from each training motion per epoch
    joint_stride: int = 2  # the joint loss on every other frame (its cost is the FK)
    seed: int = 0
    device: str = "cpu"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> GeneratorTrainConfig:
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


@dataclass
class TrainResult:
    model: MotionVAE
    history: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0


def activity_phrasings(item: MotionItem) -> list[str]:
    """The texts a text-conditioned generator learns for an item's activity: the instruction,
    the activity's name and a short sentence with it."""
    name = item.activity.strip()
    return [item.text, name, f"a person doing {name.lower()}"]


def feature_stats(items: Sequence[MotionItem]) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-feature mean and standard deviation (147,) over every frame of ``items``."""
    allf = np.concatenate([it.motion for it in items]).astype(np.float64)
    return (torch.as_tensor(allf.mean(0), dtype=torch.float32),
            torch.as_tensor(allf.std(0), dtype=torch.float32))


def _windows(items: Sequence[MotionItem], idx: np.ndarray, n_frames: int,
             rng: np.random.Generator) -> np.ndarray:
    """(B, n_frames, 147) random windows (a short motion is looped), the root's ground position
    restarted at 0 in each window."""
    out = np.empty((len(idx), n_frames, items[0].motion.shape[1]), np.float32)
    for b, i in enumerate(idx):
        m = items[i].motion
        start = int(rng.integers(0, max(len(m) - n_frames, 0) + 1))
        w = m[(start + np.arange(n_frames)) % len(m)].copy()
        w[:, 144:146] -= w[0, 144:146]
        out[b] = w
    return out


def train_generator(items: Sequence[MotionItem], cfg: GeneratorConfig,
                    train_cfg: GeneratorTrainConfig, body: Any, *,
                    text_embeddings: dict[str, np.ndarray] | None = None,
                    progress: Callable[[int, int, dict[str, float]], None] | None = None
                    ) -> TrainResult:
    """Train a :class:`MotionVAE` on ``items`` (the training split).

    Args:
        items: real motions; their ``label`` is the action condition.
        cfg: the architecture; ``cfg.condition == "text"`` needs ``text_embeddings``.
        train_cfg: epochs, batch, learning rate, loss weights, seed, device.
        body: the :class:`~flag3d_core.body.forward.BodyModel` for the joint loss.
        text_embeddings: phrase -> (384,) embedding for every phrase of
            :func:`activity_phrasings` (text condition only).
        progress: called after each epoch with (epoch, epochs, mean losses).
    """
    if not items:
        raise ValueError("no training motions")
    if cfg.condition == "text":
        missing = {p for it in items for p in activity_phrasings(it)} - set(text_embeddings or {})
        if missing:
            raise ValueError(f"text embeddings missing for {len(missing)} phrasings, e.g. "
                             f"{sorted(missing)[0]!r}")
    lo, hi = train_cfg.min_frames, train_cfg.max_frames
    if not 16 <= lo <= hi:
        raise ValueError(f"window lengths must satisfy 16 <= min_frames <= max_frames, got "
                         f"{lo}, {hi}")
    dev = torch.device(train_cfg.device)
    torch.manual_seed(train_cfg.seed)
    rng = np.random.default_rng(train_cfg.seed)
    model = MotionVAE(cfg)
    model.set_normalisation(*feature_stats(items))
    if cfg.condition == "text":
        model.set_text_normalisation(torch.as_tensor(np.stack(
            [text_embeddings[p] for p in sorted(text_embeddings)]), dtype=torch.float32))
    model.to(dev).train()
    body_dtype = body.smpl.v_template.dtype
    opt = torch.optim.AdamW(model.parameters(), lr=train_cfg.lr)
    per_epoch = len(items) * max(1, train_cfg.windows_per_item)
    steps_per_epoch = max(1, per_epoch // train_cfg.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=train_cfg.lr, pct_start=0.1,
                                                total_steps=train_cfg.epochs * steps_per_epoch)
    labels = np.array([it.label for it in items])
    betas = np.stack([it.betas for it in items]).astype(np.float32)
    phrasings = [activity_phrasings(it) for it in items]
    t0 = time.perf_counter()
    result = TrainResult(model=model)
    for epoch in range(train_cfg.epochs):
        order = np.concatenate([rng.permutation(len(items))
                                for _ in range(max(1, train_cfg.windows_per_item))])
        sums = {"loss": 0.0, "rec": 0.0, "joints_m": 0.0, "kl": 0.0}
        for s in range(steps_per_epoch):
            idx = order[s * train_cfg.batch_size:(s + 1) * train_cfg.batch_size]
            n_t = cfg.patch * int(rng.integers(-(-lo // cfg.patch), hi // cfg.patch + 1))
            x = torch.from_numpy(_windows(items, idx, n_t, rng)).to(dev)
            mask = torch.ones(x.shape[:2], dtype=torch.bool, device=dev)
            if cfg.condition == "action":
                cond = torch.as_tensor(labels[idx], device=dev)
            else:
                picks = [phrasings[i][int(rng.integers(len(phrasings[i])))] for i in idx]
                cond = torch.as_tensor(np.stack([text_embeddings[p] for p in picks]),
                                       device=dev)
            y, mu, logvar = model(x, mask, cond)
            rec = (((y - x) / model.std) ** 2).mean()
            b = torch.as_tensor(betas[idx], device=dev)
            js = max(1, train_cfg.joint_stride)
            jp = smpl_joints(body, y[:, ::js].to(body_dtype), b.to(body_dtype))
            with torch.no_grad():
                jt = smpl_joints(body, x[:, ::js].to(body_dtype), b.to(body_dtype))
            joints = (jp - jt).norm(dim=-1).mean()
            kl = (-0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(-1)).mean()
            loss = rec + train_cfg.joint_weight * joints + train_cfg.kl_weight * kl
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            for k, v in (("loss", loss), ("rec", rec), ("joints_m", joints), ("kl", kl)):
                sums[k] += float(v.detach())
        means = {k: v / steps_per_epoch for k, v in sums.items()}
        means["epoch"] = epoch + 1
        result.history.append(means)
        if progress is not None:
            progress(epoch + 1, train_cfg.epochs, means)
    model.eval()
    result.seconds = time.perf_counter() - t0
    return result
