"""Chart selection events (``on_select``) turned into values and session state."""

from __future__ import annotations

from typing import Any

import streamlit as st


def _points(event: Any) -> list[dict]:
    """The selected points of a chart event (dict or attribute form)."""
    if isinstance(event, dict):
        return (event or {}).get("selection", {}).get("points", []) or []
    return getattr(getattr(event, "selection", None), "points", []) or []


def apply_sunburst_click(key: str, *, body_part_key: str, activity_key: str,
                         activity_body_part: dict[str, str]) -> None:
    """Turn the last sunburst click (a point with an id) into taxonomy filter values."""
    points = _points(st.session_state.get(key))
    if not points:
        return
    node = points[0].get("id") or ""
    last = st.session_state.get(f"_{key}_applied")
    if node == last:
        return
    st.session_state[f"_{key}_applied"] = node
    if node.startswith("bp:"):
        st.session_state[body_part_key] = node[3:]
        st.session_state[activity_key] = None
    elif node in activity_body_part:
        st.session_state[body_part_key] = activity_body_part[node]
        st.session_state[activity_key] = node


def heatmap_cell(event: Any, selection: str = "cell") -> tuple[int, int] | None:
    """(true, pred) class of a clicked confusion-heatmap cell: the Vega-Lite point selection
    ``selection`` carries the cell's ``true_label`` and ``pred_label``."""
    if event is None:
        return None
    sel = event.get("selection", {}) if isinstance(event, dict) else getattr(
        event, "selection", {})
    picked = (sel.get(selection) if isinstance(sel, dict) else getattr(sel, selection, None))
    if not picked:
        return None
    first = picked[0]
    try:
        return int(first["true_label"]), int(first["pred_label"])
    except (KeyError, TypeError, ValueError):
        return None


def pick_activity_from_cell(key: str, *, activity_of_label: dict[int, str],
                            mode_key: str = "mode", activity_key: str = "activity") -> None:
    """A confusion-heatmap click on the Playground: the row's activity becomes the request's
    activity (callback: runs before the form is drawn, so its widgets take the values)."""
    cell = heatmap_cell(st.session_state.get(key))
    if cell is None or cell[0] not in activity_of_label:
        return
    st.session_state[mode_key] = "Activity"
    st.session_state[activity_key] = activity_of_label[cell[0]]
    st.session_state[f"_{key}_picked"] = cell
