"""The imported track and the checks every reader applies to the arrays it takes from a file.

Readers name arrays by the file's own keys (``pose``, ``smpl_thetas``), so that a message points
at what the researcher can look up in their file: ``person 1: 'pose' has NaN at frame 17``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.mesh_recovery.importers.errors import HmrFileError

__all__ = [
    "ImportedTrack", "Labelled", "build_track", "check_counts", "frame_index", "numeric", "take",
]

NUM_BETAS = 10
NUM_SMPL_JOINTS = 24
NUM_SMPL_VERTICES = 6890
Labelled = tuple[str, np.ndarray]  # (the file's key, the array taken from it)


# eq=False: fields are arrays (== of two tracks would be ambiguous); repr=False keeps reprs short.
@dataclass(frozen=True, eq=False)
class ImportedTrack:
    """One person's SMPL predictions for one video (one catalog sequence).

    Attributes:
        method: 'romp' | 'bev' | 'vibe' | 'wham' | '4dhumans' | 'gvhmr'.
        source_file: the file read.
        name: the video/sequence name the file belongs to (see
            :func:`~flag3d_core.mesh_recovery.importers.matching.sequence_name`).
        person: the person/track id inside the file.
        frame_ids: (N,) int64 frame indices into the video, strictly increasing.
        global_orient: (N, 3) float32 axis-angle root rotation, in ``coords``.
        body_pose: (N, 69) float32 axis-angle, the 23 SMPL body joints.
        betas: (N, 10) float32 shape coefficients.
        transl: (N, 3) float32 root translation in ``coords`` (metres), or None when the method
            gives none (VIBE: weak-perspective cameras only).
        coords: 'camera' | 'world': the frame of ``global_orient`` and ``transl``.
        joints3d: (N, 24, 3) float32 SMPL joints when the file has them, else None.
        vertices: (N, 6890, 3) float32 SMPL vertices when the file has them, else None; in the
            frame the method wrote them (see the reader).
    """

    method: str
    source_file: Path
    name: str
    person: str
    frame_ids: np.ndarray = field(repr=False)        # (N,)
    global_orient: np.ndarray = field(repr=False)    # (N, 3)
    body_pose: np.ndarray = field(repr=False)        # (N, 69)
    betas: np.ndarray = field(repr=False)            # (N, 10)
    transl: np.ndarray | None = field(repr=False)    # (N, 3)
    coords: str
    joints3d: np.ndarray | None = field(default=None, repr=False)   # (N, 24, 3)
    vertices: np.ndarray | None = field(default=None, repr=False)   # (N, 6890, 3)

    @property
    def num_frames(self) -> int:
        return int(self.frame_ids.shape[0])


def numeric(path: Path, key: str, value: Any, tail: tuple[int, ...], where: str = ""
            ) -> np.ndarray:
    """``value`` (the file's ``key``) as a float array of shape (N, *tail) (float arrays as
    they are: no float64 copy of a large vertex array)."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError, RecursionError):
        arr = None
    if arr is None or arr.dtype.kind not in "biuf":
        what = type(value).__name__ if arr is None else f"{arr.dtype} array"
        raise HmrFileError(path, f"{where}{key!r} is not a numeric array (it holds {what})")
    if arr.ndim != 1 + len(tail) or arr.shape[1:] != tail:
        expected = ", ".join(["N", *map(str, tail)])
        raise HmrFileError(path, f"{where}{key!r} has shape {arr.shape}, expected ({expected})")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def frame_index(path: Path, key: str, value: Any, where: str = "",
                what: str = "a frame index") -> np.ndarray:
    """``value`` (the file's ``key``) as (N,) int64 frame (or track) indices: whole numbers
    >= 0."""
    ids = numeric(path, key, value, (), where)
    whole = np.isfinite(ids) & (ids == np.round(ids)) & (ids >= 0) & (ids < 2**53)
    if not whole.all():
        row = int(np.argmin(whole))
        raise HmrFileError(path, f"{where}{key!r} holds {ids[row]!r} at row {row}, not "
                           f"{what} (a whole number >= 0)")
    return ids.astype(np.int64)


