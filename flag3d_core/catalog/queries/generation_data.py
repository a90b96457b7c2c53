"""Reads for motion generation: every MoCap sequence with SMPL parameters, with its activity's
name, body part and instruction text, in one query (``flag3d_core.generation`` trains and
evaluates on it)."""

from __future__ import annotations

import pandas as pd

from flag3d_core.catalog.queries.common import Con


def smpl_motions(con: Con, dataset: str = "flag3d", source: str = "mocap") -> pd.DataFrame:
    """Each sequence of ``source`` that has an ``smpl`` array, with its activity.

    Columns: sequence_id, name, performer, activity_id, label, repetition, n_frames, fps,
    smpl_path, smpl_checksum, activity, body_part, description. Ordered by sequence_id.
    """
    return con.execute(
        """SELECT s.sequence_id, s.name, s.performer, s.activity_id, s.label, s.repetition,
                  s.n_frames, s.fps, sm.path AS smpl_path, sm.checksum AS smpl_checksum,
                  a.name AS activity, a.body_part, a.description
           FROM sequences s
           JOIN sequence_arrays sm ON sm.sequence_id = s.sequence_id AND sm.kind = 'smpl'
           JOIN activities a ON a.dataset = s.dataset AND a.activity_id = s.activity_id
           WHERE s.dataset = ? AND s.source = ?
           ORDER BY s.sequence_id""",
        [dataset, source],
    ).df()
