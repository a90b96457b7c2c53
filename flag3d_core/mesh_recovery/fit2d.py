"""``fit2d``: SMPL fitted to a 2D keypoint sequence seen by a known camera (SMPLify-style),
started from the learned ``kp2smpl`` prediction.

The unknowns, solver and priors are fit3d's (every joint's local rotation stepped on the rotation
manifold, the translation; batched Levenberg-Marquardt, :mod:`.lm`), in the camera's frame:

* data: the COCO-17 keypoints of the body (:mod:`flag3d_core.layouts.correspondences`) projected
  through the intrinsics, against the detections, weighted by the detector's score, in units of
  ``pixel_scale`` pixels;
* priors that need no licensed files: each joint's rotation pulled towards the start (the learned
  prediction: one view leaves depth and twist ambiguous, and the start resolves them the way the
  network learned from FLAG3D-Synth), soft joint-angle limits, and the same temporal smoothness
  of the 3D keypoints as fit3d; the betas stay the prediction's.

The result is moved to the world with the camera's calibration, like kp2smpl's.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch

from flag3d_core.geometry.rotations import skew, skew_part
from flag3d_core.layouts.correspondences import COCO17_FROM_SMPL
from flag3d_core.mesh_recovery.fit3d import (
    CM,
    N_POSE,
    N_ROT,
    _Body,
    _Limits,
    _neighbours,
    _retract,
    _to_state,
    _to_x,
)
from flag3d_core.mesh_recovery.kp2smpl.frames import project_torch
from flag3d_core.mesh_recovery.lm import LMConfig, levenberg_marquardt_on

__all__ = ["Fit2dConfig", "fit_keypoints2d"]


@dataclass(frozen=True)
class Fit2dConfig:
    """Settings of :func:`fit_keypoints2d` (stored with every run). Weights are relative to the
    data term in units of ``pixel_scale`` px; ``w_start`` per rad^2 (skew part of the rotation
    relative to the start) and per cm^2 of the pelvis' move from the start."""

    iters: int = 15
    pixel_scale: float = 5.0
    min_score: float = 0.2
    w_start: float = 4.0
    w_limits: float = 10.0
    w_smooth: float = 0.5
    device: str = "cpu"
    dtype: str = "float32"


class _Problem2d:
    """One frame's residuals: projected keypoints, pull to the start, limits, smoothness."""

    def __init__(self, bm: _Body, cfg: Fit2dConfig, rest: tuple[torch.Tensor, torch.Tensor],
                 K: torch.Tensor) -> None:
        dev, dtype = rest[0].device, rest[0].dtype
        self.bm, self.rest, self.K, self.cfg = bm, rest, K, cfg
        self.limits = _Limits(dev, dtype)
        self.s_start, self.s_limits = math.sqrt(cfg.w_start), math.sqrt(cfg.w_limits)
        self.s_smooth = math.sqrt(cfg.w_smooth)

    def residuals(self, step: torch.Tensor, state: torch.Tensor, target: torch.Tensor,
                  weight: torch.Tensor, start: torch.Tensor, neighbours: torch.Tensor,
                  has_neighbours: torch.Tensor) -> torch.Tensor:
        """``state`` (219,) moved by ``step`` (75,) as in fit3d; target (17, 2) px; weight
        (17,); start (219,) the learned prediction's state; neighbours (17, 3) the adjacent
        frames' mean 3D keypoints; has_neighbours () 0|1."""
        r0 = state[:N_ROT].reshape(24, 3, 3)
        rot = r0 + r0 @ skew(step[:N_POSE].reshape(24, 3))
        transl = state[N_ROT:] + step[N_POSE:]
        _, pk = self.bm.keypoints_rot(rot, transl, *self.rest)
        uv = project_torch(pk, self.K)
        data = (weight[:, None] * (uv - target) / self.cfg.pixel_scale).reshape(-1)
        start_rot = start[:N_ROT].reshape(24, 3, 3)
        pull = skew_part(start_rot.transpose(-1, -2) @ rot).reshape(-1)  # (72,)
        move = CM * (transl - start[N_ROT:])
        bp = skew_part(rot[1:]).reshape(-1)
        hinge = self.limits.hinge(bp)
        smooth = (CM * self.s_smooth * has_neighbours * (pk - neighbours)).reshape(-1)
        return torch.cat([data, self.s_start * pull, self.s_start * 0.1 * move,
                          self.s_limits * hinge, smooth])

    def state_keypoints(self, state: torch.Tensor) -> torch.Tensor:
        rot = state[:, :N_ROT].unflatten(-1, (24, 3, 3))
        return self.bm.keypoints_rot(rot, state[:, N_ROT:], *self.rest)[1]


