"""Figures of the playground (no streamlit here: pages only display them)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

__all__ = ["following_chart"]


def following_chart(curves: Sequence[tuple[str, np.ndarray, np.ndarray]],
                    reference: float | None = None) -> alt.LayerChart | alt.Chart:
    """"Does it keep following the prompt": one line per (name, window centres (W,) in s,
    cosines (W,)), with a dashed rule at ``reference`` (real motions against their own text)."""
    df = pd.DataFrame([{"sample": name, "time (s)": float(t), "cosine": float(c)}
                       for name, ts, cs in curves for t, c in zip(ts, cs, strict=True)])
    lines = alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("time (s):Q", title="time (s, window centre)"),
        y=alt.Y("cosine:Q", title="similarity to the prompt", scale=alt.Scale(zero=False)),
        color=alt.Color("sample:N", title=None), tooltip=["sample", "time (s)", "cosine"])
    if reference is None:
        return lines.properties(height=220)
    rule = alt.Chart(pd.DataFrame({"cosine": [reference]})).mark_rule(
        strokeDash=[6, 4], color="#777").encode(y="cosine:Q")
    return alt.layer(lines, rule).properties(height=220)
