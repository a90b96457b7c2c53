"""Read-only catalog connections for a long-running process (the app), one per catalog version.

An ingest never writes the live file: it builds a new one and swaps it in (writer.py). The
process notices by the file's version (path, inode, mtime) and opens the new file on the next
request; connections to older versions stay open while a request may still be using them, and
close once no request has used them for ``grace_s`` seconds.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flag3d_core.catalog import queries

Version = tuple[str, int | None, int | None]


def catalog_version(path: Path) -> Version:
    """(path, inode, mtime_ns) of the catalog file; (path, None, None) when it is missing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (str(path), None, None)
    return (str(path), st.st_ino, st.st_mtime_ns)


@dataclass
class _Entry:
    con: queries.Con
    last_used: float


@dataclass
class CatalogConnections:
    """Thread-safe pool: :meth:`cursor` hands out a cursor on the version's shared connection.

    ``grace_s``: how long an old version's connection stays open after its last use (a request
    that started before the swap finishes on it). ``clock``: for tests.
    """

    grace_s: float = 120.0
    clock: Callable[[], float] = time.monotonic
    _entries: dict[Version, _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def cursor(self, version: Version) -> queries.Con:
        """A new cursor on ``version``'s connection (opened on first use; raises
        CatalogMissingError when there is no catalog). Closes stale older versions."""
        with self._lock:
            now = self.clock()
            entry = self._entries.get(version)
            if entry is None:
                entry = _Entry(queries.connect(Path(version[0]), read_only=True), now)
                self._entries[version] = entry
            entry.last_used = now
            self._close_stale(version, now)
            return queries.cursor(entry.con)

    def _close_stale(self, current: Version, now: float) -> None:
        for v in [v for v, e in self._entries.items()
                  if v != current and v[0] == current[0] and now - e.last_used > self.grace_s]:
            self._entries.pop(v).con.close()

    def open_versions(self) -> list[Version]:
        with self._lock:
            return list(self._entries)

    def close(self) -> None:
        with self._lock:
            for e in self._entries.values():
                e.con.close()
            self._entries.clear()
