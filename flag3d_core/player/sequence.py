"""Player tracks for catalog sequences (skeleton and/or skinned body mesh), from records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flag3d_core.analysis.joint_angles import joint_angles
from flag3d_core.analysis.repetitions import Repetitions
from flag3d_core.catalog.record import SequenceRecord
from flag3d_core.errors import NotInCatalogError
from flag3d_core.player.curves import angle_curves
from flag3d_core.player.tracks import (
    PALETTE,
    Track,
    mesh_track,
    player_payload,
    skeleton_track,
)

VIEWS = ("skeleton", "mesh", "both")


def sequence_tracks(record: SequenceRecord, *, view: str, body_model: Any = None,
                    label: str | None = None, color: str | None = None) -> list[Track]:
    """Tracks of one sequence. ``view`` is skeleton | mesh | both; the mesh needs SMPL parameters
    and a body model (falls back to the skeleton when either is missing)."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    fps = record.fps
    label = label or record.name
    tracks: list[Track] = []
    want_mesh = view in ("mesh", "both") and record.has_smpl and body_model is not None
    if want_mesh:
        smpl = record.smpl(body_model)
        tpl = body_model.template(smpl.betas)
        tracks.append(mesh_track(tpl.template, tpl.faces, tpl.weights, tpl.parents,
                                 tpl.rest_joints, smpl.global_orient, smpl.body_pose,
                                 smpl.transl, fps, label=label, color=color))
    if (view in ("skeleton", "both") or not want_mesh) and record.has_joints3d:
        tracks.append(skeleton_track(record.joints3d(), record.layout, fps,
                                     label=label if not tracks else f"{label} (skeleton)",
                                     color=color))
    if not tracks:
        raise NotInCatalogError(f"sequence {record.sequence_id!r} has no 3D data to play "
                                f"(kinds: {list(record.kinds)})")
    return tracks


def side_by_side_payload(records: list[SequenceRecord], *, view: str, body_model: Any = None,
                         labels: list[str] | None = None, spacing: float = 1.2,
                         highlight: list[int] | None = None, switchable: bool = False,
                         curves: dict[str, Any] | None = None) -> dict:
    """One timeline with the sequences shifted ``spacing`` metres apart along x, one colour per
    sequence (its mesh and skeleton alike).

    ``highlight``: joint indices (of each skeleton's layout) drawn emphasised.
    ``switchable``: let the player switch between skeleton / mesh / both, starting in ``view``.
    A mesh or both view sends skeleton and mesh of every sequence (switching is then in the
    browser only); a skeleton view sends the skeletons alone (a third of the bytes; asking the
    player for the mesh then asks the page for it once, see ``payload["mesh_sent"]``).
    ``curves``: the player's chart strip (see :func:`sequence_payload`).
    """
    tracks: list[Track] = []
    n = len(records)
    for i, rec in enumerate(records):
        offset = (i - (n - 1) / 2) * spacing
        for t in sequence_tracks(rec, view="both" if switchable and view != "skeleton" else view,
                                 body_model=body_model, color=PALETTE[i % len(PALETTE)],
                                 label=(labels[i] if labels else None)):
            t = dict(t)
            t["x_offset"] = offset
            t["seq"] = i
            if switchable:
                t["label"] = labels[i] if labels else rec.name
            if highlight and t["kind"] == "skeleton":
                t["highlight"] = [int(j) for j in highlight]
            tracks.append(t)
    fps = max(t["fps"] for t in tracks)
    payload = player_payload(tracks, fps, view=view if switchable else None, curves=curves)
    if switchable:
        payload["mesh_sent"] = view != "skeleton"
        payload["mesh_possible"] = body_model is not None and any(r.has_smpl for r in records)
    return payload


def sequence_payload(records: Sequence[SequenceRecord], *, view: str, body_model: Any = None,
                     reps: Repetitions | None = None) -> dict:
    """What the Sequence page plays: the sequences side by side with a view switch in the
    player, and their joint-angle curves (the repetitions of the first shaded) under it."""
    angles = [joint_angles(r.joints3d(), r.layout) for r in records if r.has_joints3d]
    curves = (angle_curves(angles, records[0].fps, reps)
              if len(angles) == len(records) else None)
    return side_by_side_payload(list(records), view=view, body_model=body_model,
                                switchable=True, curves=curves,
                                labels=[short_label(r) for r in records])


def short_label(record: SequenceRecord) -> str:
    """'A044 · P002 · R002': what tells side-by-side sequences apart, in a few characters."""
    m = record.meta
    try:
        return f"{m['activity_id']} · {m['performer']} · R{int(m['repetition']):03d}"
    except (KeyError, TypeError, ValueError):
        return record.name
