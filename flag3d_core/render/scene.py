"""What is drawn (motion layers, style) and the pure numpy geometry the renderers share:
vertex normals, bone transforms, floor tiles, light poses and frame compositing.

The pyrender part is :mod:`flag3d_core.render.gl`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

RGB = tuple[float, float, float]
TRUTH_COLOR: RGB = (0.35, 0.55, 0.85)
PREDICTION_COLOR: RGB = (0.90, 0.45, 0.25)


@dataclass(frozen=True, eq=False)
class MotionLayer:
    """One motion to draw; world space, z up, metres.

    Attributes:
        vertices: (T, V, 3) mesh vertices, or None.
        faces: (F, 3) triangle indices (required with ``vertices``).
        joints: (T, J, 3) joint positions, or None.
        edges: bones as (child, parent) joint-index pairs (a layout's ``edges``).
        color: RGB floats in [0, 1].
    """

    vertices: np.ndarray | None = None
    faces: np.ndarray | None = None
    joints: np.ndarray | None = None
    edges: Sequence[tuple[int, int]] = ()
    color: RGB = TRUTH_COLOR

    def __post_init__(self) -> None:
        if self.vertices is None and self.joints is None:
            raise ValueError("a MotionLayer needs vertices or joints")
        for label, arr in (("vertices", self.vertices), ("joints", self.joints)):
            if arr is not None and (arr.ndim != 3 or arr.shape[-1] != 3):
                raise ValueError(f"{label} must be (T, N, 3), got {arr.shape}")
        if self.vertices is not None:
            if self.faces is None or self.faces.ndim != 2 or self.faces.shape[1] != 3:
                raise ValueError("vertices need faces of shape (F, 3)")
            if int(self.faces.max()) >= self.vertices.shape[1]:
                raise ValueError("faces index past the last vertex")
        if self.vertices is not None and self.joints is not None:
            if len(self.vertices) != len(self.joints):
                raise ValueError(
                    f"vertices have {len(self.vertices)} frames, joints {len(self.joints)}"
                )
        if self.joints is not None and self.edges:
            if max(max(e) for e in self.edges) >= self.joints.shape[1]:
                raise ValueError("an edge indexes past the last joint")
        if not all(0.0 <= float(c) <= 1.0 for c in self.color):
            raise ValueError(f"color must be floats in [0, 1], got {self.color}")

    @property
    def num_frames(self) -> int:
        arr = self.vertices if self.vertices is not None else self.joints
        return len(arr)

    def points(self, t: int | slice = slice(None)) -> np.ndarray:
        """(N, 3) every drawn point of frame(s) ``t`` (for framing and the floor height)."""
        parts = [a[t].reshape(-1, 3) for a in (self.vertices, self.joints) if a is not None]
        return np.concatenate(parts)


@dataclass(frozen=True)
class SceneStyle:
    """Look of a render; colours are RGB floats (integer colours render black in pyrender)."""

    background: RGB = (1.0, 1.0, 1.0)
    floor_colors: tuple[RGB, RGB] = ((0.86, 0.87, 0.89), (0.74, 0.76, 0.79))
    floor_tile: float = 0.5
    floor: bool = True
    joint_radius: float = 0.03
    bone_radius: float = 0.02
    ambient: float = 0.35
    lights: tuple[tuple[float, float, float, float], ...] = field(
        # (azimuth deg, elevation deg, intensity, unused) of directional lights; soft 3-point set
        default=((-30.0, 55.0, 2.6, 0.0), (60.0, 35.0, 1.3, 0.0), (170.0, 40.0, 1.0, 0.0))
    )


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted unit vertex normals.  vertices (V, 3), faces (F, 3) -> (V, 3)."""
    tri = vertices[faces]  # (F, 3, 3)
    face_n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])  # (F, 3), |n| = 2 * area
    normals = np.zeros_like(vertices, dtype=np.float64)
    for k in range(3):
        for axis in range(3):
            normals[:, axis] += np.bincount(faces[:, k], face_n[:, axis], len(vertices))
    norm = np.linalg.norm(normals, axis=1, keepdims=True)
    return (normals / np.where(norm < 1e-12, 1.0, norm)).astype(np.float32)


