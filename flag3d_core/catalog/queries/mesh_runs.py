"""Queries of mesh-recovery runs: the sequences a fit runs on, per-sequence metrics and the
run's per-sequence arrays (fitted SMPL, per-frame errors)."""

from __future__ import annotations

import pandas as pd

from flag3d_core.catalog.queries.common import Con
from flag3d_core.catalog.queries.writes import _insert_frame

__all__ = [
    "fit_candidates",
    "insert_run_arrays",
    "insert_sequence_metrics",
    "run_array_paths",
    "run_sequence_metrics",
    "view_candidates",
]


def fit_candidates(con: Con, protocol: str = "in-domain", split: str = "test",
                   per_activity: int | None = None, dataset: str = "flag3d") -> list[str]:
    """MoCap sequences of a split that have both a 3D skeleton and SMPL parameters (what a
    3D fit needs and is scored against), by activity, performer and repetition;
    ``per_activity`` keeps the first N of each activity."""
    rows = con.execute(
        """SELECT s.sequence_id, s.activity_id,
                  row_number() OVER (PARTITION BY s.activity_id
                                     ORDER BY s.performer, s.repetition, s.sequence_id) AS k
           FROM sequences s
           JOIN splits sp ON sp.sequence_id = s.sequence_id AND sp.protocol = ? AND sp.split = ?
           WHERE s.dataset = ? AND s.source = 'mocap'
             AND EXISTS (SELECT 1 FROM sequence_arrays a WHERE a.sequence_id = s.sequence_id
                         AND a.kind = 'smpl')
             AND EXISTS (SELECT 1 FROM sequence_arrays a WHERE a.sequence_id = s.sequence_id
                         AND a.kind LIKE 'joints3d_%')
           ORDER BY s.activity_id, k""",
        [protocol, split, dataset],
    ).fetchall()
    return [sid for sid, _, k in rows if per_activity is None or k <= per_activity]


def view_candidates(con: Con, camera: int, split: str = "test", per_activity: int | None = None,
                    dataset: str = "flag3d") -> list[str]:
    """Rendered-camera sequences of studio camera ``camera`` whose MoCap performance is in the
    in-domain ``split`` and has SMPL parameters, by activity, performer and repetition;
    ``per_activity`` keeps the first N of each activity."""
    rows = con.execute(
        """SELECT r.sequence_id, r.activity_id,
                  row_number() OVER (PARTITION BY r.activity_id
                                     ORDER BY r.performer, r.repetition, r.sequence_id) AS k
           FROM sequences r
           JOIN sequences m ON m.dataset = r.dataset AND m.performer = r.performer
                AND m.activity_id = r.activity_id AND m.repetition = r.repetition
                AND m.source = 'mocap'
           JOIN splits sp ON sp.sequence_id = m.sequence_id AND sp.protocol = 'in-domain'
                AND sp.split = ?
           WHERE r.dataset = ? AND r.source = 'render' AND r.camera = ?
             AND EXISTS (SELECT 1 FROM sequence_arrays a WHERE a.sequence_id = m.sequence_id
                         AND a.kind = 'smpl')
           ORDER BY r.activity_id, k""",
        [split, dataset, camera],
    ).fetchall()
    return [sid for sid, _, k in rows if per_activity is None or k <= per_activity]


def insert_sequence_metrics(con: Con, frame: pd.DataFrame) -> int:
    """Rows (run_id, sequence_id, metric, value)."""
    return _insert_frame(con, "sequence_metrics", frame)


def insert_run_arrays(con: Con, frame: pd.DataFrame) -> int:
    """Rows (run_id, sequence_id, kind, path, shape, dtype, checksum)."""
    return _insert_frame(con, "run_arrays", frame)


def run_sequence_metrics(con: Con, run_id: str) -> pd.DataFrame:
    """One row per sequence of a run: its catalog metadata (activity, name, body part,
    performer, camera, source, frames) and one column per metric."""
    long = con.execute(
        """SELECT m.sequence_id, m.metric, m.value, s.name, s.source, s.activity_id,
                  a.name AS activity, a.body_part, s.performer, s.camera, s.view AS phone_view,
                  s.repetition,
                  s.n_frames, s.fps
           FROM sequence_metrics m
           JOIN sequences s ON s.sequence_id = m.sequence_id
           LEFT JOIN activities a ON a.dataset = s.dataset AND a.activity_id = s.activity_id
           WHERE m.run_id = ?
           ORDER BY m.sequence_id, m.metric""",
        [run_id],
    ).df()
    if long.empty:
        return long
    meta_cols = ["sequence_id", "name", "source", "activity_id", "activity", "body_part",
                 "performer", "camera", "phone_view", "repetition", "n_frames", "fps"]
    wide = long.pivot_table(index="sequence_id", columns="metric", values="value",
                            aggfunc="first")
    meta = long[meta_cols].drop_duplicates("sequence_id").set_index("sequence_id")
    return meta.join(wide).reset_index()


def run_array_paths(con: Con, run_id: str, sequence_id: str) -> dict[str, str]:
    """kind -> relative path of a run's arrays for one sequence."""
    rows = con.execute("SELECT kind, path FROM run_arrays WHERE run_id = ? AND sequence_id = ?",
                       [run_id, sequence_id]).fetchall()
    return dict(rows)
