"""Plotly figures of a sequence's motion: joint-angle curves with the repetitions found."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from flag3d_core.analysis.repetitions import Repetitions

GROUPS = {"knees": ("left knee", "right knee"), "hips": ("left hip", "right hip"),
          "elbows": ("left elbow", "right elbow"),
          "shoulders": ("left shoulder", "right shoulder"), "trunk": ("trunk",)}
SIDE_COLORS = {"left": "#2f6fde", "right": "#e15759", "trunk": "#59a14f"}


def joint_angle_figure(angles: dict[str, np.ndarray], fps: float,
                       reps: Repetitions | None = None, title: str = "Joint angles") -> go.Figure:
    """Five stacked panels (knees, hips, elbows, shoulders, trunk) in degrees over seconds, with
    each repetition shaded and its peak marked."""
    fig = make_subplots(rows=len(GROUPS), cols=1, shared_xaxes=True, vertical_spacing=0.03,
                        subplot_titles=list(GROUPS))
    t = None
    for row, (_, names) in enumerate(GROUPS.items(), start=1):
        for name in names:
            y = angles[name]
            t = np.arange(len(y)) / fps
            side = name.split()[0] if " " in name else "trunk"
            fig.add_trace(go.Scatter(x=t, y=y, name=name,
                                     line=dict(color=SIDE_COLORS[side], width=1.6),
                                     legendgroup=side, showlegend=row <= 1 or side == "trunk",
                                     hovertemplate=f"{name}: %{{y:.0f}}°<extra></extra>"),
                          row=row, col=1)
        fig.update_yaxes(title_text="°", row=row, col=1)
    if reps is not None and t is not None:
        # One list of shapes spanning all panels (the x axes are shared), set at once: plotly's
        # add_vrect / add_vline per repetition re-validate the whole layout each time (~1 s
        # for a 5-panel figure with 5 repetitions).
        bands = [dict(type="rect", xref="x", yref="paper", x0=s / fps, x1=e / fps, y0=0, y1=1,
                      fillcolor="#f28e2b" if i % 2 else "#edc948", opacity=0.12, line_width=0,
                      layer="below") for i, (s, e) in enumerate(reps.segments)]
        peaks = [dict(type="line", xref="x", yref="paper", x0=p / fps, x1=p / fps, y0=0, y1=1,
                      line=dict(color="#f28e2b", width=1, dash="dot")) for p in reps.peaks]
        fig.update_layout(shapes=bands + peaks)
        title = f"{title}: {reps.count} repetitions found"
    fig.update_xaxes(title_text="seconds", row=len(GROUPS), col=1)
    fig.update_layout(title=title, height=720, margin=dict(l=10, r=10, t=60, b=10),
                      legend=dict(orientation="h", y=1.04, x=1, xanchor="right"))
    return fig
