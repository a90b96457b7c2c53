"""Vega-Lite bars of the Recognition page: top-5 classes and per-joint motion differences."""

from __future__ import annotations

import altair as alt
import pandas as pd

TRUTH_COLOR, OTHER_COLOR = "#2f6fde", "#9ca3af"


def top5_bars(df: pd.DataFrame, title: str) -> alt.Chart:
    """Horizontal bars of a top-5 frame (columns ``class``, ``probability``, ``is`` =
    "ground truth" | "other"), best first, probabilities on a 0-1 axis."""
    return alt.Chart(df, title=title, height=32 * len(df) + 20).mark_bar().encode(
        x=alt.X("probability:Q", scale=alt.Scale(domain=[0, 1]), title="probability"),
        y=alt.Y("class:N", sort=df["class"].tolist(), title=None,
                axis=alt.Axis(labelLimit=360)),
        color=alt.Color("is:N", title=None,
                        scale=alt.Scale(domain=["ground truth", "other"],
                                        range=[TRUTH_COLOR, OTHER_COLOR])),
        tooltip=["class", alt.Tooltip("probability:Q", format=".3f")])


def joint_difference_bars(df: pd.DataFrame, title: str) -> alt.Chart:
    """Bars of per-joint motion differences (columns ``name``, ``difference``), largest first."""
    return alt.Chart(df, title=title, height=260).mark_bar(color=TRUTH_COLOR).encode(
        x=alt.X("name:N", sort="-y", title=None, axis=alt.Axis(labelAngle=-50,
                                                              labelOverlap=False)),
        y=alt.Y("difference:Q", title="difference"),
        tooltip=["name", alt.Tooltip("difference:Q", format=".3f")])
