"""Load a catalog sequence's arrays by id (converted conventions, ready for models and viewers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_array, load_arrays
from flag3d_core.catalog.queries import Con
from flag3d_core.errors import NotInCatalogError


@dataclass(frozen=True)
class SequenceSmpl:
    """Standard SMPL parameters of a sequence, in the dataset's world frame (FLAG3D: z up)."""

    global_orient: np.ndarray  # (T, 3) axis-angle
    body_pose: np.ndarray  # (T, 69)
    betas: np.ndarray  # (10,)
    transl: np.ndarray  # (T, 3)
    fps: float


def _refs(con: Con, sequence_id: str) -> dict[str, str]:
    df = queries.sequence_arrays(con, sequence_id)
    if df.empty:
        raise NotInCatalogError(f"sequence {sequence_id!r} has no arrays in the catalog")
    return dict(zip(df.kind, df.path, strict=True))


def available_kinds(con: Con, sequence_id: str) -> list[str]:
    return sorted(_refs(con, sequence_id))


def load_joints(con: Con, arrays_dir: Path, sequence_id: str) -> np.ndarray:
    """(T, 25, 3) float32 NTU-25 joints in metres, z up."""
    refs = _refs(con, sequence_id)
    if "joints3d_ntu25" not in refs:
        raise NotInCatalogError(
            f"sequence {sequence_id!r} has no 3D skeleton (kinds: {sorted(refs)})")
    return np.asarray(load_array(arrays_dir, refs["joints3d_ntu25"]), dtype=np.float32)


def load_keypoints2d(con: Con, arrays_dir: Path, sequence_id: str) -> tuple[np.ndarray, np.ndarray]:
    """(T, 17, 2) pixel keypoints and (T, 17) scores (COCO-17)."""
    refs = _refs(con, sequence_id)
    if "keypoints2d_coco17" not in refs:
        raise NotInCatalogError(
            f"sequence {sequence_id!r} has no 2D keypoints (kinds: {sorted(refs)})")
    return (np.asarray(load_array(arrays_dir, refs["keypoints2d_coco17"]), dtype=np.float32),
            np.asarray(load_array(arrays_dir, refs["keypoint_scores"]), dtype=np.float32))


def load_smpl(con: Con, arrays_dir: Path, sequence_id: str, fps: float = 30.0,
              pelvis_rest: np.ndarray | None = None,
              pelvis_fn: Callable[[np.ndarray], np.ndarray] | None = None) -> SequenceSmpl:
    """SMPL parameters of a sequence.

    The ingest converted EasyMocap's Rh/Th with the body model active then; when the current
    body model's rest pelvis for these betas differs (given as ``pelvis_rest``, or computed from
    the stored betas by ``pelvis_fn``, e.g. ``BodyModel.rest_pelvis``), ``transl`` is re-derived:
    ``transl' = transl + (R(Rh) - I)(J0' - J0)``, so the body sits where the file put it.
    """
    refs = _refs(con, sequence_id)
    if "smpl" not in refs:
        raise NotInCatalogError(
            f"sequence {sequence_id!r} has no SMPL parameters (kinds: {sorted(refs)})")
    z = load_arrays(arrays_dir, refs["smpl"])
    betas = z["betas"].astype(np.float32).reshape(-1)[:10]
    if pelvis_rest is None and pelvis_fn is not None:
        pelvis_rest = pelvis_fn(betas)
    transl = z["transl"].astype(np.float64)
    if pelvis_rest is not None and "pelvis_rest" in z:
        delta = np.asarray(pelvis_rest, np.float64) - z["pelvis_rest"].astype(np.float64)
        if np.abs(delta).max() > 1e-7:
            R = Rotation.from_rotvec(z["Rh"].astype(np.float64)).as_matrix()  # (T, 3, 3)
            transl = transl + (R - np.eye(3)) @ delta
    return SequenceSmpl(z["global_orient"].astype(np.float32), z["body_pose"].astype(np.float32),
                        betas, transl.astype(np.float32), fps)
