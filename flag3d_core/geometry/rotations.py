"""Rotation conversions, torch first: axis-angle, matrices, quaternions, 6D, coordinate axes.

One implementation of each conversion. The ``*_np`` functions are the numpy entries: they
run the torch function in float64 on the CPU and return float64 arrays, so numpy callers get
the same numbers as torch callers.

Conventions:

* Matrices (..., 3, 3) rotate column vectors, ``x' = R @ x``, right-handed.
* Axis-angle (..., 3): the unit axis times the angle in radians (scipy's ``rotvec``, SMPL's
  pose parameters). Returned with the angle in [0, pi].
* Quaternions (..., 4) are **scalar last**, ``(x, y, z, w)``, like scipy's
  ``Rotation.as_quat`` and three.js's ``Quaternion``. Returned unit and with ``w >= 0``
  (q and -q are the same rotation). Inputs need not be unit; they are normalised.
* 6D (..., 6), Zhou et al. 2019, "On the Continuity of Rotation Representations in Neural
  Networks": the first two **columns** of the matrix, one after the other::

      (r00, r10, r20, r01, r11, r21) = concat(R[..., :, 0], R[..., :, 1])

  :func:`sixd_to_matrix` maps any 6-vector whose halves are not parallel to a rotation by
  Gram-Schmidt (b1 = a1 / |a1|, b2 = the unit part of a2 orthogonal to b1, b3 = b1 x b2).

Every torch function takes any leading batch shape, keeps the input's dtype and device and is
differentiable. Gradients stay finite at the zero rotation (Taylor series replace the 0/0 of
sin(t)/t and friends) and near pi (matrices go to quaternions by Shepperd's method, which
divides by the largest quaternion component).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike

from flag3d_core.geometry.numpy_bridge import to_numpy, to_tensor

__all__ = [
    "axis_angle_to_matrix",
    "axis_angle_to_matrix_np",
    "axis_angle_to_quat",
    "axis_angle_to_quat_np",
    "axis_rotation",
    "axis_rotation_np",
    "matrix_to_6d",
    "matrix_to_6d_np",
    "matrix_to_axis_angle",
    "matrix_to_axis_angle_np",
    "matrix_to_quat",
    "matrix_to_quat_np",
    "quat_to_axis_angle",
    "quat_to_axis_angle_np",
    "quat_to_matrix",
    "quat_to_matrix_np",
    "sixd_to_matrix",
    "sixd_to_matrix_np",
]

# Below this squared angle (squared sine of the half angle for quaternions) Taylor series
# replace the closed forms; their truncation error there is below 1e-18.
_SMALL_SQ = 1e-6
_AXES = {"x": 0, "y": 1, "z": 2}


# ---------------------------------------------------------------------------- helpers


def _safe_sqrt(sq: torch.Tensor, small: torch.Tensor) -> torch.Tensor:
    """sqrt(sq) where ``small`` is False, 1 where it is True.

    The 1 keeps the unused branch of a ``torch.where`` finite, so its zero gradient does not
    turn into inf * 0 = nan at the zero rotation.
    """
    return torch.sqrt(torch.where(small, torch.ones_like(sq), sq))


def _sqrt_positive(x: torch.Tensor) -> torch.Tensor:
    """sqrt(max(x, 0)) with a zero (not infinite) gradient where x <= 0."""
    pos = x > 0
    return torch.where(pos, torch.sqrt(torch.where(pos, x, torch.ones_like(x))),
                       torch.zeros_like(x))


def _canonical(quat: torch.Tensor) -> torch.Tensor:
    """The sign of each quaternion (..., 4) with w >= 0."""
    return torch.where(quat[..., 3:] < 0, -quat, quat)


# ---------------------------------------------------------------------------- axis-angle


def axis_angle_to_matrix(axis_angle: torch.Tensor) -> torch.Tensor:
    """Rotation matrices (..., 3, 3) of axis-angle vectors (..., 3), by Rodrigues' formula.

    With ``v`` the axis-angle vector, ``t = |v|`` and ``K`` its cross-product matrix::

        R = I + (sin t / t) K + ((1 - cos t) / t^2) K^2,   K^2 = v v^T - t^2 I
    """
    # 1. the squared angle, and the angle where it is safe to take the root
    sq = (axis_angle * axis_angle).sum(-1)[..., None, None]  # (..., 1, 1)
    small = sq < _SMALL_SQ
    t = torch.sqrt(torch.where(small, 1.0, sq))  # 1 where small: finite unused branches
    # 2. a = sin t / t, b = (1 - cos t) / t^2 = 2 (sin(t/2) / t)^2; Taylor series near t = 0
    #    (truncation error below 1e-14 relative there)
    a = torch.where(small, 1.0 - sq / 6.0, torch.sin(t) / t)
    half = torch.sin(0.5 * t) / t
    b = torch.where(small, 0.5 - sq / 24.0, 2.0 * half * half)
    # 3. R = (1 - b t^2) I + a K + b v v^T   (1 - b t^2 = cos t); row i of K is e_i x v
    eye = torch.eye(3, dtype=axis_angle.dtype, device=axis_angle.device)
    v = axis_angle[..., None, :].expand(axis_angle.shape[:-1] + (3, 3))
    k = torch.linalg.cross(eye.expand(v.shape), v, dim=-1)  # (..., 3, 3)
    outer = axis_angle[..., :, None] * axis_angle[..., None, :]  # (..., 3, 3)
    return torch.addcmul(torch.addcmul((1.0 - b * sq) * eye, a, k), b, outer)


def axis_angle_to_quat(axis_angle: torch.Tensor) -> torch.Tensor:
    """Unit quaternions (..., 4), (x, y, z, w) with w >= 0, of axis-angle vectors (..., 3).

    ``q = (sin(t/2) v / t, cos(t/2))`` with ``t = |v|``.
    """
    sq = (axis_angle * axis_angle).sum(-1)  # (...)
    small = sq < _SMALL_SQ
    t = _safe_sqrt(sq, small)
    s = torch.where(small, 0.5 - sq / 48.0 + sq * sq / 3840.0, torch.sin(0.5 * t) / t)
    w = torch.where(small, 1.0 - sq / 8.0 + sq * sq / 384.0, torch.cos(0.5 * t))
    return _canonical(torch.cat([axis_angle * s[..., None], w[..., None]], dim=-1))


def quat_to_axis_angle(quat: torch.Tensor) -> torch.Tensor:
    """Axis-angle vectors (..., 3), angle in [0, pi], of quaternions (..., 4) (x, y, z, w).

    With the quaternion unit and w >= 0, ``n = |(x, y, z)| = sin(t/2)``, ``t = 2 atan2(n, w)``
    and ``v = (x, y, z) t / n``; near t = 0, ``t / n = (2 / w)(1 - r/3 + r^2/5)``, r = n^2/w^2.
    """
    q = _canonical(F.normalize(quat, dim=-1))
    xyz, w = q[..., :3], q[..., 3]
    sq = (xyz * xyz).sum(-1)  # (...)
    small = sq < _SMALL_SQ
    n = _safe_sqrt(sq, small)
    w_small = torch.where(small, w, torch.ones_like(w))  # w ~ 1 there; no 1/0 elsewhere
    r = sq / (w_small * w_small)
    scale = torch.where(small, 2.0 / w_small * (1.0 - r / 3.0 + r * r / 5.0),
                        2.0 * torch.atan2(n, w) / n)
    return xyz * scale[..., None]


def matrix_to_axis_angle(matrix: torch.Tensor) -> torch.Tensor:
    """Axis-angle vectors (..., 3), angle in [0, pi], of rotation matrices (..., 3, 3).

    Through the quaternion (:func:`matrix_to_quat`), which stays accurate near pi where the
    axis is not recoverable from ``R - R^T``.
    """
    return quat_to_axis_angle(matrix_to_quat(matrix))


# ---------------------------------------------------------------------------- quaternions


def quat_to_matrix(quat: torch.Tensor) -> torch.Tensor:
    """Rotation matrices (..., 3, 3) of quaternions (..., 4) (x, y, z, w), normalised first."""
    x, y, z, w = quat.unbind(-1)
    s = 2.0 / (quat * quat).sum(-1)  # 2 / |q|^2 normalises
    rows = (
        1.0 - s * (y * y + z * z), s * (x * y - z * w), s * (x * z + y * w),
        s * (x * y + z * w), 1.0 - s * (x * x + z * z), s * (y * z - x * w),
        s * (x * z - y * w), s * (y * z + x * w), 1.0 - s * (x * x + y * y),
    )
    return torch.stack(rows, dim=-1).reshape(quat.shape[:-1] + (3, 3))


def matrix_to_quat(matrix: torch.Tensor) -> torch.Tensor:
    """Unit quaternions (..., 4), (x, y, z, w) with w >= 0, of rotation matrices (..., 3, 3).

    Shepperd's method: each of 4|w|^2, 4|x|^2, 4|y|^2, 4|z|^2 is a sum of diagonal entries,
    and each row of the candidate table below is 4 q_i * q; the row of the largest |q_i| is
    divided by 4 |q_i| (far from zero, so well conditioned everywhere, pi included).
    """
    m = matrix
    m00, m01, m02 = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    m10, m11, m12 = m[..., 1, 0], m[..., 1, 1], m[..., 1, 2]
    m20, m21, m22 = m[..., 2, 0], m[..., 2, 1], m[..., 2, 2]
    # 1. 2|w|, 2|x|, 2|y|, 2|z|
    q_abs = _sqrt_positive(torch.stack([
        1.0 + m00 + m11 + m22, 1.0 + m00 - m11 - m22,
        1.0 - m00 + m11 - m22, 1.0 - m00 - m11 + m22,
    ], dim=-1))  # (..., 4)
    sq = q_abs * q_abs
    # 2. candidates 4 q_i (x, y, z, w), one row per i in (w, x, y, z)
    cand = torch.stack([
        torch.stack([m21 - m12, m02 - m20, m10 - m01, sq[..., 0]], dim=-1),
        torch.stack([sq[..., 1], m10 + m01, m02 + m20, m21 - m12], dim=-1),
        torch.stack([m10 + m01, sq[..., 2], m12 + m21, m02 - m20], dim=-1),
        torch.stack([m02 + m20, m12 + m21, sq[..., 3], m10 - m01], dim=-1),
    ], dim=-2)  # (..., 4, 4)
    # 3. divide by 4 |q_i| (floored so that unused rows stay finite) and keep the best row
    cand = cand / (2.0 * q_abs.clamp_min(0.1))[..., None]
    best = q_abs.argmax(dim=-1)  # (...)
    index = best[..., None, None].expand(best.shape + (1, 4))
    q = torch.gather(cand, -2, index).squeeze(-2)  # (..., 4)
    return _canonical(F.normalize(q, dim=-1))


# ---------------------------------------------------------------------------- 6D


def matrix_to_6d(matrix: torch.Tensor) -> torch.Tensor:
    """The 6D representation (..., 6) of rotation matrices (..., 3, 3): the first two
    columns, ``(r00, r10, r20, r01, r11, r21)``."""
    return torch.cat([matrix[..., :, 0], matrix[..., :, 1]], dim=-1)


def sixd_to_matrix(sixd: torch.Tensor) -> torch.Tensor:
    """Rotation matrices (..., 3, 3) of 6D vectors (..., 6) (any, halves not parallel).

    Gram-Schmidt on the two columns ``a1 = sixd[..., :3]``, ``a2 = sixd[..., 3:]``::

        b1 = a1 / |a1|,  b2 = normalise(a2 - (b1 . a2) b1),  b3 = b1 x b2,  R = [b1 b2 b3]
    """
    a1, a2 = sixd[..., :3], sixd[..., 3:]
    b1 = F.normalize(a1, dim=-1)
    b2 = F.normalize(a2 - (b1 * a2).sum(-1, keepdim=True) * b1, dim=-1)
    b3 = torch.linalg.cross(b1, b2, dim=-1)
    return torch.stack([b1, b2, b3], dim=-1)


# ---------------------------------------------------------------------------- tangents


def skew(v: torch.Tensor) -> torch.Tensor:
    """Cross-product matrices (..., 3, 3) of vectors (..., 3): ``skew(v) @ x == v x x``; the
    first-order rotation by axis-angle v is ``I + skew(v)``."""
    x, y, z = v.unbind(-1)
    o = torch.zeros_like(x)
    return torch.stack([o, -z, y, z, o, -x, -y, x, o], dim=-1).unflatten(-1, (3, 3))


def skew_part(matrix: torch.Tensor) -> torch.Tensor:
    """The vector (..., 3) of the skew part ``(M - M^T) / 2`` of matrices (..., 3, 3): for a
    rotation, ``sin(angle) * axis`` (the axis-angle to first order, without trigonometry)."""
    m = 0.5 * (matrix - matrix.transpose(-1, -2))
    return torch.stack([m[..., 2, 1], m[..., 0, 2], m[..., 1, 0]], dim=-1)


# ---------------------------------------------------------------------------- axes


@lru_cache(maxsize=32)
def _axis_pattern(axis: int, dtype: torch.dtype,
                  device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(P, C, S) (3, 3) with the rotation about coordinate ``axis`` = P + cos C + sin S."""
    j, k = ((1, 2), (2, 0), (0, 1))[axis]
    pattern = torch.zeros(3, 3, 3, dtype=dtype)
    pattern[0, axis, axis] = 1.0
    pattern[1, j, j] = pattern[1, k, k] = 1.0
    pattern[2, k, j], pattern[2, j, k] = 1.0, -1.0
    p, c, s = pattern.to(device).unbind(0)
    return p, c, s


