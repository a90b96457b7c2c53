"""Figures of what the catalog holds (no streamlit here: pages only display them).

Home's charts are Vega-Lite (Altair): in headless Chromium on the 2-core machine a fresh tab drew
three small Vega-Lite charts ~0.7 s after the page title, three plotly charts ~2 s after it
(plotly.js is a far larger bundle to load and compile). The taxonomy sunburst stays plotly:
Browse uses its click events.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import plotly.graph_objects as go

SOURCE_COLORS = {"mocap": "#2f6fde", "render": "#f28e2b", "real": "#59a14f"}


def _source_color() -> alt.Color:
    names = list(SOURCE_COLORS)
    return alt.Color("source:N", title="source", sort=names,
                     scale=alt.Scale(domain=names, range=[SOURCE_COLORS[n] for n in names]))


def bar_counts(df: pd.DataFrame, x: str, title: str, color: str | None = None,
               height: int = 300) -> alt.Chart:
    """Stacked bar chart of a ``counts_by`` frame (columns ``x``, optional ``color``, ``n``),
    bars in the frame's order."""
    enc = {"x": alt.X(f"{x}:N", sort=list(dict.fromkeys(df[x])), title=None,
                      axis=alt.Axis(labelAngle=-40, labelOverlap=False)),
           "y": alt.Y("n:Q", title="sequences"),
           "tooltip": [x, *([color] if color else []), alt.Tooltip("n:Q", title="sequences")]}
    if color == "source":
        enc["color"] = _source_color()
    elif color:
        enc["color"] = alt.Color(f"{color}:N")
    return alt.Chart(df, title=title, height=height).mark_bar().encode(**enc)


def taxonomy_sunburst(tax: pd.DataFrame, title: str = "Taxonomy") -> go.Figure:
    """Sunburst of a ``queries.taxonomy`` frame (any depth), sized by sequence counts."""
    counts = dict(zip(tax["node_id"], tax["n_sequences"], strict=True))
    # Parent sizes are the sum of their children (branchvalues='total').
    parents = dict(zip(tax["node_id"], tax["parent_id"], strict=True))
    depth = dict(zip(tax["node_id"], tax["depth"], strict=True))
    totals = dict(counts)
    for node in sorted(parents, key=lambda n: -int(depth[n])):  # leaves first
        p = parents[node]
        if p is not None and isinstance(p, str):
            totals[p] = totals.get(p, 0) + totals.get(node, 0)
    fig = go.Figure(go.Sunburst(
        ids=tax["node_id"], labels=tax["name"],
        parents=[p if isinstance(p, str) else "" for p in tax["parent_id"]],
        values=[totals.get(n, 0) for n in tax["node_id"]], branchvalues="total",
        hovertemplate="%{label}<br>%{value} sequences<extra></extra>",
    ))
    fig.update_layout(title=title, margin=dict(l=0, r=0, t=40, b=0), height=520)
    return fig


def duration_boxes(df: pd.DataFrame, title: str = "Sequence length per body part",
                   height: int = 340) -> alt.Chart:
    """Box plot of sequence durations (seconds) per body part (whiskers at 1.5 IQR, outliers
    drawn, each with its activity on hover)."""
    d = df.assign(seconds=df["n_frames"] / df["fps"])[["body_part", "seconds", "activity_id",
                                                        "activity"]]
    order = list(dict.fromkeys(d["body_part"]))
    return alt.Chart(d, title=title, height=height).mark_boxplot(extent=1.5, size=28).encode(
        x=alt.X("body_part:N", sort=order, title=None,
                axis=alt.Axis(labelAngle=-40, labelOverlap=False)),
        y=alt.Y("seconds:Q", title="seconds"),
        color=alt.Color("body_part:N", legend=None, sort=order),
        tooltip=["activity_id", "activity", alt.Tooltip("seconds:Q", format=".1f")])
