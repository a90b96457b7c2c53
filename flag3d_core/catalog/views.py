"""What the Home and Browse pages show, as plain functions of a catalog connection.

Each returns a DataFrame (or a list) ready for a chart or a table; the app caches them per
catalog version at its edge. Labels for sequences go through the FLAG3D name parser.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.queries import Con, SequenceFilter
from flag3d_core.datasets.flag3d.names import try_parse_sequence_name

__all__ = [
    "activity_grid",
    "distinct_values",
    "mocap_lengths",
    "playable_ids",
    "same_activity_other_performer",
    "sequence_label",
    "split_counts",
    "taxonomy_counts",
]


def split_counts(con: Con) -> pd.DataFrame:
    """Counts per (source, split label) where the label names the protocol: in-domain splits
    of the MoCap sequences, cross-domain splits of the 2D ones."""
    ind = queries.counts_by(con, ["source", "split"], SequenceFilter(source="mocap"))
    cross = queries.counts_by(con, ["source", "split"], SequenceFilter(protocol="cross-domain"))
    cross = cross[cross.source != "mocap"]
    ind["split"] = "in-domain " + ind["split"].fillna("none")
    cross["split"] = "cross-domain " + cross["split"].fillna("none")
    return pd.concat([ind, cross], ignore_index=True)


def mocap_lengths(con: Con) -> pd.DataFrame:
    """activity_id, activity, body_part, n_frames, fps of every MoCap sequence."""
    df = queries.sequences(con, SequenceFilter(source="mocap"))
    return df[["activity_id", "activity", "body_part", "n_frames", "fps"]]


def distinct_values(con: Con, column: str) -> list:
    """Distinct non-null values of a groupable sequence column (whole numbers as int)."""
    df = queries.counts_by(con, column)
    values = [v for v in df[column].tolist() if not pd.isna(v)]
    return [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]


def taxonomy_counts(con: Con, f: SequenceFilter) -> pd.DataFrame:
    """Taxonomy nodes with ``n_sequences`` matching ``f`` (its taxonomy filters dropped, so the
    chart keeps showing every branch)."""
    tax = queries.taxonomy(con)
    counts = queries.counts_by(con, "activity_id", replace(f, body_part=None, activity_id=None))
    n = dict(zip(counts.activity_id, counts.n, strict=True))
    tax["n_sequences"] = [int(n.get(node, 0)) for node in tax.node_id]
    return tax


def activity_grid(con: Con, activity_id: str, source: str) -> pd.DataFrame:
    """Performer (rows) x repetition (columns ``R###``) table of an activity's lengths in
    frames; empty when the activity has no sequence of ``source``."""
    df = queries.sequences(con, SequenceFilter(activity_id=activity_id, source=source))
    if df.empty:
        return df
    df = df.drop_duplicates(["performer", "repetition"])
    grid = df.pivot(index="performer", columns="repetition", values="n_frames")
    grid.columns = [f"R{int(c):03d}" for c in grid.columns]
    return grid


def playable_ids(con: Con) -> list[str]:
    """Sequences with 3D data (MoCap skeleton), in catalog order."""
    return queries.sequences(con, SequenceFilter(source="mocap")).sequence_id.tolist()


def playable_labels(con: Con) -> dict[str, str]:
    """Playable id -> 'A017 Dumbbell Row · P002 · R001', in catalog order: what pickers show
    (typing any part of it finds the sequence)."""
    df = queries.sequences(con, SequenceFilter(source="mocap"))
    return {r.sequence_id:
            f"{r.activity_id} {r.activity} · {r.performer} · R{int(r.repetition):03d}"
            for r in df.itertuples()}


def same_activity_other_performer(con: Con, sequence_id: str) -> str | None:
    """A sequence of the same activity, source and repetition by another performer."""
    meta = queries.sequence(con, sequence_id)
    if meta is None:
        return None
    df = queries.sequences(con, SequenceFilter(activity_id=meta["activity_id"],
                                               source=meta["source"]))
    other = df[(df.performer != meta["performer"]) & (df.repetition == meta["repetition"])]
    return None if other.empty else str(other.sequence_id.iloc[0])


def sequence_label(sequence_id: str) -> str:
    """'flag3d/mocap/S001C001M001P002A017R001' -> 'P002 · A017 · R001  (S001C001M001P002A017R001)';
    names that are not FLAG3D names come back as the bare name."""
    name = sequence_id.rsplit("/", 1)[-1]
    parsed = try_parse_sequence_name(name)
    if parsed is None:
        return name
    return f"{parsed.performer} · A{parsed.activity:03d} · R{parsed.repetition:03d}  ({name})"
