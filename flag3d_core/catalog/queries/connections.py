"""Opening the catalog: read-only connections attach the file (see ``connect``), cursors,
the schema."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flag3d_core.catalog.queries.common import (
    SCHEMA_SQL,
    SCHEMA_VERSION,
    Con,
)
from flag3d_core.errors import CatalogMissingError

# --------------------------------------------------------------------------- connections
CATALOG_ALIAS = "catalog"


def connect(path: Path, *, read_only: bool = True) -> Con:
    """Open the catalog. Read-only connections never create or modify the file.

    A read-only connection attaches the file to a fresh in-memory database instead of opening
    it directly: DuckDB keeps one database instance per path and process, so
    ``duckdb.connect(path, read_only=True)`` after the file was swapped would return the OLD
    catalog while any connection to it is open (STACK.md). An attached file is its own
    instance: each connection sees the file as it was when it was opened. Take cursors with
    :func:`cursor` (a cursor starts in the default database, not in the attached one).
    """
    path = Path(path)
    if read_only and not path.exists():
        raise CatalogMissingError(
            f"{path}: no catalog here. Build one with `make app` (or `flag3d setup`), "
            "or point FLAG3D_CATALOG at an existing catalog file."
        )
    if not read_only:
        return duckdb.connect(str(path))
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH ? AS {CATALOG_ALIAS} (READ_ONLY)", [str(path)])
        con.execute(f"USE {CATALOG_ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def cursor(con: Con) -> Con:
    """A new cursor of ``con`` for another thread, in the catalog database."""
    cur = con.cursor()
    try:
        cur.execute(f"USE {CATALOG_ALIAS}")
    except duckdb.Error:  # a read-write connection: the file is the default database
        pass
    return cur


def create_schema(con: Con) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
    )
