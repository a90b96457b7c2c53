"""Compact payloads for the in-browser 3D motion player (three.js, ``pages/_ui/player``).

A payload is a JSON-ready dict: a list of *tracks* on one shared timeline. Binary arrays travel
as ``{"dtype", "shape", "data"}`` with ``data`` the base64 of the little-endian C-order bytes,
plus an optional ``"scale"`` (real value = stored integer * scale).

Two kinds of track:

* ``skeleton``: joints ``(T, J, 3)`` (metres, z up) as int16 millimetres, plus the layout's edges.
* ``mesh``: a skinned SMPL body. Sent once, in ``payload["bodies"]`` (tracks with the same body
  share one entry; the track holds its index in ``"body"``): the shaped template ``(V, 3)``
  (rest vertices for the betas, int16 at 0.1 mm), faces ``(F, 3)`` uint16/uint32, top-4
  skinning indices ``(V, 4)`` uint8 and weights ``(V, 4)`` uint16 (fractions of 65535),
  parents ``(24,)`` and rest joints ``(24, 3)`` float32. Per frame only: joint rotations as
  unit quaternions ``(T, 24, 4)`` in three.js order ``(x, y, z, w)``, int16 (scale 1/32767),
  and the root translation ``(T, 3)`` float32. The browser skins with linear blend skinning
  (no pose blend shapes).

Shared timeline: its length is the longest track; a shorter track *holds its last frame* until
the timeline ends (it does not loop), so every track is still visible at the end; the
timeline itself loops. A mesh track with a skeleton track at the same ``x_offset`` (the
"both" view) is drawn translucent so that its skeleton shows through.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from flag3d_core.geometry.rotations import axis_angle_to_quat_np
from flag3d_core.layouts import SkeletonLayout
from flag3d_core.player.wire import (
    INT16_MAX,
    JOINT_SCALE,
    PAYLOAD_FORMAT,
    QUAT_SCALE,
    TEMPLATE_SCALE,
    encode_array,
)

# No red in the palette: the player draws highlighted joints red (#e11d48).
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#9d755d")
Track = dict[str, Any]

def top_k_weights(weights: np.ndarray, k: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Keep the ``k`` largest skinning weights per vertex, renormalised to sum to one.

    Args:
        weights: (V, J) skinning weights.

    Returns:
        indices (V, k) uint8 and weights (V, k) float32, largest first.
    """
    w = np.asarray(weights, dtype=np.float64)
    idx = np.argsort(-w, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(w, idx, axis=1)
    total = top.sum(axis=1, keepdims=True)
    if np.any(total <= 0):
        raise ValueError("skinning weights: a vertex has no positive weight")
    return idx.astype(np.uint8), (top / total).astype(np.float32)


def _pose_rotvecs(global_orient: np.ndarray, body_pose: np.ndarray) -> np.ndarray:
    """(T, 3) + (T, 69) axis-angle -> (T, 24, 3)."""
    go = np.asarray(global_orient, dtype=np.float64)
    bp = np.asarray(body_pose, dtype=np.float64)
    if go.ndim != 2 or go.shape[1] != 3 or bp.shape != (go.shape[0], 69):
        raise ValueError(f"expected global_orient (T,3) and body_pose (T,69), "
                         f"got {go.shape} and {bp.shape}")
    return np.concatenate([go[:, None], bp.reshape(-1, 23, 3)], axis=1)


def skeleton_track(joints: np.ndarray, layout: SkeletonLayout, fps: float, label: str = "",
                   color: str | None = None, x_offset: float | None = None,
                   highlight: tuple[int, ...] | list[int] = ()) -> Track:
    """A skeleton track from ``joints`` (T, J, 3) in metres, z up, in ``layout``'s joint order.

    ``highlight``: joint indices the player draws larger and in a signal colour.
    """
    j = np.asarray(joints, dtype=np.float32)
    if j.ndim != 3 or j.shape[2] != 3 or j.shape[1] != layout.num_node:
        raise ValueError(f"skeleton_track: joints {j.shape} do not match layout "
                         f"{layout.name} ({layout.num_node} joints)")
    if not np.isfinite(j).all():
        raise ValueError("skeleton_track: joints contain NaN or inf")
    if any(not 0 <= int(h) < layout.num_node for h in highlight):
        raise ValueError(f"skeleton_track: highlight {list(highlight)} "
                         f"outside 0..{layout.num_node - 1}")
    fits_int16 = j.size == 0 or np.abs(j).max() < (INT16_MAX - 1) * JOINT_SCALE
    enc = encode_array(j, "int16", JOINT_SCALE) if fits_int16 else encode_array(j, "float32")
    return {"kind": "skeleton", "label": label, "color": color, "x_offset": x_offset,
            "fps": float(fps), "n_frames": int(j.shape[0]), "layout": layout.name,
            "joints": enc, "edges": [list(e) for e in layout.edges],
            "highlight": [int(h) for h in highlight]}


def mesh_track(template: np.ndarray, faces: np.ndarray, weights: np.ndarray, parents: np.ndarray,
               rest_joints: np.ndarray, global_orient: np.ndarray, body_pose: np.ndarray,
               transl: np.ndarray, fps: float, label: str = "", color: str | None = None,
               x_offset: float | None = None) -> Track:
    """A skinned-mesh track for an SMPL-format body.

    Args:
        template: (V, 3) rest vertices for the sequence's betas
            (``v_template + shapedirs @ betas``).
        faces: (F, 3) vertex indices.
        weights: (V, 24) skinning weights (top 4 kept per vertex).
        parents: (24,) kinematic tree, -1 for the root.
        rest_joints: (24, 3) rest joints for the betas (``J_regressor @ template``).
        global_orient: (T, 3), body_pose: (T, 69) axis-angle; transl: (T, 3) metres.
    """
    tpl = np.asarray(template, dtype=np.float32)
    f = np.asarray(faces)
    par = np.asarray(parents, dtype=np.int64).reshape(-1)
    n_verts, n_joints = tpl.shape[0], par.shape[0]
    if tpl.ndim != 2 or tpl.shape[1] != 3 or f.ndim != 2 or f.shape[1] != 3:
        raise ValueError(f"mesh_track: template {tpl.shape} / faces {f.shape}, "
                         "expected (V,3)/(F,3)")
    if f.size and (f.min() < 0 or f.max() >= n_verts):
        raise ValueError(f"mesh_track: face index out of range for {n_verts} vertices")
    if np.shape(weights) != (n_verts, n_joints) or np.shape(rest_joints) != (n_joints, 3):
        raise ValueError(f"mesh_track: weights {np.shape(weights)} / rest_joints "
                         f"{np.shape(rest_joints)} do not match V={n_verts}, J={n_joints}")
    if any(p >= j for j, p in enumerate(par.tolist())) or par[0] != -1:
        raise ValueError("mesh_track: parents must list each parent before its child, root -1")
    quats = axis_angle_to_quat_np(_pose_rotvecs(global_orient, body_pose))  # (T, 24, 4)
    if quats.shape[1] != n_joints:
        raise ValueError(f"mesh_track: pose has {quats.shape[1]} joints, parents {n_joints}")
    tr = np.asarray(transl, dtype=np.float32)
    if tr.shape != (quats.shape[0], 3):
        raise ValueError(f"mesh_track: transl {tr.shape}, expected ({quats.shape[0]}, 3)")
    skin_index, skin_weight = top_k_weights(weights, 4)
    # Weights as uint16 fractions of 65535 summing exactly to 65535 (residual on the largest).
    w16 = np.rint(skin_weight.astype(np.float64) * 65535).astype(np.int64)
    w16[:, 0] += 65535 - w16.sum(axis=1)
    fits_int16 = np.abs(tpl).max(initial=0.0) < (INT16_MAX - 1) * TEMPLATE_SCALE
    body = {"template": encode_array(tpl, "int16", TEMPLATE_SCALE) if fits_int16
            else encode_array(tpl, "float32"),
            "faces": encode_array(f, "uint16" if n_verts <= 65535 else "uint32"),
            "skin_index": encode_array(skin_index, "uint8"),
            "skin_weight": {**encode_array(w16, "uint16"), "scale": 1.0 / 65535},
            "parents": par.tolist(),
            "rest_joints": encode_array(rest_joints, "float32")}
    return {"kind": "mesh", "label": label, "color": color, "x_offset": x_offset,
            "fps": float(fps), "n_frames": int(quats.shape[0]), "body": body,
            "rotations": encode_array(quats, "int16", QUAT_SCALE),
            "transl": encode_array(tr, "float32")}


def player_payload(tracks: list[Track], fps: float, spacing: float = 1.6,
                   view: str | None = None, curves: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
    """Put tracks on one timeline.

    Tracks without a colour get one from :data:`PALETTE`; tracks without ``x_offset`` are spread
    along x, ``spacing`` metres apart and centred on 0. The timeline lasts as long as the longest
    track (``duration`` seconds, ``n_frames`` at ``fps``); shorter tracks hold their last frame.
    ``id`` is a content hash: the player keeps its state when it receives the same id again.

    ``view`` (skeleton | mesh | both) makes the view switchable in the player: tracks carry
    ``seq`` (which sequence they show), the player starts in ``view`` and shows, per sequence,
    its skeleton, its mesh (the skeleton where it has none) or both, without a rerun.
    ``curves``: the chart strip under the 3D view (:func:`flag3d_core.player.curves.angle_curves`).
    """
    if view is not None and view not in ("skeleton", "mesh", "both"):
        raise ValueError(f"player_payload: view must be skeleton, mesh or both, got {view!r}")
    if not tracks:
        raise ValueError("player_payload: no tracks")
    if fps <= 0:
        raise ValueError(f"player_payload: fps must be positive, got {fps}")
    out_tracks, bodies, body_index = [], [], {}
    for i, t in enumerate(tracks):
        t = dict(t)
        if isinstance(t.get("body"), dict):  # hoist the sent-once body, shared by equal tracks
            key = json.dumps(t["body"], sort_keys=True)
            if key not in body_index:
                body_index[key] = len(bodies)
                bodies.append(t["body"])
            t["body"] = body_index[key]
        if t.get("color") is None:
            t["color"] = PALETTE[i % len(PALETTE)]
        if t.get("x_offset") is None:
            t["x_offset"] = (i - (len(tracks) - 1) / 2.0) * spacing
        out_tracks.append(t)
    duration = max(t["n_frames"] / t["fps"] for t in out_tracks)
    body = {"format": PAYLOAD_FORMAT, "fps": float(fps), "duration": float(duration),
            "n_frames": max(1, int(round(duration * fps))), "end": "hold", "bodies": bodies,
            "tracks": out_tracks}
    if view is not None:
        body["view"] = view
    if curves is not None:
        body["curves"] = curves
    digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return {"id": digest, **body}



