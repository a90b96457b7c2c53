"""Writes: metadata, datasets, taxonomy, activities, sequences, arrays, splits, runs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd

from flag3d_core.catalog.queries.common import (
    Con,
)


# --------------------------------------------------------------------------- writes
def set_meta(con: Con, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def get_meta(con: Con) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def upsert_dataset(con: Con, dataset: str, title: str, description: str, root: str | None) -> None:
    con.execute(
        "INSERT OR REPLACE INTO datasets VALUES (?, ?, ?, ?, ?)",
        [dataset, title, description, root, datetime.now(UTC).replace(tzinfo=None)],
    )


def delete_dataset_rows(con: Con, dataset: str, sources: Sequence[str] | None = None) -> None:
    """Remove a dataset's sequences (optionally only some sources), their arrays and splits.

    Model predictions are kept: sequence ids are stable release names, so a re-ingest keeps the
    runs' results; :func:`delete_orphan_results` drops those whose sequence is gone.
    """
    where = "dataset = ?"
    params: list = [dataset]
    if sources:
        where += f" AND source IN ({', '.join('?' for _ in sources)})"
        params += list(sources)
    ids = f"SELECT sequence_id FROM sequences WHERE {where}"
    for table in ("sequence_arrays", "splits"):
        con.execute(f"DELETE FROM {table} WHERE sequence_id IN ({ids})", params)
    con.execute(f"DELETE FROM sequences WHERE {where}", params)


def delete_orphan_results(con: Con) -> None:
    """Drop predictions and per-sequence metrics whose sequence is no longer in the catalog."""
    for table in ("predictions", "sequence_metrics", "run_arrays"):
        con.execute(f"DELETE FROM {table} "
                    "WHERE sequence_id NOT IN (SELECT sequence_id FROM sequences)")


def _insert_frame(con: Con, table: str, frame: pd.DataFrame) -> int:
    """Bulk insert a DataFrame whose columns are a subset of the table's, by name."""
    if frame.empty:
        return 0
    con.register("_incoming", frame)
    try:
        cols = ", ".join(frame.columns)
        con.execute(f"INSERT OR REPLACE INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    finally:
        con.unregister("_incoming")
    return len(frame)


def insert_taxonomy(con: Con, frame: pd.DataFrame) -> int:
    return _insert_frame(con, "taxonomy_nodes", frame)


def insert_activities(con: Con, frame: pd.DataFrame) -> int:
    return _insert_frame(con, "activities", frame)


def insert_sequences(con: Con, frame: pd.DataFrame) -> int:
    return _insert_frame(con, "sequences", frame)


def insert_sequence_arrays(con: Con, frame: pd.DataFrame) -> int:
    return _insert_frame(con, "sequence_arrays", frame)


def insert_splits(con: Con, frame: pd.DataFrame) -> int:
    return _insert_frame(con, "splits", frame)


def insert_predictions(con: Con, frame: pd.DataFrame) -> int:
    return _insert_frame(con, "predictions", frame)


def insert_ingest_log(con: Con, dataset: str, source_path: str, n_ingested: int,
                      n_skipped: int, seconds: float, skipped: list[dict]) -> None:
    con.execute(
        "INSERT INTO ingest_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [datetime.now(UTC).replace(tzinfo=None), dataset, source_path, n_ingested, n_skipped,
         seconds, json.dumps(skipped[:1000])],
    )


def insert_model_run(con: Con, run_id: str, task: str, model: str, protocol: str | None,
                     config: dict, metrics: dict, checkpoint: str | None) -> None:
    con.execute(
        "INSERT OR REPLACE INTO model_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, task, model, protocol, datetime.now(UTC).replace(tzinfo=None),
         json.dumps(config), json.dumps(metrics), checkpoint],
    )
