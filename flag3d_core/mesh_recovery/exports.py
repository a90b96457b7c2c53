"""Downloads of a mesh-recovery result: the predicted SMPL (npz) and the per-frame errors (CSV)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from flag3d_core.layouts.smpl24 import SMPL24

__all__ = ["errors_csv", "smpl_npz"]


def smpl_npz(arrays: dict[str, np.ndarray], fps: float, *, method: str, sequence: str) -> bytes:
    """The SMPL arrays (frames, global_orient, body_pose, betas, transl: axis-angle, metres,
    the ground truth's world frame) with fps, method and sequence, as an ``.npz``."""
    buf = io.BytesIO()
    np.savez(buf, **{k: np.asarray(v) for k, v in arrays.items()}, fps=np.float32(fps),
             method=np.str_(method), sequence=np.str_(sequence))
    return buf.getvalue()


def errors_csv(errors: dict[str, np.ndarray], frames: np.ndarray, fps: float) -> bytes:
    """One row per frame: frame, time_s, MPJPE, PA-MPJPE, PVE (mm, SMPL-24, pelvis-aligned),
    acceleration error (mm/frame², empty at the two ends) and the MPJPE of each joint."""
    mp = np.asarray(errors["mpjpe"])
    n = len(mp)
    accel = np.full(n, np.nan)
    if len(errors.get("accel", [])):
        accel[1:-1] = np.asarray(errors["accel"]).mean(1)
    df = pd.DataFrame({"frame": np.asarray(frames, np.int64),
                       "time_s": np.asarray(frames) / fps, "mpjpe_mm": mp.mean(1),
                       "pa_mpjpe_mm": np.asarray(errors["pa_mpjpe"]).mean(1),
                       "pve_mm": np.asarray(errors["pve"]) if "pve" in errors else np.nan,
                       "accel_mm_per_frame2": accel})
    for j, name in enumerate(SMPL24.joint_names[: mp.shape[1]]):
        df[f"mpjpe_{name}_mm"] = mp[:, j]
    return df.to_csv(index=False, float_format="%.3f").encode()
