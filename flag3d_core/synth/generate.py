"""Top level of FLAG3D-Synth: generate every sequence of a profile and write the release files.

Each sequence draws from its own random stream, ``SeedSequence([seed, 2, performer, activity,
repetition])``, so results do not depend on the order or the number of worker processes, and
the same seed gives byte-identical files.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import torch

from flag3d_core.datasets.flag3d import format_mocap_name, format_natural_name
from flag3d_core.synth.activities import scripts
from flag3d_core.synth.cameras import phone_cameras, studio_cameras
from flag3d_core.synth.kinematics import Rig
from flag3d_core.synth.motion import Timing, animate
from flag3d_core.synth.performers import Performer, make_performer
from flag3d_core.synth.profiles import Profile, get_profile
from flag3d_core.synth.project import PHONE_NOISE, RENDER_NOISE, detect
from flag3d_core.synth.rigs import load_body_arrays, performer_rig
from flag3d_core.synth.skeleton import coco17, ntu25
from flag3d_core.synth.videos import VIDEO_DIR, render_videos, video_jobs
from flag3d_core.synth.writer import (
    in_domain_split,
    skeleton_annotation,
    write_annotation_pkl,
    write_cameras,
    write_instructions,
    write_smpl_npz,
)

log = logging.getLogger(__name__)

KEYPOINT_FILE = "flag3d_keypoint.pkl"
RENDER_FILE = "flag3d_2d_render.pkl"
NATURAL_FILE = "flag3d_2d_natural.pkl"
INSTRUCTION_FILE = "instruction.zip"
_SEQ_STREAM = 2


@dataclass
class SynthSummary:
    """What :func:`generate` wrote."""

    out_dir: Path
    profile: str
    seed: int
    num_mocap: int
    num_render: int
    num_natural: int
    total_frames: int
    num_videos: int
    seconds: float
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    performer: int
    activity: int
    repetition: int
    seed: int
    profile: Profile
    body_dir: str | None


@cache
def _arrays(body_dir: str | None) -> dict[str, Any]:
    return load_body_arrays(body_dir)


@cache
def _performer(index: int, seed: int, body_dir: str | None) -> tuple[Performer, Rig]:
    performer = make_performer(index, seed)
    return performer, performer_rig(_arrays(body_dir), performer.betas)


def generate_sequence(job: _Job) -> dict[str, Any]:
    """All outputs of one MoCap sequence (3D skeleton, SMPL, rendered and natural 2D)."""
    prof = job.profile
    performer, rig = _performer(job.performer, job.seed, job.body_dir)
    ss = np.random.SeedSequence([job.seed, _SEQ_STREAM, job.performer, job.activity,
                                 job.repetition])
    motion_rng, render_rng, natural_rng = (np.random.default_rng(s) for s in ss.spawn(3))
    n_cycles = int(motion_rng.integers(prof.cycles[0], prof.cycles[1] + 1))
    timing = Timing(n_cycles=n_cycles, fps=prof.fps, max_frames=prof.max_frames,
                    min_frames=prof.min_frames)
    m = animate(scripts()[job.activity], performer, rig, timing, motion_rng,
                place_xy=motion_rng.uniform(-0.1, 0.1, 2), yaw_deg=motion_rng.uniform(-8, 8))
    name = format_mocap_name(scene=1, camera=1, avatar=1, performer=job.performer,
                             activity=job.activity, repetition=job.repetition)
    kp3d = ntu25(m.joints, m.probes, rig).astype(np.float32)
    kp_coco = coco17(m.joints, m.probes, rig)
    cams = studio_cameras()
    render = []
    for c in prof.render_cameras:
        uv, score = detect(kp_coco, m.joints, cams[c - 1], RENDER_NOISE, render_rng)
        render.append((format_mocap_name(scene=1, camera=c, avatar=1, performer=job.performer,
                                         activity=job.activity, repetition=job.repetition),
                       uv.astype(np.float16), score.astype(np.float16)))
    natural = []
    phones = phone_cameras(natural_rng)
    for v in prof.natural_views:
        cam = phones[v - 1]
        uv, score = detect(kp_coco, m.joints, cam, PHONE_NOISE, natural_rng)
        natural.append((format_natural_name(performer=job.performer, activity=job.activity,
                                            view=v, repetition=job.repetition, scene=1),
                        uv.astype(np.float16), score.astype(np.float16),
                        (cam.height, cam.width)))
    return {"name": name, "performer": job.performer, "label": job.activity - 1,
            "kp3d": kp3d, "render": render, "natural": natural,
            "cycles": int(round(float(m.phase[-1]))),  # ground truth for repetition counting
            "smpl": (m.poses.astype(np.float32), m.betas.astype(np.float32),
                     m.Rh.astype(np.float32), m.Th.astype(np.float32))}


def _one_torch_thread() -> None:
    """Worker set-up: one torch thread per process (the processes are the parallelism; more
    threads each would only contend for the same cores)."""
    torch.set_num_threads(1)


def _jobs(prof: Profile, seed: int, body_dir: str | None) -> list[_Job]:
    return [_Job(p, a, r, seed, prof, body_dir)
            for p in prof.performers for a in prof.activities for r in prof.repetitions]


def generate(profile: str | Profile = "demo", seed: int = 0,
             out_dir: str | os.PathLike[str] | None = None,
             progress: Callable[[int, int], None] | None = None,
             body_dir: str | os.PathLike[str] | None = None,
             workers: int | None = None) -> SynthSummary:
    """Generate FLAG3D-Synth and write the release files under ``out_dir``.

    Args:
        profile: ``demo`` (60 activities x 10 performers x 3 repetitions) or ``small``.
        seed: the same seed gives byte-identical files.
        out_dir: default ``<settings.data_dir>/flag3d_synth``.
        progress: called as ``progress(done, total)`` after each sequence, then after each
            rendered video (counted on after the sequences).
        body_dir: body model folder (``smpl/SMPL_NEUTRAL.pkl``); default the stand-in.
        workers: processes (default: the profile's); results do not depend on it.

    The profile's rendered-video subset (``Profile.videos``) is rendered last, into
    ``videos/`` (:func:`flag3d_core.synth.videos.render_videos`).
    """
    start = time.perf_counter()
    prof = get_profile(profile)
    if out_dir is None:
        from flag3d_core.settings import load_settings

        out_dir = load_settings().data_dir / "flag3d_synth"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    bdir = None if body_dir is None else str(body_dir)
    jobs = _jobs(prof, seed, bdir)
    total_steps = len(jobs) + len(video_jobs(prof))  # sequences, then rendered videos
    n_workers = max(1, min(workers or prof.workers, os.cpu_count() or 1))
    results: list[dict[str, Any]] = []
    total_frames = 0

    def collect(res: dict[str, Any]) -> None:
        nonlocal total_frames
        poses, betas, rh, th = res.pop("smpl")
        write_smpl_npz(out / "smpl" / f"{res['name']}.npz", poses, betas, rh, th)
        total_frames += int(res["kp3d"].shape[0])
        results.append(res)
        if progress is not None:
            progress(len(results), total_steps)

    if n_workers == 1:
        for job in jobs:
            collect(generate_sequence(job))
    else:
        with ProcessPoolExecutor(n_workers, mp_context=get_context("spawn"),
                                 initializer=_one_torch_thread) as pool:
            for res in pool.map(generate_sequence, jobs, chunksize=8):
                collect(res)
    files = _write_release(out, results)
    t_videos = time.perf_counter()
    videos = render_videos(out, prof, bdir, progress=None if progress is None else (
        lambda done, _total: progress(len(jobs) + done, total_steps)))
    if videos:
        files.append(f"{VIDEO_DIR}/")
        log.info("FLAG3D-Synth %s: %d videos in %.1f s", prof.name, len(videos),
                 time.perf_counter() - t_videos)
    summary = SynthSummary(out_dir=out, profile=prof.name, seed=seed, num_mocap=len(results),
                           num_render=sum(len(r["render"]) for r in results),
                           num_natural=sum(len(r["natural"]) for r in results),
                           total_frames=total_frames, num_videos=len(videos),
                           seconds=time.perf_counter() - start, files=files)
    log.info("FLAG3D-Synth %s: %d sequences, %d frames in %.1f s -> %s", prof.name,
             summary.num_mocap, total_frames, summary.seconds, out)
    return summary


def _write_release(out: Path, results: list[dict[str, Any]]) -> list[str]:
    """The shared files: keypoint pickles, cameras, instructions."""
    mocap = [(r["name"], r["performer"]) for r in results]
    write_annotation_pkl(out / KEYPOINT_FILE,
                         [skeleton_annotation(r["name"], r["label"], r["kp3d"]) for r in results],
                         in_domain_split(mocap))
    render = [(name, r, uv, sc) for r in results for name, uv, sc in r["render"]]
    write_annotation_pkl(out / RENDER_FILE,
                         [skeleton_annotation(n, r["label"], uv, (480, 854), sc)
                          for n, r, uv, sc in render],
                         in_domain_split((n, r["performer"]) for n, r, _, _ in render))
    natural = [(name, r, uv, sc, shape) for r in results for name, uv, sc, shape in r["natural"]]
    write_annotation_pkl(out / NATURAL_FILE,
                         [skeleton_annotation(n, r["label"], uv, shape, sc)
                          for n, r, uv, sc, shape in natural],
                         in_domain_split((n, r["performer"]) for n, r, _, _, _ in natural))
    cams = write_cameras(out, studio_cameras())
    write_instructions(out / INSTRUCTION_FILE)
    names = [KEYPOINT_FILE, RENDER_FILE, NATURAL_FILE, INSTRUCTION_FILE]
    return names + [str(p.relative_to(out)) for p in cams] + ["smpl/"]
