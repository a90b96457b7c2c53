"""Content-addressed file cache: the same render is never made twice.

A key is the SHA-256 of every input array (dtype, shape, bytes) plus the options as canonical
JSON plus a format version; files live at ``<root>/<key[:2]>/<key>.<suffix>`` and appear
atomically (written beside their place, then renamed over it by :mod:`flag3d_core.atomic`), so
readers never see a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.atomic import atomic_path

# Bump when the renderer's output changes for the same inputs (old entries are then ignored).
RENDER_CACHE_VERSION = 1


def _canonical(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def content_key(arrays: Mapping[str, np.ndarray | None], options: Mapping[str, Any]) -> str:
    """SHA-256 hex key of named arrays (None allowed) and JSON-able options."""
    h = hashlib.sha256()
    h.update(f"v{RENDER_CACHE_VERSION}".encode())
    for name in sorted(arrays):
        arr = arrays[name]
        h.update(name.encode() + b"\0")
        if arr is None:
            h.update(b"none\0")
            continue
        arr = np.ascontiguousarray(arr)
        h.update(f"{arr.dtype.str}{arr.shape}".encode())
        h.update(arr.tobytes())
    h.update(json.dumps(_canonical(dict(options)), sort_keys=True).encode())
    return h.hexdigest()


class FileCache:
    """Files keyed by content hash under ``root``."""

    def __init__(self, root: str | os.PathLike, suffix: str = ".mp4") -> None:
        self.root = Path(root)
        self.suffix = suffix

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{self.suffix}"

    def get(self, key: str) -> Path | None:
        """The cached file for ``key``, or None."""
        p = self.path(key)
        return p if p.is_file() and p.stat().st_size > 0 else None

    def put(self, key: str, produced: str | os.PathLike) -> Path:
        """Move the finished file ``produced`` into the cache (copied in atomically, then
        removed, so ``produced`` may live on another file system); return its path.

        Writers that can write in place write straight to :meth:`path` through an atomic
        writer (``Mp4Writer`` does), with no copy.
        """
        with atomic_path(self.path(key), make_parents=True) as tmp:
            shutil.copyfile(produced, tmp)
        Path(produced).unlink()
        return self.path(key)

