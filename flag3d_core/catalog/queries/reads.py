"""Reads: sequence listings and counts through ``SequenceFilter``, single rows, activities,
taxonomy, runs and predictions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from flag3d_core.catalog.queries.common import (
    _SEQUENCE_COLUMNS,
    Con,
)
from flag3d_core.errors import NotInCatalogError


# --------------------------------------------------------------------------- reads
@dataclass(frozen=True)
class SequenceFilter:
    """Filters of a sequence listing; ``None`` means no filter. Lists mean 'any of'."""

    dataset: str | None = None
    body_part: str | None = None
    activity_id: str | None = None
    source: str | None = None
    performer: str | None = None
    split: str | None = None
    protocol: str = "in-domain"
    camera: int | None = None
    repetition: int | None = None
    min_frames: int | None = None
    max_frames: int | None = None
    name_like: str | None = None


def _where(f: SequenceFilter) -> tuple[str, list]:
    clauses, params = ["TRUE"], []

    def eq(column: str, value: str | int | None) -> None:
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)

    eq("s.dataset", f.dataset)
    eq("a.body_part", f.body_part)
    eq("s.activity_id", f.activity_id)
    eq("s.source", f.source)
    eq("s.performer", f.performer)
    eq("s.camera", f.camera)
    eq("s.repetition", f.repetition)
    if f.split is not None:
        clauses.append("sp.split = ?")
        params.append(f.split)
    if f.min_frames is not None:
        clauses.append("s.n_frames >= ?")
        params.append(f.min_frames)
    if f.max_frames is not None:
        clauses.append("s.n_frames <= ?")
        params.append(f.max_frames)
    if f.name_like:
        clauses.append("s.name ILIKE ?")
        params.append(f"%{f.name_like}%")
    return " AND ".join(clauses), params


def _from(f: SequenceFilter) -> tuple[str, list]:
    sql = """
        FROM sequences s
        LEFT JOIN activities a ON a.dataset = s.dataset AND a.activity_id = s.activity_id
        LEFT JOIN splits sp ON sp.sequence_id = s.sequence_id AND sp.protocol = ?
    """
    return sql, [f.protocol]


def sequences(con: Con, f: SequenceFilter = SequenceFilter(), *, limit: int | None = None,
              offset: int = 0) -> pd.DataFrame:
    """Sequences matching the filter, with activity name, body part and split."""
    frm, p1 = _from(f)
    where, p2 = _where(f)
    sql = f"SELECT {_SEQUENCE_COLUMNS}, sp.split {frm} WHERE {where} ORDER BY s.sequence_id"
    params = p1 + p2
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return con.execute(sql, params).df()


_GROUPABLE = {
    "body_part": "a.body_part", "activity": "a.name", "activity_id": "s.activity_id",
    "source": "s.source", "split": "sp.split", "performer": "s.performer",
    "dataset": "s.dataset", "camera": "s.camera", "repetition": "s.repetition",
}


def counts_by(con: Con, by: str | Sequence[str],
              f: SequenceFilter = SequenceFilter()) -> pd.DataFrame:
    """Sequence counts grouped by one or more of ``body_part, activity, source, split, ...``."""
    keys = [by] if isinstance(by, str) else list(by)
    unknown = [k for k in keys if k not in _GROUPABLE]
    if unknown:
        raise ValueError(f"cannot group by {unknown}; choose from {sorted(_GROUPABLE)}")
    cols = ", ".join(f"{_GROUPABLE[k]} AS {k}" for k in keys)
    frm, p1 = _from(f)
    where, p2 = _where(f)
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    sql = f"SELECT {cols}, count(*) AS n {frm} WHERE {where} GROUP BY {group} ORDER BY {group}"
    return con.execute(sql, p1 + p2).df()


def sequence(con: Con, sequence_id: str) -> dict | None:
    """One sequence's metadata joined with its activity and instruction, or None."""
    cur = con.execute(
        f"""SELECT {_SEQUENCE_COLUMNS}, s.up_axis, s.checksum, a.description, a.key_points,
                   a.mistakes
            FROM sequences s
            LEFT JOIN activities a ON a.dataset = s.dataset AND a.activity_id = s.activity_id
            WHERE s.sequence_id = ?""",
        [sequence_id],
    )
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def mocap_of(con: Con, sequence_id: str) -> str | None:
    """The MoCap sequence of the same performance (dataset, performer, activity, repetition) as
    a rendered-camera or phone sequence; None when the catalog has none."""
    row = con.execute(
        """SELECT m.sequence_id FROM sequences s
           JOIN sequences m ON m.dataset = s.dataset AND m.performer = s.performer
                AND m.activity_id = s.activity_id AND m.repetition = s.repetition
                AND m.source = 'mocap'
           WHERE s.sequence_id = ? ORDER BY m.sequence_id LIMIT 1""",
        [sequence_id],
    ).fetchone()
    return row[0] if row else None


