"""Cameras: pinhole cameras in OpenCV convention, preset orbit cameras framed on the motion,
and the FLAG3D-Synth camera files (``cameras/<S###C###>.json``).

World convention (FLAG3D): z up, metres.  The subject faces -y (SMPL's +z forward turned z-up
by FLAG3D's Rh), so the ``front`` camera stands on the -y side looking towards +y.
Camera convention (OpenCV): ``x_cam = R @ x_world + T``, x right, y down, z forward,
``pixel = K @ x_cam / z``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_WORLD_UP = np.array([0.0, 0.0, 1.0])


@dataclass(frozen=True, eq=False)
class Camera:
    """A pinhole camera: the one camera type of the project (renders and FLAG3D-Synth files).

    Attributes:
        name: id (``front``, ``C002``, ``S001C002``).
        K: (3, 3) intrinsics in pixels of a ``width`` x ``height`` image.
        R: (3, 3) world-to-camera rotation.
        T: (3,) world-to-camera translation.
        dist: (5,) OpenCV distortion, kept for the camera files; renders use the ideal pinhole.
    """

    name: str
    K: np.ndarray
    R: np.ndarray
    T: np.ndarray
    width: int
    height: int
    dist: np.ndarray = field(default_factory=lambda: np.zeros(5))

    @property
    def centre(self) -> np.ndarray:
        """Camera position in the world, (3,)."""
        return -self.R.T @ self.T

    def to_json(self) -> dict:
        """The ``cameras/<name>.json`` object of the release layout."""
        return {"name": self.name, "K": np.round(self.K, 6).tolist(),
                "R": np.round(self.R, 9).tolist(), "T": np.round(self.T, 9).tolist(),
                "width": self.width, "height": self.height,
                "dist": np.round(self.dist, 9).tolist()}

    def resized(self, width: int, height: int) -> Camera:
        """Same camera for another image size (intrinsics scaled per axis)."""
        sx, sy = width / self.width, height / self.height
        K = self.K.astype(np.float64) * np.array([[sx], [sy], [1.0]])
        return Camera(self.name, K, self.R, self.T, width, height, self.dist)

    @property
    def center(self) -> np.ndarray:
        """(3,) camera position in the world."""
        return -self.R.T @ self.T

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """(..., 3) world points -> (..., 3) camera coordinates."""
        return points @ self.R.T + self.T

    def project(self, points: np.ndarray,
                min_depth: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(..., 3) world points -> pixels (..., 2) and depth (...,) along the optical axis.

        The project's one pinhole projection (``pixel = K @ x_cam / z``, skew included).
        ``min_depth``: clamp the divisor to at least this depth (points behind or at the camera
        land far outside the image); None only guards a zero depth.
        """
        cam = self.to_camera(np.asarray(points, dtype=np.float64))
        depth = cam[..., 2]
        if min_depth is None:
            safe = np.where(np.abs(depth) < 1e-9, 1e-9, depth)
        else:
            safe = np.maximum(depth, min_depth)
        uv = (cam[..., :2] / safe[..., None]) @ self.K[:2, :2].T + self.K[:2, 2]
        return uv, depth

    def gl_pose(self) -> np.ndarray:
        """(4, 4) camera-to-world pose in OpenGL convention (x right, y up, looking down -z)."""
        pose = np.eye(4)
        pose[:3, :3] = self.R.T @ np.diag([1.0, -1.0, -1.0])
        pose[:3, 3] = self.center
        return pose

    def fingerprint(self) -> dict:
        """Plain values that identify this camera (for cache keys)."""
        return {
            "name": self.name, "K": np.round(self.K, 6).tolist(),
            "R": np.round(self.R, 6).tolist(), "T": np.round(self.T, 6).tolist(),
            "size": [self.width, self.height],
        }


@dataclass(frozen=True)
class CameraPreset:
    """An orbit camera around the motion, framed to fit it.

    Attributes:
        azimuth_deg: 0 = in front of the subject (on -y), 90 = on the subject's left (+x).
        elevation_deg: height angle above the horizontal through the motion's centre.
        yfov_deg: vertical field of view.
    """

    name: str
    azimuth_deg: float
    elevation_deg: float
    yfov_deg: float = 40.0


# ``front``/``side`` plus six cameras spread around the subject like FLAG3D's rendered views.
PRESETS: dict[str, CameraPreset] = {
    p.name: p
    for p in (
        CameraPreset("front", 0.0, 12.0),
        CameraPreset("side", 90.0, 12.0),
        CameraPreset("C001", 0.0, 15.0),
        CameraPreset("C002", 45.0, 20.0),
        CameraPreset("C003", 90.0, 15.0),
        CameraPreset("C004", 180.0, 20.0),
        CameraPreset("C005", 270.0, 15.0),
        CameraPreset("C006", -45.0, 25.0),
    )
}


