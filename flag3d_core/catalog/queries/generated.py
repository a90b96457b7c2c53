"""The generated-motions table: what the playground and ``flag3d generate`` made."""

from __future__ import annotations

import pandas as pd

from flag3d_core.catalog.queries.common import Con

_COLUMNS = ("gen_id, model, checkpoint, prompt, activity_id, seconds, seed, n_frames, fps, path, "
            "checksum, scores, created_at")


def insert_generated(con: Con, frame: pd.DataFrame) -> int:
    """Insert (or replace, same gen_id) rows with the table's columns; returns the count."""
    if frame.empty:
        return 0
    con.register("_generated", frame)
    try:
        con.execute(f"INSERT OR REPLACE INTO generated_motions ({_COLUMNS}) "
                    f"SELECT {_COLUMNS} FROM _generated")
    finally:
        con.unregister("_generated")
    return len(frame)


def generated(con: Con, gen_ids: list[str]) -> pd.DataFrame:
    """The rows of ``gen_ids`` (in no particular order)."""
    return con.execute(f"SELECT {_COLUMNS} FROM generated_motions WHERE list_contains(?, gen_id)",
                       [list(gen_ids)]).df()


def recent_generated(con: Con, limit: int = 50) -> pd.DataFrame:
    """The newest generated motions first."""
    return con.execute(f"SELECT {_COLUMNS} FROM generated_motions ORDER BY created_at DESC "
                       "LIMIT ?", [int(limit)]).df()
