"""Content-addressed array files beside the catalog.

Each array (or group of arrays) is stored once under ``arrays/<h[:2]>/<h>.npy|.npz`` where ``h`` is
the sha256 of its content (dtype, shape and bytes, so it does not depend on zip timestamps).
A new ingest never rewrites a file an older catalog points at, which is what makes the catalog
swap atomic: old and new catalogs can both be read while the swap happens.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from flag3d_core.atomic import atomic_write_bytes


@dataclass(frozen=True)
class StoredArray:
    path: str  # relative to the arrays dir
    shape: tuple[int, ...]
    dtype: str
    checksum: str

    @property
    def shape_json(self) -> str:
        return json.dumps(list(self.shape))


def _digest(arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(key.encode())
        h.update(a.dtype.str.encode())
        h.update(repr(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    # Not fsync'ed one by one (an ingest writes thousands): catalog_transaction syncs the file
    # system once before it swaps in the catalog that refers to them.
    atomic_write_bytes(path, data, make_parents=True, durable=False)


def store_array(arrays_dir: Path, array: np.ndarray) -> StoredArray:
    """Store one array as a memory-mappable ``.npy``; returns where it lives."""
    array = np.ascontiguousarray(array)
    digest = _digest({"": array})
    rel = f"{digest[:2]}/{digest}.npy"
    target = Path(arrays_dir) / rel
    if not target.exists():
        buf = io.BytesIO()
        np.save(buf, array, allow_pickle=False)
        _write_atomic(target, buf.getvalue())
    return StoredArray(rel, tuple(array.shape), array.dtype.str, digest)


def store_arrays(arrays_dir: Path, arrays: dict[str, np.ndarray]) -> StoredArray:
    """Store a group of named arrays as one ``.npz`` (e.g. SMPL parameters)."""
    arrays = {k: np.ascontiguousarray(v) for k, v in arrays.items()}
    digest = _digest(arrays)
    rel = f"{digest[:2]}/{digest}.npz"
    target = Path(arrays_dir) / rel
    if not target.exists():
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        _write_atomic(target, buf.getvalue())
    first = next(iter(arrays.values())) if arrays else np.zeros(0)
    return StoredArray(rel, tuple(first.shape), "npz", digest)


def load_array(arrays_dir: Path, rel_path: str, *, mmap: bool = True) -> np.ndarray:
    """Load a stored ``.npy`` (memory-mapped, read-only by default)."""
    path = Path(arrays_dir) / rel_path
    if not path.exists():
        raise FileNotFoundError(f"{path}: array file referenced by the catalog is missing")
    return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)


def load_arrays(arrays_dir: Path, rel_path: str) -> dict[str, np.ndarray]:
    """Load a stored ``.npz`` group into a plain dict of arrays."""
    path = Path(arrays_dir) / rel_path
    if not path.exists():
        raise FileNotFoundError(f"{path}: array file referenced by the catalog is missing")
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def store_file(arrays_dir: Path, source: Path) -> StoredArray:
    """Copy a media file (e.g. an MP4) into the content-addressed store, keeping its suffix."""
    source = Path(source)
    h = hashlib.sha256()
    with open(source, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    rel = f"{digest[:2]}/{digest}{source.suffix.lower()}"
    target = Path(arrays_dir) / rel
    if not target.exists():
        _write_atomic(target, source.read_bytes())
    return StoredArray(rel, (), source.suffix.lower().lstrip("."), digest)
