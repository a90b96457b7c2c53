"""One catalog sequence as a record: its metadata, what it holds, and its arrays, loaded lazily.

``load_sequence`` asks the catalog twice (the sequence row with its activity and instruction,
and its array references with the splits and dataset root) and loads no array. Each array is
read from disk the first time it is asked for and kept; the app caches one record per catalog
version and sequence id, so every page, the player, export and render share one load.

The joint layout comes from the catalog row (``joint_layout``), never from a guess.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_array, load_arrays
from flag3d_core.errors import NotInCatalogError
from flag3d_core.layouts import SkeletonLayout, get_layout

__all__ = ["SMPL_KIND", "SequenceRecord", "SequenceSmpl", "load_sequence", "smpl_for_pelvis",
           "stored_betas"]

SMPL_KIND = "smpl"
JOINTS3D_PREFIX = "joints3d_"
KEYPOINTS2D_PREFIX = "keypoints2d_"
SCORES_KIND = "keypoint_scores"
VIDEO_KIND = "video_mp4"


@dataclass(frozen=True)
class SequenceSmpl:
    """Standard SMPL parameters of a sequence, in the dataset's world frame (FLAG3D: z up)."""

    global_orient: np.ndarray  # (T, 3) axis-angle
    body_pose: np.ndarray  # (T, 69)
    betas: np.ndarray  # (10,)
    transl: np.ndarray  # (T, 3)
    fps: float


def stored_betas(stored: dict[str, np.ndarray]) -> np.ndarray:
    """The (10,) float32 shape coefficients of a stored ``smpl`` array file."""
    return stored["betas"].astype(np.float32).reshape(-1)[:10]


def smpl_for_pelvis(stored: dict[str, np.ndarray], fps: float,
                    pelvis_rest: np.ndarray | None = None) -> SequenceSmpl:
    """SMPL parameters from a stored ``smpl`` array file, placed for a body model's rest pelvis.

    The ingest converted EasyMocap's Rh/Th with the body model active then (its rest pelvis is
    stored as ``pelvis_rest``); when the current body model's rest pelvis for these betas
    differs, ``transl`` is re-derived: ``transl' = transl + (R(Rh) - I)(J0' - J0)``, so the body
    sits where the file put it.

    Args:
        stored: the npz arrays: global_orient (T, 3), body_pose (T, 69), betas (>=10,),
            transl (T, 3), and optionally Rh (T, 3) and pelvis_rest (3,).
        fps: frame rate of the sequence.
        pelvis_rest: (3,) the current body model's rest pelvis for these betas (None: as stored).
    """
    from flag3d_core.geometry.rotations import axis_angle_to_matrix_np

    betas = stored_betas(stored)
    transl = stored["transl"].astype(np.float64)
    if pelvis_rest is not None and "pelvis_rest" in stored:
        delta = np.asarray(pelvis_rest, np.float64) - stored["pelvis_rest"].astype(np.float64)
        if np.abs(delta).max() > 1e-7:
            rot = axis_angle_to_matrix_np(stored["Rh"].astype(np.float64))  # (T, 3, 3)
            transl = transl + (rot - np.eye(3)) @ delta
    return SequenceSmpl(stored["global_orient"].astype(np.float32),
                        stored["body_pose"].astype(np.float32), betas,
                        transl.astype(np.float32), fps)


