"""CSV export of a catalog selection (a pandas DataFrame from the catalog queries)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from flag3d_core.atomic import atomic_write_bytes


def _cell(value: object) -> object:
    """Lists, dicts and arrays become JSON text; everything else is left to pandas."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)
    return value


def catalog_csv_text(df: pd.DataFrame) -> str:
    """The CSV text of ``df``: header row, no index, UTF-8, nested values as JSON."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_cell)
    return out.to_csv(index=False, lineterminator="\n")


def catalog_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 bytes of :func:`catalog_csv_text` (for a download button)."""
    return catalog_csv_text(df).encode("utf-8")


def write_catalog_csv(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` (the current selection) to ``path`` atomically (missing folders are
    created); return the path. A bad target raises :class:`~flag3d_core.errors.OutputPathError`.
    """
    return atomic_write_bytes(path, catalog_csv_bytes(df), make_parents=True)
