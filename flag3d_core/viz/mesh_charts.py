"""Mesh-recovery figures (Vega-Lite through Altair): error by activity grouped by body part, and
the MPJPE-vs-PA-MPJPE gap."""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["ACTIVITY_SELECTION", "activity_heatmap", "gap_chart"]

ACTIVITY_SELECTION = "activity"
_LABELS = {"mpjpe": "MPJPE", "pa_mpjpe": "PA-MPJPE", "pve": "PVE", "gap": "MPJPE - PA-MPJPE"}


def activity_heatmap(table: pd.DataFrame, metrics: tuple[str, ...] = ("mpjpe", "pa_mpjpe",
                                                                      "pve", "gap")) -> alt.Chart:
    """Activities (rows, grouped by body part) x metrics (columns), the value in mm written in
    each cell and coloured as a share of its column's worst; clicking a row selects its
    activity (point selection ``activity`` on ``activity_id``)."""
    cols = [m for m in metrics if m in table.columns]
    long = table.melt(id_vars=["activity_id", "activity", "body_part", "sequences", "frames"],
                      value_vars=cols, var_name="metric", value_name="mm")
    long["metric"] = long["metric"].map(_LABELS)
    # colour within each column (PVE runs larger than MPJPE): the share of the column's worst
    worst = long.groupby("metric")["mm"].transform(lambda v: max(float(v.max()), 1e-9))
    long["share"] = (long["mm"] / worst).clip(lower=0)

    def label(d: pd.DataFrame) -> pd.Series:
        return d["body_part"] + " · " + d["activity_id"] + " " + d["activity"].str.slice(0, 22)

    long["row"] = label(long)
    order = label(table.sort_values(["body_part", "activity_id"])).tolist()
    pick = alt.selection_point(name=ACTIVITY_SELECTION, fields=["activity_id"], on="click")
    base = alt.Chart(long).encode(
        x=alt.X("metric:N", sort=[_LABELS[m] for m in cols], title=None,
                axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False,
                                                               labelLimit=240)),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("share:Q", scale=alt.Scale(scheme="orangered", domain=[0, 1]),
                        title="× worst"),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=["activity_id:N", "activity:N", "body_part:N", "metric:N",
                 alt.Tooltip("mm:Q", format=".1f"), "sequences:Q", "frames:Q"],
    ).add_params(pick)
    text = base.mark_text(fontSize=10).encode(text=alt.Text("mm:Q", format=".0f"))
    return (heat + text).properties(height=max(200, 16 * len(order)), width=alt.Step(64))


def gap_chart(table: pd.DataFrame, by: str = "body_part") -> alt.Chart:
    """Bars per category: PA-MPJPE (articulation) and the rest of MPJPE (global orientation,
    scale), stacked to MPJPE."""
    d = table.assign(articulation=table["pa_mpjpe"],
                     **{"orientation / scale": (table["mpjpe"] - table["pa_mpjpe"]).clip(lower=0)})
    long = d.melt(id_vars=[by], value_vars=["articulation", "orientation / scale"],
                  var_name="part", value_name="mm")
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{by}:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False)),
        x=alt.X("sum(mm):Q", title="MPJPE (mm)"),
        color=alt.Color("part:N", title=None, scale=alt.Scale(range=["#2563eb", "#f59e0b"])),
        tooltip=[f"{by}:N", "part:N", alt.Tooltip("mm:Q", format=".1f")],
    ).properties(height=max(120, 22 * table[by].nunique()))
