"""The text index of the activities (search by words) and sequences grouped by activity."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from flag3d_core.catalog.queries.common import (
    Con,
)
from flag3d_core.catalog.queries.reads import (
    SequenceFilter,
    _from,
    _where,
)
from flag3d_core.catalog.queries.writes import _insert_frame


# --------------------------------------------------------------------------- text search
# The text index and the sequence look-ups of flag3d_core.search (issue 10).
def activity_texts(con: Con) -> pd.DataFrame:
    """Every dataset's activities with the texts the search indexes, by dataset and label."""
    return con.execute(
        """SELECT dataset, activity_id, label, name, body_part, description, key_points, mistakes
           FROM activities ORDER BY dataset, label"""
    ).df()


def has_table(con: Con, table: str) -> bool:
    """Whether the catalog holds ``table`` (a catalog written before the table existed, opened
    read-only, does not)."""
    row = con.execute(
        """SELECT count(*) FROM duckdb_tables()
           WHERE database_name = current_database() AND table_name = ?""",
        [table],
    ).fetchone()
    return bool(row[0])


def text_index(con: Con) -> pd.DataFrame:
    """The stored text index in ``doc_id`` order: dataset, activity_id, field, text and the
    embedding (one float32 array of 384 per row)."""
    return con.execute(
        """SELECT doc_id, dataset, activity_id, field, text, embedding
           FROM text_index ORDER BY doc_id"""
    ).df()


def replace_text_index(con: Con, frame: pd.DataFrame) -> int:
    """Replace the whole text index by ``frame`` (columns of the ``text_index`` table)."""
    con.execute("DELETE FROM text_index")
    return _insert_frame(con, "text_index", frame)


def sequence_groups(con: Con, f: SequenceFilter, *, activity_ids: Sequence[str] | None = None,
                    per_group: int = 3, max_groups: int = 3) -> pd.DataFrame:
    """Sequences matching ``f`` grouped by activity, for search results.

    Returns the first ``per_group`` sequences (MoCap first, then by id) of each of the first
    ``max_groups`` activities (in the order of ``activity_ids`` when given, which also restricts
    the activities, else by id), with ``n_in_group`` (the group's size), ``group_rank``,
    ``rank_in_group`` and ``n_groups`` (how many activities matched in all).
    """
    frm, p1 = _from(f)
    where, p2 = _where(f)
    params: list = p1 + p2
    order = "activity_id"
    if activity_ids is not None:
        where += " AND s.activity_id IN (SELECT unnest(?))"
        params.append(list(activity_ids))
        order = "list_position(?, activity_id)"
    sql = f"""
        WITH m AS (
            SELECT s.sequence_id, s.name, s.source, s.activity_id, a.name AS activity,
                   a.body_part, s.performer, s.repetition, s.camera, s.n_frames
            {frm} WHERE {where}
        ), g AS (
            SELECT activity_id, count(*) AS n_in_group,
                   row_number() OVER (ORDER BY {order}) AS group_rank
            FROM m GROUP BY activity_id
        ), ranked AS (
            SELECT m.*, g.n_in_group, g.group_rank, (SELECT count(*) FROM g) AS n_groups,
                   row_number() OVER (PARTITION BY m.activity_id
                                      ORDER BY m.source <> 'mocap', m.sequence_id)
                       AS rank_in_group
            FROM m JOIN g USING (activity_id) WHERE g.group_rank <= ?
        )
        SELECT * FROM ranked WHERE rank_in_group <= ? ORDER BY group_rank, rank_in_group"""
    if activity_ids is not None:
        params.append(list(activity_ids))
    params += [int(max_groups), int(per_group)]
    return con.execute(sql, params).df()
