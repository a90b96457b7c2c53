"""Sequence records (each loaded once per catalog version and id), player payloads, render and
export for the pages."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st

from flag3d_core.catalog.record import SequenceRecord, load_sequence
from pages._ui.models import body_model
from pages._ui.state import Version, cursor, settings


@st.cache_resource(show_spinner=False, max_entries=64)
def record(version: Version, sequence_id: str) -> SequenceRecord:
    """The record of a sequence: one catalog lookup, arrays read lazily and kept, shared by
    every session on this catalog version (raises NotInCatalogError)."""
    return load_sequence(cursor(version), settings().arrays_dir, sequence_id)


@st.cache_data(show_spinner="Preparing the player…", max_entries=64)
def player_payload(version: Version, sequence_ids: tuple[str, ...], view: str,
                   highlight: tuple[int, ...] = ()) -> dict:
    """Player payload of the sequences side by side; the mesh uses the active body model."""
    from flag3d_core.player.sequence import side_by_side_payload

    body = body_model() if view != "skeleton" else None
    return side_by_side_payload([record(version, sid) for sid in sequence_ids], view=view,
                                body_model=body, highlight=list(highlight))


@st.cache_data(show_spinner="Preparing the player…", max_entries=64)
def sequence_payload(version: Version, sequence_ids: tuple[str, ...], view: str) -> dict:
    """The Sequence page's player: skeleton and mesh of each sequence (switched in the
    browser, starting in ``view``) and their joint-angle curves with the first's repetitions."""
    from flag3d_core.player.sequence import sequence_payload as build

    _, reps = joint_angles(version, sequence_ids[0])
    return build([record(version, sid) for sid in sequence_ids], view=view,
                 body_model=body_model(), reps=reps)


@st.cache_data(show_spinner="Preparing the 2D view…", max_entries=32)
def keypoints_payload(version: Version, sequence_id: str) -> dict:
    """The 2D view of a rendered-camera or phone sequence, over its video when it has one."""
    from flag3d_core.player.keypoints import MAX_VIDEO_BYTES
    from flag3d_core.player.keypoints import keypoints_payload as build

    rec = record(version, sequence_id)
    kp, scores = rec.keypoints2d()
    video = rec.video_path
    data = (video.read_bytes() if video is not None and video.is_file()
            and video.stat().st_size <= MAX_VIDEO_BYTES else None)
    size = (int(rec.meta["img_width"] or 0), int(rec.meta["img_height"] or 0))
    if not all(size):  # no image size recorded: the keypoints' own extent
        size = (int(kp[..., 0].max()) + 1, int(kp[..., 1].max()) + 1)
    return build(kp, scores, rec.layout, rec.fps, size, label=rec.name, video=data)


@st.cache_data(show_spinner=False, max_entries=16)
def joint_angles(version: Version, sequence_id: str) -> tuple[Any, Any]:
    """Joint-angle table and the repetitions found in a sequence's 3D skeleton."""
    from flag3d_core.analysis.joint_angles import joint_angles as angles
    from flag3d_core.analysis.repetitions import count_repetitions_in_joints

    rec = record(version, sequence_id)
    joints = rec.joints3d()
    return angles(joints, rec.layout), count_repetitions_in_joints(joints, fps=rec.fps)


@st.cache_data(show_spinner=False, max_entries=16)
def joint_difference(version: Version, a: str, b: str) -> list:
    from flag3d_core.analysis.compare import most_different_joints

    return most_different_joints(record(version, a).joints3d(), record(version, b).joints3d(),
                                 k=25)


def camera_names(rec: SequenceRecord) -> list[str]:
    from flag3d_core.render.cameras import camera_names as names

    return names(rec.cameras_dir)


def describe_camera(rec: SequenceRecord, name: str) -> str:
    from flag3d_core.render.cameras import describe_camera as describe

    return describe(name, rec.cameras_dir)


def render(version: Version, sequence_id: str, what: str, camera: str,
           progress: Callable[[int, int], None]) -> Any:
    """Render (or fetch from the render cache) an MP4; progress(done, total) drives a bar."""
    from flag3d_core.export.sequence import render_mp4

    return render_mp4(record(version, sequence_id), settings().cache_dir, what=what,
                      camera=camera, body_model=body_model() if what != "skeleton" else None,
                      progress=progress)


@st.cache_data(show_spinner=False, max_entries=32)
def export_bytes(version: Version, sequence_id: str, fmt: str) -> bytes:
    """A sequence exported as ``fmt`` (see flag3d_core.export.formats)."""
    from flag3d_core.export.sequence import export_bytes as skeleton_or_metadata
    from flag3d_core.export.sequence import export_sequence

    if fmt not in ("npz", "bvh", "mp4"):
        return skeleton_or_metadata(record(version, sequence_id), fmt)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"export.{fmt}"
        export_sequence(record(version, sequence_id), settings().cache_dir, fmt, out,
                        body_model=body_model() if fmt in ("npz", "bvh") else None)
        return out.read_bytes()


def joints(version: Version, sequence_id: str) -> np.ndarray:
    return record(version, sequence_id).joints3d()



def download(where: Any, label: str, version: Version, sequence_id: str, fmt: str,
             file_name: str, mime: str = "application/octet-stream") -> None:
    """A download button whose file is made when clicked (cached; no rerun)."""
    where.download_button(label, functools.partial(export_bytes, version, sequence_id, fmt),
                          file_name=file_name, mime=mime, on_click="ignore")
