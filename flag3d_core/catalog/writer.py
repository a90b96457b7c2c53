"""Write a new catalog and swap it in atomically.

``with catalog_transaction(path) as con:`` copies the current catalog (if any) to a temporary file
next to it, hands out a read-write connection to the copy, and on success checkpoints, closes and
``os.replace``s the copy over the catalog. On any exception the copy is deleted and the catalog is
left exactly as it was. Readers (the app) never see a half-written file: they either have the old
inode open or open the new one. An advisory lock serialises writers.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

from flag3d_core.catalog import queries
from flag3d_core.catalog.queries import Con

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _writer_lock(catalog: Path) -> Iterator[None]:
    lock_path = catalog.with_name(catalog.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def catalog_transaction(catalog: Path, *, fresh: bool = False) -> Iterator[Con]:
    """Yield a connection to a private copy of ``catalog``; swap it in if the block succeeds.

    Args:
        catalog: the catalog file (need not exist yet).
        fresh: start from an empty catalog instead of a copy of the current one.
    """
    catalog = Path(catalog)
    catalog.parent.mkdir(parents=True, exist_ok=True)
    with _writer_lock(catalog):
        fd, tmp_name = tempfile.mkstemp(dir=catalog.parent, prefix=catalog.name + ".tmp-")
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()  # DuckDB wants to create the file itself
        try:
            if catalog.exists() and not fresh:
                shutil.copyfile(catalog, tmp)
            con = duckdb.connect(str(tmp))
            try:
                queries.create_schema(con)
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            # Array files written for this catalog (not fsync'ed one by one) reach the disk
            # before the catalog that refers to them does.
            os.sync()
            os.replace(tmp, catalog)
            log.info("catalog %s swapped in", catalog)
        finally:
            for leftover in (tmp, Path(str(tmp) + ".wal")):
                leftover.unlink(missing_ok=True)
