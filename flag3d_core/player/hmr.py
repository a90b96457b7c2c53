"""Player payloads for mesh recovery: a method's predicted body against the ground truth, on
one timeline with the per-frame error curves under the 3D view.

``overlay``: both bodies at the same place, the prediction see-through; ``side``: side by side
(ground truth left). The chart strip (:mod:`flag3d_core.player.curves` wire format, unit mm)
holds per-frame MPJPE and PA-MPJPE (mean over the joint set) and PVE, and the per-joint MPJPE of
the worst joints; the prediction's skeleton colours each joint by its mean error (green -> red,
:func:`error_colors`) and draws the worst ones larger.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from flag3d_core.player.tracks import PALETTE, mesh_track, player_payload, skeleton_track
from flag3d_core.player.wire import encode_array

__all__ = ["GT_COLOR", "PRED_COLOR", "error_colors", "hmr_payload", "worst_joints"]

GT_COLOR = "#9ca3af"  # grey: the ground truth
PRED_COLOR = PALETTE[1]
SCALE = 0.1  # int16 tenths of a millimetre
LAYOUTS = ("overlay", "side")


_RAMP = ((0.0, (22, 163, 74)), (0.5, (234, 179, 8)), (1.0, (220, 38, 38)))  # green-yellow-red


def error_colors(mean_error: np.ndarray, vmax: float | None = None) -> list[str]:
    """'#rrggbb' per joint on a green (0 mm) -> yellow -> red (``vmax``, default the largest)
    ramp of its mean error (J,)."""
    e = np.asarray(mean_error, np.float64)
    top = float(vmax if vmax is not None else max(float(e.max()), 1e-9))
    out = []
    for v in np.clip(e / top, 0.0, 1.0):
        (a, ca), (b, cb) = (_RAMP[0], _RAMP[1]) if v <= 0.5 else (_RAMP[1], _RAMP[2])
        w = (v - a) / (b - a)
        out.append("#" + "".join(f"{round(x + (y - x) * w):02x}" for x, y in zip(ca, cb,
                                                                              strict=True)))
    return out


def worst_joints(mpjpe: np.ndarray, k: int = 3) -> list[int]:
    """The k joints (indices) with the largest mean error over frames of ``mpjpe`` (T, J)."""
    return [int(j) for j in np.argsort(-np.asarray(mpjpe).mean(0))[:k]]


ERROR_COLORS = {"MPJPE": "#dc2626", "PA-MPJPE": "#2563eb", "PVE": "#6b7280"}


def _series(label: str, values: np.ndarray, side: str = "centre",
            color: str | None = None) -> dict:
    v = np.clip(np.nan_to_num(np.asarray(values, np.float64)), 0, 3000)
    out = {"seq": 1, "label": label, "side": side, "values": encode_array(v, "int16", SCALE)}
    if color:
        out["color"] = color
    return out


def error_curves(errors: dict[str, np.ndarray], fps: float, joint_names: tuple[str, ...],
                 k_worst: int = 3) -> dict[str, Any]:
    """The chart strip: group "error" (MPJPE, PA-MPJPE, PVE per frame) and group "worst
    joints" (per-joint MPJPE of the k worst), in mm."""
    mp = errors["mpjpe"]
    # acceleration error (mm/frame^2) is on another scale: it is in the tables, not here
    main = [_series("MPJPE", mp.mean(1), color=ERROR_COLORS["MPJPE"]),
            _series("PA-MPJPE", errors["pa_mpjpe"].mean(1), color=ERROR_COLORS["PA-MPJPE"])]
    if "pve" in errors:
        main.append(_series("PVE", errors["pve"], "right", ERROR_COLORS["PVE"]))
    worst = [_series(joint_names[j], mp[:, j], color=c)
             for j, c in zip(worst_joints(mp, k_worst), ("#dc2626", "#ea580c", "#ca8a04"),
                             strict=False)]
    return {"fps": float(fps), "unit": "mm",
            "groups": [{"name": "error", "values_of": 1, "legend": "",
                        "note": "per frame, SMPL-24 joints: MPJPE pelvis-aligned, PA-MPJPE "
                        "after a per-frame Procrustes; PVE (dashed) pelvis-aligned",
                        "series": main},
                       {"name": "worst joints", "values_of": 1, "legend": "",
                        "note": "MPJPE of the joints with the largest mean error (drawn "
                        "larger on the prediction's skeleton)", "series": worst}],
            "default_group": "error", "min_span": 20.0, "repetitions": None}


def hmr_payload(body: Any, gt: dict[str, np.ndarray], pred: dict[str, np.ndarray],
                errors: dict[str, np.ndarray], fps: float, *, layout: str = "overlay",
                labels: tuple[str, str] = ("ground truth", "prediction"),
                joint_names: tuple[str, ...] = ()) -> dict:
    """Payload of the ground-truth and predicted bodies for the frames the prediction has.

    Args:
        body: the body model (its ``template(betas)`` and ``pose``).
        gt, pred: SMPL arrays global_orient (T, 3), body_pose (T, 69), betas (10,) or (T, 10),
            transl (T, 3), the same frames in both.
        errors: per-frame arrays of :func:`flag3d_core.mesh_recovery.runs.run_errors`.
        fps: frame rate.
        layout: overlay | side.
        joint_names: names of the SMPL-24 joints (for the worst-joints curves).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    dx = {"overlay": (0.0, 0.0), "side": (-0.6, 0.6)}[layout]
    tracks = []
    for i, (smpl, label, color) in enumerate(((gt, labels[0], GT_COLOR),
                                              (pred, labels[1], PRED_COLOR))):
        betas = np.asarray(smpl["betas"], np.float32)
        betas = betas if betas.ndim == 1 else betas.mean(0)
        tpl = body.template(betas)
        t = mesh_track(tpl.template, tpl.faces, tpl.weights, tpl.parents, tpl.rest_joints,
                       smpl["global_orient"], smpl["body_pose"], smpl["transl"], fps,
                       label=label, color=color, x_offset=dx[i])
        t = dict(t)
        t["seq"] = i
        if i == 1 and layout == "overlay":
            t["opacity"] = 0.45
        tracks.append(t)
    # the prediction's joints, worst ones highlighted
    from flag3d_core.layouts.smpl24 import SMPL24

    betas = np.asarray(pred["betas"], np.float32)
    joints = body.pose(pred["global_orient"], pred["body_pose"],
                       betas if betas.ndim == 1 else betas.mean(0), pred["transl"]).joints
    sk = dict(skeleton_track(joints, SMPL24, fps, label=f"{labels[1]} joints",
                             color=PRED_COLOR))
    sk.update(x_offset=dx[1], seq=1, highlight=worst_joints(errors["mpjpe"]),
              joint_colors=error_colors(errors["mpjpe"].mean(0)))
    tracks.append(sk)
    names = joint_names or SMPL24.joint_names
    return player_payload(tracks, fps, curves=error_curves(errors, fps, names))
