"""ROMP / BEV results: an ``.npz`` whose member ``results`` is a pickled 0-d object array holding
a dict of per-row arrays (one row per detected person per frame).

Keys read (all others, e.g. ``cam``, ``pj2d_org``, and a ``sequence_results`` member, are
ignored):

* ``smpl_thetas`` (N, 72) axis-angle, required: ``global_orient`` = the first 3 values, camera
  frame; ``body_pose`` = the other 69;
* ``smpl_betas``, required: ROMP (N, 10); BEV (N, 11), whose 11th value (the age offset of BEV's
  adult/kid blend) is dropped, keeping the 10 SMPL betas;
* ``cam_trans`` (N, 3) -> ``transl`` (camera frame); absent: None;
* ``verts`` (N, 6890, 3) -> ``vertices``; absent: None;
* ``joints`` (N, 71, 3) (24 SMPL + 30 extra + 17 H36M joints) or (N, 24, 3) -> ``joints3d``, its
  first 24 joints; absent: None;
* ``frame_ids`` (N,): the video frame of each row; absent: the rows are frames 0..N-1;
* ``track_ids`` (N,): one track per id; absent: all rows are one person, ``"0"``.

The member is read within the zip limits (``max_zip_entry_bytes``: raise it for long videos with
vertices, ~82 KB a frame) and unpickled by :func:`~flag3d_core.safe_pickle.safe_loads`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.io_limits import BoundedZip, LoadLimits
from flag3d_core.mesh_recovery.importers.errors import HmrFileError
from flag3d_core.mesh_recovery.importers.track import (
    NUM_SMPL_JOINTS,
    NUM_SMPL_VERTICES,
    ImportedTrack,
    build_track,
    check_counts,
    frame_index,
    numeric,
    take,
)
from flag3d_core.safe_pickle import safe_loads

__all__ = ["read_romp"]

_MEMBER = "results.npy"
_BETAS = {"romp": 10, "bev": 11}
_JOINT_LAYOUTS = ((71, 3), (NUM_SMPL_JOINTS, 3))
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
               NotImplementedError)


def _results_dict(path: Path, limits: LoadLimits) -> dict:
    """The dict pickled in the ``results`` member."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise
    except _ZIP_ERRORS as exc:
        raise HmrFileError(path, f"not an .npz file (a zip archive): {exc}") from None
    with zf:
        bounded = BoundedZip(zf, str(path), HmrFileError, limits)
        infos = {info.filename: info for info in bounded.members()}
        if _MEMBER not in infos:
            names = sorted(infos)[:10]
            raise HmrFileError(path, f"has no 'results' member (members: {names}): not a "
                               "ROMP/BEV output")
        raw = bounded.read(infos[_MEMBER])
    label = f"{path}!{_MEMBER}"
    fh = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise ValueError(f"unsupported .npy format version {version}")
    except Exception as exc:  # a bad header dict: ValueError, SyntaxError, tokenize.TokenError
        raise HmrFileError(label, f"not a readable .npy member ({exc})") from None
    if not dtype.hasobject or shape != ():
        raise HmrFileError(label, f"holds a {dtype} array of shape {shape}, not the pickled "
                           "dict that ROMP/BEV write")
    obj = safe_loads(raw[fh.tell():], label=label, limits=limits)
    if isinstance(obj, np.ndarray) and obj.dtype.hasobject and obj.shape == ():
        obj = obj.item()
    if not isinstance(obj, dict):
        raise HmrFileError(label, f"holds a {type(obj).__name__}, not the dict that ROMP/BEV "
                           "write")
    return obj


def _betas(path: Path, method: str, value: Any) -> np.ndarray:
    width = _BETAS[method]
    other = next(m for m in _BETAS if m != method)
    if np.ndim(value) == 2 and np.shape(value)[1] == _BETAS[other]:
        raise HmrFileError(path, f"'smpl_betas' has {_BETAS[other]} values per row, "
                           f"{other.upper()}'s layout ({method.upper()} writes {width}): "
                           f"read this file as {other!r}")
    return numeric(path, "smpl_betas", value, (width,))[:, :10]


def _joints(path: Path, value: Any) -> np.ndarray:
    tail = np.shape(value)[1:]
    if tail not in _JOINT_LAYOUTS:
        raise HmrFileError(path, f"'joints' has shape {np.shape(value)}, expected (N, 71, 3) "
                           "(24 SMPL + 30 extra + 17 H36M joints) or (N, 24, 3)")
    return numeric(path, "joints", value, tail)[:, :NUM_SMPL_JOINTS]


def read_romp(path: Path, *, method: str, name: str, limits: LoadLimits
              ) -> list[ImportedTrack]:
    """The tracks of one ROMP (``method='romp'``) or BEV (``'bev'``) ``.npz`` (module docstring).

    Raises:
        HmrFileError: not an .npz, no ``results`` member, missing keys (named), wrong shapes,
            frame counts that disagree, NaN/inf, a pickle that is refused or truncated.
    """
    res = _results_dict(path, limits)
    missing = [k for k in ("smpl_thetas", "smpl_betas") if k not in res]
    if missing:
        keys = sorted(str(k)[:40] for k in list(res)[:20])
        raise HmrFileError(path, f"'results' lacks key(s) {missing} (keys: {keys}): not a "
                           f"{method.upper()} output")
    arrays: dict[str, np.ndarray] = {
        "smpl_thetas": numeric(path, "smpl_thetas", res["smpl_thetas"], (72,)),
        "smpl_betas": _betas(path, method, res["smpl_betas"]),
    }
    if "cam_trans" in res:
        arrays["cam_trans"] = numeric(path, "cam_trans", res["cam_trans"], (3,))
    if "verts" in res:
        arrays["verts"] = numeric(path, "verts", res["verts"], (NUM_SMPL_VERTICES, 3))
    if "joints" in res:
        arrays["joints"] = _joints(path, res["joints"])
    for key in ("frame_ids", "track_ids"):
        if key in res:
            what = "a frame index" if key == "frame_ids" else "a track id"
            arrays[key] = frame_index(path, key, res[key], what=what)
    check_counts(path, arrays)
    tids = arrays.pop("track_ids", np.zeros(len(arrays["smpl_thetas"]), np.int64))
    tracks = []
    for tid in dict.fromkeys(tids.tolist()):  # the ids in order of first appearance
        rows = np.flatnonzero(tids == tid)
        part = {key: arr[rows] for key, arr in arrays.items()}
        tracks.append(build_track(
            path, method=method, name=name, person=str(tid), coords="camera",
            frame_ids=take(part, "frame_ids"),
            arrays={"global_orient": take(part, "smpl_thetas", slice(0, 3)),
                    "body_pose": take(part, "smpl_thetas", slice(3, 72)),
                    "betas": take(part, "smpl_betas"),
                    "transl": take(part, "cam_trans"),
                    "joints3d": take(part, "joints"),
                    "vertices": take(part, "verts")}))
    return tracks