def bone_transforms(joints: np.ndarray, edges: Sequence[tuple[int, int]]) -> np.ndarray:
    """(E, 4, 4) transforms taking a unit cylinder (z in [-0.5, 0.5]) onto each bone.

    joints (J, 3); the z axis is scaled to the bone length, x/y keep the cylinder radius.
    """
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    a, b = joints[e[:, 0]], joints[e[:, 1]]
    axis = b - a
    length = np.linalg.norm(axis, axis=1)
    z = axis / np.where(length < 1e-9, 1.0, length)[:, None]
    z[length < 1e-9] = (0.0, 0.0, 1.0)
    helper = np.where(np.abs(z[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    x = np.cross(helper, z)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.cross(z, x)
    out = np.zeros((len(e), 4, 4))
    out[:, :3, 0], out[:, :3, 1], out[:, :3, 2] = x, y, z * np.maximum(length, 1e-6)[:, None]
    out[:, :3, 3] = (a + b) / 2.0
    out[:, 3, 3] = 1.0
    return out


def floor_tiles(
    center_xy: np.ndarray, half_size: float, z: float, tile: float, colors: tuple[RGB, RGB]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A checkerboard floor: vertices (4N, 3), faces (2N, 3), vertex colours (4N, 4)."""
    n = max(1, int(np.ceil(2 * half_size / tile)))
    start = np.floor((center_xy - half_size) / tile) * tile
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    x0, y0 = start[0] + ii * tile, start[1] + jj * tile
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64) * tile
    verts = np.zeros((len(ii), 4, 3))
    verts[..., 0] = x0[:, None] + corners[:, 0]
    verts[..., 1] = y0[:, None] + corners[:, 1]
    verts[..., 2] = z
    base = 4 * np.arange(len(ii))[:, None]
    faces = np.concatenate([base + [0, 1, 2], base + [0, 2, 3]])
    parity = ((np.floor(x0 / tile) + np.floor(y0 / tile)) % 2).astype(int)
    rgba = np.array([[*colors[0], 1.0], [*colors[1], 1.0]])[parity]
    return verts.reshape(-1, 3), faces, np.repeat(rgba, 4, axis=0)


def light_pose(azimuth_deg: float, elevation_deg: float) -> np.ndarray:
    """Pose of a directional light shining towards the origin from the given direction."""
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    src = np.array([np.sin(az) * np.cos(el), -np.cos(az) * np.cos(el), np.sin(el)])
    z = src / np.linalg.norm(src)  # pyrender lights shine along their -z
    x = np.cross([0.0, 0.0, 1.0], z)
    x = x / np.linalg.norm(x) if np.linalg.norm(x) > 1e-6 else np.array([1.0, 0.0, 0.0])
    pose = np.eye(4)
    pose[:3, 0], pose[:3, 1], pose[:3, 2] = x, np.cross(z, x), z
    return pose


def composite_frame(
    background: np.ndarray,
    floor_depth: np.ndarray,
    solid: tuple[np.ndarray, np.ndarray],
    ghost: tuple[np.ndarray, np.ndarray] | None = None,
    ghost_alpha: float = 0.45,
) -> np.ndarray:
    """Put rendered bodies over a pre-rendered static background (floor + sky).

    Args:
        background: (H, W, 3) uint8, the floor rendered once for the whole sequence.
        floor_depth: (H, W) float, linear depth of the floor (0 where no floor).
        solid: ``(rgba (H, W, 4) uint8, depth (H, W))`` of the opaque pass rendered on a
            transparent background, colours premultiplied by alpha (MSAA edges); an RGB
            image (H, W, 3) takes its coverage from ``depth > 0``.
        ghost: optional pass of see-through meshes rendered opaque the same way; blended with
            ``ghost_alpha`` where it is in front of the solid pass.

    Returns:
        (H, W, 3) uint8.  Body pixels behind the floor (depth beyond it) are hidden.
    """
    out = background.astype(np.float32)

    def layer(rgba: np.ndarray, depth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if rgba.shape[-1] == 4:
            alpha = rgba[..., 3:4].astype(np.float32) / 255.0
        else:  # OSMesa returns RGB only (and has no MSAA): coverage is where depth was written
            alpha = (depth > 0)[..., None].astype(np.float32)
        hidden = (floor_depth > 0) & (depth > floor_depth + 1e-3)
        alpha[hidden] = 0.0
        return rgba[..., :3].astype(np.float32), alpha

    rgb, alpha = layer(*solid)
    out = np.where(alpha > 0, rgb + (1.0 - alpha) * out, out)
    if ghost is not None:
        g_rgb, g_alpha = layer(*ghost)
        solid_depth = solid[1]
        in_front = (solid_depth <= 0) | (ghost[1] < solid_depth)
        w = g_alpha * in_front[..., None] * ghost_alpha
        g_color = g_rgb / np.maximum(g_alpha, 1e-6)  # un-premultiply
        out = out * (1.0 - w) + g_color * w
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
