"""Similarity (Umeyama) and rigid (Kabsch) alignment of point sets, batched over frames.

One implementation, used by the PA-MPJPE metric and by the mesh-recovery fits' initial
orientation. Points rotate as column vectors (``x' = s R x + t``, matching
:mod:`flag3d_core.geometry.rotations`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Similarity", "similarity_transform"]


@dataclass(frozen=True)
class Similarity:
    """Per-frame transforms ``dst ~ scale R src + t``.

    Attributes:
        scale: (T,) (1 when the scale was not solved for).
        rotation: (T, 3, 3) proper rotations (det +1).
        translation: (T, 3).
    """

    scale: np.ndarray
    rotation: np.ndarray
    translation: np.ndarray

    def apply(self, points: np.ndarray) -> np.ndarray:
        """(T, N, 3) points mapped by each frame's transform."""
        return (self.scale[:, None, None] * np.einsum("tij,tnj->tni", self.rotation, points)
                + self.translation[:, None])


def similarity_transform(src: np.ndarray, dst: np.ndarray, *, with_scale: bool = True,
                         weights: np.ndarray | None = None) -> Similarity:
    """Least-squares transform of ``src`` (T, N, 3) onto ``dst`` (T, N, 3) per frame.

    Umeyama (1991): centre both sets, SVD of the cross-covariance ``sum dst src^T``, the last
    singular direction flipped when the best orthogonal map is a reflection, and (with scale)
    ``s = trace(S D) / sum |src - mean|^2``. ``weights`` (N,) weigh the points (default equal).
    """
    p = np.asarray(src, dtype=np.float64)
    g = np.asarray(dst, dtype=np.float64)
    if p.shape != g.shape or p.ndim != 3 or p.shape[-1] != 3:
        raise ValueError(f"src and dst must both be (T, N, 3), got {p.shape} and {g.shape}")
    w = np.ones(p.shape[1]) if weights is None else np.asarray(weights, np.float64)
    w = w / w.sum()
    mp = np.einsum("n,tni->ti", w, p)
    mg = np.einsum("n,tni->ti", w, g)
    pc, gc = p - mp[:, None], g - mg[:, None]
    cov = np.einsum("n,tni,tnj->tij", w, gc, pc)  # (T, 3, 3)
    u, s, vt = np.linalg.svd(cov)
    d = np.ones_like(s)
    d[:, -1] = np.where(np.linalg.det(u @ vt) < 0, -1.0, 1.0)  # no reflections
    rot = u @ (d[:, :, None] * vt)
    if with_scale:
        var = np.einsum("n,tni,tni->t", w, pc, pc)
        scale = np.where(var > 0, (s * d).sum(axis=1) / np.where(var > 0, var, 1.0), 1.0)
    else:
        scale = np.ones(len(p))
    trans = mg - scale[:, None] * np.einsum("tij,tj->ti", rot, mp)
    return Similarity(scale=scale, rotation=rot, translation=trans)
