"""4D-Humans (PHALP tracker) results: a zlib-compressed joblib dump of a dict
``{frame name: {key: [one value per track in that frame]}}``, read by
:func:`~flag3d_core.safe_pickle.safe_joblib_load`.

Per frame, ``tid`` (track ids) and ``smpl`` (one dict per track: ``global_orient`` (1, 3, 3),
``body_pose`` (23, 3, 3) rotation matrices, ``betas`` (10,)) are required and must be lists of
the same length. Optional, aligned with ``tid``:

* ``tracked_time``: frames since the track was last detected. PHALP lists tracks it did not
  detect in a frame with their last observation; those entries (``tracked_time`` > 0) are
  skipped. Absent: every entry counts as a detection;
* ``camera`` (3,): the camera-frame translation -> ``transl``; absent in any frame of a track:
  that track's ``transl`` is None.

``time`` (the frame index) per frame; absent: the frame's position in the file. Rotation matrices
become axis-angle through :func:`flag3d_core.geometry.rotations.matrix_to_axis_angle_np`
(``coords='camera'``). ``3d_joints`` (HMR 2.0's 45 joints, not SMPL's 24), appearance and pose
embeddings, boxes and masks are not read: ``joints3d`` and ``vertices`` are None. A file whose
other keys hold objects beyond numpy arrays and builtin containers is refused as a whole, the
refused global named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.io_limits import LoadLimits
from flag3d_core.mesh_recovery.importers.errors import HmrFileError
from flag3d_core.mesh_recovery.importers.track import (
    NUM_BETAS,
    ImportedTrack,
    build_track,
    frame_index,
)
from flag3d_core.safe_pickle import safe_joblib_load

__all__ = ["read_phalp"]

# key -> (values per track, the shape PHALP writes)
_SMPL = {"global_orient": (9, (1, 3, 3)), "body_pose": (207, (23, 3, 3)),
         "betas": (NUM_BETAS, (NUM_BETAS,))}
_ROTATION_TOLERANCE = 1e-3  # |R^T R - I|; HMR 2.0's matrices come from 6D, orthonormal to ~1e-6


def _values(path: Path, where: str, key: str, value: Any, size: int, shape: tuple[int, ...]
            ) -> np.ndarray:
    """One track's ``key`` in one frame as a float64 array of ``size`` values."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError, OverflowError, RecursionError):
        arr = np.asarray(None)
    if arr.dtype.kind not in "biuf" or arr.size != size:
        got = f"shape {arr.shape}" if arr.dtype.kind in "biuf" else f"a {type(value).__name__}"
        raise HmrFileError(path, f"{where}{key!r} is {got}, expected {shape}")
    return arr.astype(np.float64).reshape(-1)


def _check_rotations(path: Path, key: str, mats: np.ndarray, times: np.ndarray,
                     person: str) -> None:
    """``mats`` (N, K, 3, 3) must be rotations where finite (NaN is reported later, by name)."""
    err = np.abs(np.swapaxes(mats, -1, -2) @ mats - np.eye(3)).max(axis=(-1, -2))
    with np.errstate(invalid="ignore"):
        bad = np.isfinite(mats).all(axis=(-1, -2)) & ((err > _ROTATION_TOLERANCE)
                                                       | (np.linalg.det(mats) <= 0))
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        raise HmrFileError(path, f"person {person}: 'smpl.{key}' at frame {int(times[row])} is "
                           "not a rotation matrix (PHALP writes rotation matrices)")


