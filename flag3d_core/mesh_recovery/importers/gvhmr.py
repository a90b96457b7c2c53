"""GVHMR results: ``hmr4d_results.pt``, a torch zip file holding a dict of tensors, read with
``torch.load(weights_only=True, map_location="cpu")`` (torch's own restricted unpickler: tensors
and builtin containers only).

``smpl_params_global`` is read when present (``coords='world'``: GVHMR's gravity-aligned world
frame), else ``smpl_params_incam`` (``coords='camera'``). Each holds ``body_pose`` (L, 63),
``betas`` (L, 10), ``global_orient`` (L, 3), all required, and ``transl`` (L, 3) (absent: None).
The rows are frames 0..L-1 of one person, ``"0"``. ``K_fullimg`` and other keys are not read.

**SMPL-X to SMPL is an approximation.** GVHMR predicts SMPL-X: its 21 body joints are SMPL's
joints 1-21 (same order and parents), so ``body_pose`` keeps them and appends zero rotations for
SMPL's two hand joints (22, 23), which SMPL-X replaces by finger joints. The betas are SMPL-X
shape coefficients used as SMPL ones, and ``global_orient``/``transl`` pivot on SMPL-X's pelvis:
the two body models' shape spaces and rest skeletons differ, so a SMPL body built from these
parameters differs from GVHMR's own SMPL-X body. For exact comparisons, fit SMPL to GVHMR's
SMPL-X mesh instead.

Before ``torch.load`` the file's zip directory is checked within the zip limits (member count,
inflated sizes), so a crafted header cannot make torch allocate more than those.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.io_limits import LoadLimits
from flag3d_core.mesh_recovery.importers.errors import HmrFileError
from flag3d_core.mesh_recovery.importers.track import (
    NUM_BETAS,
    ImportedTrack,
    build_track,
    numeric,
)

__all__ = ["read_gvhmr"]

SMPLX_BODY_JOINTS = 21
SMPL_HAND_JOINTS = 2  # SMPL's joints 22 (left hand) and 23 (right hand)
_PARAMS = (("smpl_params_global", "world"), ("smpl_params_incam", "camera"))
_GLOBAL = re.compile(r"GLOBAL ([\w.]+)")


def _check_zip(path: Path, limits: LoadLimits) -> None:
    """A torch zip within the zip limits: nothing in it inflates past them."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise HmrFileError(path, f"not a torch .pt file (torch.save writes a zip archive; "
                           f"this one is truncated or something else: {exc})") from None
    total = sum(info.file_size for info in infos)
    if len(infos) > limits.max_zip_members:
        raise HmrFileError(path, f"{len(infos)} members, more than {limits.max_zip_members} "
                           f"({limits.describe('max_zip_members')})")
    if total > limits.max_zip_total_bytes or any(
            info.file_size > limits.max_zip_entry_bytes for info in infos):
        raise HmrFileError(path, f"inflates to {total} bytes, past the zip limits "
                           f"({limits.describe('max_zip_entry_bytes', 'max_zip_total_bytes')})")


def _load(path: Path) -> Any:
    import torch  # on first use: reading the other formats needs no torch

    try:
        return torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # torch reports bad files as many types (RuntimeError, ...)
        text = str(exc)
        refused = _GLOBAL.search(text) if "weights_only" in text.replace(" ", "_") else None
        if refused:
            raise HmrFileError(path, f"refused to load global {refused.group(1)!r}: "
                               "torch.load(weights_only=True) admits only tensors and builtin "
                               "containers (nothing was run)") from None
        first = text.strip().splitlines()[0][:200] if text.strip() else ""
        raise HmrFileError(path, f"not a readable torch file ({type(exc).__name__}: "
                           f"{first})") from None


def _as_numpy(value: Any) -> Any:
    import torch

    if isinstance(value, torch.Tensor):
        try:
            value = value.detach()
            return (value.float() if value.dtype == torch.bfloat16 else value).numpy()
        except (RuntimeError, TypeError):  # sparse, quantized, meta tensors: not plain data
            return None  # numeric() then names the key as not numeric
    return value


def read_gvhmr(path: Path, *, method: str, name: str, limits: LoadLimits
               ) -> list[ImportedTrack]:
    """The one track of a GVHMR ``hmr4d_results.pt`` (module docstring); ``method`` is
    ``'gvhmr'``.

    Raises:
        HmrFileError: not a torch zip, a refused global (named), neither parameter dict,
            missing keys (named), wrong shapes, frame counts that disagree, NaN/inf.
    """
    _check_zip(path, limits)
    data = _load(path)
    if not isinstance(data, dict):
        raise HmrFileError(path, f"holds a {type(data).__name__}, not the dict GVHMR writes")
    found = [(key, coords) for key, coords in _PARAMS if key in data]
    if not found:
        keys = sorted(str(k)[:40] for k in list(data)[:20])
        raise HmrFileError(path, f"has neither 'smpl_params_global' nor 'smpl_params_incam' "
                           f"(keys: {keys}): not a GVHMR output")
    key, coords = found[0]
    params = data[key]
    if not isinstance(params, dict):
        raise HmrFileError(path, f"{key!r} is a {type(params).__name__}, not a dict of tensors")
    missing = [k for k in ("body_pose", "betas", "global_orient") if k not in params]
    if missing:
        raise HmrFileError(path, f"{key!r} lacks key(s) {missing} (keys: "
                           f"{sorted(str(k)[:40] for k in list(params)[:20])})")
    label = {k: f"{key}.{k}" for k in ("body_pose", "betas", "global_orient", "transl")}
    body = numeric(path, label["body_pose"], _as_numpy(params["body_pose"]),
                   (3 * SMPLX_BODY_JOINTS,))
    hands = np.zeros((len(body), 3 * SMPL_HAND_JOINTS))  # zero rotation: an approximation
    arrays: dict[str, tuple[str, np.ndarray] | None] = {
        "global_orient": (label["global_orient"], numeric(
            path, label["global_orient"], _as_numpy(params["global_orient"]), (3,))),
        "body_pose": (label["body_pose"], np.concatenate([body, hands], axis=1)),
        "betas": (label["betas"], numeric(path, label["betas"], _as_numpy(params["betas"]),
                                          (NUM_BETAS,))),
        "transl": None, "joints3d": None, "vertices": None,
    }
    if "transl" in params:
        arrays["transl"] = (label["transl"], numeric(
            path, label["transl"], _as_numpy(params["transl"]), (3,)))
    return [build_track(path, method=method, name=name, person="0", coords=coords,
                        frame_ids=None, arrays=arrays)]
