"""CSV export of a catalog selection (a pandas DataFrame from the catalog queries)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd


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
    """Write ``df`` (the current selection) to ``path`` atomically; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(catalog_csv_bytes(df))
    os.replace(tmp, path)
    return path
