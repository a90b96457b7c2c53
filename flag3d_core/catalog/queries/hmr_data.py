"""Reads for learned mesh recovery: every 2D keypoint sequence with the SMPL ground truth of its
performance, in one query (``flag3d_core.mesh_recovery.kp2smpl`` trains and evaluates on it)."""

from __future__ import annotations

import pandas as pd

from flag3d_core.catalog.queries.common import Con


def keypoint_smpl_pairs(con: Con, source: str = "render",
                        dataset: str = "flag3d") -> pd.DataFrame:
    """Each 2D keypoint sequence of ``source`` (``render`` or ``real``) with its arrays and the
    MoCap sequence of the same performance (dataset, performer, activity, repetition; the first
    by id, as :func:`~flag3d_core.catalog.queries.reads.mocap_of` picks it) and that sequence's
    ``smpl`` array and in-domain split.

    Columns: sequence_id, name, source, scene, camera, view, performer, activity_id, label,
    repetition, n_frames, fps, img_width, img_height, keypoints_path, keypoints_checksum,
    scores_path, scores_checksum, mocap_id, mocap_n_frames, smpl_path, smpl_checksum,
    mocap_split (NULL when the MoCap sequence has no in-domain split). Sequences without a
    MoCap counterpart that has SMPL are left out. Ordered by sequence_id.
    """
    return con.execute(
        """SELECT s.sequence_id, s.name, s.source, s.scene, s.camera, s.view, s.performer,
                  s.activity_id, s.label, s.repetition, s.n_frames, s.fps, s.img_width,
                  s.img_height, kp.path AS keypoints_path, kp.checksum AS keypoints_checksum,
                  sc.path AS scores_path, sc.checksum AS scores_checksum,
                  m.sequence_id AS mocap_id, m.n_frames AS mocap_n_frames,
                  sm.path AS smpl_path, sm.checksum AS smpl_checksum, sp.split AS mocap_split
           FROM sequences s
           JOIN sequence_arrays kp ON kp.sequence_id = s.sequence_id
                AND kp.kind = 'keypoints2d_coco17'
           JOIN sequence_arrays sc ON sc.sequence_id = s.sequence_id
                AND sc.kind = 'keypoint_scores'
           JOIN sequences m ON m.dataset = s.dataset AND m.performer = s.performer
                AND m.activity_id = s.activity_id AND m.repetition = s.repetition
                AND m.source = 'mocap'
           JOIN sequence_arrays sm ON sm.sequence_id = m.sequence_id AND sm.kind = 'smpl'
           LEFT JOIN splits sp ON sp.sequence_id = m.sequence_id AND sp.protocol = 'in-domain'
           WHERE s.source = ? AND s.dataset = ?
           QUALIFY row_number() OVER (PARTITION BY s.sequence_id ORDER BY m.sequence_id) = 1
           ORDER BY s.sequence_id""",
        [source, dataset],
    ).df()
