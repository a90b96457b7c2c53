"""Cached views of mesh-recovery runs and the Mesh Recovery page's player and downloads."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from flag3d_core.catalog import queries
from pages._ui.models import body_model
from pages._ui.sequences import record
from pages._ui.state import Version, cursor, settings


@st.cache_data(show_spinner=False, ttl=60)
def mesh_runs(version: Version) -> pd.DataFrame:
    return queries.model_runs(cursor(version), "mesh_recovery")


@st.cache_data(show_spinner=False, ttl=60)
def per_sequence(version: Version, run_id: str) -> pd.DataFrame:
    """One row per sequence of a run: metadata and metrics."""
    return queries.run_sequence_metrics(cursor(version), run_id)


@st.cache_data(show_spinner=False, max_entries=32)
def result(version: Version, run_id: str, sequence_id: str) -> tuple[dict, dict]:
    """(predicted SMPL arrays, per-frame errors) a run stored for a sequence."""
    from flag3d_core.mesh_recovery.runs import run_errors, run_smpl

    pred = run_smpl(cursor(version), settings().arrays_dir, run_id, sequence_id)
    err = run_errors(cursor(version), settings().arrays_dir, run_id, sequence_id)
    return pred.arrays(), {k: np.asarray(v) for k, v in err.items()}


@st.cache_data(show_spinner="Preparing the bodies…", max_entries=16)
def payload(version: Version, run_id: str, sequence_id: str, layout: str) -> dict:
    """Player payload: ground truth and prediction (overlaid or side by side), error curves."""
    from flag3d_core.player.hmr import hmr_payload

    pred, err = result(version, run_id, sequence_id)
    rec = record(version, sequence_id)
    body = body_model()
    if not rec.has_smpl:  # a 2D sequence: the ground truth is its MoCap performance's SMPL
        from pages._ui.state import mocap_of

        rec = record(version, mocap_of(version, sequence_id))
    gt = rec.smpl(body)
    f = pred["frames"]
    gt_arrays = {"global_orient": gt.global_orient[f], "body_pose": gt.body_pose[f],
                 "betas": gt.betas, "transl": gt.transl[f]}
    model = queries.model_run(cursor(version), run_id)
    return hmr_payload(body, gt_arrays, pred, err, rec.fps, layout=layout,
                       labels=("ground truth", (model or {}).get("model", "prediction")))


def _smpl_bytes(version: Version, run_id: str, sequence_id: str) -> bytes:
    from flag3d_core.mesh_recovery.exports import smpl_npz

    pred, _ = result(version, run_id, sequence_id)
    model = (queries.model_run(cursor(version), run_id) or {}).get("model", "method")
    return smpl_npz(pred, record(version, sequence_id).fps, method=model, sequence=sequence_id)


def _errors_bytes(version: Version, run_id: str, sequence_id: str) -> bytes:
    from flag3d_core.mesh_recovery.exports import errors_csv

    pred, err = result(version, run_id, sequence_id)
    return errors_csv(err, pred["frames"], record(version, sequence_id).fps)


def downloads(where: Any, version: Version, run_id: str, sequence_id: str, name: str) -> None:
    """Download buttons for the fitted SMPL (npz) and the per-frame errors (CSV), made on
    click."""
    a, b = where.columns(2)
    a.download_button("Predicted SMPL (.npz)",
                      functools.partial(_smpl_bytes, version, run_id, sequence_id),
                      file_name=f"{name}_{run_id}_smpl.npz", on_click="ignore")
    b.download_button("Per-frame errors (.csv)",
                      functools.partial(_errors_bytes, version, run_id, sequence_id),
                      file_name=f"{name}_{run_id}_errors.csv", mime="text/csv",
                      on_click="ignore")


def activity_click(key: str) -> str | None:
    """The activity id of the last click on the activity heatmap (point selection)."""
    from flag3d_core.viz.mesh_charts import ACTIVITY_SELECTION

    event = st.session_state.get(key)
    sel = event.get("selection", {}) if isinstance(event, dict) else getattr(
        event, "selection", {}) if event is not None else {}
    picked = sel.get(ACTIVITY_SELECTION) if isinstance(sel, dict) else getattr(
        sel, ACTIVITY_SELECTION, None)
    if picked:
        value = picked[0].get("activity_id")
        return str(value) if value else None
    return None
