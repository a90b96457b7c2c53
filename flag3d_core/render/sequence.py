"""Render a motion (mesh, skeleton or both; optionally a second motion) to a cached H.264 MP4."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from flag3d_core.atomic import atomic_path, check_output_path
from flag3d_core.render.backend import SKELETON_ONLY, render_backend
from flag3d_core.render.cache import FileCache, content_key
from flag3d_core.render.cameras import Camera, get_camera
from flag3d_core.render.gl import render_gl
from flag3d_core.render.scene import PREDICTION_COLOR, MotionLayer, SceneStyle
from flag3d_core.render.skeleton_draw import draw_frame, floor_for
from flag3d_core.render.video import Mp4Writer
from flag3d_core.settings import load_settings

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderOptions:
    """Output format of a render.

    Attributes:
        width, height: pixels (even numbers; H.264 yuv420p).
        fps: frame rate of the video.
        frame_step: render every ``frame_step``-th frame (the video keeps ``fps``).
        max_frames: stop after this many rendered frames (None: all).
        style: colours, floor, lights, joint and bone radii.
    """

    width: int = 854
    height: int = 480
    fps: float = 30.0
    frame_step: int = 1
    max_frames: int | None = None
    style: SceneStyle = field(default_factory=SceneStyle)

    def frame_indices(self, num_frames: int) -> list[int]:
        idx = list(range(0, num_frames, max(1, self.frame_step)))
        return idx[: self.max_frames] if self.max_frames is not None else idx


@dataclass(frozen=True)
class RenderResult:
    """Where a render went and how it was made."""

    path: Path
    backend: str
    frames: int
    cached: bool
    seconds: float
    key: str


def _layers(motion: MotionLayer, second: MotionLayer | None) -> list[MotionLayer]:
    if second is None:
        return [motion]
    if tuple(second.color) == tuple(motion.color):
        second = dataclasses.replace(second, color=PREDICTION_COLOR)
    if second.num_frames != motion.num_frames:
        logger.warning("motions have %d and %d frames; rendering the first %d",
                       motion.num_frames, second.num_frames,
                       min(motion.num_frames, second.num_frames))
    return [motion, second]


def resolve_camera(
    camera: str | Camera, layers: list[MotionLayer], options: RenderOptions,
    cameras_dir: str | os.PathLike | None = None,
) -> Camera:
    """A :class:`Camera` for the output size: a name is looked up / framed on all the layers."""
    if isinstance(camera, Camera):
        if (camera.width, camera.height) != (options.width, options.height):
            return camera.resized(options.width, options.height)
        return camera
    n = min(layer.num_frames for layer in layers)
    step = max(1, n // 60)  # framing from ~60 frames is plenty
    pts = np.concatenate([layer.points(slice(0, n, step)) for layer in layers])
    return get_camera(camera, pts, options.width, options.height, cameras_dir)


def render_key(layers: list[MotionLayer], cam: Camera, options: RenderOptions, backend: str,
               frames: list[int]) -> str:
    """Content hash of everything that changes the pixels of a render."""
    arrays: dict[str, np.ndarray | None] = {}
    for k, layer in enumerate(layers):
        arrays[f"{k}.vertices"] = layer.vertices
        arrays[f"{k}.faces"] = layer.faces
        arrays[f"{k}.joints"] = layer.joints
        arrays[f"{k}.edges"] = np.asarray(layer.edges, dtype=np.int64).reshape(-1, 2)
    opts = {
        "colors": [list(layer.color) for layer in layers], "camera": cam.fingerprint(),
        "options": dataclasses.asdict(options), "backend": backend, "frames": frames,
    }
    return content_key(arrays, opts)


def _draw_all(layers: list[MotionLayer], cam: Camera, options: RenderOptions, backend: str,
              frames: list[int], on_frame: Callable[[int, np.ndarray], None]) -> None:
    if backend == SKELETON_ONLY:
        floor = floor_for(layers, options.style)
        for i, t in enumerate(frames):
            on_frame(i, draw_frame(layers, t, cam, options.style, floor))
    else:
        render_gl(layers, cam, options.style, frames, on_frame)


def render_frames(
    motion: MotionLayer, second: MotionLayer | None = None, *, camera: str | Camera = "front",
    frames: list[int] | None = None, options: RenderOptions | None = None,
    cameras_dir: str | os.PathLike | None = None,
) -> list[np.ndarray]:
    """Render frames (default: frame 0) to RGB arrays (H, W, 3) uint8, uncached.

    For thumbnails and tests; videos go through :func:`render_sequence`.
    """
    options = options or RenderOptions()
    layers = _layers(motion, second)
    cam = resolve_camera(camera, layers, options, cameras_dir)
    out: list[np.ndarray] = []
    _draw_all(layers, cam, options, render_backend().name, frames or [0],
              lambda _i, img: out.append(img))
    return out


def render_sequence(
    motion: MotionLayer,
    second: MotionLayer | None = None,
    *,
    camera: str | Camera = "front",
    options: RenderOptions | None = None,
    cache_dir: str | os.PathLike | None = None,
    out_path: str | os.PathLike | None = None,
    cameras_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> RenderResult:
    """Render ``motion`` (and ``second``, e.g. a prediction, in another colour) to an MP4.

    Args:
        motion: what to draw (mesh, skeleton or both), z-up world, metres.
        second: optional second motion; recoloured when it has ``motion``'s colour.
        camera: a preset/camera-file name (``front``, ``side``, ``C001``..``C006``, ``S001C002``)
            or a :class:`Camera`.
        options: size, fps, frame selection and style (default 854 x 480 at 30 fps).
        cache_dir: cache folder (default: the settings' ``cache_dir/renders``).  The video is
            stored there under the content hash of inputs + options + backend; an identical
            call returns the stored file without rendering.
        out_path: also copy the video here (for export), atomically; missing folders are
            created. A bad target raises :class:`~flag3d_core.errors.OutputPathError` before
            anything is rendered.
        cameras_dir: FLAG3D-Synth ``cameras/`` folder whose files override the presets.
        progress: called as ``progress(done, total)`` after each frame.

    Returns:
        :class:`RenderResult` with the cached video path (or ``out_path`` when given).
    """
    options = options or RenderOptions()
    t0 = time.perf_counter()
    if out_path is not None:  # refuse a bad target before a long render
        check_output_path(out_path, make_parents=True)
    layers = _layers(motion, second)
    cam = resolve_camera(camera, layers, options, cameras_dir)
    frames = options.frame_indices(min(layer.num_frames for layer in layers))
    if cache_dir is None:
        cache_dir = load_settings().cache_dir / "renders"
    cache = FileCache(cache_dir, ".mp4")
    backend = render_backend().name
    key = render_key(layers, cam, options, backend, frames)
    hit = cache.get(key)
    cached = hit is not None
    if hit is None:
        try:
            hit = _encode(cache, key, layers, cam, options, backend, frames, progress)
        except Exception as exc:  # a broken GL driver must not lose the video
            if backend == SKELETON_ONLY:
                raise
            logger.warning("GL render failed (%s); falling back to skeleton-only drawing", exc)
            backend = SKELETON_ONLY
            key = render_key(layers, cam, options, backend, frames)
            hit = cache.get(key) or _encode(cache, key, layers, cam, options, backend, frames,
                                            progress)
    elif progress is not None:
        progress(len(frames), len(frames))
    path = hit
    if out_path is not None:
        with atomic_path(out_path, make_parents=True) as tmp:
            shutil.copyfile(hit, tmp)
        path = Path(out_path)
    return RenderResult(path=path, backend=backend, frames=len(frames), cached=cached,
                        seconds=time.perf_counter() - t0, key=key)


def _encode(cache: FileCache, key: str, layers: list[MotionLayer], cam: Camera,
            options: RenderOptions, backend: str, frames: list[int],
            progress: Progress | None) -> Path:
    dest = cache.path(key)
    with Mp4Writer(dest, options.width, options.height, options.fps) as writer:
        def on_frame(i: int, img: np.ndarray) -> None:
            writer.append(img)
            if progress is not None:
                progress(i + 1, len(frames))

        _draw_all(layers, cam, options, backend, frames, on_frame)
    return dest
