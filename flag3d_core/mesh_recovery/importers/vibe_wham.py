"""VIBE (``vibe_output.pkl``) and WHAM (``wham_output.pkl``) results: joblib dumps of a dict
``{person id: {key: (N, ...) array}}``, read by :func:`~flag3d_core.safe_pickle.safe_joblib_load`.

VIBE keys read: ``pose`` (N, 72) required (``global_orient`` = its first 3 values, camera frame;
``body_pose`` the other 69), ``betas`` (N, 10) required, ``verts`` (N, 6890, 3) -> ``vertices``
(absent: None), ``frame_ids`` (N,) (absent: the rows are frames 0..N-1). VIBE has weak-perspective
cameras only (``pred_cam``, ``orig_cam``), so ``transl`` is None; its ``joints3d`` (N, 49, 3) are
25 OpenPose + 24 SPIN joints, not SMPL's 24, so ``joints3d`` is None.

WHAM keys read: with ``pose_world`` (N, 72), the world frame (``coords='world'``) and
``trans_world`` (N, 3) -> ``transl`` (absent: None); without it, ``pose`` (N, 72) in the camera
frame and ``trans`` (N, 3) (absent: None). ``betas`` (N, 10) required; ``verts`` and
``frame_ids`` as for VIBE. WHAM writes ``verts`` in the camera frame, also when the pose is the
world one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flag3d_core.io_limits import LoadLimits
from flag3d_core.mesh_recovery.importers.errors import HmrFileError
from flag3d_core.mesh_recovery.importers.track import (
    NUM_BETAS,
    NUM_SMPL_VERTICES,
    ImportedTrack,
    build_track,
    frame_index,
    numeric,
    take,
)
from flag3d_core.safe_pickle import safe_joblib_load

__all__ = ["read_vibe_wham"]


def _keys(rec: dict) -> list[str]:
    return sorted(str(k)[:40] for k in list(rec)[:20])


def _person(path: Path, method: str, name: str, pid: Any, rec: Any) -> ImportedTrack:
    person = str(pid)
    where = f"person {person}: "
    if not isinstance(rec, dict):
        raise HmrFileError(path, f"{where}holds a {type(rec).__name__}, not the dict of arrays "
                           f"that {method.upper()} writes per person")
    world = method == "wham" and "pose_world" in rec
    pose_key = "pose_world" if world else "pose"
    trans_key = {"vibe": None, "wham": "trans_world" if world else "trans"}[method]
    missing = [k for k in (pose_key, "betas") if k not in rec]
    if missing:
        raise HmrFileError(path, f"{where}lacks key(s) {missing} (keys: {_keys(rec)}): not a "
                           f"{method.upper()} output")
    arrays = {pose_key: numeric(path, pose_key, rec[pose_key], (72,), where),
              "betas": numeric(path, "betas", rec["betas"], (NUM_BETAS,), where)}
    if trans_key is not None and trans_key in rec:
        arrays[trans_key] = numeric(path, trans_key, rec[trans_key], (3,), where)
    if "verts" in rec:
        arrays["verts"] = numeric(path, "verts", rec["verts"], (NUM_SMPL_VERTICES, 3), where)
    if "frame_ids" in rec:
        arrays["frame_ids"] = frame_index(path, "frame_ids", rec["frame_ids"], where)
    return build_track(
        path, method=method, name=name, person=person, coords="world" if world else "camera",
        frame_ids=take(arrays, "frame_ids"),
        arrays={"global_orient": take(arrays, pose_key, slice(0, 3)),
                "body_pose": take(arrays, pose_key, slice(3, 72)),
                "betas": take(arrays, "betas"),
                "transl": take(arrays, trans_key) if trans_key else None,
                "joints3d": None, "vertices": take(arrays, "verts")})


def read_vibe_wham(path: Path, *, method: str, name: str, limits: LoadLimits
                   ) -> list[ImportedTrack]:
    """The tracks of one VIBE (``method='vibe'``) or WHAM (``'wham'``) output, one per person id
    in file order (module docstring).

    Raises:
        HmrFileError: not a dict of per-person dicts, missing keys (named), wrong shapes, frame
            counts that disagree, NaN/inf.
        UnsafePickleError, PickleFormatError: a refused global (named), a truncated or corrupt
            joblib file.
    """
    data = safe_joblib_load(path, limits=limits)
    if not isinstance(data, dict):
        raise HmrFileError(path, f"holds a {type(data).__name__}, not the dict person id -> "
                           f"results that {method.upper()} writes")
    return [_person(path, method, name, pid, rec) for pid, rec in data.items()]

