"""Standard SMPL parameters as ``.npz``: ``global_orient (T,3)``, ``body_pose (T,69)``,
``betas (10,)``, ``transl (T,3)`` (axis-angle, float32), ``fps`` and ``gender``."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np

from flag3d_core.atomic import atomic_write

SMPL_NPZ_KEYS = ("global_orient", "body_pose", "betas", "transl", "fps", "gender")


def smpl_arrays(
    global_orient: np.ndarray, body_pose: np.ndarray, betas: np.ndarray, transl: np.ndarray,
    fps: float, gender: str = "neutral",
) -> dict[str, np.ndarray]:
    """Validated arrays of a standard SMPL npz (shapes checked, float32, betas flattened)."""
    go = np.asarray(global_orient, dtype=np.float32)
    bp = np.asarray(body_pose, dtype=np.float32)
    tr = np.asarray(transl, dtype=np.float32)
    be = np.asarray(betas, dtype=np.float32).reshape(-1)
    t = go.shape[0] if go.ndim == 2 else -1
    if go.shape != (t, 3) or bp.shape != (t, 69) or tr.shape != (t, 3):
        raise ValueError(
            f"SMPL shapes must be global_orient (T,3), body_pose (T,69), transl (T,3); got "
            f"{go.shape}, {bp.shape}, {tr.shape}"
        )
    if be.size < 10:
        raise ValueError(f"betas must have at least 10 values, got {be.size}")
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    if gender not in ("neutral", "male", "female"):
        raise ValueError(f"gender must be neutral, male or female, got {gender!r}")
    return {"global_orient": go, "body_pose": bp, "betas": be, "transl": tr,
            "fps": np.float32(fps), "gender": np.array(gender)}


def smpl_npz_bytes(
    global_orient: np.ndarray, body_pose: np.ndarray, betas: np.ndarray, transl: np.ndarray,
    fps: float, gender: str = "neutral",
) -> bytes:
    """The ``.npz`` file contents (for a download button)."""
    buf = io.BytesIO()
    np.savez(buf, **smpl_arrays(global_orient, body_pose, betas, transl, fps, gender))
    return buf.getvalue()


def write_smpl_npz(
    path: str | os.PathLike, global_orient: np.ndarray, body_pose: np.ndarray,
    betas: np.ndarray, transl: np.ndarray, fps: float, gender: str = "neutral",
) -> Path:
    """Write a standard SMPL ``.npz`` atomically (missing folders are created); return its
    path. A bad target raises :class:`~flag3d_core.errors.OutputPathError`."""
    arrays = smpl_arrays(global_orient, body_pose, betas, transl, fps, gender)  # checks first
    with atomic_write(path, make_parents=True) as fh:
        np.savez(fh, **arrays)
    return Path(path)


def read_smpl_npz(path: str | os.PathLike) -> dict[str, np.ndarray | float | str]:
    """Read a file written by :func:`write_smpl_npz` (no pickles allowed)."""
    with np.load(path, allow_pickle=False) as z:
        missing = [k for k in SMPL_NPZ_KEYS if k not in z.files]
        if missing:
            raise ValueError(f"{path}: not a SMPL npz, missing {missing}")
        out: dict[str, np.ndarray | float | str] = {k: z[k] for k in SMPL_NPZ_KEYS[:4]}
        out["fps"] = float(z["fps"])
        out["gender"] = str(z["gender"])
    return out
