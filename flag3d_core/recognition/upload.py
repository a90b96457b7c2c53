"""Skeletons a user uploads for recognition: a pyskl pickle or a ``.npy`` of shape (T, 25, 3).

Uploads are untrusted: pickles go through the restricted unpickler, ``.npy`` files are read
without numpy's pickle support, and every array is checked (shape, finite values, length)
before a model sees it. Problems raise :class:`UploadError` naming the file and the problem,
in the project's words (numpy's own messages, which may advise loading a file unsafely, never
reach the user).

Size and memory. An upload larger than :func:`max_upload_mb` (``FLAG3D_MAX_UPLOAD_MB``, else
:data:`DEFAULT_MAX_UPLOAD_MB`; read at each call) is refused before it is read. The app's
``.streamlit/config.toml`` ``server.maxUploadSize`` holds the same default, and the page passes
the current limit to its uploader. Parsing needs about one size of the file
on top of the upload itself: a ``.npy`` is read from the stream straight into its float32
array after its header's shape was checked against the file's size; a pickle is streamed to a
temporary file in chunks and unpickled from there, and only the first
:data:`MAX_UPLOAD_SEQUENCES` usable sequences are kept.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from flag3d_core.errors import FileFormatError, UploadError
from flag3d_core.layouts import NTU25

__all__ = [
    "DEFAULT_MAX_UPLOAD_MB",
    "MAX_UPLOAD_SEQUENCES",
    "MIN_FRAMES",
    "UploadError",
    "UploadedSkeleton",
    "check_upload_size",
    "max_upload_mb",
    "parse_uploaded_skeleton",
    "parse_uploaded_stream",
    "top_k",
]

MIN_FRAMES = 8
# A FLAG3D skeleton sequence is ~120 KB (400 frames x 25 joints x 3 float32): 256 MB holds a
# pyskl pickle of ~2,000 of them, or one .npy of ~850,000 frames (8 hours at 30 fps).
DEFAULT_MAX_UPLOAD_MB = 256
MAX_UPLOAD_SEQUENCES = 20  # sequences of one upload that are kept and recognised
_CHUNK = 8 << 20  # bytes per read when copying or converting a stream
_FINITE_BLOCK = 1 << 20  # elements per block of the finite-value check


def max_upload_mb(env: Mapping[str, str] | None = None) -> int:
    """The upload limit in MB: ``FLAG3D_MAX_UPLOAD_MB`` (from ``env``, default the process
    environment) or :data:`DEFAULT_MAX_UPLOAD_MB`."""
    raw = (os.environ if env is None else env).get("FLAG3D_MAX_UPLOAD_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_UPLOAD_MB
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"FLAG3D_MAX_UPLOAD_MB={raw!r} is not a whole number of MB") from None
    if value < 1:
        raise ValueError(f"FLAG3D_MAX_UPLOAD_MB={raw!r} must be at least 1")
    return value


@dataclass(frozen=True)
class UploadedSkeleton:
    key: str
    joints: np.ndarray  # (T, 25, 3) float32 metres, z up
    label: int | None  # when the file says


def check_upload_size(name: str, size: int, limit_mb: int | None = None) -> None:
    """Refuse an upload of ``size`` bytes over the limit (default :func:`max_upload_mb`),
    before anything is read."""
    limit = max_upload_mb() if limit_mb is None else limit_mb
    if size > limit * 1_000_000:
        raise UploadError(name, f"the file is {size / 1e6:.1f} MB; uploads are limited to "
                          f"{limit} MB (FLAG3D_MAX_UPLOAD_MB)")
    if size <= 0:
        raise UploadError(name, "the file is empty")


def _all_finite(arr: np.ndarray) -> bool:
    flat = arr.reshape(-1)  # a view for the contiguous arrays made here
    return all(np.isfinite(flat[i:i + _FINITE_BLOCK]).all()
               for i in range(0, flat.size, _FINITE_BLOCK))


def _check(name: str, arr: np.ndarray) -> np.ndarray:
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 3 or arr.shape[1:] != (NTU25.num_node, 3):
        raise UploadError(
            name, f"expected an array of shape (T, 25, 3) (NTU-25 joints, xyz), got {arr.shape}")
    if arr.shape[0] < MIN_FRAMES:
        raise UploadError(name, f"only {arr.shape[0]} frames; need at least {MIN_FRAMES}")
    out = np.ascontiguousarray(arr, dtype=np.float32)  # no copy when it already is
    if not _all_finite(out):
        raise UploadError(name, "contains NaN or infinite values")
    return out


# ----------------------------------------------------------------------------- .npy


def _npy_header(name: str, fileobj: BinaryIO) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) from a .npy header, with the project's messages."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(fileobj)
    except ValueError:
        raise UploadError(name, "not a numpy .npy file (it does not start like one)") from None
    readers = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
    if version not in readers:
        raise UploadError(name, f"unsupported .npy format version {version[0]}.{version[1]}; "
                          "save it with numpy.save")
    try:
        shape, fortran, dtype = readers[version](fileobj)
    except Exception:  # numpy tokenises and evaluates the header's dict: many error types
        raise UploadError(name, "the .npy header is damaged or not a plain numeric array's"
                          ) from None
    return shape, fortran, dtype


def _read_into(fileobj: BinaryIO, buf: memoryview) -> int:
    """Fill ``buf`` from the stream (several reads if a read returns less); bytes read."""
    done = 0
    while done < len(buf):
        n = fileobj.readinto(buf[done:])
        if not n:
            break
        done += n
    return done


def _copy_upload(name: str, fileobj: BinaryIO, out: BinaryIO, size: int) -> None:
    """Copy the stream to ``out`` in chunks; refuse more bytes than the declared ``size``."""
    done = 0
    while chunk := fileobj.read(_CHUNK):
        done += len(chunk)
        if done > size:
            raise UploadError(name, f"the file holds more than its declared {size:,} bytes")
        out.write(chunk)
    out.flush()


def _parse_npy(name: str, fileobj: BinaryIO, size: int) -> np.ndarray:
    """A (T, 25, 3) float32 array from a .npy stream; the data is read once, into the result
    (in chunks when it needs a conversion), and only after the header was checked."""
    start = fileobj.tell()
    shape, fortran, dtype = _npy_header(name, fileobj)
    if dtype.hasobject or dtype.fields is not None or dtype.kind not in "fiu":
        what = "Python objects" if dtype.hasobject else f"{dtype} values"
        raise UploadError(name, f"not a plain numpy array of numbers (it holds {what}); "
                          "upload a float32 array of shape (T, 25, 3) in metres")
    joints = shape[1:] if len(shape) == 3 else shape[2:] if len(shape) == 4 else None
    if joints != (NTU25.num_node, 3) or (len(shape) == 4 and shape[0] != 1):
        raise UploadError(
            name, f"expected an array of shape (T, 25, 3) (NTU-25 joints, xyz), got {shape}")
    count = int(np.prod(shape))
    declared = count * dtype.itemsize
    available = size - (fileobj.tell() - start)
    if declared > available:
        raise UploadError(name, f"the file is truncated: its header declares {shape} {dtype} "
                          f"({declared:,} bytes of data), the file holds {available:,}")
    # Fortran order stores the transposed array: read that, transpose at the end.
    stored = tuple(reversed(shape)) if fortran else tuple(shape)
    out = np.empty(stored, dtype=np.float32)
    flat = out.reshape(-1)
    if dtype == np.dtype("<f4") and hasattr(fileobj, "readinto"):
        if _read_into(fileobj, memoryview(flat).cast("B")) != declared:
            raise UploadError(name, "the file is truncated")
    else:  # convert chunk by chunk: a float64 upload never exists whole as float64
        per = max(1, _CHUNK // dtype.itemsize)
        for i in range(0, count, per):
            n = min(per, count - i)
            chunk = fileobj.read(n * dtype.itemsize)
            if len(chunk) != n * dtype.itemsize:
                raise UploadError(name, "the file is truncated")
            flat[i:i + n] = np.frombuffer(chunk, dtype=dtype, count=n)
            del chunk
    arr = out.T if fortran else out
    return _check(name, arr)


# ----------------------------------------------------------------------------- pyskl .pkl


def _parse_pickle(name: str, fileobj: BinaryIO, size: int, max_sequences: int | None
                  ) -> list[UploadedSkeleton]:
    from flag3d_core.datasets.flag3d.skeleton import SkippedRecord, iter_skeleton_pkl

    good: list[UploadedSkeleton] = []
    skipped: list[SkippedRecord] = []
    with tempfile.NamedTemporaryFile(prefix="flag3d-upload-", suffix=".pkl") as tmp:
        _copy_upload(name, fileobj, tmp, size)  # in chunks: never a whole copy in memory
        try:
            records = iter_skeleton_pkl(tmp.name, kind="3d")
        except FileFormatError as exc:  # its message names the temporary file: use the problem
            raise UploadError(name, exc.problem) from None
        try:
            for rec in records:
                if isinstance(rec, SkippedRecord):
                    if len(skipped) < 3:
                        skipped.append(rec)
                    continue
                good.append(UploadedSkeleton(rec.name, _check(name, rec.keypoint),
                                             int(rec.label)))
                if max_sequences is not None and len(good) >= max_sequences:
                    break
        finally:
            records.close()  # drops the annotations not read (when stopped at the cap)
    if not good:
        reasons = "; ".join(f"{r.name}: {r.reason}" for r in skipped) or "no annotations"
        raise UploadError(name, f"no usable sequence ({reasons})")
    return good


# ----------------------------------------------------------------------------- entry points


def parse_uploaded_stream(name: str, fileobj: BinaryIO, size: int, *,
                          max_sequences: int | None = MAX_UPLOAD_SEQUENCES,
                          limit_mb: int | None = None) -> list[UploadedSkeleton]:
    """Parse an upload from a binary file object (Streamlit's ``UploadedFile``, an open file).

    Args:
        name: the file's name; its suffix picks the format (``.npy``, ``.pkl``/``.pickle``)
            and messages start with it.
        fileobj: read from its current position.
        size: its size in bytes (``UploadedFile.size``), checked against the limit before
            anything is read.
        max_sequences: keep at most this many sequences of a pickle (None: all).
        limit_mb: the size limit (default :func:`max_upload_mb`).

    Returns:
        One :class:`UploadedSkeleton` per usable sequence (a pyskl pickle may hold several).
    """
    check_upload_size(name, size, limit_mb)
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".npy":
            return [UploadedSkeleton(Path(name).stem, _parse_npy(name, fileobj, size), None)]
        if suffix in (".pkl", ".pickle"):
            return _parse_pickle(name, fileobj, size, max_sequences)
    except ValueError as exc:  # numpy's own errors: never shown as they are (see _sanitise)
        if isinstance(exc, UploadError):
            raise
        raise UploadError(name, _sanitise(exc)) from None
    raise UploadError(
        name, "unsupported file type; upload a pyskl .pkl or a .npy of shape (T, 25, 3)")


def _sanitise(exc: ValueError) -> str:
    """A message for a ValueError from numpy that no check above anticipated; numpy's advice to
    load with ``allow_pickle=True`` (unsafe for an upload) is never passed on."""
    text = str(exc)
    if "pickle" in text.lower():
        return ("holds Python objects, not plain numbers; upload a numeric array of shape "
                "(T, 25, 3) saved with numpy.save")
    return f"not a readable skeleton file ({' '.join(text.split())[:200]})"


def parse_uploaded_skeleton(name: str, data: bytes, *,
                            max_sequences: int | None = None) -> list[UploadedSkeleton]:
    """Parse an uploaded file held in memory; see :func:`parse_uploaded_stream` (which the app
    uses: it needs no bytes copy of the upload)."""
    import io

    return parse_uploaded_stream(name, io.BytesIO(data), len(data), max_sequences=max_sequences)


def top_k(probs: np.ndarray, k: int = 5) -> list[tuple[int, float]]:
    """The k most probable classes of a (K,) probability vector, best first."""
    idx = np.argsort(-probs)[:k]
    return [(int(i), float(probs[i])) for i in idx]
