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


def short_label(name: str, width: int = 24) -> str:
    """``name`` cut to ``width`` characters with an ellipsis (full names go in the hover)."""
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def confusion_heatmap(cm: np.ndarray, class_names: Sequence[str], groups: Sequence[str], *,
                      normalise: bool = True, title: str = "Confusion matrix",
                      diverging: bool = False, height: int = 900,
                      class_ids: Sequence[str] | None = None) -> go.Figure:
    """Heatmap of a (K, K) matrix, classes ordered by group, group boundaries drawn and named.

    Rows (y) carry ``id short-name``, columns (x) only the id (``class_ids``, default
    A001..), so 60 classes stay legible; the hover gives both full names and the value.
    ``diverging`` is for difference matrices (run A minus run B): red/blue around zero.
    """
    order, spans = group_order(groups)
    k = len(order)
    ids = list(class_ids) if class_ids is not None else [f"A{i + 1:03d}" for i in range(k)]
    m = np.asarray(cm, dtype=np.float64)
    m = normalise_rows(m) if normalise and not diverging else m
    m = m[np.ix_(order, order)]
    full = [f"{ids[i]} {class_names[i]}" for i in order]
    custom = np.stack(np.meshgrid(order, order, indexing="xy")[::-1], axis=-1)  # (K, K, 2)
    zmax = float(np.abs(m).max()) or 1.0
    pos = np.arange(k)
    value = "share of the true class" if normalise and not diverging else "value"
    hover = [[f"true: {full[r]}<br>predicted: {full[c]}<br>{value}: {m[r, c]:.2f}"
              for c in range(k)] for r in range(k)]
    fig = go.Figure(go.Heatmap(
        z=m, x=pos, y=pos, text=hover, hovertemplate="%{text}<extra></extra>",
        colorscale="RdBu" if diverging else "Blues", zmid=0 if diverging else None,
        zmin=-zmax if diverging else 0, zmax=zmax,
        colorbar=dict(title="share of row" if normalise and not diverging else "count"),
    ))
    # Heatmap cells are not selectable in plotly: an invisible square marker over a cell makes
    # a click a point selection carrying (true, pred) in its customdata. Only cells with
    # sequences get one (a few per class instead of K*K SVG markers, which took the browser
    # seconds to draw at 60 classes); an empty cell has nothing to list.
    rows, cols = np.nonzero(m)
    fig.add_trace(go.Scatter(
        x=cols, y=rows, mode="markers",
        marker=dict(symbol="square", size=max(6, int(0.8 * (height - 200) / k)),
                    color="rgba(0,0,0,0)"),
        customdata=custom[rows, cols],
        text=[hover[r][c] for r, c in zip(rows, cols, strict=True)],
        hovertemplate="%{text}<extra></extra>", showlegend=False, name="cells"))
    for name, s, e in spans:
        if s > 0:
            fig.add_shape(type="line", x0=s - 0.5, x1=s - 0.5, y0=-0.5, y1=k - 0.5,
                          line=dict(color="#444", width=1))
            fig.add_shape(type="line", y0=s - 0.5, y1=s - 0.5, x0=-0.5, x1=k - 0.5,
                          line=dict(color="#444", width=1))
        # the body part above its columns
        fig.add_annotation(x=(s + e - 1) / 2, y=1.0, xref="x", yref="paper", text=f"<b>{name}</b>",
                           showarrow=False, font=dict(size=10), yanchor="bottom")
    # Every class labelled (plotly would skip every other one at 60 classes).
    # Tight ranges: the marker layer must not pad the axes past the cells.
    fig.update_yaxes(range=[k - 0.5, -0.5], tickfont=dict(size=9), title="ground truth",
                     tickvals=pos, ticktext=[short_label(f) for f in full])
    fig.update_xaxes(range=[-0.5, k - 0.5], tickfont=dict(size=9), tickangle=-90,
                     title="prediction", side="bottom", tickvals=pos,
                     ticktext=[ids[i] for i in order])
    fig.update_layout(title=dict(text=title, y=0.995, yanchor="top"), height=height,
                      margin=dict(l=10, r=10, t=70, b=10))
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
