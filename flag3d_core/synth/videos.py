"""The rendered-video subset of FLAG3D-Synth (the real release ships 1,800 of its rendered videos).

For each ``(performer, activity, repetition)`` of ``Profile.videos`` and each camera of
``Profile.video_cameras`` the body mesh of the sequence's SMPL file (``smpl/<name>.npz``, posed
with the body model the generator used) is rendered through the studio camera file
``cameras/S001C00k.json`` to ``videos/S001C00kM001P###A###R###.mp4``: H.264, 854 x 480, 30 fps,
the first ``Profile.video_max_frames`` frames.  A video has the name of the rendered-domain 2D
sequence of the same camera in ``flag3d_2d_render.pkl``.

Rendering uses :func:`flag3d_core.render.render_sequence` with a throw-away cache, so the
release folder holds only the videos.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from flag3d_core.datasets.flag3d import format_mocap_name
from flag3d_core.synth.profiles import Profile

if TYPE_CHECKING:
    from flag3d_core.body.forward import BodyModel

log = logging.getLogger(__name__)

VIDEO_DIR = "videos"
VIDEO_WIDTH, VIDEO_HEIGHT = 854, 480
_VIDEO_NAME = re.compile(r"^S\d{3}C\d{3}M\d{3}P\d{3}A\d{3}R\d{3}\.mp4$")


@dataclass(frozen=True)
class VideoJob:
    """One video: the MoCap sequence it shows and the studio camera (1-6) it is seen from."""

    performer: int
    activity: int
    repetition: int
    camera: int

    @property
    def sequence(self) -> str:
        """Name of the MoCap sequence (its ``smpl/<name>.npz``), camera C001."""
        return format_mocap_name(scene=1, camera=1, avatar=1, performer=self.performer,
                                 activity=self.activity, repetition=self.repetition)

    @property
    def name(self) -> str:
        """Video name = rendered-domain 2D sequence name, ``S001C00kM001P###A###R###``."""
        return format_mocap_name(scene=1, camera=self.camera, avatar=1,
                                 performer=self.performer, activity=self.activity,
                                 repetition=self.repetition)


def video_jobs(prof: Profile) -> list[VideoJob]:
    """The profile's videos, sequences x cameras, in name order.

    Raises:
        ValueError: a video names a sequence the profile does not generate, or a camera
            outside 1-6.
    """
    jobs = []
    for p, a, r in prof.videos:
        if p not in prof.performers or a not in prof.activities or r not in prof.repetitions:
            raise ValueError(f"profile {prof.name!r}: video sequence P{p:03d}A{a:03d}R{r:03d} "
                             "is not one of the profile's sequences")
        for c in prof.video_cameras:
            if not 1 <= c <= 6:
                raise ValueError(f"profile {prof.name!r}: video camera {c} is not a studio "
                                 "camera (1-6)")
            jobs.append(VideoJob(p, a, r, c))
    return sorted(set(jobs), key=lambda j: j.name)


def video_path(out_dir: str | os.PathLike[str], name: str) -> Path:
    """``<out_dir>/videos/<name>.mp4``."""
    return Path(out_dir) / VIDEO_DIR / f"{name}.mp4"


def _body_model(body_dir: str | os.PathLike[str] | None, tmp: Path) -> BodyModel:
    """The generator's body model: the one in ``body_dir``, else the stand-in (as
    :func:`flag3d_core.synth.rigs.load_body_arrays` chooses)."""
    from flag3d_core.body import ensure_body_model, load_body_model
    from flag3d_core.body.errors import BodyModelNotFoundError

    if body_dir is not None:
        try:
            return load_body_model(body_dir)
        except BodyModelNotFoundError:
            pass
    return ensure_body_model(tmp / "body")


def sequence_vertices(smpl_file: str | os.PathLike[str], model: BodyModel,
                      max_frames: int | None = None) -> np.ndarray:
    """Mesh vertices (T, V, 3) float32, world z up, of an EasyMocap ``smpl/<name>.npz``.

    Args:
        smpl_file: the sequence's SMPL file.
        model: a :class:`flag3d_core.body.BodyModel`.
        max_frames: pose only the first this-many frames (None: all).
    """
    from flag3d_core.datasets.flag3d import EasyMocapParams, load_easymocap_smpl
    from flag3d_core.datasets.flag3d.smpl import easymocap_to_smpl

    params = load_easymocap_smpl(smpl_file)
    if max_frames is not None:
        n = max(1, int(max_frames))
        params = EasyMocapParams(poses=params.poses[:n], shapes=params.shapes,
                                 Rh=params.Rh[:n], Th=params.Th[:n])
    betas = params.shapes.reshape(-1)
    smpl = easymocap_to_smpl(params, model.rest_pelvis(betas))
    out = model.pose(smpl.global_orient, smpl.body_pose, smpl.betas, smpl.transl)
    return out.vertices


def render_videos(out_dir: str | os.PathLike[str], prof: Profile,
                  body_dir: str | os.PathLike[str] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Render the profile's video subset from the release files already under ``out_dir``.

    Needs ``smpl/<sequence>.npz`` and ``cameras/S001C00k.json`` (written by
    :func:`~flag3d_core.synth.generate.generate`).  Videos of earlier runs that the profile no
    longer lists are removed, so a folder holds exactly the profile's videos.

    Args:
        out_dir: the release root.
        prof: the profile (``videos``, ``video_cameras``, ``video_max_frames``, ``fps``).
        body_dir: body model folder used by the generator (None: the stand-in).
        progress: called as ``progress(done, total)`` after each video.

    Returns:
        Paths of the videos, in name order.
    """
    from flag3d_core.render import MotionLayer, RenderOptions, render_sequence

    out = Path(out_dir)
    jobs = video_jobs(prof)
    _remove_stale(out / VIDEO_DIR, {j.name for j in jobs})
    if not jobs:
        return []
    cams = out / "cameras"
    options = RenderOptions(width=VIDEO_WIDTH, height=VIDEO_HEIGHT, fps=prof.fps,
                            max_frames=prof.video_max_frames)
    paths: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="flag3d_synth_videos_") as tmp:
        model = _body_model(body_dir, Path(tmp))
        faces = np.asarray(model.faces, dtype=np.int64)
        layers: dict[str, MotionLayer] = {}
        for k, job in enumerate(jobs):
            if job.sequence not in layers:
                smpl_file = out / "smpl" / f"{job.sequence}.npz"
                if not smpl_file.is_file():
                    raise FileNotFoundError(f"{smpl_file}: SMPL file of video {job.name} missing")
                layers = {job.sequence: MotionLayer(
                    vertices=sequence_vertices(smpl_file, model, prof.video_max_frames),
                    faces=faces)}
            cam_file = cams / f"S001C{job.camera:03d}.json"
            if not cam_file.is_file():
                raise FileNotFoundError(f"{cam_file}: camera file of video {job.name} missing")
            res = render_sequence(layers[job.sequence], camera=cam_file.stem, options=options,
                                  cache_dir=Path(tmp) / "cache",
                                  out_path=video_path(out, job.name), cameras_dir=cams)
            log.debug("video %s: %d frames, %s, %.1f s", job.name, res.frames, res.backend,
                      res.seconds)
            paths.append(res.path)
            if progress is not None:
                progress(k + 1, len(jobs))
    return paths


def _remove_stale(video_dir: Path, keep: set[str]) -> None:
    if not video_dir.is_dir():
        return
    for p in video_dir.iterdir():
        if _VIDEO_NAME.match(p.name) and p.stem not in keep:
            p.unlink()
