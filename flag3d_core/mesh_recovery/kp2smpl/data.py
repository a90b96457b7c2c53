"""Training and test pairs of kp2smpl from the catalog: a 2D keypoint sequence (COCO-17 pixels
and scores) with the SMPL ground truth of the MoCap sequence of the same performance.

* ``render`` sequences are the studio cameras ``S###C###``; their calibration is the dataset's
  ``cameras/<S###C###>.json`` (:func:`flag3d_core.render.cameras.load_camera_json`, the files
  FLAG3D-Synth writes), and the ground truth is moved into that camera's frame
  (:func:`.frames.smpl_to_camera`).
* ``real`` (phone) sequences have their ground truth (same performer, activity, repetition) but
  the release has no phone calibration: they keep the world-frame ground truth (rotation-free
  metrics only, PA-MPJPE) and are predicted with :func:`assumed_intrinsics`.

The catalog is read through :func:`flag3d_core.catalog.queries.keypoint_smpl_pairs` (one query)
and the array files through :mod:`flag3d_core.catalog.arrays`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_array, load_arrays
from flag3d_core.catalog.record import SequenceSmpl, smpl_for_pelvis, stored_betas
from flag3d_core.mesh_recovery.kp2smpl.frames import CameraSmpl, smpl_to_camera
from flag3d_core.mesh_recovery.kp2smpl.postures import posture_of
from flag3d_core.render.cameras import Camera, load_camera_json

__all__ = ["ASSUMED_FOV_DEG", "PairSequence", "assumed_intrinsics", "camera_file",
           "load_pairs", "pair_entries", "view_name"]

ASSUMED_FOV_DEG = 70.0  # across the long side of the image, for uncalibrated (phone) videos


def assumed_intrinsics(width: int, height: int, fov_deg: float = ASSUMED_FOV_DEG) -> np.ndarray:
    """(3, 3) intrinsics of an uncalibrated camera: principal point at the image centre,
    square pixels, ``fov_deg`` across the long side (FLAG3D-Synth's studio cameras see ~67°,
    its phones 68-77°)."""
    f = 0.5 * max(width, height) / math.tan(math.radians(fov_deg) / 2.0)
    return np.array([[f, 0.0, width / 2.0], [0.0, f, height / 2.0], [0.0, 0.0, 1.0]])


def view_name(row: Any) -> str:
    """``C002`` for a studio camera, ``V001`` for a phone view (from a pairs row)."""
    if row["source"] == "render":
        return f"C{int(row['camera']):03d}"
    return f"V{int(row['view']):03d}"


def camera_file(cameras_dir: Path, scene: int, camera: int) -> Path:
    """The calibration file of studio camera ``camera`` in ``scene``: ``S###C###.json``."""
    return Path(cameras_dir) / f"S{int(scene):03d}C{int(camera):03d}.json"


@dataclass(eq=False)
class PairSequence:
    """A 2D keypoint sequence with its SMPL ground truth.

    Attributes:
        sequence_id / mocap_id: the 2D sequence and the MoCap sequence of its performance.
        source: ``render`` | ``real``. view: ``C###`` or ``V###``. split: the MoCap sequence's
            in-domain split (``train`` | ``test`` | None).
        keypoints: (T, 17, 2) COCO-17 pixels; scores: (T, 17) in [0, 1].
        image_size: (width, height) px.
        K: (3, 3) intrinsics (calibrated, or :func:`assumed_intrinsics` without a camera).
        camera: the studio camera, None for phone videos.
        gt_world: SMPL in the dataset's world, placed for the body model in use.
        gt_camera: the same in ``camera``'s frame (None without a camera).
        pelvis_rest: (3,) the body model's rest pelvis for the ground-truth betas.
        checksums: array checksums (keypoints, scores, smpl) for data fingerprints.
    """

    sequence_id: str
    mocap_id: str
    source: str
    view: str
    performer: str
    activity_id: str
    split: str | None
    keypoints: np.ndarray
    scores: np.ndarray
    image_size: tuple[int, int]
    K: np.ndarray
    camera: Camera | None
    gt_world: SequenceSmpl
    gt_camera: CameraSmpl | None
    pelvis_rest: np.ndarray
    checksums: tuple[str, str, str]

    @property
    def n_frames(self) -> int:
        return int(self.keypoints.shape[0])

    @property
    def posture(self) -> str:
        return posture_of(self.activity_id)


def _trim(smpl: SequenceSmpl, n: int) -> SequenceSmpl:
    return SequenceSmpl(smpl.global_orient[:n], smpl.body_pose[:n], smpl.betas,
                        smpl.transl[:n], smpl.fps)