@dataclass
class Fit2dResult:
    """Camera-frame SMPL (global_orient (T, 3), body_pose (T, 69), betas (10,), transl (T, 3)),
    the per-keypoint reprojection error (T, 17) in px (NaN below ``min_score``) before and after,
    seconds and the settings."""

    params: dict[str, np.ndarray]
    reprojection_px: np.ndarray
    start_reprojection_px: np.ndarray
    seconds: float
    config: dict[str, Any]


def fit_keypoints2d(keypoints2d: np.ndarray, scores: np.ndarray, K: np.ndarray,
                    start: dict[str, np.ndarray], body: Any,
                    config: Fit2dConfig | None = None) -> Fit2dResult:
    """Refine a camera-frame SMPL ``start`` (a :func:`~.kp2smpl.predict` dict) on COCO-17
    detections (T, 17, 2) px with scores (T, 17), intrinsics ``K`` (3, 3)."""
    cfg = config or Fit2dConfig()
    kp = np.asarray(keypoints2d, np.float64)
    sc = np.nan_to_num(np.asarray(scores, np.float64))
    n = len(kp)
    if kp.shape != (n, 17, 2) or sc.shape != (n, 17) or not n:
        raise ValueError(f"keypoints2d must be (T, 17, 2) and scores (T, 17), got {kp.shape} "
                         f"and {sc.shape}")
    t0 = time.perf_counter()
    dev, dtype = torch.device(cfg.device), getattr(torch, cfg.dtype)
    cast = dict(dtype=dtype, device=dev)
    bm = _Body(body, COCO17_FROM_SMPL, dev, dtype)
    betas = torch.as_tensor(np.asarray(start["betas"], np.float64)[:bm.num_betas], **cast)
    rest = tuple(r.detach() for r in bm.rest(betas))
    prob = _Problem2d(bm, cfg, rest, torch.as_tensor(K, **cast))
    x0 = torch.as_tensor(np.concatenate([start["global_orient"], start["body_pose"],
                                         start["transl"]], 1), **cast)
    state0 = _to_state(x0)
    weight = torch.as_tensor(np.where(sc >= cfg.min_score, np.sqrt(sc), 0.0), **cast)
    target = torch.as_tensor(np.nan_to_num(kp), **cast)

    def reprojection(state: torch.Tensor) -> np.ndarray:
        with torch.no_grad():
            uv = project_torch(prob.state_keypoints(state), prob.K).cpu().numpy()
        err = np.linalg.norm(uv - kp, axis=-1)
        return np.where(sc >= cfg.min_score, err, np.nan)

    nb, has = _neighbours(prob, state0)
    on_step = (lambda _it, s: (target, weight, state0, *_neighbours(prob, s))) \
        if cfg.w_smooth > 0 else None
    if cfg.w_smooth <= 0:
        has = torch.zeros_like(has)
    res = levenberg_marquardt_on(prob.residuals, state0, _retract, N_POSE + 3,
                                 (target, weight, state0, nb, has), LMConfig(iters=cfg.iters),
                                 on_step=on_step)
    x = _to_x(res.x).cpu().numpy()
    params = {"global_orient": x[:, :3].astype(np.float32),
              "body_pose": x[:, 3:N_POSE].astype(np.float32),
              "betas": np.asarray(start["betas"], np.float32),
              "transl": x[:, N_POSE:].astype(np.float32)}
    return Fit2dResult(params=params, reprojection_px=reprojection(res.x),
                       start_reprojection_px=reprojection(state0),
                       seconds=time.perf_counter() - t0, config=asdict(cfg))
