"""Generated motions in the catalog: each sample's motion array and what made it, so that a
link (its ``gen_id``) shows the same motion again, and the same request finds it again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_array, store_array
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.errors import NotInCatalogError

__all__ = ["StoredMotion", "gen_id", "load_generated", "record_generated"]


def gen_id(checkpoint: str, prompt: str | None, activity_id: str | None, seconds: float,
           seed: int) -> str:
    """A short id of everything that determines a generated motion (16 hex digits)."""
    key = json.dumps([checkpoint, prompt, activity_id, round(float(seconds), 3), int(seed)])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StoredMotion:
    gen_id: str
    model: str
    checkpoint: str
    prompt: str | None
    activity_id: str | None
    seconds: float
    seed: int
    fps: float
    motion: np.ndarray  # (T, 147)
    scores: dict[str, Any]


def record_generated(catalog: Path, arrays_dir: Path, motions: list[StoredMotion]) -> int:
    """Store the motions' arrays and rows (one catalog swap for all); returns the count."""
    rows = []
    for m in motions:
        st = store_array(arrays_dir, np.asarray(m.motion, np.float32))
        rows.append({"gen_id": m.gen_id, "model": m.model, "checkpoint": m.checkpoint,
                     "prompt": m.prompt, "activity_id": m.activity_id,
                     "seconds": float(m.seconds), "seed": int(m.seed),
                     "n_frames": int(len(m.motion)), "fps": float(m.fps), "path": st.path,
                     "checksum": st.checksum, "scores": json.dumps(m.scores, default=float),
                     "created_at": datetime.now(UTC).replace(tzinfo=None)})
    with catalog_transaction(catalog) as con:
        return queries.insert_generated(con, pd.DataFrame(rows))


def load_generated(con: queries.Con, arrays_dir: Path, ids: list[str]) -> list[StoredMotion]:
    """The stored motions of ``ids``, in that order (raises NotInCatalogError for a missing
    one)."""
    df = queries.generated(con, ids)
    by_id = {r.gen_id: r for r in df.itertuples(index=False)}
    out = []
    for i in ids:
        r = by_id.get(i)
        if r is None:
            raise NotInCatalogError(f"no generated motion {i!r} in the catalog")
        scores = json.loads(r.scores) if isinstance(r.scores, str) and r.scores else {}
        out.append(StoredMotion(
            gen_id=r.gen_id, model=r.model, checkpoint=r.checkpoint,
            prompt=None if pd.isna(r.prompt) else r.prompt,
            activity_id=None if pd.isna(r.activity_id) else r.activity_id,
            seconds=float(r.seconds), seed=int(r.seed), fps=float(r.fps),
            motion=np.asarray(load_array(arrays_dir, r.path), np.float32), scores=scores))
    return out