def nearest_sequence_ids(con: Con, text: str, limit: int = 3) -> list[str]:
    """Sequence ids most like ``text``: fewest edits to the release name (FLAG3D names differ
    in a digit or two), then to the whole id, MoCap first."""
    rows = con.execute(
        """SELECT sequence_id FROM sequences
           ORDER BY least(levenshtein(name, ?), levenshtein(sequence_id, ?)),
                    levenshtein(sequence_id, ?), source <> 'mocap', sequence_id
           LIMIT ?""",
        [text.rsplit("/", 1)[-1], text, text, limit],
    ).fetchall()
    return [r[0] for r in rows]


def resolve_sequence_id(con: Con, name_or_id: str) -> str:
    """Accept a full id or a bare release name (mocap preferred, then render, then real)."""
    if con.execute("SELECT 1 FROM sequences WHERE sequence_id = ?", [name_or_id]).fetchone():
        return name_or_id
    row = con.execute(
        """SELECT sequence_id FROM sequences WHERE name = ?
           ORDER BY CASE source WHEN 'mocap' THEN 0 WHEN 'render' THEN 1 ELSE 2 END LIMIT 1""",
        [name_or_id],
    ).fetchone()
    if row is None:
        raise NotInCatalogError(f"no sequence named {name_or_id!r} in the catalog")
    return row[0]


def sequence_splits(con: Con, sequence_id: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT protocol, split FROM splits WHERE sequence_id = ?", [sequence_id]
    ).fetchall()
    return dict(rows)


def sequence_arrays(con: Con, sequence_ids: str | Iterable[str],
                    kind: str | None = None) -> pd.DataFrame:
    """Array file references for one or many sequences (optionally one kind)."""
    ids = [sequence_ids] if isinstance(sequence_ids, str) else list(sequence_ids)
    sql = "SELECT * FROM sequence_arrays WHERE sequence_id IN (SELECT unnest(?))"
    params: list = [ids]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return con.execute(sql + " ORDER BY sequence_id, kind", params).df()


def related_videos(con: Con, sequence_id: str) -> pd.DataFrame:
    """Rendered videos of the same performance (same dataset, performer, activity, repetition
    and avatar) as ``sequence_id``, one row per camera."""
    return con.execute(
        """SELECT r.sequence_id, r.name, r.camera, ar.path
           FROM sequences s
           JOIN sequences r ON r.dataset = s.dataset AND r.performer = s.performer
                AND r.activity_id = s.activity_id AND r.repetition = s.repetition
                AND coalesce(r.avatar, 0) = coalesce(s.avatar, 0) AND r.source = 'render'
           JOIN sequence_arrays ar ON ar.sequence_id = r.sequence_id AND ar.kind = 'video_mp4'
           WHERE s.sequence_id = ?
           ORDER BY r.camera""",
        [sequence_id],
    ).df()


