"""Tables of the Mesh Recovery page: a Table-4-shaped leaderboard, error by category, two runs
compared. Pure functions over the catalog's run rows and per-sequence metrics."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

__all__ = ["PAPER_ROWS", "category_table", "compare_runs", "leaderboard", "sequences_of",
           "with_conditions"]

# FLAG3D (Tang et al., CVPR 2023), Table 4: methods evaluated on the real FLAG3D, in mm.
PAPER_ROWS = (
    {"method": "VIBE", "MPJPE": 376.67, "PA-MPJPE": 106.27},
    {"method": "BEV", "MPJPE": 382.77, "PA-MPJPE": 117.62},
    {"method": "ROMP", "MPJPE": 379.44, "PA-MPJPE": 100.48},
    {"method": "ROMP (fine-tuned on FLAG3D)", "MPJPE": 114.73, "PA-MPJPE": 62.29},
)
PAPER_SOURCE = "real FLAG3D, from the paper (Table 4)"
METRIC_LABELS = {"mpjpe": "MPJPE", "pa_mpjpe": "PA-MPJPE", "pve": "PVE", "accel": "accel"}


def leaderboard(runs: pd.DataFrame, *, paper: bool = True) -> pd.DataFrame:
    """One row per mesh-recovery run (method, data, metrics in mm, joint set, protocol), then
    the paper's reference rows. ``runs``: the catalog's model_runs rows of the task."""
    rows = []
    for r in runs.itertuples():
        m = json.loads(r.metrics) if isinstance(r.metrics, str) else (r.metrics or {})
        conv = m.get("conventions", {})
        rows.append({"method": r.model, "run": r.run_id, "data": "FLAG3D-Synth (this catalog)",
                     "protocol": r.protocol, "MPJPE": m.get("mpjpe"),
                     "PA-MPJPE": m.get("pa_mpjpe"), "PVE": m.get("pve"),
                     "accel (mm/frame²)": m.get("accel"),
                     "joint set": conv.get("joint_set", "smpl24"),
                     "sequences": m.get("num_sequences"), "frames": m.get("num_frames")})
    if paper:
        for p in PAPER_ROWS:
            rows.append({"method": p["method"], "run": "", "data": PAPER_SOURCE,
                         "protocol": "FLAG3D test", "MPJPE": p["MPJPE"],
                         "PA-MPJPE": p["PA-MPJPE"], "PVE": None, "accel (mm/frame²)": None,
                         "joint set": "as in the paper", "sequences": None, "frames": None})
    return pd.DataFrame(rows)


def _weights(per_seq: pd.DataFrame) -> pd.Series:
    col = "n_frames_used" if "n_frames_used" in per_seq else "n_frames"
    return per_seq[col].astype(float)


def category_table(per_seq: pd.DataFrame, by: str = "activity_id",
                   metrics: tuple[str, ...] = ("mpjpe", "pa_mpjpe", "pve", "accel")
                   ) -> pd.DataFrame:
    """Frame-weighted means of each metric per category (``activity_id``, ``body_part``,
    ``performer``, ``camera``...), with the body part and activity name where ``by`` is the
    activity, the number of sequences and frames, and ``gap`` = MPJPE - PA-MPJPE (the part of
    the error that is global orientation and scale rather than articulation)."""
    if per_seq.empty:
        return pd.DataFrame(columns=[by, *metrics, "gap", "sequences", "frames"])
    df = per_seq.assign(_w=_weights(per_seq))
    cols = [m for m in metrics if m in df.columns]
    rows = []
    for key, grp in df.groupby(by, sort=True):
        row = {by: key, "sequences": len(grp), "frames": int(grp["_w"].sum())}
        for m in cols:
            ok = grp[m].notna()
            row[m] = float(np.average(grp.loc[ok, m], weights=grp.loc[ok, "_w"])) if ok.any() \
                else np.nan
        if by == "activity_id":
            row["activity"] = grp["activity"].iloc[0]
            row["body_part"] = grp["body_part"].iloc[0]
        rows.append(row)
    out = pd.DataFrame(rows)
    if "mpjpe" in out and "pa_mpjpe" in out:
        out["gap"] = out["mpjpe"] - out["pa_mpjpe"]
    return out


def with_conditions(per_seq: pd.DataFrame) -> pd.DataFrame:
    """Per-sequence rows with FLAG3D Table 5's conditions as columns: ``posture`` (kneeling or
    lying vs standing, from the activity) and ``view`` (the studio camera C### or phone V###
    of a 2D sequence; ``3D skeleton`` for a MoCap one)."""
    from flag3d_core.mesh_recovery.kp2smpl.postures import POSTURES

    posture = per_seq["activity_id"].map(
        lambda a: {"kneel_lie": "kneeling / lying", "stand": "standing"}.get(POSTURES.get(a),
                                                                           "unknown"))

    def view(row: pd.Series) -> str:
        if row["source"] == "render":
            return f"camera C{int(row['camera']):03d}"
        if row["source"] == "real":
            return f"phone V{int(row['phone_view']):03d}" if pd.notna(row.get("phone_view")) \
                else "phone"
        return "3D skeleton"

    return per_seq.assign(posture=posture, view=per_seq.apply(view, axis=1))


def compare_runs(a: pd.DataFrame, b: pd.DataFrame, by: str = "activity_id") -> pd.DataFrame:
    """Per category, run A's and run B's MPJPE / PA-MPJPE and B - A (negative: B is better),
    over the categories both runs scored."""
    ta, tb = category_table(a, by), category_table(b, by)
    keep = [by, "mpjpe", "pa_mpjpe"] + (["activity", "body_part"] if by == "activity_id" else [])
    out = ta[keep].merge(tb[[by, "mpjpe", "pa_mpjpe"]], on=by, suffixes=(" A", " B"))
    out["MPJPE B - A"] = out["mpjpe B"] - out["mpjpe A"]
    out["PA-MPJPE B - A"] = out["pa_mpjpe B"] - out["pa_mpjpe A"]
    return out


def sequences_of(per_seq: pd.DataFrame, activity_id: str) -> pd.DataFrame:
    """The sequences of one activity in a run, worst MPJPE first."""
    sel = per_seq[per_seq["activity_id"] == activity_id]
    return sel.sort_values("mpjpe", ascending=False).reset_index(drop=True)
