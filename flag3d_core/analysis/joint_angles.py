"""Joint-angle curves of skeleton sequences (NTU-25 or SMPL-24, z up), in degrees.

Angles are defined on three joints as data (``ANGLES_NTU25``), so a new layout is one table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flag3d_core.layouts import NTU25, SMPL24, SkeletonLayout


@dataclass(frozen=True)
class AngleDef:
    """The angle at ``vertex`` between the rays to ``a`` and ``b``.

    ``a`` may be a pair ``(from, to)`` meaning the direction ``to - from`` attached at the vertex
    (used for angles against the trunk); ``b=None`` measures against the world up axis.
    """

    name: str
    vertex: str
    a: str | tuple[str, str]
    b: str | tuple[str, str] | None


def _defs(hip_l: str, knee_l: str, ankle_l: str, hip_r: str, knee_r: str, ankle_r: str,
          sh_l: str, el_l: str, wr_l: str, sh_r: str, el_r: str, wr_r: str,
          base: str, top: str) -> tuple[AngleDef, ...]:
    return (
        AngleDef("left knee", knee_l, hip_l, ankle_l),
        AngleDef("right knee", knee_r, hip_r, ankle_r),
        AngleDef("left hip", hip_l, (hip_l, knee_l), (base, top)),
        AngleDef("right hip", hip_r, (hip_r, knee_r), (base, top)),
        AngleDef("left elbow", el_l, sh_l, wr_l),
        AngleDef("right elbow", el_r, sh_r, wr_r),
        AngleDef("left shoulder", sh_l, (sh_l, el_l), (top, base)),
        AngleDef("right shoulder", sh_r, (sh_r, el_r), (top, base)),
        AngleDef("trunk", base, (base, top), None),
    )


ANGLES_NTU25 = _defs("LHip", "LKnee", "LAnkle", "RHip", "RKnee", "RAnkle", "LShoulder", "LElbow",
                     "LWrist", "RShoulder", "RElbow", "RWrist", "SpineBase", "SpineShoulder")
ANGLES_SMPL24 = _defs("left_hip", "left_knee", "left_ankle", "right_hip", "right_knee",
                      "right_ankle", "left_shoulder", "left_elbow", "left_wrist", "right_shoulder",
                      "right_elbow", "right_wrist", "pelvis", "neck")
ANGLE_TABLES = {NTU25.name: ANGLES_NTU25, SMPL24.name: ANGLES_SMPL24}

# The curves shown together, and what their degrees mean (charts print the note beside them).
ANGLE_GROUPS: dict[str, tuple[str, ...]] = {
    "knees": ("left knee", "right knee"), "hips": ("left hip", "right hip"),
    "elbows": ("left elbow", "right elbow"), "shoulders": ("left shoulder", "right shoulder"),
    "trunk": ("trunk",)}
ANGLE_NOTES: dict[str, str] = {
    "knees": "180° = straight leg", "hips": "180° = standing, ~90° = seated",
    "elbows": "180° = straight arm",
    "shoulders": "0° = arm down along the trunk, 90° = horizontal, 180° = overhead",
    "trunk": "inclination from vertical: 0° = upright, 90° = lying"}


def _direction(joints: np.ndarray, layout: SkeletonLayout, vertex: str,
               ref: str | tuple[str, str]) -> np.ndarray:
    """(T, 3) direction: to joint ``ref`` from the vertex, or along a ``(from, to)`` pair."""
    if isinstance(ref, tuple):
        return joints[:, layout.index(ref[1])] - joints[:, layout.index(ref[0])]
    return joints[:, layout.index(ref)] - joints[:, layout.index(vertex)]


def angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle in degrees between row vectors ``u`` (T, 3) and ``v`` (T, 3); 0 where one is zero."""
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    cos = np.einsum("td,td->t", u, v) / np.maximum(nu * nv, 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def joint_angles(joints: np.ndarray, layout: SkeletonLayout = NTU25) -> dict[str, np.ndarray]:
    """Joint-angle curves of a sequence.

    Args:
        joints: (T, J, 3) positions in metres, z up, in ``layout``.
        layout: NTU25 or SMPL24.

    Returns:
        name -> (T,) degrees. Knees and elbows: 180 straight. Hips: angle between thigh and the
        trunk's downward direction reversed (180 standing, ~90 seated). Shoulders: 0 arm down along
        the trunk, 90 arm horizontal, 180 overhead. Trunk: inclination from vertical (0 upright,
        90 lying).
    """
    joints = np.asarray(joints, dtype=np.float64)
    assert joints.ndim == 3 and joints.shape[1:] == (layout.num_node, 3), joints.shape
    out: dict[str, np.ndarray] = {}
    up = np.broadcast_to(np.array([0.0, 0.0, 1.0]), (len(joints), 3))
    for d in ANGLE_TABLES[layout.name]:
        u = _direction(joints, layout, d.vertex, d.a)
        v = up if d.b is None else _direction(joints, layout, d.vertex, d.b)
        out[d.name] = angle_between(u, v).astype(np.float32)
    return out
