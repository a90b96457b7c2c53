"""The app's edge: settings, catalog cursor per script run, and every st.cache_* in one place.

DuckDB connections are not thread-safe and Streamlit runs each session's script in its own thread,
so the app keeps one read-only connection per catalog version (path + inode + mtime) and hands each
script run its own cursor.
"""

from __future__ import annotations

import os

import streamlit as st

from flag3d_core.catalog import queries
from flag3d_core.settings import Settings, load_settings


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


def _catalog_version(path) -> tuple:
    try:
        st_ = os.stat(path)
    except FileNotFoundError:
        return (str(path), None, None)
    return (str(path), st_.st_ino, st_.st_mtime_ns)


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(version: tuple):
    return queries.connect(version[0], read_only=True)


def cursor():
    """A cursor for this script run (stored in session state for the duration of the run)."""
    version = _catalog_version(settings().catalog)
    return _connection(version).cursor()


def catalog_or_stop():
    """A cursor, or a friendly message and st.stop() when there is no catalog yet."""
    try:
        return cursor()
    except queries.CatalogMissingError as exc:
        st.error(str(exc))
        st.stop()


@st.cache_data(show_spinner=False, ttl=60)
def stats(version: tuple) -> dict:
    return queries.stats(_connection(version).cursor())


@st.cache_data(show_spinner=False, ttl=60)
def counts_by(version: tuple, by: tuple[str, ...], source: str | None = None,
              protocol: str = "in-domain"):
    f = queries.SequenceFilter(source=source, protocol=protocol)
    return queries.counts_by(_connection(version).cursor(), list(by), f)


@st.cache_data(show_spinner=False, ttl=60)
def split_counts(version: tuple):
    """Counts per (source, split label) where the label names the protocol."""
    import pandas as pd

    cur = _connection(version).cursor()
    ind = queries.counts_by(cur, ["source", "split"], queries.SequenceFilter(source="mocap"))
    cross = queries.counts_by(cur, ["source", "split"], queries.SequenceFilter(protocol="cross-domain"))
    cross = cross[cross.source != "mocap"]
    ind["split"] = "in-domain " + ind["split"].fillna("none")
    cross["split"] = "cross-domain " + cross["split"].fillna("none")
    return pd.concat([ind, cross], ignore_index=True)


def catalog_version() -> tuple:
    return _catalog_version(settings().catalog)


@st.cache_resource(show_spinner="Probing the render backend…")
def render_backend():
    from flag3d_core.render.backend import render_backend as probe

    return probe()


@st.cache_data(show_spinner=False, ttl=30)
def body_model_info(body_dir: str):
    """(info or None, error message or None) for the active body model."""
    try:
        from flag3d_core.body import find_body_model

        return find_body_model(body_dir), None
    except Exception as exc:  # shown to the user as-is: the message says what to do
        return None, str(exc)


@st.cache_resource(show_spinner=False)
def device_info() -> dict:
    import torch

    s = settings()
    dev = s.torch_device()
    name = torch.cuda.get_device_name(0) if dev == "cuda" else "CPU"
    return {"setting": s.device, "device": dev, "name": name,
            "threads": torch.get_num_threads()}