def _short(value: Any) -> str:
    """A frame name or track id for a message (at most ~60 characters)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _since(path: Path, where: str, value: Any) -> float:
    """One ``tracked_time`` entry: frames since the track was detected."""
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise HmrFileError(path, f"{where}'tracked_time' holds {_short(value)}, not a number "
                           "of frames") from None


def _frame_entries(path: Path, pos: int, key: Any, frame: Any) -> tuple[int, list[tuple]]:
    """The frame index and ``(track id, smpl dict, camera or None)`` of each detection."""
    where = f"frame {_short(key)}: "
    if not isinstance(frame, dict):
        raise HmrFileError(path, f"{where}holds a {type(frame).__name__}, not the per-frame "
                           "dict that PHALP writes")
    missing = [k for k in ("tid", "smpl") if k not in frame]
    if missing:
        keys = sorted(str(k)[:40] for k in list(frame)[:20])
        raise HmrFileError(path, f"{where}lacks key(s) {missing} (keys: {keys}): not a "
                           "4D-Humans/PHALP tracker output")
    lists = {k: frame[k] for k in ("tid", "smpl", "tracked_time", "camera") if k in frame}
    for k, v in lists.items():
        if not isinstance(v, (list, tuple)):
            raise HmrFileError(path, f"{where}{k!r} is a {type(v).__name__}, not a list with "
                               "one entry per track")
    counts = {k: len(v) for k, v in lists.items()}
    if len(set(counts.values())) > 1:
        listed = ", ".join(f"{k!r} {n}" for k, n in counts.items())
        raise HmrFileError(path, f"{where}entry counts disagree: {listed}")
    time = pos
    if "time" in frame:
        time = int(frame_index(path, "time", [frame["time"]], where)[0])
    entries = []
    for j, tid in enumerate(lists["tid"]):
        if "tracked_time" in lists and _since(path, where, lists["tracked_time"][j]) > 0:
            continue  # not detected in this frame: PHALP repeats the last observation
        smpl = lists["smpl"][j]
        if not isinstance(smpl, dict) or any(k not in smpl for k in _SMPL):
            have = sorted(map(str, smpl)) if isinstance(smpl, dict) else type(smpl).__name__
            raise HmrFileError(path, f"{where}'smpl' of track {_short(tid)} is not a "
                               f"dict with {sorted(_SMPL)} (it holds {have})")
        camera = lists["camera"][j] if "camera" in lists else None
        entries.append((str(tid), smpl, camera))
    return time, entries


def _track(path: Path, name: str, person: str, rows: list[tuple[int, dict, Any]]
           ) -> ImportedTrack:
    from flag3d_core.geometry.rotations import matrix_to_axis_angle_np  # torch, on first use

    times = np.array([t for t, _, _ in rows], dtype=np.int64)
    params = {}
    for key, (size, shape) in _SMPL.items():
        params[key] = np.stack([
            _values(path, f"person {person}, frame {t}: ", f"smpl.{key}", smpl[key], size,
                    shape) for t, smpl, _ in rows])
    transl = None
    if all(cam is not None for _, _, cam in rows):
        transl = np.stack([_values(path, f"person {person}, frame {t}: ", "camera", cam, 3,
                                   (3,)) for t, _, cam in rows])
    axis_angle = {}
    for key in ("global_orient", "body_pose"):
        mats = params[key].reshape(len(rows), -1, 3, 3)
        _check_rotations(path, key, mats, times, person)
        axis_angle[key] = matrix_to_axis_angle_np(mats).reshape(len(rows), -1)
    return build_track(
        path, method="4dhumans", name=name, person=person, coords="camera",
        frame_ids=("time", times),
        arrays={"global_orient": ("smpl.global_orient", axis_angle["global_orient"]),
                "body_pose": ("smpl.body_pose", axis_angle["body_pose"]),
                "betas": ("smpl.betas", params["betas"]),
                "transl": ("camera", transl) if transl is not None else None,
                "joints3d": None, "vertices": None})


def read_phalp(path: Path, *, method: str, name: str, limits: LoadLimits
               ) -> list[ImportedTrack]:
    """The tracks of one 4D-Humans/PHALP tracker ``.pkl``, one per track id in order of first
    appearance (module docstring); ``method`` is ``'4dhumans'``.

    Raises:
        HmrFileError: not a dict of per-frame dicts, missing keys (named), lists of different
            lengths, wrong shapes, matrices that are not rotations, NaN/inf.
        UnsafePickleError, PickleFormatError: a refused global (named), a truncated or corrupt
            joblib file.
    """
    data = safe_joblib_load(path, limits=limits)
    if not isinstance(data, dict):
        raise HmrFileError(path, f"holds a {type(data).__name__}, not the dict frame -> "
                           "detections that PHALP writes")
    per_track: dict[str, list[tuple[int, dict, Any]]] = {}
    for pos, (key, frame) in enumerate(data.items()):
        time, entries = _frame_entries(path, pos, key, frame)
        for tid, smpl, camera in entries:
            per_track.setdefault(tid, []).append((time, smpl, camera))
    return [_track(path, name, tid, rows) for tid, rows in per_track.items()]
