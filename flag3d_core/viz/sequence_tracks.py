"""Player tracks for catalog sequences (skeleton and/or skinned body mesh)."""

from __future__ import annotations

from pathlib import Path

from flag3d_core.catalog import queries
from flag3d_core.catalog.load import available_kinds, load_joints, load_smpl
from flag3d_core.layouts import NTU25
from flag3d_core.viz.player_data import (
    Track,
    body_template,
    mesh_track,
    player_payload,
    skeleton_track,
)

VIEWS = ("skeleton", "mesh", "both")


def sequence_tracks(con, arrays_dir: Path, sequence_id: str, *, view: str, body_model=None,
                    label: str | None = None, color: str | None = None) -> list[Track]:
    """Tracks of one sequence. ``view`` is skeleton | mesh | both; the mesh needs SMPL parameters
    and a body model (falls back to the skeleton when either is missing)."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    meta = queries.sequence(con, sequence_id)
    if meta is None:
        raise KeyError(f"no sequence {sequence_id!r} in the catalog")
    fps = float(meta["fps"])
    label = label or meta["name"]
    tracks: list[Track] = []
    kinds = available_kinds(con, sequence_id)
    want_mesh = view in ("mesh", "both") and "smpl" in kinds and body_model is not None
    if want_mesh:
        smpl_params = load_smpl(con, arrays_dir, sequence_id, fps=fps, pelvis_fn=body_model.rest_pelvis)
        tpl = body_template(body_model.smpl, smpl_params.betas)
        tracks.append(mesh_track(tpl.template, tpl.faces, tpl.weights, tpl.parents, tpl.rest_joints,
                                 smpl_params.global_orient, smpl_params.body_pose, smpl_params.transl,
                                 fps, label=label, color=color))
    if (view in ("skeleton", "both") or not want_mesh) and "joints3d_ntu25" in kinds:
        tracks.append(skeleton_track(load_joints(con, arrays_dir, sequence_id), NTU25, fps,
                                     label=label if not tracks else f"{label} (skeleton)", color=color))
    if not tracks:
        raise KeyError(f"sequence {sequence_id!r} has no 3D data to play (kinds: {kinds})")
    return tracks


def side_by_side_payload(con, arrays_dir: Path, sequence_ids: list[str], *, view: str, body_model=None,
                         labels: list[str] | None = None, spacing: float = 1.2,
                         highlight: list[int] | None = None) -> dict:
    """One timeline with the sequences shifted ``spacing`` metres apart along x.

    ``highlight``: NTU-25 joint indices the skeleton tracks draw emphasised.
    """
    tracks: list[Track] = []
    n = len(sequence_ids)
    for i, sid in enumerate(sequence_ids):
        offset = (i - (n - 1) / 2) * spacing
        for t in sequence_tracks(con, arrays_dir, sid, view=view, body_model=body_model,
                                 label=(labels[i] if labels else None)):
            t = dict(t)
            t["x_offset"] = offset
            if highlight and t["kind"] == "skeleton":
                t["highlight"] = [int(j) for j in highlight]
            tracks.append(t)
    fps = max(t["fps"] for t in tracks)
    return player_payload(tracks, fps)

