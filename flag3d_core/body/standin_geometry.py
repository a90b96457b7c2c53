"""Lofted body segments: closed tube meshes with elliptical cross-sections and rounded caps.

A segment is a straight axis from ``start`` (t = 0) to ``end`` (t = 1) with a cross-section
profile along it and an ellipsoidal cap beyond each end. Each cross-section is a
"quadrant ellipse": half-width ``a`` along the lateral axis, ``b_front`` / ``b_back`` along the
front axis, centre shifted by ``c`` along the front axis. Rings of ``n_around`` vertices are
stacked along the axis and closed by one pole vertex at each end, so a segment with R rings has
``R * n_around + 2`` vertices and ``2 * R * n_around`` faces (a closed genus-0 surface).

Everything here is pure numpy; the body design (where the segments go) is in
:mod:`flag3d_core.body.standin_shape`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PchipInterpolator

Knot = tuple[float, float, float, float, float]  # (t, a, b_front, b_back, c)


@dataclass(frozen=True)
class SegmentSpec:
    """One body segment; coordinates in metres, y up, z front (SMPL rest frame).

    ``knots`` give the cross-section along the axis (t in [0, 1], strictly increasing).
    ``rings = (n_cap0, n_body, n_cap1)``: the cap counts include the ring at the axis end,
    so a segment has ``n_cap0 - 1 + n_body + n_cap1 - 1`` rings. ``stations`` are t values
    that get a body ring exactly (the joint rings the regressor uses). ``anchors`` are
    ``(t, joint)`` skinning anchors (weights blend smoothly between consecutive anchors).
    ``bumps`` are Gaussian displacements ``(centre, sigma, displacement)`` (nose, ears).
    """

    name: str
    start: tuple[float, float, float]
    end: tuple[float, float, float]
    front: tuple[float, float, float]
    knots: tuple[Knot, ...]
    caps: tuple[float, float]
    rings: tuple[int, int, int]
    n_around: int
    anchors: tuple[tuple[float, int], ...]
    stations: tuple[float, ...] = ()
    bumps: tuple[tuple[tuple[float, float, float], ...], ...] = ()

    @property
    def n_rings(self) -> int:
        return self.rings[0] - 1 + self.rings[1] + self.rings[2] - 1

    @property
    def n_vertices(self) -> int:
        return self.n_rings * self.n_around + 2


@dataclass(frozen=True)
class SegmentMesh:
    """Mesh of one segment.

    vertices (V, 3) float64; faces (F, 3) int64 local indices, outward winding;
    t (V,) axial parameter (< 0 / > 1 in the caps); ring (V,) ring index (-1 for poles).
    """

    vertices: np.ndarray
    faces: np.ndarray
    t: np.ndarray
    ring: np.ndarray
    ring_t: np.ndarray  # (R,) axial parameter of each ring


def _frame(d: np.ndarray, front: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lateral and front unit axes perpendicular to the unit axis ``d``."""
    e_b = front - np.dot(front, d) * d
    e_b = e_b / np.linalg.norm(e_b)
    e_a = np.cross(e_b, d)
    return e_a / np.linalg.norm(e_a), e_b


