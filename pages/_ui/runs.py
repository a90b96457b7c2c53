"""Cached views of recorded model runs (the Recognition page)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from flag3d_core.catalog import queries
from flag3d_core.recognition import summary
from pages._ui.state import Version, activities, cursor


@st.cache_data(show_spinner=False, ttl=60)
def recognition_runs(version: Version) -> pd.DataFrame:
    return queries.model_runs(cursor(version), "recognition")


@st.cache_data(show_spinner=False, ttl=60)
def runs_table(version: Version, run_ids: tuple[str, ...]) -> pd.DataFrame:
    return summary.runs_table(cursor(version), list(run_ids))


@st.cache_data(show_spinner=False, ttl=60)
def run_confusion(version: Version, run_id: str) -> np.ndarray:
    from flag3d_core.recognition.runs import run_confusion as confusion

    return confusion(cursor(version), run_id)


@st.cache_data(show_spinner=False, ttl=60)
def confused_pairs(version: Version, run_id: str, n: int = 20) -> pd.DataFrame:
    names = activities(version).name.tolist()
    return summary.confused_pairs(run_confusion(version, run_id), names, n)


@st.cache_data(show_spinner=False, ttl=60)
def cell_sequences(version: Version, run_id: str, true_label: int,
                   pred_label: int) -> pd.DataFrame:
    return summary.cell_sequences(cursor(version), run_id, true_label, pred_label)


@st.cache_data(show_spinner=False, ttl=60)
def typical_sequence(version: Version, run_id: str, label: int) -> str | None:
    return summary.typical_sequence(cursor(version), run_id, label)
