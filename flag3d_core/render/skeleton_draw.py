"""Skeleton-only fallback: draw motions with OpenCV through the camera projection.

Used when no OpenGL backend is available.  Draws a floor grid, bones as anti-aliased lines
(far ones first) and joints as discs; a mesh-only layer is drawn as a cloud of its vertices.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from flag3d_core.render.cameras import Camera
from flag3d_core.render.scene import MotionLayer, SceneStyle

_NEAR = 0.05


def _bgr(rgb: Sequence[float], scale: float = 1.0) -> tuple[int, int, int]:
    r, g, b = (int(round(255 * min(1.0, max(0.0, c * scale)))) for c in rgb)
    return b, g, r


def floor_grid_segments(
    center_xy: np.ndarray, half_size: float, z: float, step: float
) -> np.ndarray:
    """(S, 2, 3) short segments of a square floor grid (short so near-plane clipping is easy)."""
    ticks = np.arange(-half_size, half_size + 1e-9, step)
    segs = []
    for a in ticks:
        for b0, b1 in zip(ticks[:-1], ticks[1:], strict=True):
            segs.append([[a, b0], [a, b1]])  # along y
            segs.append([[b0, a], [b1, a]])  # along x
    xy = np.asarray(segs) + center_xy
    return np.concatenate([xy, np.full((*xy.shape[:2], 1), z)], axis=-1)


def _pixel_scale(camera: Camera) -> float:
    return float(camera.K[1, 1])


def draw_frame(
    layers: Sequence[MotionLayer],
    t: int,
    camera: Camera,
    style: SceneStyle,
    floor_segments: np.ndarray | None = None,
) -> np.ndarray:
    """Draw frame ``t`` of ``layers``: RGB uint8 (H, W, 3)."""
    shift = 4  # sub-pixel precision for cv2 drawing
    img = np.empty((camera.height, camera.width, 3), dtype=np.uint8)
    img[:] = _bgr(style.background)
    if floor_segments is not None and len(floor_segments):
        uv, depth = camera.project(floor_segments)  # (S, 2, 2), (S, 2)
        keep = (depth > _NEAR).all(axis=1)
        pts = np.round(uv[keep] * (1 << shift)).astype(np.int64)
        pts = np.clip(pts, -(1 << 28), 1 << 28).astype(np.int32)
        cv2.polylines(img, list(pts), False, _bgr(style.floor_colors[1], 0.95), 1,
                      cv2.LINE_AA, shift)
    f = _pixel_scale(camera)
    # Meshes first (far layer first), see-through when the layer also has a skeleton.
    mesh_layers = [layer for layer in layers if layer.vertices is not None]
    mesh_layers.sort(key=lambda layer: -float(camera.to_camera(layer.vertices[t].mean(0))[2]))
    for layer in mesh_layers:
        if layer.joints is None:
            draw_mesh(img, layer.vertices[t], layer.faces, camera, layer.color)
        else:
            over = img.copy()
            draw_mesh(over, layer.vertices[t], layer.faces, camera, layer.color)
            cv2.addWeighted(over, 0.45, img, 0.55, 0.0, dst=img)
    items: list[tuple[float, str, object]] = []  # (depth, kind, payload), drawn far to near
    for layer in layers:
        if layer.joints is None:
            continue
        uv, depth = camera.project(layer.joints[t])
        ok = np.isfinite(uv).all(axis=1) & (depth > _NEAR)
        for a, b in layer.edges:
            if ok[a] and ok[b]:
                d = (depth[a] + depth[b]) / 2
                width = max(2, int(round(2 * style.bone_radius * f / d)))
                items.append((d, "bone", (uv[a], uv[b], width, layer.color)))
        for j in np.flatnonzero(ok):
            radius = max(2, int(round(style.joint_radius * f / depth[j])))
            items.append((depth[j] - 1e-3, "joint", (uv[j], radius, layer.color)))
    items.sort(key=lambda item: -item[0])
    for _, kind, payload in items:
        if kind == "bone":
            a, b, width, color = payload
            cv2.line(img, _fixed(a, shift), _fixed(b, shift), _bgr(color), width, cv2.LINE_AA,
                     shift)
        else:
            p, radius, color = payload
            cv2.circle(img, _fixed(p, shift), radius << shift, _bgr(color, 0.6), -1, cv2.LINE_AA,
                       shift)
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def draw_mesh(
    img: np.ndarray, vertices: np.ndarray, faces: np.ndarray, camera: Camera,
    color: Sequence[float], light_dir: Sequence[float] = (-0.3, -0.6, 0.75),
) -> None:
    """Painter's-algorithm mesh: flat-shaded faces drawn far to near into BGR ``img``.

    vertices (V, 3) world, faces (F, 3).  Faces crossing the near plane are skipped.
    """
    shift = 4
    uv, depth = camera.project(vertices)  # (V, 2), (V,)
    keep = (depth[faces] > _NEAR).all(axis=1)
    fcs = faces[keep]
    tri = vertices[fcs]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    to_cam = camera.center - tri.mean(axis=1)
    facing = np.einsum("fi,fi->f", normal, to_cam) > 0  # back faces are hidden anyway
    fcs, normal = fcs[facing], normal[facing]
    light = np.asarray(light_dir, dtype=np.float64)
    light /= np.linalg.norm(light)
    shade = 0.75 + 0.45 * np.clip(normal @ light, 0.0, 1.0)  # (F,), like GL ambient + key
    order = np.argsort(-depth[fcs].mean(axis=1))
    pts = np.round(uv[fcs[order]] * (1 << shift))
    pts = np.clip(pts, -(1 << 28), 1 << 28).astype(np.int32)  # (F, 3, 2)
    base = np.array(_bgr(color), dtype=np.float64)
    colors = np.clip(base[None] * shade[order, None], 0, 255).astype(int).tolist()
    for poly, c in zip(pts, colors, strict=True):
        cv2.fillConvexPoly(img, poly, c, cv2.LINE_AA, shift)


def _fixed(p: np.ndarray, shift: int) -> tuple[int, int]:
    q = np.clip(np.round(np.asarray(p) * (1 << shift)), -(1 << 28), 1 << 28)
    return int(q[0]), int(q[1])


def floor_for(layers: Sequence[MotionLayer], style: SceneStyle) -> np.ndarray | None:
    """Floor grid segments under ``layers`` (None when the style has no floor)."""
    if not style.floor:
        return None
    pts = np.concatenate([layer.points() for layer in layers])
    lo, hi = np.nanmin(pts, axis=0), np.nanmax(pts, axis=0)
    half = float(np.ceil((max(hi[0] - lo[0], hi[1] - lo[1]) / 2 + 2.0) / style.floor_tile)
                 * style.floor_tile)
    return floor_grid_segments((lo[:2] + hi[:2]) / 2, half, float(lo[2]), style.floor_tile)
