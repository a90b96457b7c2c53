"""Player payload for generated motions: each sample's body mesh and SMPL-24 skeleton, side by
side with real catalog sequences (the nearest real motions), one timeline, the view switchable
in the player like the Sequence page's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from flag3d_core.catalog.record import SequenceRecord
from flag3d_core.generation.motion import to_smpl
from flag3d_core.generation.skeleton import smpl_joints_np
from flag3d_core.layouts.smpl24 import SMPL24
from flag3d_core.player.sequence import sequence_tracks, short_label
from flag3d_core.player.tracks import PALETTE, Track, mesh_track, player_payload, skeleton_track

__all__ = ["generated_payload", "motion_tracks"]

REAL_COLOR = "#9a9a9a"  # real motions in grey, generated ones in the palette's colours


def motion_tracks(body: Any, motion: np.ndarray, fps: float, label: str, color: str,
                  betas: np.ndarray | None = None) -> list[Track]:
    """Mesh and SMPL-24 skeleton tracks of one motion (T, 147) on the body of shape ``betas``
    (None: the mean shape)."""
    b = np.zeros(10, np.float32) if betas is None else np.asarray(betas, np.float32)
    smpl = to_smpl(motion, b, fps)
    tpl = body.template(b)
    mesh = mesh_track(tpl.template, tpl.faces, tpl.weights, tpl.parents, tpl.rest_joints,
                      smpl.global_orient, smpl.body_pose, smpl.transl, fps, label=label,
                      color=color)
    skel = skeleton_track(smpl_joints_np(body, motion, b), SMPL24, fps,
                          label=f"{label} (skeleton)", color=color)
    return [mesh, skel]


def generated_payload(body: Any, samples: Sequence[tuple[str, np.ndarray]], fps: float, *,
                      real: Sequence[SequenceRecord] = (), view: str = "mesh",
                      spacing: float = 1.2) -> dict:
    """The samples (label, motion (T, 147)) then the ``real`` records, ``spacing`` metres apart
    along x, on one timeline; the player switches skeleton / mesh / both (starting in
    ``view``) without a rerun."""
    if not samples:
        raise ValueError("generated_payload: no samples")
    n = len(samples) + len(real)
    tracks: list[Track] = []
    labels = []
    for i, (label, motion) in enumerate(samples):
        labels.append(label)
        tracks += [dict(t, seq=i) for t in motion_tracks(body, motion, fps, label,
                                                          PALETTE[i % len(PALETTE)])]
    for k, rec in enumerate(real):
        i = len(samples) + k
        label = f"real · {short_label(rec)}"
        labels.append(label)
        tracks += [dict(t, seq=i) for t in sequence_tracks(rec, view="both", body_model=body,
                                                            label=label, color=REAL_COLOR)]
    for t in tracks:
        t["x_offset"] = (t["seq"] - (n - 1) / 2) * spacing
        t["label"] = labels[t["seq"]]
    payload = player_payload(tracks, max(t["fps"] for t in tracks), view=view)
    payload["mesh_sent"] = True
    payload["mesh_possible"] = True
    return payload
