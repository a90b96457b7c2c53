"""Mesh-recovery metrics: pure functions, numpy arrays in metres in, millimetres out.

Conventions, stated with every number the app shows:

* ``pred`` / ``gt`` are (T, J, 3) joints or (T, V, 3) vertices in metres, the same frames.
* The joint set (:mod:`flag3d_core.layouts.joint_sets`) picks the joints and the alignment root
  (the pelvis for SMPL-24, the mid-hip for the 14-joint set).
* ``align``: ``"root"`` subtracts each frame's root from both sides (MPJPE), ``"procrustes"``
  applies the per-frame similarity (scale, rotation, translation) that best maps ``pred`` onto
  ``gt`` in the least-squares sense (PA-MPJPE), ``"none"`` compares as given.
* Per-frame, per-joint errors are returned (:func:`point_errors`) so any roll-up (per activity,
  body part, performer, camera, posture) can be made later; the scalar metrics are their means.
* Acceleration error: mean over frames and joints of ``|a_pred - a_gt|`` with ``a`` the second
  difference ``x[t+1] - 2 x[t] + x[t-1]``, in mm/frame² (multiply by fps² for mm/s²), joints
  root-aligned first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from flag3d_core.geometry.procrustes import similarity_transform
from flag3d_core.layouts.joint_sets import JointSet, joint_set

__all__ = [
    "Align",
    "MeshErrors",
    "accel_error",
    "accel_errors",
    "mesh_errors",
    "mpjpe",
    "pa_mpjpe",
    "point_errors",
    "pve",
    "similarity_align",
]

Align = Literal["root", "procrustes", "none"]
MM = 1000.0


def _pair(pred: np.ndarray, gt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(pred, dtype=np.float64)
    g = np.asarray(gt, dtype=np.float64)
    if p.shape != g.shape or p.ndim != 3 or p.shape[-1] != 3:
        raise ValueError(f"pred and gt must both be (T, N, 3), got {p.shape} and {g.shape}")
    return p, g


def similarity_align(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """``pred`` (T, N, 3) mapped onto ``gt`` by each frame's best similarity transform
    (scale, rotation, translation; :func:`flag3d_core.geometry.procrustes.similarity_transform`)."""
    p, g = _pair(pred, gt)
    return similarity_transform(p, g).apply(p)


def _root(x: np.ndarray, js: JointSet) -> np.ndarray:
    if js.root_pair is not None:
        a, b = js.root_pair
        return 0.5 * (x[:, a] + x[:, b])
    return x[:, js.root]


def _select(pred: np.ndarray, gt: np.ndarray, joints: str | JointSet) -> tuple:
    js = joint_set(joints) if isinstance(joints, str) else joints
    p, g = _pair(pred, gt)
    if p.shape[1] <= max(js.joints):
        raise ValueError(f"joint set {js.name} needs {max(js.joints) + 1} joints, got "
                         f"{p.shape[1]}")
    idx = list(js.joints)
    return p[:, idx], g[:, idx], js


def point_errors(pred: np.ndarray, gt: np.ndarray, align: Align = "root",
                 joints: str | JointSet = "smpl24") -> np.ndarray:
    """Per-frame, per-joint Euclidean errors (T, J') in mm over the joint set's J' joints."""
    p, g, js = _select(pred, gt, joints)
    if align == "root":
        p = p - _root(p, js)[:, None]
        g = g - _root(g, js)[:, None]
    elif align == "procrustes":
        p = similarity_align(p, g)
    elif align != "none":
        raise ValueError(f"align must be root, procrustes or none, got {align!r}")
    return np.linalg.norm(p - g, axis=-1) * MM


def mpjpe(pred: np.ndarray, gt: np.ndarray, joints: str | JointSet = "smpl24") -> float:
    """Mean per-joint position error (mm), roots aligned per frame."""
    return float(point_errors(pred, gt, "root", joints).mean())


def pa_mpjpe(pred: np.ndarray, gt: np.ndarray, joints: str | JointSet = "smpl24") -> float:
    """MPJPE (mm) after a per-frame similarity Procrustes alignment."""
    return float(point_errors(pred, gt, "procrustes", joints).mean())


def vertex_errors(pred_vertices: np.ndarray, gt_vertices: np.ndarray,
                  pred_root: np.ndarray | None = None,
                  gt_root: np.ndarray | None = None) -> np.ndarray:
    """Per-frame, per-vertex errors (T, V) in mm; each side minus its root (T, 3) when given
    (the pelvis joint: PVE pelvis-aligned, as the app reports it), else as given. Computed in
    float32 (meshes are large; float32 resolves far below a micrometre at body scale)."""
    p = np.asarray(pred_vertices, np.float32)
    g = np.asarray(gt_vertices, np.float32)
    if p.shape != g.shape or p.ndim != 3 or p.shape[-1] != 3:
        raise ValueError(f"pred and gt must both be (T, N, 3), got {p.shape} and {g.shape}")
    d = p - g
    if pred_root is not None or gt_root is not None:
        shift = np.zeros((len(d), 3), np.float32)
        if pred_root is not None:
            shift -= np.asarray(pred_root, np.float32)
        if gt_root is not None:
            shift += np.asarray(gt_root, np.float32)
        d += shift[:, None]
    return np.sqrt(np.einsum("tvc,tvc->tv", d, d)) * np.float32(MM)


def pve(pred_vertices: np.ndarray, gt_vertices: np.ndarray, pred_root: np.ndarray | None = None,
        gt_root: np.ndarray | None = None) -> float:
    """Mean per-vertex error (mm), see :func:`vertex_errors` for the alignment."""
    return float(vertex_errors(pred_vertices, gt_vertices, pred_root, gt_root).mean())


def accel_errors(pred: np.ndarray, gt: np.ndarray,
                 joints: str | JointSet = "smpl24") -> np.ndarray:
    """Per-frame, per-joint acceleration errors (T - 2, J') in mm/frame² (roots aligned);
    row i is frame i + 1."""
    p, g, js = _select(pred, gt, joints)
    p = p - _root(p, js)[:, None]
    g = g - _root(g, js)[:, None]
    if len(p) < 3:
        return np.zeros((0, p.shape[1]))
    acc = lambda x: x[2:] - 2 * x[1:-1] + x[:-2]  # noqa: E731
    return np.linalg.norm(acc(p) - acc(g), axis=-1) * MM


def accel_error(pred: np.ndarray, gt: np.ndarray, joints: str | JointSet = "smpl24") -> float:
    """Mean acceleration error (mm/frame²); NaN for fewer than 3 frames."""
    e = accel_errors(pred, gt, joints)
    return float(e.mean()) if e.size else float("nan")


@dataclass(frozen=True)
class MeshErrors:
    """Every mesh-recovery error of one sequence, per frame and joint (mm).

    Attributes:
        joint_set: name of the joint set (see :mod:`flag3d_core.layouts.joint_sets`).
        mpjpe: (T, J') root-aligned joint errors.
        pa_mpjpe: (T, J') Procrustes-aligned joint errors.
        accel: (T - 2, J') acceleration errors, mm/frame².
        pve: (T,) mean pelvis-aligned vertex error per frame, or None without vertices.
    """

    joint_set: str
    mpjpe: np.ndarray
    pa_mpjpe: np.ndarray
    accel: np.ndarray
    pve: np.ndarray | None

    def summary(self) -> dict[str, float]:
        """Sequence means: mpjpe, pa_mpjpe, accel (mm/frame²) and pve (mm) when known."""
        out = {"mpjpe": float(self.mpjpe.mean()), "pa_mpjpe": float(self.pa_mpjpe.mean()),
               "accel": float(self.accel.mean()) if self.accel.size else float("nan")}
        if self.pve is not None:
            out["pve"] = float(self.pve.mean())
        return out


def mesh_errors(pred_joints: np.ndarray, gt_joints: np.ndarray, *,
                joints: str | JointSet = "smpl24", pred_vertices: np.ndarray | None = None,
                gt_vertices: np.ndarray | None = None) -> MeshErrors:
    """All errors of a sequence: SMPL-24 joints (T, 24, 3) of both sides, vertices optional
    (PVE is then pelvis-aligned: each side minus its own SMPL pelvis joint)."""
    js = joint_set(joints) if isinstance(joints, str) else joints
    per_vertex = None
    if pred_vertices is not None and gt_vertices is not None:
        per_vertex = vertex_errors(pred_vertices, gt_vertices, np.asarray(pred_joints)[:, 0],
                                   np.asarray(gt_joints)[:, 0]).mean(axis=1)
    return MeshErrors(joint_set=js.name,
                      mpjpe=point_errors(pred_joints, gt_joints, "root", js),
                      pa_mpjpe=point_errors(pred_joints, gt_joints, "procrustes", js),
                      accel=accel_errors(pred_joints, gt_joints, js), pve=per_vertex)