def split_arrays(con: Con, protocol: str, kind: str, dataset: str = "flag3d") -> pd.DataFrame:
    """Every sequence of a protocol with its split, label and the array of one kind."""
    return con.execute(
        """SELECT s.sequence_id, s.name, s.source, s.performer, s.label, s.n_frames,
                  s.img_width, s.img_height, sp.split, ar.path, ar.checksum
           FROM sequences s
           JOIN splits sp ON sp.sequence_id = s.sequence_id AND sp.protocol = ?
           JOIN sequence_arrays ar ON ar.sequence_id = s.sequence_id AND ar.kind = ?
           WHERE s.dataset = ?
           ORDER BY s.sequence_id""",
        [protocol, kind, dataset],
    ).df()


def activities(con: Con, dataset: str = "flag3d") -> pd.DataFrame:
    return con.execute(
        "SELECT * FROM activities WHERE dataset = ? ORDER BY label", [dataset]
    ).df()


def activity(con: Con, activity_id: str, dataset: str = "flag3d") -> dict | None:
    cur = con.execute(
        "SELECT * FROM activities WHERE dataset = ? AND activity_id = ?", [dataset, activity_id]
    )
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def taxonomy(con: Con, dataset: str = "flag3d") -> pd.DataFrame:
    """Taxonomy nodes with the number of sequences under each class node."""
    return con.execute(
        """SELECT t.*, coalesce(c.n, 0) AS n_sequences
           FROM taxonomy_nodes t
           LEFT JOIN (SELECT dataset, activity_id, count(*) AS n FROM sequences
                      GROUP BY 1, 2) c
             ON c.dataset = t.dataset AND c.activity_id = t.node_id
           WHERE t.dataset = ? ORDER BY t.depth, t.node_id""",
        [dataset],
    ).df()


def datasets(con: Con) -> pd.DataFrame:
    return con.execute("SELECT * FROM datasets ORDER BY dataset").df()


def dataset_root(con: Con, dataset: str) -> str | None:
    """The folder a dataset was ingested from (None when unknown)."""
    row = con.execute("SELECT root FROM datasets WHERE dataset = ?", [dataset]).fetchone()
    return None if row is None else row[0]


def stats(con: Con) -> dict:
    """Headline counts of the catalog."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "datasets": one("SELECT count(*) FROM datasets"),
        "sequences": one("SELECT count(*) FROM sequences"),
        "activities": one("SELECT count(*) FROM activities"),
        "frames": int(one("SELECT coalesce(sum(n_frames), 0) FROM sequences")),
        "hours": round(float(one("SELECT coalesce(sum(n_frames / fps), 0) FROM sequences"))
                       / 3600, 3),
        "by_source": dict(con.execute(
            "SELECT source, count(*) FROM sequences GROUP BY 1 ORDER BY 1").fetchall()),
        "model_runs": one("SELECT count(*) FROM model_runs"),
    }


def ingest_log(con: Con) -> pd.DataFrame:
    return con.execute("SELECT * FROM ingest_log ORDER BY ingested_at DESC").df()


def model_runs(con: Con, task: str | None = None) -> pd.DataFrame:
    sql = "SELECT * FROM model_runs"
    params: list = []
    if task is not None:
        sql += " WHERE task = ?"
        params.append(task)
    return con.execute(sql + " ORDER BY created_at DESC", params).df()


def model_run(con: Con, run_id: str, task: str | None = None) -> dict | None:
    """One run; ``run_id='latest'`` gives the newest (of ``task`` when given)."""
    if run_id == "latest":
        cur = con.execute("SELECT * FROM model_runs WHERE ? IS NULL OR task = ? "
                          "ORDER BY created_at DESC LIMIT 1", [task, task])
    else:
        cur = con.execute("SELECT * FROM model_runs WHERE run_id = ?", [run_id])
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row, strict=True))


def predictions(con: Con, run_id: str) -> pd.DataFrame:
    return con.execute(
        """SELECT p.*, s.name, s.performer, s.activity_id
           FROM predictions p JOIN sequences s ON s.sequence_id = p.sequence_id
           WHERE p.run_id = ? ORDER BY p.sequence_id""",
        [run_id],
    ).df()