def load_pairs(con: queries.Con, arrays_dir: str | Path, body: Any, *, source: str = "render",
               views: Collection[int] | None = None, splits: Collection[str] | None = None,
               performers: Collection[str] | None = None,
               activities: Collection[str] | None = None,
               sequence_ids: Collection[str] | None = None, max_sequences: int | None = None,
               dataset: str = "flag3d",
               progress: Callable[[int, int], None] | None = None) -> list[PairSequence]:
    """Load the pairs of ``source`` (``render`` | ``real``), optionally filtered.

    Args:
        con: a catalog connection. arrays_dir: the catalog's array folder.
        body: the :class:`~flag3d_core.body.forward.BodyModel` the ground truth is placed for.
        views: studio camera numbers (render) or phone view numbers (real); None = all.
        splits: MoCap in-domain splits to keep (``train``, ``test``); None = all.
        performers / activities / sequence_ids: ids to keep (``P001``, ``A036``, a full
            sequence id); None = all.
        max_sequences: keep every k-th row so that at most this many remain (spread over
            activities and performers), None = all.
        progress: ``progress(done, total)`` after each sequence.

    Raises:
        FileNotFoundError: a studio camera's calibration file is missing.
    """
    rows = queries.keypoint_smpl_pairs(con, source, dataset)
    if views is not None:
        col = "camera" if source == "render" else "view"
        rows = rows[rows[col].isin([int(v) for v in views])]
    if splits is not None:
        rows = rows[rows["mocap_split"].isin(list(splits))]
    if performers is not None:
        rows = rows[rows["performer"].isin(list(performers))]
    if activities is not None:
        rows = rows[rows["activity_id"].isin(list(activities))]
    if sequence_ids is not None:
        rows = rows[rows["sequence_id"].isin(list(sequence_ids))]
    if max_sequences is not None and len(rows) > max_sequences:
        keep = np.linspace(0, len(rows) - 1, max_sequences).round().astype(int)
        rows = rows.iloc[np.unique(keep)]
    root = queries.dataset_root(con, dataset)
    cameras_dir = Path(root) / "cameras" if root else None
    arrays_dir = Path(arrays_dir)
    cameras: dict[tuple[int, int], Camera] = {}
    smpl_cache: dict[str, tuple[SequenceSmpl, np.ndarray]] = {}
    out: list[PairSequence] = []
    for i, row in enumerate(rows.to_dict("records")):
        if row["mocap_id"] not in smpl_cache:
            stored = load_arrays(arrays_dir, row["smpl_path"])
            pelvis = np.asarray(body.rest_pelvis(stored_betas(stored)), np.float32)
            smpl_cache[row["mocap_id"]] = (smpl_for_pelvis(stored, float(row["fps"]), pelvis),
                                           pelvis)
        gt, pelvis = smpl_cache[row["mocap_id"]]
        kp = np.asarray(load_array(arrays_dir, row["keypoints_path"]), np.float32)
        sc = np.asarray(load_array(arrays_dir, row["scores_path"]), np.float32)
        n = min(len(kp), len(gt.transl))
        gt = _trim(gt, n)
        width, height = int(row["img_width"]), int(row["img_height"])
        camera = None
        if source == "render":
            key = (int(row["scene"]), int(row["camera"]))
            if key not in cameras:
                if cameras_dir is None:
                    raise FileNotFoundError(f"dataset {dataset!r} has no root folder (cameras)")
                cam = load_camera_json(camera_file(cameras_dir, *key))
                cameras[key] = cam if (cam.width, cam.height) == (width, height) else (
                    cam.resized(width, height))
            camera = cameras[key]
        out.append(PairSequence(
            sequence_id=row["sequence_id"], mocap_id=row["mocap_id"], source=source,
            view=view_name(row), performer=str(row["performer"]),
            activity_id=str(row["activity_id"]),
            split=None if pd.isna(row["mocap_split"]) else str(row["mocap_split"]),
            keypoints=kp[:n], scores=sc[:n], image_size=(width, height),
            K=np.asarray(camera.K if camera is not None else assumed_intrinsics(width, height),
                         np.float64),
            camera=camera, gt_world=gt,
            gt_camera=None if camera is None else smpl_to_camera(gt, camera, pelvis),
            pelvis_rest=pelvis,
            checksums=(row["keypoints_checksum"], row["scores_checksum"], row["smpl_checksum"])))
        if progress is not None:
            progress(i + 1, len(rows))
    return out


def pair_entries(pairs: Sequence[PairSequence]) -> list[tuple[str, tuple[int, ...], str]]:
    """Data-fingerprint entries ``(sequence_id, shape, checksums)`` of some pairs (see
    :func:`flag3d_core.recognition.checkpoint.data_fingerprint`)."""
    return [(p.sequence_id, tuple(p.keypoints.shape), "|".join(p.checksums)) for p in pairs]
