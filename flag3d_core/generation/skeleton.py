"""Joints of motions: SMPL-24 through the shared kinematics (cheap, differentiable) and NTU-25
through the full body (its landmark vertices), as the catalog's MoCap joints are made."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from flag3d_core.body.joints import posed_joints
from flag3d_core.body.standin import VERTEX_LANDMARKS
from flag3d_core.generation.motion import ROT_FEATURES, rotations, to_smpl
from flag3d_core.layouts.correspondences import NTU25_FROM_SMPL

__all__ = ["ntu25_joints", "smpl_joints", "smpl_joints_np"]


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
    vertices of the posed mesh, combined by the catalog's recipe (``NTU25_FROM_SMPL``)."""
    smpl = to_smpl(motion, betas, fps)
    out = body.pose(smpl.global_orient, smpl.body_pose, smpl.betas, smpl.transl)
    ids = [VERTEX_LANDMARKS[n] for n in NTU25_FROM_SMPL.landmarks]
    return NTU25_FROM_SMPL.regress(out.joints, out.vertices[:, ids]).astype(np.float32)
