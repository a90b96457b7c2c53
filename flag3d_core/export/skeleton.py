"""Skeleton exports: 3D joint positions and 2D keypoints as long-format CSV and as .npy.

3D joints (``joints3d``): metres, z up, in the sequence's layout (NTU-25 for FLAG3D MoCap);
CSV columns ``frame, time_s, joint_index, joint, x, y, z`` (one row per frame and joint);
.npy of shape (T, J, 3).

2D keypoints (``keypoints2d``): pixels of the video frame (x right, y down), in the
sequence's layout (COCO-17), with the detector's score in [0, 1]; CSV columns
``frame, time_s, joint_index, joint, x, y, score``; .npy of shape (T, J, 3) as (x, y, score).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from flag3d_core.atomic import atomic_write_bytes
from flag3d_core.layouts import SkeletonLayout

JOINTS_COLUMNS = ("frame", "time_s", "joint_index", "joint", "x", "y", "z")
KEYPOINTS_COLUMNS = ("frame", "time_s", "joint_index", "joint", "x", "y", "score")


def _long_table(values: np.ndarray, layout: SkeletonLayout, fps: float,
                columns: tuple[str, ...]) -> pd.DataFrame:
    """(T, J, 3) -> one row per frame and joint with the given last three column names."""
    t, j, c = values.shape
    if j != layout.num_node or c != 3:
        raise ValueError(f"expected (T, {layout.num_node}, 3) for layout {layout.name}, "
                         f"got {values.shape}")
    frames = np.repeat(np.arange(t), j)
    joints = np.tile(np.arange(j), t)
    flat = values.reshape(t * j, 3)
    return pd.DataFrame({columns[0]: frames, columns[1]: np.round(frames / fps, 6),
                         columns[2]: joints, columns[3]: np.asarray(layout.joint_names)[joints],
                         columns[4]: flat[:, 0], columns[5]: flat[:, 1],
                         columns[6]: flat[:, 2]})


def joints_csv_bytes(joints: np.ndarray, layout: SkeletonLayout, fps: float) -> bytes:
    """CSV of (T, J, 3) joint positions in metres, z up (10 micrometre precision)."""
    df = _long_table(np.asarray(joints, dtype=np.float64), layout, fps, JOINTS_COLUMNS)
    return df.to_csv(index=False, float_format="%.5f", lineterminator="\n").encode()


def keypoints_csv_bytes(keypoints: np.ndarray, scores: np.ndarray, layout: SkeletonLayout,
                        fps: float) -> bytes:
    """CSV of (T, J, 2) pixel keypoints with their (T, J) scores."""
    stacked = keypoints_array(keypoints, scores)
    df = _long_table(stacked.astype(np.float64), layout, fps, KEYPOINTS_COLUMNS)
    return df.to_csv(index=False, float_format="%.3f", lineterminator="\n").encode()


def keypoints_array(keypoints: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """(T, J, 2) keypoints and (T, J) scores -> (T, J, 3) float32 as (x, y, score)."""
    kp, sc = np.asarray(keypoints), np.asarray(scores)
    if kp.ndim != 3 or kp.shape[2] != 2 or sc.shape != kp.shape[:2]:
        raise ValueError(f"expected keypoints (T, J, 2) and scores (T, J), got {kp.shape} and "
                         f"{sc.shape}")
    return np.concatenate([kp, sc[..., None]], axis=-1).astype(np.float32)


def npy_bytes(array: np.ndarray) -> bytes:
    """A plain .npy file (no pickles) of ``array`` as float32."""
    buf = io.BytesIO()
    np.save(buf, np.asarray(array, dtype=np.float32), allow_pickle=False)
    return buf.getvalue()


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write an export atomically (missing folders are created)."""
    return atomic_write_bytes(path, data, make_parents=True)
