"""Confusion-matrix figures readable at 60 classes: ordered and grouped by body part.

Rows are ground truth, columns are predictions (the convention of
:func:`flag3d_core.metrics.classification.confusion_matrix`).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd


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


CELL_SELECTION = "cell"  # the chart's point selection: the page reads (true, pred) from it


def confusion_heatmap(cm: np.ndarray, class_names: Sequence[str], groups: Sequence[str], *,
                      normalise: bool = True, title: str = "Confusion matrix",
                      diverging: bool = False, height: int = 900,
                      class_ids: Sequence[str] | None = None) -> alt.LayerChart:
    """Vega-Lite heatmap of a (K, K) matrix, classes ordered by group, group boundaries drawn
    and named above their columns; a click selects a cell (``CELL_SELECTION``: fields
    ``true_label``, ``pred_label``, the 0-based classes).

    Rows (y) carry ``id short-name``, columns (x) only the id (``class_ids``, default
    A001..), so 60 classes stay legible; the tooltip gives both full names and the value.
    ``diverging`` is for difference matrices (run A minus run B): red/blue around zero.
    Vega-Lite, not plotly: a fresh browser tab draws it in well under a second here, where the
    plotly heatmap (and its click layer) took seconds.
    """
    order, spans = group_order(groups)
    k = len(order)
    ids = list(class_ids) if class_ids is not None else [f"A{i + 1:03d}" for i in range(k)]
    m = np.asarray(cm, dtype=np.float64)
    m = normalise_rows(m) if normalise and not diverging else m
    full = [f"{ids[i]} {class_names[i]}" for i in range(k)]
    row_label = [short_label(f) for f in full]
    t, p = np.meshgrid(order, order, indexing="ij")  # (K, K): row r is class order[r]
    df = pd.DataFrame({"true_label": t.ravel(), "pred_label": p.ravel(),
                       "row": np.array(row_label)[t.ravel()], "col": np.array(ids)[p.ravel()],
                       "ground truth": np.array(full)[t.ravel()],
                       "predicted": np.array(full)[p.ravel()], "value": m[t, p].ravel()})
    y_order = [row_label[i] for i in order]
    x_order = [ids[i] for i in order]
    value_title = "share of row" if normalise and not diverging else (
        "difference" if diverging else "count")
    zmax = float(np.abs(m).max()) or 1.0
    scale = (alt.Scale(scheme="redblue", domain=[-zmax, zmax], reverse=True) if diverging
             else alt.Scale(range=["#ffffff", "#08306b"], domain=[0, zmax]))
    cell = alt.selection_point(name=CELL_SELECTION, fields=["true_label", "pred_label"],
                               on="click", clear="dblclick")
    x = alt.X("col:N", sort=x_order, title="prediction",
              axis=alt.Axis(labelAngle=-90, labelFontSize=9, labelOverlap=False, orient="bottom"))
    y = alt.Y("row:N", sort=y_order, title="ground truth",
              axis=alt.Axis(labelFontSize=9, labelOverlap=False, labelLimit=180))
    size = height - 160
    base = alt.Chart(df, width=size, height=size)
    rects = base.mark_rect().encode(
        x=x, y=y, color=alt.Color("value:Q", scale=scale, title=value_title),
        stroke=alt.condition(cell, alt.value("#e11d48"), alt.value(None), empty=False),
        strokeWidth=alt.condition(cell, alt.value(2), alt.value(0), empty=False),
        tooltip=["ground truth", "predicted", alt.Tooltip("value:Q", format=".2f",
                                                          title=value_title)],
    ).add_params(cell)
    bounds = pd.DataFrame({"at": [x_order[s] for _, s, _ in spans[1:]],
                           "at_y": [y_order[s] for _, s, _ in spans[1:]]})
    vlines = alt.Chart(bounds).mark_rule(color="#444", strokeWidth=1, xOffset=-size / k / 2
                                         ).encode(x=alt.X("at:N", sort=x_order))
    hlines = alt.Chart(bounds).mark_rule(color="#444", strokeWidth=1, yOffset=-size / k / 2
                                         ).encode(y=alt.Y("at_y:N", sort=y_order))
    names = pd.DataFrame({"group": [g for g, _, _ in spans],
                          "mid": [x_order[(s + e - 1) // 2] for _, s, e in spans]})
    labels = alt.Chart(names).mark_text(dy=-8, fontWeight="bold", fontSize=10, baseline="bottom"
                                        ).encode(x=alt.X("mid:N", sort=x_order), y=alt.value(0),
                                                 text="group:N")
    return alt.layer(rects, vlines, hlines, labels, title=title).resolve_scale(x="shared")


def rollup_heatmap(cm: np.ndarray, groups: Sequence[str], *, normalise: bool = True,
                   title: str = "Body-part roll-up") -> alt.LayerChart:
    """(G, G) heatmap of body part against body part with the values written in the cells."""
    g, names = rollup(cm, groups)
    z = normalise_rows(g) if normalise else g.astype(float)
    t, p = np.meshgrid(range(len(names)), range(len(names)), indexing="ij")
    df = pd.DataFrame({"ground truth": np.array(names)[t.ravel()],
                       "predicted": np.array(names)[p.ravel()], "value": z.ravel()})
    base = alt.Chart(df, width=420, height=420).encode(
        x=alt.X("predicted:N", sort=names, title="prediction", axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("ground truth:N", sort=names))
    heat = base.mark_rect().encode(
        color=alt.Color("value:Q", scale=alt.Scale(scheme="blues"),
                        title="share of row" if normalise else "count"),
        tooltip=["ground truth", "predicted", alt.Tooltip("value:Q", format=".2f")])
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("value:Q", format=".2f" if normalise else ".0f"),
        color=alt.condition(alt.datum.value > 0.5 * float(z.max() or 1), alt.value("white"),
                            alt.value("#111827")))
    return alt.layer(heat, text, title=title)