def check_counts(path: Path, arrays: dict[str, np.ndarray], where: str = "") -> int:
    """The common length N of ``arrays`` (by the file's keys); refuse lengths that differ."""
    counts = {label: len(arr) for label, arr in arrays.items()}
    if len(set(counts.values())) > 1:
        listed = ", ".join(f"{label!r} {n}" for label, n in counts.items())
        raise HmrFileError(path, f"{where}frame counts disagree: {listed}")
    return next(iter(counts.values()), 0)


def take(arrays: dict[str, np.ndarray], key: str, cols: slice | None = None) -> Labelled | None:
    """``(key, arrays[key][:, cols])`` for :func:`build_track`, or None when there is no
    ``key``."""
    if key not in arrays:
        return None
    return key, arrays[key] if cols is None else arrays[key][:, cols]


def _check_finite(path: Path, label: str, arr: np.ndarray, frame_ids: np.ndarray, where: str,
                  *, cast: bool = False) -> None:
    """No NaN/inf in ``arr``; ``cast``: ``arr`` was just cast to float32 from finite values."""
    ok = np.isfinite(arr).reshape(arr.shape[0], -1).all(axis=1)
    if not ok.all():
        row = int(np.argmin(ok))
        what = ("a value too large for float32" if cast
                else "NaN" if np.isnan(arr[row]).any() else "inf")
        raise HmrFileError(path, f"{where}{label!r} has {what} at frame {int(frame_ids[row])}")


def build_track(
    path: Path, *, method: str, name: str, person: str, coords: str,
    frame_ids: Labelled | None, arrays: dict[str, Labelled | None],
) -> ImportedTrack:
    """An :class:`ImportedTrack` from arrays a reader took from ``path``, after the checks that
    every format shares.

    Args:
        frame_ids: ``(key, (N,) int64)`` from the file, or None: the rows are frames 0..N-1.
        arrays: ``(key, array)`` per field of ImportedTrack: ``global_orient`` (N, 3),
            ``body_pose`` (N, 69), ``betas`` (N, 10) required; ``transl`` (N, 3), ``joints3d``
            (N, 24, 3), ``vertices`` (N, 6890, 3) None when absent. Shapes were checked by
            :func:`numeric`.

    Raises:
        HmrFileError: frame counts that disagree (naming each key and its count), NaN/inf
            (naming the key and the frame), repeated frame indices, values beyond float32.
    """
    where = f"person {person}: " if person else ""
    given = {f: a for f, a in arrays.items() if a is not None}
    labelled = dict(given.values()) | (dict([frame_ids]) if frame_ids is not None else {})
    n = check_counts(path, labelled, where)
    ids = frame_ids[1] if frame_ids is not None else np.arange(n, dtype=np.int64)
    for label, arr in given.values():
        _check_finite(path, label, arr, ids, where)
    order = np.argsort(ids, kind="stable")  # the file's order unless it is not increasing
    ids = ids[order]
    repeated = np.flatnonzero(np.diff(ids) == 0)
    if repeated.size:
        label = frame_ids[0] if frame_ids is not None else "frame index"
        raise HmrFileError(path, f"{where}frame {int(ids[repeated[0]])} appears twice in "
                           f"{label!r}")
    out: dict[str, np.ndarray | None] = {}
    for f in ("global_orient", "body_pose", "betas", "transl", "joints3d", "vertices"):
        if f not in given:
            out[f] = None
            continue
        label, arr = given[f]
        with np.errstate(over="ignore"):  # a value past float32 becomes inf: reported next
            out[f] = np.ascontiguousarray(arr[order], dtype=np.float32)
        _check_finite(path, label, out[f], ids, where, cast=True)
    return ImportedTrack(method=method, source_file=path, name=name, person=person,
                         frame_ids=ids, coords=coords, **out)
