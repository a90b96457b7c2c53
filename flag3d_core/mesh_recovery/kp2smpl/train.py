"""Training of kp2smpl: losses and the loop (Adam, warm-up then cosine, seeded, bounded by steps
and optionally by wall time).

Losses per batch of windows (ground truth in the camera frame, :class:`.batches.Batch`):

* ``rot``: squared Frobenius distance of the 24 joint rotations (root included);
* ``joints``: mean distance (m) of the pelvis-relative SMPL joints, predicted pose and betas
  against the ground truth, through the body's kinematics (:mod:`flag3d_core.body.joints`);
* ``root``: L1 of the root code ``(d_u, d_v, log_size)`` (:mod:`.frames`);
* ``betas``: mean squared error of the shape;
* ``reproj``: score-weighted Huber distance, in box units, between the input keypoints and the
  predicted body's COCO-17 body keypoints (the 12 that are SMPL joints or sums of them,
  :data:`flag3d_core.layouts.correspondences.COCO17_FROM_SMPL`) projected with the intrinsics.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from flag3d_core.body.joints import posed_joints
from flag3d_core.geometry.rotations import axis_angle_to_matrix
from flag3d_core.layouts.correspondences import COCO17_FROM_SMPL
from flag3d_core.mesh_recovery.kp2smpl.batches import Batch, TrainingFrames
from flag3d_core.mesh_recovery.kp2smpl.frames import decode_root, encode_root, project_torch
from flag3d_core.mesh_recovery.kp2smpl.model import Kp2Smpl, Kp2SmplConfig, Kp2SmplOutput

__all__ = ["LOSS_NAMES", "Kp2SmplTrainConfig", "Progress", "TrainResult", "kp2smpl_losses",
           "train_kp2smpl"]

log = logging.getLogger(__name__)

LOSS_NAMES = ("rot", "joints", "root", "betas", "reproj")
# COCO-17 keypoints made of SMPL joints only (shoulders ... ankles, hips as joint sums).
_BODY_KP = np.flatnonzero(COCO17_FROM_SMPL.valid & ~COCO17_FROM_SMPL.landmark_weights.any(1))

Progress = Callable[[int, int, dict[str, float]], None]
"""progress(step, total_steps, losses): step 1-based; losses include ``total``."""


@dataclass(frozen=True)
class Kp2SmplTrainConfig:
    """Everything a training run depends on (stored in checkpoints).

    ``loss_weights`` in :data:`LOSS_NAMES` order. ``max_seconds``: stop by wall time too (the
    step count, which the learning-rate schedule follows, is then re-planned every
    ``calibration_steps`` steps from the measured speed; the steps actually run are recorded
    in the result, and such a run is reproducible only up to that count).
    """

    steps: int = 4000
    batch_size: int = 24
    window: int = 64
    lr: float = 1e-3
    min_lr_fraction: float = 0.05
    warmup_steps: int = 100
    weight_decay: float = 0.0
    mirror_p: float = 0.5
    loss_weights: tuple[float, ...] = (1.0, 5.0, 1.0, 0.1, 1.0)
    reproj_delta: float = 0.05
    seed: int = 0
    max_seconds: float | None = None
    calibration_steps: int = 10

    def __post_init__(self) -> None:
        if len(self.loss_weights) != len(LOSS_NAMES):
            raise ValueError(f"loss_weights needs {len(LOSS_NAMES)} values {LOSS_NAMES}")
        if self.steps < 1 or self.batch_size < 1 or self.window < 1:
            raise ValueError("steps, batch_size and window must be >= 1")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Kp2SmplTrainConfig:
        d = dict(d)
        d["loss_weights"] = tuple(float(w) for w in d.get("loss_weights", cls.loss_weights))
        return cls(**d)


@dataclass
class TrainResult:
    model: Kp2Smpl
    config: Kp2SmplTrainConfig
    model_config: Kp2SmplConfig
    steps: int
    seconds: float
    frames_seen: int
    history: list[dict[str, float]] = field(default_factory=list)  # per step

    def mean_loss(self, first: int, last: int) -> float:
        """Mean total loss over steps [first, last)."""
        return float(np.mean([h["total"] for h in self.history[first:last]]))


def kp2smpl_losses(out: Kp2SmplOutput, batch: Batch, body: Any,
                   cfg: Kp2SmplTrainConfig) -> dict[str, torch.Tensor]:
    """The loss terms (scalars) and their weighted ``total``; see the module docstring."""
    K = batch.K[:, None]  # (B, 1, 3, 3) over frames
    rot_pred = out.rotmats()  # (B, W, 24, 3, 3)
    rot_gt = axis_angle_to_matrix(batch.pose)
    terms = {"rot": ((rot_pred - rot_gt) ** 2).sum((-1, -2)).mean()}
    joints = posed_joints(body, rot_pred, out.betas)  # (B, W, 24, 3), root at the rest pelvis
    with torch.no_grad():
        joints_gt = posed_joints(body, rot_gt, batch.betas)
    rel = joints - joints[..., :1, :]
    terms["joints"] = (rel - (joints_gt - joints_gt[..., :1, :])).norm(dim=-1).mean()
    root_gt = encode_root(batch.pelvis, batch.centre, batch.scale, K)
    terms["root"] = (out.root - root_gt).abs().mean()
    terms["betas"] = ((out.betas - batch.betas) ** 2).mean()
    pelvis = decode_root(out.root, batch.centre, batch.scale, K)  # (B, W, 3)
    weights = torch.as_tensor(COCO17_FROM_SMPL.joint_weights[_BODY_KP], dtype=rel.dtype)
    kp3d = weights @ (rel + pelvis[..., None, :])  # (B, W, 12, 3)
    uv = project_torch(kp3d, K)
    xy = (uv - batch.centre[..., None, :]) / (0.5 * batch.scale[..., None, None])
    obs = batch.keypoints[..., _BODY_KP, :]
    w = obs[..., 2:]
    huber = F.huber_loss(xy, obs[..., :2], reduction="none", delta=cfg.reproj_delta)
    terms["reproj"] = (w * huber).sum() / (2.0 * w.sum()).clamp(min=1e-6)
    terms["total"] = sum(wt * terms[n] for wt, n in zip(cfg.loss_weights, LOSS_NAMES,
                                                        strict=True))
    return terms


def _lr(step: int, total: int, cfg: Kp2SmplTrainConfig) -> float:
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min((step - cfg.warmup_steps) / max(total - cfg.warmup_steps, 1), 1.0)
    floor = cfg.min_lr_fraction
    return cfg.lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def train_kp2smpl(frames: TrainingFrames, body: Any, cfg: Kp2SmplTrainConfig | None = None,
                  model_cfg: Kp2SmplConfig | None = None, *, device: str = "cpu",
                  progress: Progress | None = None) -> TrainResult:
    """Train a :class:`Kp2Smpl` on ``frames`` with ``body`` (a
    :class:`~flag3d_core.body.forward.BodyModel` on ``device``) in the losses; ``cfg`` and
    ``model_cfg`` default to :class:`Kp2SmplTrainConfig` and :class:`Kp2SmplConfig`.

    Returns the model of the last step, in eval mode.
    """
    cfg = Kp2SmplTrainConfig() if cfg is None else cfg
    model_cfg = Kp2SmplConfig() if model_cfg is None else model_cfg
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    model = Kp2Smpl(model_cfg).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    total = cfg.steps
    history: list[dict[str, float]] = []
    start = time.perf_counter()
    step = 0
    model.train()
    while step < total:
        if cfg.max_seconds is not None:
            elapsed = time.perf_counter() - start
            if elapsed >= cfg.max_seconds:
                break
            if step >= cfg.calibration_steps and step % cfg.calibration_steps == 0:
                rate = elapsed / step  # re-planned as the measured speed settles
                total = min(cfg.steps, step + int((cfg.max_seconds - elapsed) / rate))
        for group in opt.param_groups:
            group["lr"] = _lr(step, total, cfg)
        b = frames.sample(rng, cfg.batch_size, cfg.window, cfg.mirror_p)
        b = Batch(*(x.to(device) for x in (b.features, b.keypoints, b.centre, b.scale, b.K,
                                           b.pose, b.pelvis, b.betas)))
        out = model(b.features)
        terms = kp2smpl_losses(out, b, body, cfg)
        opt.zero_grad(set_to_none=True)
        terms["total"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        history.append({k: float(v.detach()) for k, v in terms.items()})
        if progress is not None:
            progress(step, total, history[-1])
    model.eval()
    seconds = time.perf_counter() - start
    log.info("kp2smpl: %d steps in %.1f s, loss %.4f", step, seconds,
             history[-1]["total"] if history else float("nan"))
    return TrainResult(model=model, config=cfg, model_config=model_cfg, steps=step,
                       seconds=seconds, frames_seen=step * cfg.batch_size * cfg.window,
                       history=history)
