"""Generation data from the catalog: each MoCap sequence's motion, activity and instruction text.

Protocol (FLAG3D, Table 7): the generators train on the sequences of five performers and are
evaluated against the other five's. :data:`TRAIN_PERFORMERS` names them; the split is a
property of the performer, so it needs no table of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_arrays
from flag3d_core.catalog.record import smpl_for_pelvis
from flag3d_core.generation.motion import from_smpl

__all__ = ["PROTOCOL", "TRAIN_PERFORMERS", "MotionItem", "data_fingerprint", "load_motions",
           "split_of"]

PROTOCOL = "generation-5v5"
TRAIN_PERFORMERS = frozenset({"P001", "P002", "P003", "P004", "P005"})


def split_of(performer: str) -> str:
    """'train' for the five training performers, else 'test'."""
    return "train" if performer in TRAIN_PERFORMERS else "test"


@dataclass(frozen=True)
class MotionItem:
    """One real motion: ``motion`` (T, 147) float32 (see :mod:`.motion`), at ``fps``."""

    key: str  # sequence id
    motion: np.ndarray
    betas: np.ndarray  # (10,)
    label: int
    activity_id: str
    activity: str
    body_part: str
    text: str  # the activity's instruction sentence(s)
    performer: str
    fps: float
    checksum: str

    @property
    def split(self) -> str:
        return split_of(self.performer)


def load_motions(con: queries.Con, arrays_dir: Path, *, split: str | None = None,
                 body_model: object | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[MotionItem]:
    """Every MoCap sequence with SMPL as a :class:`MotionItem` (``split``: 'train', 'test' or
    None for both). ``body_model`` places the stored translation for its rest pelvis (as the
    player and export do); None keeps it as stored."""
    df: pd.DataFrame = queries.smpl_motions(con)
    if split is not None:
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train', 'test' or None, got {split!r}")
        df = df[df.performer.map(split_of) == split]
    items = []
    for i, row in enumerate(df.itertuples(index=False)):
        stored = load_arrays(arrays_dir, row.smpl_path)
        pelvis = None
        if body_model is not None:
            pelvis = body_model.rest_pelvis(stored["betas"].astype(np.float32).reshape(-1)[:10])
        smpl = smpl_for_pelvis(stored, float(row.fps), pelvis)
        items.append(MotionItem(
            key=row.sequence_id, motion=from_smpl(smpl), betas=smpl.betas, label=int(row.label),
            activity_id=row.activity_id, activity=row.activity, body_part=row.body_part or "",
            text=row.description or row.activity, performer=row.performer, fps=float(row.fps),
            checksum=row.smpl_checksum or ""))
        if progress is not None:
            progress(i + 1, len(df))
    return items


def data_fingerprint(items: list[MotionItem]) -> str:
    """sha256 over the items' (key, frames, checksum), order-independent."""
    h = hashlib.sha256()
    for it in sorted(items, key=lambda it: it.key):
        h.update(f"{it.key}|{len(it.motion)}|{it.checksum}\n".encode())
    return h.hexdigest()