def look_at(eye: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OpenCV extrinsics ``(R (3,3), T (3,))`` of a camera at ``eye`` looking at ``target``,
    z up."""
    forward = np.asarray(target, float) - np.asarray(eye, float)
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, _WORLD_UP)
    if np.linalg.norm(right) < 1e-6:  # looking straight down/up: any right vector will do
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    R = np.stack([right, down, forward])
    return R, -R @ np.asarray(eye, float)


def frame_preset(
    preset: CameraPreset, points: np.ndarray, width: int, height: int, margin: float = 1.12
) -> Camera:
    """Place ``preset`` so that every point of ``points`` (N, 3) is in view.

    The camera looks at the centre of the points' bounding box; the distance is the smallest
    that keeps the box's eight corners inside the image with ``margin`` to spare.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) == 0:
        raise ValueError("cannot frame a camera on an empty or all-NaN motion")
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    lo, hi = lo - 0.05, hi + 0.05  # a little room for joint spheres and the mesh surface
    target = (lo + hi) / 2.0
    az, el = math.radians(preset.azimuth_deg), math.radians(preset.elevation_deg)
    direction = np.array([math.sin(az) * math.cos(el), -math.cos(az) * math.cos(el), math.sin(el)])
    R, _ = look_at(target + direction, target)
    tan_y = math.tan(math.radians(preset.yfov_deg) / 2.0)
    tan_x = tan_y * width / height
    corners = np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                        for z in (lo[2], hi[2])]) - target
    cam = corners @ R.T  # camera-frame offsets from the target
    need = np.maximum(np.abs(cam[:, 0]) * margin / tan_x, np.abs(cam[:, 1]) * margin / tan_y)
    distance = float(np.max(need - cam[:, 2]))
    distance = max(distance, 0.5)
    eye = target + direction * distance
    R, T = look_at(eye, target)
    f = height / (2.0 * tan_y)
    K = np.array([[f, 0.0, width / 2.0], [0.0, f, height / 2.0], [0.0, 0.0, 1.0]])
    return Camera(preset.name, K, R, T, width, height)


def load_camera_json(path: str | Path) -> Camera:
    """Read a FLAG3D-Synth camera file ``{"name", "K", "R", "T", "width", "height", "dist"}``.

    Distortion (``dist``) is ignored: renders use the ideal pinhole.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        K = np.asarray(data["K"], dtype=np.float64).reshape(3, 3)
        R = np.asarray(data["R"], dtype=np.float64).reshape(3, 3)
        T = np.asarray(data["T"], dtype=np.float64).reshape(3)
        width, height = int(data["width"]), int(data["height"])
        dist = np.asarray(data.get("dist", np.zeros(5)), dtype=np.float64).reshape(-1)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a camera file ({exc})") from exc
    if not np.allclose(R @ R.T, np.eye(3), atol=1e-4):
        raise ValueError(f"{path}: R is not a rotation matrix")
    return Camera(str(data.get("name") or path.stem), K, R, T, width, height, dist)


def load_cameras_dir(cameras_dir: str | Path) -> dict[str, Camera]:
    """All ``*.json`` cameras of a directory, keyed by file stem (``S001C002``)."""
    return {p.stem: load_camera_json(p) for p in sorted(Path(cameras_dir).glob("*.json"))}


def camera_names(cameras_dir: str | Path | None = None) -> list[str]:
    """Names :func:`get_camera` accepts: the built-in presets, then any camera files."""
    names = list(PRESETS)
    if cameras_dir is not None and Path(cameras_dir).is_dir():
        names += [p.stem for p in sorted(Path(cameras_dir).glob("*.json"))]
    return names


def describe_camera(name: str, cameras_dir: str | Path | None = None) -> str:
    """What a camera name means, for pickers: 'front: orbit preset, azimuth 0°, 12° up' or
    'S001C002: calibrated camera file, 854x480, 3.8 m from the origin, 1.1 m high'."""
    if name in PRESETS:
        p = PRESETS[name]
        return (f"{name}: orbit preset framed to the motion, azimuth {p.azimuth_deg:g}° "
                f"(0 = in front), {p.elevation_deg:g}° up")
    path = _find_camera_file(name, Path(cameras_dir)) if cameras_dir is not None else None
    if path is None:
        return name
    try:
        cam = load_camera_json(path)
    except ValueError:
        return f"{name}: unreadable camera file"
    centre = -cam.R.T @ cam.T  # camera centre in world coordinates (metres, z up)
    return (f"{name}: calibrated camera file, {cam.width}x{cam.height}, "
            f"{np.linalg.norm(centre[:2]):.1f} m from the origin, {centre[2]:.1f} m high")


def _find_camera_file(name: str, cameras_dir: Path) -> Path | None:
    exact = cameras_dir / f"{name}.json"
    if exact.is_file():
        return exact
    # ``C002`` matches ``S001C002.json`` (the first scene that has that camera).
    matches = sorted(cameras_dir.glob(f"*{name}.json"))
    return matches[0] if matches else None


def get_camera(
    name: str,
    points: np.ndarray,
    width: int,
    height: int,
    cameras_dir: str | Path | None = None,
) -> Camera:
    """The camera called ``name`` for a ``width`` x ``height`` render of ``points`` (N, 3).

    A camera file in ``cameras_dir`` wins (its fixed extrinsics, intrinsics rescaled to the
    output size); otherwise a built-in preset framed on the points.
    """
    if cameras_dir is not None and Path(cameras_dir).is_dir():
        found = _find_camera_file(name, Path(cameras_dir))
        if found is not None:
            return load_camera_json(found).resized(width, height)
    if name not in PRESETS:
        raise KeyError(f"unknown camera {name!r}; known: {camera_names(cameras_dir)}")
    return frame_preset(PRESETS[name], points, width, height)
