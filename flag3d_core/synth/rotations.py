"""Small batched rotation helpers of the generator (numpy, right-handed, column vectors).

The conversions are :mod:`flag3d_core.geometry.rotations` (numpy entries, float64); what is
here is the generator's own vocabulary: body Euler angles, shortest swings, mirror images.
"""

from __future__ import annotations

import numpy as np

from flag3d_core.geometry.rotations import (
    axis_angle_to_matrix_np,
    axis_rotation_np,
    matrix_to_axis_angle_np,
)

MIRROR_X = np.diag([-1.0, 1.0, 1.0])


def axis_rot(axis: int, deg: np.ndarray) -> np.ndarray:
    """Rotations (N, 3, 3) about coordinate axis 0/1/2 by angles ``deg`` (N,) in degrees."""
    return axis_rotation_np(axis, np.radians(np.asarray(deg, dtype=np.float64)))


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
    return axis_angle_to_matrix_np(k * angle[:, None])


def to_rotvec(mats: np.ndarray) -> np.ndarray:
    """Axis-angle (..., 3) of rotation matrices (..., 3, 3)."""
    return matrix_to_axis_angle_np(mats)


def mirror_rot(mats: np.ndarray) -> np.ndarray:
    """Left-right mirror image (x -> -x) of rotations (..., 3, 3)."""
    return MIRROR_X @ mats @ MIRROR_X
