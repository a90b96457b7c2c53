"""One-shot loaders of a catalog sequence's arrays by id, for scripts and notebooks.

Each call builds a :class:`~flag3d_core.catalog.record.SequenceRecord` and reads one array
from it; code that needs several arrays of a sequence should keep the record instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from flag3d_core.catalog.queries import Con
from flag3d_core.catalog.record import SequenceSmpl, load_sequence, stored_betas

__all__ = ["SequenceSmpl", "available_kinds", "load_joints", "load_keypoints2d", "load_smpl"]


def available_kinds(con: Con, arrays_dir: Path, sequence_id: str) -> list[str]:
    """The array kinds the catalog holds for ``sequence_id``."""
    return list(load_sequence(con, arrays_dir, sequence_id).kinds)


def load_joints(con: Con, arrays_dir: Path, sequence_id: str) -> np.ndarray:
    """(T, J, 3) float32 joints in metres, z up, in the layout the catalog row names."""
    return load_sequence(con, arrays_dir, sequence_id).joints3d()


def load_keypoints2d(con: Con, arrays_dir: Path,
                     sequence_id: str) -> tuple[np.ndarray, np.ndarray]:
    """(T, J, 2) pixel keypoints and (T, J) scores (COCO-17 for FLAG3D)."""
    return load_sequence(con, arrays_dir, sequence_id).keypoints2d()


def load_smpl(con: Con, arrays_dir: Path, sequence_id: str,
              pelvis_rest: np.ndarray | None = None,
              pelvis_fn: Callable[[np.ndarray], np.ndarray] | None = None) -> SequenceSmpl:
    """SMPL parameters of a sequence, placed for a body model's rest pelvis (``pelvis_rest``,
    or ``pelvis_fn(betas)``; see :func:`~flag3d_core.catalog.record.smpl_for_pelvis`)."""
    record = load_sequence(con, arrays_dir, sequence_id)
    if pelvis_rest is None and pelvis_fn is not None:
        pelvis_rest = pelvis_fn(stored_betas(record.smpl_arrays()))
    return record.smpl(pelvis_rest=pelvis_rest)
