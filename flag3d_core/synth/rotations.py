"""Small batched rotation helpers (numpy, right-handed, column vectors)."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation

MIRROR_X = np.diag([-1.0, 1.0, 1.0])


def axis_rot(axis: int, deg: np.ndarray) -> np.ndarray:
    """Rotations (N, 3, 3) about coordinate axis 0/1/2 by angles ``deg`` (N,) in degrees."""
    a = np.radians(np.asarray(deg, dtype=np.float64))
    c, s = np.cos(a), np.sin(a)
    out = np.zeros(a.shape + (3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    out[..., axis, axis] = 1.0
    out[..., i, i] = c
    out[..., j, j] = c
    out[..., i, j] = -s
    out[..., j, i] = s
    return out


def body_euler(angles: np.ndarray) -> np.ndarray:
    """Rotations (N, 3, 3) of (flex, bend-left, twist-left) angles (N, 3) in degrees.

    Flexion turns +y towards +z (forward), bending left turns +y towards +x, a left twist
    turns +z towards +x. Applied as flex @ twist @ bend.
    """
    a = np.asarray(angles, dtype=np.float64)
    return axis_rot(0, a[:, 0]) @ axis_rot(1, a[:, 2]) @ axis_rot(2, -a[:, 1])


def swing(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Shortest rotations (N, 3, 3) taking unit vectors ``src`` (3,) or (N, 3) to ``dst`` (N, 3).

    Rodrigues' formula about ``src x dst``; near-opposite pairs turn about an axis
    perpendicular to ``src``.
    """
    dst = np.asarray(dst, dtype=np.float64)
    src = np.broadcast_to(np.asarray(src, dtype=np.float64), dst.shape)
    axis = np.cross(src, dst)
    sin = np.linalg.norm(axis, axis=-1)
    cos = np.clip(np.sum(src * dst, axis=-1), -1.0, 1.0)
    small = sin < 1e-8
    if np.any(small):
        perp = np.cross(src[small], np.array([0.0, 0.0, 1.0]))
        bad = np.linalg.norm(perp, axis=-1) < 1e-6
        perp[bad] = np.cross(src[small][bad], np.array([1.0, 0.0, 0.0]))
        axis[small] = perp * np.where(cos[small] < 0, 1.0, 0.0)[:, None]
        sin = np.linalg.norm(axis, axis=-1)
    k = axis / np.maximum(sin, 1e-12)[:, None]
    angle = np.arctan2(sin, cos)
    angle[small & (cos > 0)] = 0.0
    angle[small & (cos <= 0)] = np.pi
    return Rotation.from_rotvec(k * angle[:, None]).as_matrix()


def to_rotvec(mats: np.ndarray) -> np.ndarray:
    """Axis-angle (..., 3) of rotation matrices (..., 3, 3)."""
    shape = mats.shape[:-2]
    return Rotation.from_matrix(mats.reshape(-1, 3, 3)).as_rotvec().reshape(shape + (3,))


def mirror_rot(mats: np.ndarray) -> np.ndarray:
    """Left-right mirror image (x -> -x) of rotations (..., 3, 3)."""
    return MIRROR_X @ mats @ MIRROR_X