def axis_rotation(axis: int | str, angle: torch.Tensor) -> torch.Tensor:
    """Rotations (..., 3, 3) by ``angle`` (...,) radians about coordinate axis ``axis``
    (0/1/2 or "x"/"y"/"z"); positive angles turn y to z, z to x, x to y respectively."""
    i = _AXES.get(axis.lower(), -1) if isinstance(axis, str) else int(axis)
    if i not in (0, 1, 2):
        raise ValueError(f"axis must be 0, 1, 2, 'x', 'y' or 'z', got {axis!r}")
    p, c, s = _axis_pattern(i, angle.dtype, angle.device)
    a = angle[..., None, None]
    return torch.addcmul(torch.addcmul(p, torch.cos(a), c), torch.sin(a), s)


# ---------------------------------------------------------------------------- numpy entries


@torch.inference_mode()
def axis_angle_to_matrix_np(axis_angle: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`axis_angle_to_matrix`: (..., 3) -> (..., 3, 3) float64."""
    return to_numpy(axis_angle_to_matrix(to_tensor(axis_angle)))


@torch.inference_mode()
def axis_angle_to_quat_np(axis_angle: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`axis_angle_to_quat`: (..., 3) -> (..., 4) (x, y, z, w)."""
    return to_numpy(axis_angle_to_quat(to_tensor(axis_angle)))


@torch.inference_mode()
def quat_to_axis_angle_np(quat: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`quat_to_axis_angle`: (..., 4) (x, y, z, w) -> (..., 3)."""
    return to_numpy(quat_to_axis_angle(to_tensor(quat)))


@torch.inference_mode()
def matrix_to_axis_angle_np(matrix: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`matrix_to_axis_angle`: (..., 3, 3) -> (..., 3) float64."""
    return to_numpy(matrix_to_axis_angle(to_tensor(matrix)))


@torch.inference_mode()
def quat_to_matrix_np(quat: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`quat_to_matrix`: (..., 4) (x, y, z, w) -> (..., 3, 3)."""
    return to_numpy(quat_to_matrix(to_tensor(quat)))


@torch.inference_mode()
def matrix_to_quat_np(matrix: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`matrix_to_quat`: (..., 3, 3) -> (..., 4) (x, y, z, w)."""
    return to_numpy(matrix_to_quat(to_tensor(matrix)))


@torch.inference_mode()
def matrix_to_6d_np(matrix: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`matrix_to_6d`: (..., 3, 3) -> (..., 6) float64."""
    return to_numpy(matrix_to_6d(to_tensor(matrix)))


@torch.inference_mode()
def sixd_to_matrix_np(sixd: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`sixd_to_matrix`: (..., 6) -> (..., 3, 3) float64."""
    return to_numpy(sixd_to_matrix(to_tensor(sixd)))


@torch.inference_mode()
def axis_rotation_np(axis: int | str, angle: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`axis_rotation`: angles (...,) radians -> (..., 3, 3) float64."""
    return to_numpy(axis_rotation(axis, to_tensor(angle)))