def _ring_layout(spec: SegmentSpec, length: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per ring: axial distance s (m), profile parameter t in [0, 1], cap radius factor."""
    n0, nb, n1 = spec.rings
    cap0, cap1 = spec.caps
    body_t = np.linspace(0.0, 1.0, nb)
    for st in spec.stations:  # snap the nearest body ring onto each station
        body_t[int(np.argmin(np.abs(body_t - st)))] = st
    phi0 = 0.5 * np.pi * np.arange(1, n0) / n0
    phi1 = 0.5 * np.pi * np.arange(n1 - 1, 0, -1) / n1
    s = np.concatenate([-cap0 * np.cos(phi0), body_t * length, length + cap1 * np.cos(phi1)])
    t_prof = np.concatenate([np.zeros(n0 - 1), body_t, np.ones(n1 - 1)])
    factor = np.concatenate([np.sin(phi0), np.ones(nb), np.sin(phi1)])
    return s, t_prof, factor


def _profile(spec: SegmentSpec) -> PchipInterpolator:
    k = np.asarray(spec.knots, dtype=np.float64)
    return PchipInterpolator(k[:, 0], k[:, 1:], axis=0, extrapolate=False)


def tube_faces(n_rings: int, n_around: int) -> np.ndarray:
    """Faces (2 * R * S, 3) of R rings of S vertices followed by two poles (start, end)."""
    r = np.arange(n_rings - 1)[:, None]
    k = np.arange(n_around)[None, :]
    a = r * n_around + k
    b = r * n_around + (k + 1) % n_around
    c = a + n_around
    d = b + n_around
    quads = np.stack(
        [np.stack([a, b, d], -1), np.stack([a, d, c], -1)], axis=2
    ).reshape(-1, 3)
    p0, p1 = n_rings * n_around, n_rings * n_around + 1
    kk = np.arange(n_around)
    fan0 = np.stack([np.full(n_around, p0), (kk + 1) % n_around, kk], -1)
    last = (n_rings - 1) * n_around
    fan1 = np.stack([np.full(n_around, p1), last + kk, last + (kk + 1) % n_around], -1)
    return np.concatenate([fan0, quads, fan1]).astype(np.int64)


def signed_volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    """Signed volume of a closed mesh (positive when faces wind outward)."""
    v0, v1, v2 = (vertices[faces[:, i]] for i in range(3))
    return float(np.einsum("ij,ij->i", v0, np.cross(v1, v2)).sum() / 6.0)


def loft_segment(spec: SegmentSpec) -> SegmentMesh:
    """Build the closed mesh of one segment (see the module docstring for the layout)."""
    start = np.asarray(spec.start, dtype=np.float64)
    axis = np.asarray(spec.end, dtype=np.float64) - start
    length = float(np.linalg.norm(axis))
    d = axis / length
    e_a, e_b = _frame(d, np.asarray(spec.front, dtype=np.float64))
    s, t_prof, factor = _ring_layout(spec, length)
    prof = _profile(spec)(t_prof)  # (R, 4): a, b_front, b_back, c
    theta = 2.0 * np.pi * np.arange(spec.n_around) / spec.n_around
    cos_t, sin_t = np.cos(theta)[None, :], np.sin(theta)[None, :]
    a = (prof[:, 0] * factor)[:, None]
    b = np.where(sin_t >= 0.0, prof[:, 1:2], prof[:, 2:3]) * factor[:, None]
    centre = start + s[:, None] * d + prof[:, 3:4] * e_b  # (R, 3)
    ring_pts = (
        centre[:, None, :]
        + (a * cos_t)[..., None] * e_a
        + (b * sin_t)[..., None] * e_b
    ).reshape(-1, 3)
    p_start = start - spec.caps[0] * d + prof[0, 3] * e_b
    p_end = start + (length + spec.caps[1]) * d + prof[-1, 3] * e_b
    vertices = np.concatenate([ring_pts, p_start[None], p_end[None]])
    for centre_b, sigma, disp in spec.bumps:
        z = (vertices - np.asarray(centre_b)) / np.asarray(sigma)
        vertices = vertices + np.exp(-0.5 * (z**2).sum(1))[:, None] * np.asarray(disp)
    n_rings = len(s)
    faces = tube_faces(n_rings, spec.n_around)
    if signed_volume(vertices, faces) < 0.0:
        faces = faces[:, ::-1].copy()
    ring_t = s / length
    ring = np.concatenate([np.repeat(np.arange(n_rings), spec.n_around), [-1, -1]])
    t = np.concatenate(
        [np.repeat(ring_t, spec.n_around), [-spec.caps[0] / length, 1 + spec.caps[1] / length]]
    )
    return SegmentMesh(vertices, faces, t, ring, ring_t)


def smoothstep(x: np.ndarray) -> np.ndarray:
    """C1 ramp from 0 (x <= 0) to 1 (x >= 1)."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def anchor_weights(t: np.ndarray, anchors: tuple[tuple[float, int], ...],
                   n_joints: int) -> np.ndarray:
    """Skinning weights (V, J) blending smoothly between consecutive ``(t, joint)`` anchors."""
    w = np.zeros((len(t), n_joints))
    ts = [a[0] for a in anchors]
    js = [a[1] for a in anchors]
    w[t < ts[0], js[0]] = 1.0
    w[t >= ts[-1], js[-1]] = 1.0
    for i in range(len(anchors) - 1):
        m = (t >= ts[i]) & (t < ts[i + 1])
        u = smoothstep((t[m] - ts[i]) / (ts[i + 1] - ts[i]))
        w[m, js[i]] += 1.0 - u
        w[m, js[i + 1]] += u
    return w
