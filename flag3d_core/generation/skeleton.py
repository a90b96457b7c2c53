"""Joints of motions: SMPL-24 through the shared kinematics (cheap, differentiable) and NTU-25
through the full body (its landmark vertices), as the catalog's MoCap joints are made."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from flag3d_core.body.joints import posed_joints, posed_points
from flag3d_core.body.standin import VERTEX_LANDMARKS
from flag3d_core.generation.motion import ROT_FEATURES, rotations
from flag3d_core.layouts.correspondences import NTU25_FROM_SMPL

__all__ = ["ntu25_joints", "ntu25_joints_batch", "smpl_joints", "smpl_joints_np"]


def smpl_joints(body: Any, motion: torch.Tensor, betas: torch.Tensor) -> torch.Tensor:
    """SMPL joints (B, T, 24, 3) in metres of motions (B, T, 147) for shapes (B, 10);
    differentiable (the generators' joint loss)."""
    return posed_joints(body, rotations(motion), betas, motion[..., ROT_FEATURES:])


def smpl_joints_np(body: Any, motion: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """:func:`smpl_joints` for one motion (T, 147) and shape (10,), numpy float32 (T, 24, 3)."""
    dtype = body.smpl.v_template.dtype
    with torch.no_grad():
        m = torch.as_tensor(np.asarray(motion), dtype=dtype)[None]
        b = torch.as_tensor(np.asarray(betas), dtype=dtype).reshape(1, -1)[:, :10]
        return smpl_joints(body, m, b)[0].float().cpu().numpy()


def ntu25_joints(body: Any, motion: np.ndarray, betas: np.ndarray, fps: float) -> np.ndarray:
    """NTU-25 joints (T, 25, 3) float32 of a motion (T, 147): SMPL joints plus the landmark
    vertices of the posed body, combined by the catalog's recipe (``NTU25_FROM_SMPL``). Only
    the landmark vertices are posed (:func:`~flag3d_core.body.joints.posed_points`), not the
    whole mesh; equal to posing the body from the motion's SMPL parameters."""
    del fps  # the joints of a frame do not depend on the frame rate
    return ntu25_joints_batch(body, np.asarray(motion)[None], np.asarray(betas)[None])[0]


def ntu25_joints_batch(body: Any, motions: np.ndarray, betas: np.ndarray) -> np.ndarray:
    """:func:`ntu25_joints` of motions (B, T, 147) with shapes (B, 10): (B, T, 25, 3)."""
    dtype = body.smpl.v_template.dtype
    ids = [VERTEX_LANDMARKS[n] for n in NTU25_FROM_SMPL.landmarks]
    with torch.no_grad():
        m = torch.as_tensor(np.asarray(motions), dtype=dtype)
        b = torch.as_tensor(np.asarray(betas), dtype=dtype).reshape(m.shape[0], -1)[:, :10]
        joints, points = posed_points(body, rotations(m), b, m[..., ROT_FEATURES:], ids)
    n_b, n_t = m.shape[:2]
    out = NTU25_FROM_SMPL.regress(joints.flatten(0, 1).cpu().numpy(),
                                  points.flatten(0, 1).cpu().numpy())
    return out.reshape(n_b, n_t, -1, 3).astype(np.float32)
