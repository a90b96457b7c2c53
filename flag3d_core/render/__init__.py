"""Offscreen rendering of motions to browser-playable MP4 (pyrender, with an OpenCV fallback).

pyrender/OpenGL are imported lazily, only by :mod:`flag3d_core.render.backend`, which picks
``PYOPENGL_PLATFORM`` once per process.
"""

from flag3d_core.render.backend import BackendInfo, render_backend
from flag3d_core.render.cameras import (
    PRESETS,
    Camera,
    CameraPreset,
    camera_names,
    get_camera,
    load_camera_json,
)
from flag3d_core.render.scene import PREDICTION_COLOR, TRUTH_COLOR, MotionLayer, SceneStyle
from flag3d_core.render.sequence import (
    RenderOptions,
    RenderResult,
    render_frames,
    render_sequence,
)
from flag3d_core.render.video import probe_video, video_codec, write_mp4

__all__ = [
    "BackendInfo", "render_backend", "PRESETS", "Camera", "CameraPreset", "camera_names",
    "get_camera", "load_camera_json", "PREDICTION_COLOR", "TRUTH_COLOR", "MotionLayer",
    "SceneStyle", "RenderOptions", "RenderResult", "render_frames", "render_sequence",
    "probe_video", "video_codec", "write_mp4",
]
