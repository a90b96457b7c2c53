"""Plotly figures of what the catalog holds (no streamlit here: pages only display them)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

SOURCE_COLORS = {"mocap": "#2f6fde", "render": "#f28e2b", "real": "#59a14f"}


def bar_counts(df: pd.DataFrame, x: str, title: str, color: str | None = None,
               horizontal: bool = False, height: int = 320) -> go.Figure:
    """Bar chart of a ``counts_by`` frame (columns ``x``, optional ``color``, ``n``)."""
    kwargs = dict(color=color, color_discrete_map=SOURCE_COLORS if color == "source" else None,
                  title=title, height=height)
    if horizontal:
        fig = px.bar(df, y=x, x="n", orientation="h", **kwargs)
        fig.update_yaxes(categoryorder="array", categoryarray=list(df[x])[::-1], title=None)
    else:
        fig = px.bar(df, x=x, y="n", **kwargs)
        fig.update_xaxes(title=None)
    fig.update_layout(margin=dict(l=10, r=10, t=40, b=10), legend_title_text=None)
    return fig


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


def duration_boxes(df: pd.DataFrame, title: str = "Sequence length per body part") -> go.Figure:
    """Box plot of sequence durations (seconds) per body part, one box per activity on hover."""
    d = df.assign(seconds=df["n_frames"] / df["fps"])
    fig = px.box(d, x="body_part", y="seconds", color="body_part", points="outliers",
                 hover_data=["activity_id", "activity"], title=title, height=360)
    fig.update_layout(showlegend=False, margin=dict(l=10, r=10, t=40, b=10))
    fig.update_xaxes(title=None)
    return fig
