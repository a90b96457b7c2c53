"""Settings, the catalog connection per catalog version, and cached catalog views.

DuckDB connections are not thread-safe and Streamlit runs each session's script in its own
thread, so the app keeps one read-only connection per catalog version (path + inode + mtime)
and hands each script run its own cursor. Every cached view is keyed by that version, so the
first rerun after an ingest swapped in a new catalog (any page, any session) reads the new
one; connections to old versions close once no run has used them for a while
(:class:`flag3d_core.catalog.pool.CatalogConnections`).
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from flag3d_core.catalog import queries, views
from flag3d_core.catalog.pool import CatalogConnections, Version
from flag3d_core.catalog.pool import catalog_version as _file_version
from flag3d_core.errors import CatalogMissingError, NotInCatalogError
from flag3d_core.settings import Settings, load_settings

__all__ = ["Version", "catalog_or_stop", "catalog_version", "connections", "cursor", "settings"]


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


def catalog_version() -> Version:
    """(path, inode, mtime) of the catalog file: a new file is a new version."""
    return _file_version(settings().catalog)


@st.cache_resource(show_spinner=False)
def connections() -> CatalogConnections:
    """The process's catalog connections (FLAG3D_CATALOG_GRACE_S: seconds an old catalog's
    connection stays open after its last use, default 120)."""
    return CatalogConnections(grace_s=float(os.environ.get("FLAG3D_CATALOG_GRACE_S", "120")))


def cursor(version: Version | None = None) -> queries.Con:
    """A new cursor on the shared connection of ``version`` (default: the current one)."""
    return connections().cursor(version or catalog_version())


def catalog_or_stop() -> Version:
    """The current catalog version, or a message and ``st.stop()`` when there is no catalog."""
    version = catalog_version()
    try:
        cursor(version)
    except CatalogMissingError as exc:
        st.error(str(exc))
        st.stop()
    return version


@st.cache_data(show_spinner=False, ttl=60)
def stats(version: Version) -> dict:
    return queries.stats(cursor(version))


@st.cache_data(show_spinner=False, ttl=60)
def counts_by(version: Version, by: tuple[str, ...], source: str | None = None,
              protocol: str = "in-domain") -> pd.DataFrame:
    f = queries.SequenceFilter(source=source, protocol=protocol)
    return queries.counts_by(cursor(version), list(by), f)


@st.cache_data(show_spinner=False, ttl=60)
def split_counts(version: Version) -> pd.DataFrame:
    return views.split_counts(cursor(version))


@st.cache_data(show_spinner=False, ttl=60)
def mocap_lengths(version: Version) -> pd.DataFrame:
    return views.mocap_lengths(cursor(version))


@st.cache_data(show_spinner=False, ttl=60)
def activities(version: Version) -> pd.DataFrame:
    return queries.activities(cursor(version))


@st.cache_data(show_spinner=False, ttl=60)
def activity(version: Version, activity_id: str) -> dict | None:
    return queries.activity(cursor(version), activity_id)


@st.cache_data(show_spinner=False, ttl=60)
def distinct(version: Version, column: str) -> list:
    return views.distinct_values(cursor(version), column)


@st.cache_data(show_spinner=False, ttl=60)
def taxonomy_counts(version: Version, f: queries.SequenceFilter) -> pd.DataFrame:
    return views.taxonomy_counts(cursor(version), f)


@st.cache_data(show_spinner=False, ttl=60)
def activity_grid(version: Version, activity_id: str, source: str) -> pd.DataFrame:
    return views.activity_grid(cursor(version), activity_id, source)


@st.cache_data(show_spinner=False, ttl=60)
def sequences(version: Version, f: queries.SequenceFilter, limit: int) -> pd.DataFrame:
    return queries.sequences(cursor(version), f, limit=limit)


@st.cache_data(show_spinner=False, ttl=60)
def playable_ids(version: Version) -> list[str]:
    return views.playable_ids(cursor(version))


@st.cache_data(show_spinner=False, ttl=60)
def related_videos(version: Version, sequence_id: str) -> pd.DataFrame:
    return queries.related_videos(cursor(version), sequence_id)


@st.cache_data(show_spinner=False, ttl=60)
def same_activity_other_performer(version: Version, sequence_id: str) -> str | None:
    return views.same_activity_other_performer(cursor(version), sequence_id)


@st.cache_data(show_spinner=False, ttl=60)
def mocap_of(version: Version, sequence_id: str) -> str | None:
    return queries.mocap_of(cursor(version), sequence_id)


@st.cache_data(show_spinner=False, ttl=60, max_entries=256)
def nearest_ids(version: Version, text: str) -> list[str]:
    return queries.nearest_sequence_ids(cursor(version), text)



@st.cache_data(show_spinner=False, ttl=60)
def sequence_labels(version: Version) -> dict[str, str]:
    """Playable id -> 'A017 Dumbbell Row · P002 · R001' for pickers (searchable by any part)."""
    return views.playable_labels(cursor(version))


@st.cache_data(show_spinner=False, ttl=60, max_entries=256)
def resolve_id(version: Version, name_or_id: str) -> str | None:
    """A full id, or a bare release name resolved to its id (MoCap first); None if unknown."""
    try:
        return queries.resolve_sequence_id(cursor(version), name_or_id)
    except NotInCatalogError:
        return None
