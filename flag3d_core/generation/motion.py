"""The generators' motion representation: SMPL joint rotations in 6D plus the root's path.

A motion of T frames is one (T, 147) float32 array at the catalog's frame rate::

    [:, :144]  the 24 SMPL joint rotations (root = global orientation), 6D (Zhou et al.), in
               :mod:`flag3d_core.geometry.rotations`' column convention, joint after joint
    [:, 144:]  the root translation (SMPL ``transl``) relative to the first frame's ground
               position: x and y start at 0, z (up, FLAG3D's world frame) is kept

so the mesh, the player, BVH/npz export and the NTU-25 joints for the evaluators all come from
the body model and the shared kinematics (:func:`to_smpl`). Converting from the catalog
(axis-angle) happens once, in :func:`from_smpl`.
"""

from __future__ import annotations

import numpy as np
import torch

from flag3d_core.catalog.record import SequenceSmpl
from flag3d_core.geometry.rotations import (
    axis_angle_to_matrix_np,
    matrix_to_6d_np,
    matrix_to_axis_angle_np,
    sixd_to_matrix,
    sixd_to_matrix_np,
)

__all__ = ["FEATURES", "N_JOINTS", "ROT_FEATURES", "UP", "from_smpl", "rotations",
           "smooth_joins", "to_smpl"]

N_JOINTS = 24
ROT_FEATURES = N_JOINTS * 6  # 144
FEATURES = ROT_FEATURES + 3  # 147
UP = 2  # z up, FLAG3D's world frame


def from_smpl(smpl: SequenceSmpl) -> np.ndarray:
    """A catalog sequence's SMPL parameters -> its motion (T, 147) float32."""
    pose = np.concatenate([smpl.global_orient, smpl.body_pose], axis=1)  # (T, 72) axis-angle
    n_t = pose.shape[0]
    rot6 = matrix_to_6d_np(axis_angle_to_matrix_np(pose.reshape(n_t, N_JOINTS, 3)))
    root = smpl.transl.astype(np.float64).copy()  # (T, 3)
    ground = [a for a in range(3) if a != UP]
    root[:, ground] -= root[0, ground]
    return np.concatenate([rot6.reshape(n_t, ROT_FEATURES), root], axis=1).astype(np.float32)


def rotations(motion: torch.Tensor) -> torch.Tensor:
    """Rotation matrices (..., T, 24, 3, 3) of motions (..., T, 147), differentiable."""
    rot6 = motion[..., :ROT_FEATURES].reshape(*motion.shape[:-1], N_JOINTS, 6)
    return sixd_to_matrix(rot6)


def to_smpl(motion: np.ndarray, betas: np.ndarray, fps: float) -> SequenceSmpl:
    """A motion (T, 147) -> SMPL parameters (axis-angle) for a body of shape ``betas`` (10,)."""
    motion = np.asarray(motion, np.float64)
    n_t = motion.shape[0]
    mats = sixd_to_matrix_np(motion[:, :ROT_FEATURES].reshape(n_t, N_JOINTS, 6))
    pose = matrix_to_axis_angle_np(mats).reshape(n_t, N_JOINTS * 3).astype(np.float32)
    return SequenceSmpl(global_orient=pose[:, :3], body_pose=pose[:, 3:],
                        betas=np.asarray(betas, np.float32).reshape(10),
                        transl=motion[:, ROT_FEATURES:].astype(np.float32), fps=float(fps))


def smooth_joins(parts: list[np.ndarray], overlap: int) -> np.ndarray:
    """Concatenate motion pieces (each (T_i, 147)), cross-fading ``overlap`` frames at every
    join; the 6D rotations are blended linearly and re-orthonormalised, and each piece's root
    path continues from where the previous one ended (ground axes; height as generated).

    Returns (sum T_i - overlap * (len(parts) - 1), 147) float32.
    """
    if not parts:
        raise ValueError("no motion pieces to join")
    out = np.asarray(parts[0], np.float64).copy()
    ground = [ROT_FEATURES + a for a in range(3) if a != UP]
    for nxt in parts[1:]:
        nxt = np.asarray(nxt, np.float64).copy()
        k = min(overlap, len(out), len(nxt))
        if k > 0:  # place the next piece so its first overlapping frame meets ours
            nxt[:, ground] += out[len(out) - k, ground] - nxt[0, ground]
            w = np.linspace(0.0, 1.0, k + 2)[1:-1, None]  # (k, 1), strictly inside (0, 1)
            blend = (1 - w) * out[len(out) - k:] + w * nxt[:k]
            out = np.concatenate([out[:len(out) - k], blend, nxt[k:]])
        else:
            nxt[:, ground] += out[-1, ground] - nxt[0, ground]
            out = np.concatenate([out, nxt])
    n_t = len(out)
    mats = sixd_to_matrix_np(out[:, :ROT_FEATURES].reshape(n_t, N_JOINTS, 6))
    out[:, :ROT_FEATURES] = matrix_to_6d_np(mats).reshape(n_t, ROT_FEATURES)
    return out.astype(np.float32)