@dataclass(eq=False)
class SequenceRecord:
    """A catalog sequence: metadata, the kinds of arrays it has, its layout, lazy arrays.

    Attributes:
        sequence_id: ``dataset/source/name``.
        meta: the catalog row (activity name, body part, performer, repetition, n_frames, fps,
            joint_layout, description, key_points, mistakes, ...).
        refs: array kind -> path relative to ``arrays_dir``.
        splits: protocol -> split label.
        arrays_dir: where the content-addressed arrays live.
        dataset_root: the ingested dataset's root folder (cameras, videos), when known.
    """

    sequence_id: str
    meta: dict[str, Any]
    refs: dict[str, str]
    splits: dict[str, str]
    arrays_dir: Path
    dataset_root: Path | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # ---------------------------------------------------------------- what it is
    @property
    def name(self) -> str:
        return str(self.meta["name"])

    @property
    def fps(self) -> float:
        return float(self.meta["fps"])

    @property
    def n_frames(self) -> int:
        return int(self.meta["n_frames"])

    @property
    def source(self) -> str:
        return str(self.meta["source"])

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self.refs))

    @property
    def layout(self) -> SkeletonLayout:
        """The joint layout the catalog row names (``ntu25``, ``coco17``, ...)."""
        return get_layout(str(self.meta["joint_layout"]))

    @property
    def has_joints3d(self) -> bool:
        return self._kind(JOINTS3D_PREFIX) is not None

    @property
    def has_keypoints2d(self) -> bool:
        return self._kind(KEYPOINTS2D_PREFIX) is not None

    @property
    def has_smpl(self) -> bool:
        return SMPL_KIND in self.refs

    @property
    def video_path(self) -> Path | None:
        """The sequence's own video (rendered-camera sequences), when the catalog has it."""
        return self.arrays_dir / self.refs[VIDEO_KIND] if VIDEO_KIND in self.refs else None

    @property
    def cameras_dir(self) -> Path | None:
        """The dataset's ``cameras/`` folder, when it has one."""
        if self.dataset_root is None:
            return None
        cams = self.dataset_root / "cameras"
        return cams if cams.is_dir() else None

    def _kind(self, prefix: str) -> str | None:
        return next((k for k in sorted(self.refs) if k.startswith(prefix)), None)

    def _missing(self, what: str) -> NotInCatalogError:
        return NotInCatalogError(f"sequence {self.sequence_id!r} has no {what} "
                                 f"(kinds: {list(self.kinds)})")

    def _load(self, key: str, loader: Any) -> Any:
        """``loader()`` once per record, under a lock (sessions share cached records)."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = loader()
            return self._cache[key]

    # ---------------------------------------------------------------- arrays
    def joints3d(self) -> np.ndarray:
        """(T, J, 3) float32 joints in metres, z up, in :attr:`layout`'s order."""
        kind = self._kind(JOINTS3D_PREFIX)
        if kind is None:
            raise self._missing("3D skeleton")
        return self._load(kind, lambda: np.asarray(load_array(self.arrays_dir, self.refs[kind]),
                                                   dtype=np.float32))

    def keypoints2d(self) -> tuple[np.ndarray, np.ndarray]:
        """(T, J, 2) pixel keypoints and (T, J) scores in [0, 1], in :attr:`layout`'s order."""
        kind = self._kind(KEYPOINTS2D_PREFIX)
        if kind is None or SCORES_KIND not in self.refs:
            raise self._missing("2D keypoints")
        kp = self._load(kind, lambda: np.asarray(load_array(self.arrays_dir, self.refs[kind]),
                                                 dtype=np.float32))
        sc = self._load(SCORES_KIND, lambda: np.asarray(
            load_array(self.arrays_dir, self.refs[SCORES_KIND]), dtype=np.float32))
        return kp, sc

    def smpl_arrays(self) -> dict[str, np.ndarray]:
        """The stored SMPL array file (standard SMPL keys plus ``Rh``/``pelvis_rest``)."""
        if not self.has_smpl:
            raise self._missing("SMPL parameters")
        return self._load(SMPL_KIND, lambda: load_arrays(self.arrays_dir, self.refs[SMPL_KIND]))

    def smpl(self, body_model: Any = None, pelvis_rest: np.ndarray | None = None) -> SequenceSmpl:
        """SMPL parameters placed for ``body_model`` (its rest pelvis for the stored betas), or
        for ``pelvis_rest``, or as stored. The file is read once; placing is cheap math."""
        stored = self.smpl_arrays()
        if pelvis_rest is None and body_model is not None:
            pelvis_rest = body_model.rest_pelvis(stored_betas(stored))
        return smpl_for_pelvis(stored, self.fps, pelvis_rest)

    def loaded(self) -> tuple[str, ...]:
        """The array kinds read so far (for tests and diagnostics)."""
        return tuple(sorted(self._cache))


def load_sequence(con: queries.Con, arrays_dir: Path, sequence_id: str) -> SequenceRecord:
    """The record of ``sequence_id`` (no array is read yet).

    Raises:
        NotInCatalogError: the catalog has no such sequence.
    """
    meta = queries.sequence(con, sequence_id)
    if meta is None:
        raise NotInCatalogError(f"no sequence {sequence_id!r} in the catalog")
    refs = queries.sequence_arrays(con, sequence_id)
    root = queries.dataset_root(con, str(meta["dataset"]))
    return SequenceRecord(
        sequence_id=sequence_id, meta=meta, refs=dict(zip(refs.kind, refs.path, strict=True)),
        splits=queries.sequence_splits(con, sequence_id), arrays_dir=Path(arrays_dir),
        dataset_root=Path(root) if root else None)
