"""Confusion-matrix figures readable at 60 classes: ordered and grouped by body part.

Rows are ground truth, columns are predictions (the convention of
:func:`flag3d_core.metrics.classification.confusion_matrix`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go


def group_order(groups: Sequence[str]) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Class order that keeps each group together (groups in order of first appearance).

    Returns (order (K,), spans [(group, start, end_exclusive)] in the new order).
    """
    names = list(dict.fromkeys(groups))
    order = np.concatenate([[i for i, g in enumerate(groups) if g == name]
                            for name in names]).astype(int)
    spans, start = [], 0
    for name in names:
        n = sum(1 for g in groups if g == name)
        spans.append((name, start, start + n))
        start += n
    return order, spans


def normalise_rows(cm: np.ndarray) -> np.ndarray:
    """Each row divided by its total (recall per true class); rows with no samples stay 0."""
    cm = np.asarray(cm, dtype=np.float64)
    totals = cm.sum(axis=1, keepdims=True)
    return np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)


def rollup(cm: np.ndarray, groups: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """(G, G) confusion between groups (e.g. body parts) summed from a (K, K) class matrix."""
    names = list(dict.fromkeys(groups))
    idx = np.array([names.index(g) for g in groups])
    out = np.zeros((len(names), len(names)), dtype=np.asarray(cm).dtype)
    np.add.at(out, (idx[:, None], idx[None, :]), cm)
    return out, names


def confusion_heatmap(cm: np.ndarray, class_names: Sequence[str], groups: Sequence[str], *,
                      normalise: bool = True, title: str = "Confusion matrix",
                      diverging: bool = False, height: int = 900) -> go.Figure:
    """Heatmap of a (K, K) matrix, classes ordered by group, group boundaries drawn.

    ``diverging`` is for difference matrices (run A minus run B): red/blue around zero.
    """
    order, spans = group_order(groups)
    m = np.asarray(cm, dtype=np.float64)
    m = normalise_rows(m) if normalise and not diverging else m
    m = m[np.ix_(order, order)]
    labels = [f"{class_names[i]}" for i in order]
    custom = np.array([[[order[r], order[c]] for c in range(len(order))]
                       for r in range(len(order))])
    zmax = float(np.abs(m).max()) or 1.0
    fig = go.Figure(go.Heatmap(
        z=m, x=labels, y=labels, customdata=custom,
        colorscale="RdBu" if diverging else "Blues", zmid=0 if diverging else None,
        zmin=-zmax if diverging else 0, zmax=zmax,
        hoverinfo="skip",  # the invisible cell markers above carry hover and click
        colorbar=dict(title="share of row" if normalise and not diverging else "count"),
    ))
    # Heatmap cells are not selectable in plotly: an invisible square marker over every cell
    # makes a click a point selection carrying (true, pred) in its customdata.
    xs, ys = np.meshgrid(np.arange(len(order)), np.arange(len(order)))
    fig.add_trace(go.Scatter(
        x=[labels[i] for i in xs.ravel()], y=[labels[i] for i in ys.ravel()], mode="markers",
        marker=dict(symbol="square", size=max(6, int(0.8 * (height - 200) / len(order))),
                    color="rgba(0,0,0,0)"),
        customdata=custom.reshape(-1, 2), text=[f"{v:.2f}" for v in m.ravel()],
        hovertemplate="true: %{y}<br>predicted: %{x}<br>value: %{text}<extra></extra>",
        showlegend=False, name="cells"))
    for name, s, e in spans:
        for pos in (s - 0.5,):
            if s > 0:
                fig.add_shape(type="line", x0=pos, x1=pos, y0=-0.5, y1=len(order) - 0.5,
                              line=dict(color="#444", width=1))
                fig.add_shape(type="line", y0=pos, y1=pos, x0=-0.5, x1=len(order) - 0.5,
                              line=dict(color="#444", width=1))
        fig.add_annotation(x=(s + e - 1) / 2, y=-1.5, text=name, showarrow=False, yref="y",
                           font=dict(size=10), yanchor="bottom")
    # Every class labelled (plotly would skip every other one at 60 classes).
    # Tight ranges: the marker layer must not pad the axes past the cells.
    k = len(order)
    fig.update_yaxes(range=[k - 0.5, -0.5], tickfont=dict(size=8), title="ground truth", dtick=1)
    fig.update_xaxes(range=[-0.5, k - 0.5], tickfont=dict(size=8), tickangle=60, title="prediction",
                     side="bottom", dtick=1)
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=60, b=10))
    return fig


def rollup_heatmap(cm: np.ndarray, groups: Sequence[str], *, normalise: bool = True,
                   title: str = "Body-part roll-up") -> go.Figure:
    g, names = rollup(cm, groups)
    z = normalise_rows(g) if normalise else g.astype(float)
    fig = go.Figure(go.Heatmap(z=z, x=names, y=names, colorscale="Blues", zmin=0,
                               text=np.round(z, 2), texttemplate="%{text}",
                               hovertemplate="true: %{y}<br>predicted: %{x}<br>%{z:.2f}"
                                             "<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title="ground truth")
    fig.update_xaxes(title="prediction")
    fig.update_layout(title=title, height=460, margin=dict(l=10, r=10, t=50, b=10))
    return fig
