"""Limits on what a crafted data file can make a loader do, and the bounded readers that keep them.

A data file is user input. Without limits a 51-byte pickle can ask for a set of 10**10 integers,
a 2 MB zip can inflate to gigabytes and a .npy header can declare an array larger than the
machine. Every loader of the project's data files (the safe unpickler, the FLAG3D skeleton, SMPL
and instruction readers) takes its limits from one :class:`LoadLimits`: the ``limits=`` keyword
of the loader when given, else :func:`current_limits` -- :data:`DEFAULT` with any of these
environment variables applied (read at each load, so a deployment can tighten or relax them)::

    FLAG3D_MAX_PICKLE_DEPTH        containers nested inside each other in a pickle    (100)
    FLAG3D_MAX_PICKLE_ITEMS        items admitted callables (set(), frozenset(), ...,
                                   range()) may build in one pickle, plus ...         (1,000,000)
    FLAG3D_PICKLE_ITEMS_PER_BYTE   ... this many more per byte of the pickle           (1.0)
    FLAG3D_MAX_PICKLE_BYTES        bytes a pickle may build beyond what it spells out:
                                   copies by callables (bytes(), numpy scalars, array
                                   data) and empty containers made by one-byte
                                   opcodes, plus ...                                   (64 MiB)
    FLAG3D_PICKLE_BYTES_PER_BYTE   ... this many more per byte of the pickle           (2.0)
    FLAG3D_MAX_ZIP_MEMBERS         members of one zip or .npz archive                  (1,000)
    FLAG3D_MAX_ZIP_ENTRY_BYTES     inflated size of one member                         (16 MiB)
    FLAG3D_MAX_ZIP_TOTAL_BYTES     inflated size of all members read from one archive  (64 MiB)
    FLAG3D_MAX_JSON_BYTES          size of one JSON file                               (32 MiB)
    FLAG3D_MAX_JSON_DEPTH          containers nested inside each other in a JSON file  (100)

Why these defaults: FLAG3D's release files nest about five levels deep (a dict of a list of
annotation dicts of arrays); its 1.7 GB skeleton pickle holds ~7,000 annotations whose bulk is
array data (read once from the file, well inside 2 bytes per file byte) and builds no sets from
ranges; an instruction zip holds 60 JSON members of a few KB; an SMPL ``.npz`` holds four arrays
below 1 MB (16 MiB is ~55,000 frames of float32 poses). Anything a pickle builds by its own
opcodes costs at least one file byte per item, so only what admitted callables build (and
ranges, which are lazy until something iterates them) needs an item budget, and only copies
and one-byte empty containers (a set is 216 bytes) a byte budget; both grow with the file, so
the real 1.7 GB skeleton pickle (array data ~1x its size) stays far inside them.

Every violation raises the loader's :class:`~flag3d_core.errors.FileFormatError` subclass whose
message names the file (and zip member) and the limit with its value and setting name, e.g.
``data.pkl: nesting deeper than 100 levels (limit max_pickle_depth=100)``.
"""

from __future__ import annotations

import dataclasses
import json
import lzma
import math
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.errors import FileFormatError

__all__ = [
    "DEFAULT",
    "BoundedZip",
    "LoadLimits",
    "current_limits",
    "nesting_depth",
    "parse_json",
    "read_capped",
]

_MIB = 1 << 20
# What zipfile raises for a corrupt member: bad CRC/headers, an unknown or encrypted method
# (NotImplementedError, RuntimeError), corrupt deflate/lzma data.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
               NotImplementedError, RuntimeError, zlib.error, lzma.LZMAError)
_CHUNK = 1 << 20  # bounded reads go through this many bytes at a time


@dataclass(frozen=True)
class LoadLimits:
    """What one load may cost; see the module docstring for each field's meaning and default."""

    max_pickle_depth: int = 100
    max_pickle_items: int = 1_000_000
    pickle_items_per_byte: float = 1.0
    max_pickle_bytes: int = 64 * _MIB
    pickle_bytes_per_byte: float = 2.0
    max_zip_members: int = 1_000
    max_zip_entry_bytes: int = 16 * _MIB
    max_zip_total_bytes: int = 64 * _MIB
    max_json_bytes: int = 32 * _MIB
    max_json_depth: int = 100

    def describe(self, *names: str, per_byte: str | None = None) -> str:
        """``limit a=1`` (``limit a=1, b=2``; with ``per_byte``: ``limit a=1 + b=2.0 per
        byte``) for an error message."""
        text = "limit " + ", ".join(f"{n}={getattr(self, n)}" for n in names)
        if per_byte is not None:
            text += f" + {per_byte}={getattr(self, per_byte)} per byte"
        return text

    def pickle_items_for(self, size: int) -> int:
        """Items admitted callables may build in a pickle of ``size`` bytes."""
        return self.max_pickle_items + int(self.pickle_items_per_byte * size)

    def pickle_bytes_for(self, size: int) -> int:
        """Bytes admitted callables may copy in a pickle of ``size`` bytes."""
        return self.max_pickle_bytes + int(self.pickle_bytes_per_byte * size)


DEFAULT = LoadLimits()


def current_limits(environ: Mapping[str, str] | None = None) -> LoadLimits:
    """:data:`DEFAULT` with the ``FLAG3D_<FIELD>`` environment variables applied.

    Raises:
        ValueError: a variable that is not a non-negative number of the field's type.
    """
    env = os.environ if environ is None else environ
    changes: dict[str, int | float] = {}
    for f in dataclasses.fields(LoadLimits):
        raw = env.get(f"FLAG3D_{f.name.upper()}")
        if raw is None or not raw.strip():
            continue
        kind = int if isinstance(getattr(DEFAULT, f.name), int) else float
        try:
            value = kind(raw.strip().replace("_", ""))
        except ValueError:
            value = -1
        if value < 0:
            raise ValueError(f"FLAG3D_{f.name.upper()}={raw!r} is not a non-negative "
                             f"{kind.__name__}")
        changes[f.name] = value
    return dataclasses.replace(DEFAULT, **changes) if changes else DEFAULT


def _children(obj: object) -> Iterable[object] | None:
    """The items a builtin container holds (keys and values for dicts); None for a leaf."""
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return obj
    return None  # str, bytes, numbers, numpy arrays, other objects


def nesting_depth(obj: object, limit: int) -> int:
    """How many containers are nested inside each other in ``obj`` (0 for a leaf), or
    ``limit + 1`` as soon as that is known to exceed ``limit`` (a reference cycle counts too).

    Iterative, so that a structure of any depth is measured without recursing; each container
    is visited once however often it is shared.
    """
    kids = _children(obj)
    if kids is None:
        return 0
    heights: dict[int, int] = {}
    on_path = {id(obj)}
    path: list[list] = [[obj, iter(kids), 0]]  # [container, its unvisited items, max height]
    while path:
        top = path[-1]
        for child in top[1]:
            grandkids = _children(child)
            if grandkids is None:
                continue
            known = heights.get(id(child))
            if known is not None:
                top[2] = max(top[2], known)
                continue
            if id(child) in on_path or len(path) >= limit:
                return limit + 1
            on_path.add(id(child))
            path.append([child, iter(grandkids), 0])
            break
        else:
            path.pop()
            on_path.discard(id(top[0]))
            height = top[2] + 1
            heights[id(top[0])] = height
            if path:
                path[-1][2] = max(path[-1][2], height)
            elif height > limit:
                return limit + 1
            else:
                return height
    return 0  # not reached


def read_capped(
    path: str | os.PathLike[str], cap: int, setting: str, error: type[FileFormatError],
    limits: LoadLimits,
) -> bytes:
    """The bytes of a file of at most ``cap`` bytes (checked before and while reading)."""
    path = Path(path)
    too_big = f"larger than {cap} bytes ({limits.describe(setting)})"
    if path.stat().st_size > cap:
        raise error(path, too_big)
    with path.open("rb") as fh:
        data = fh.read(cap + 1)  # a file that grew since stat() is still caught
    if len(data) > cap:
        raise error(path, too_big)
    return data


def parse_json(
    label: str | os.PathLike[str], data: bytes, error: type[FileFormatError], limits: LoadLimits,
) -> Any:
    """``json.loads`` of UTF-8 bytes (a BOM allowed) nesting at most ``max_json_depth`` levels."""
    lim = limits.max_json_depth
    too_deep = f"nesting deeper than {lim} levels ({limits.describe('max_json_depth')})"
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise error(label, too_deep) from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError; ints over 4,300 digits
        raise error(label, f"not valid JSON ({str(exc)[:200]})") from None
    if nesting_depth(obj, lim) > lim:
        raise error(label, too_deep)
    return obj


@dataclass
class BoundedZip:
    """Reads members of one open zip archive within the limits.

    The declared sizes of the central directory are checked before a member is opened, and the
    inflated bytes are counted while reading, so a header that understates a member's size does
    not bypass the caps. Archives with more than ``max_zip_members`` members are refused at
    :meth:`members`.

    Attributes:
        zf: the open archive. label: the file, as error messages name it.
        error: the loader's FileFormatError subclass. limits: the caps.
        inflated: bytes read from the archive so far (all members).
    """

    zf: zipfile.ZipFile
    label: str
    error: type[FileFormatError]
    limits: LoadLimits
    inflated: int = field(default=0, init=False)

    def members(self) -> list[zipfile.ZipInfo]:
        infos = self.zf.infolist()
        cap = self.limits.max_zip_members
        if len(infos) > cap:
            raise self.error(self.label, f"{len(infos)} members, more than {cap} "
                             f"({self.limits.describe('max_zip_members')})")
        return infos

    def _where(self, info: zipfile.ZipInfo) -> str:
        return f"{self.label}!{info.filename}"

    def _check_declared(self, info: zipfile.ZipInfo) -> None:
        lim = self.limits
        if info.file_size > lim.max_zip_entry_bytes:
            raise self.error(self._where(info), f"inflates to {info.file_size} bytes, more than "
                             f"{lim.max_zip_entry_bytes} ({lim.describe('max_zip_entry_bytes')})")
        self._charge(info, info.file_size, declared=True)

    def _charge(self, info: zipfile.ZipInfo, n: int, *, declared: bool = False) -> None:
        lim = self.limits
        total = self.inflated + n
        if total > lim.max_zip_total_bytes:
            raise self.error(self._where(info), f"the archive inflates to more than "
                             f"{lim.max_zip_total_bytes} bytes "
                             f"({lim.describe('max_zip_total_bytes')})")
        if not declared:
            self.inflated = total

    def _chunks(self, info: zipfile.ZipInfo, size: int) -> Iterator[bytes]:
        """The member's bytes in chunks, at most ``size`` of them, then a check that no more
        follow. zipfile's own errors (bad CRC, bad compression data) are the loader's error."""
        cap = self.limits.max_zip_entry_bytes
        left = size
        try:
            with self.zf.open(info) as fh:
                while left > 0:
                    chunk = fh.read(min(_CHUNK, left))
                    if not chunk:
                        raise self.error(self._where(info), f"member ends after {size - left} "
                                         f"of its {size} bytes")
                    self._charge(info, len(chunk))
                    left -= len(chunk)
                    yield chunk
                if fh.read(1):
                    raise self.error(self._where(info), f"member holds more than its declared "
                                     f"{size} bytes (the cap is {cap}, "
                                     f"{self.limits.describe('max_zip_entry_bytes')})")
        except FileFormatError:
            raise
        except _ZIP_ERRORS as exc:
            raise self.error(self._where(info), f"unreadable member ({exc})") from None

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """All bytes of one member (at most ``max_zip_entry_bytes``)."""
        self._check_declared(info)
        return b"".join(self._chunks(info, info.file_size))

    def read_npy(self, info: zipfile.ZipInfo) -> np.ndarray:
        """One ``.npy`` member (no object arrays): its header's shape and dtype must account
        for exactly the member's declared size, which must be within the caps, before any
        array memory is allocated."""
        self._check_declared(info)
        where = self._where(info)
        try:
            with self.zf.open(info) as fh:
                version = np.lib.format.read_magic(fh)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
                else:
                    raise ValueError(f"unsupported .npy format version {version}")
                header_len = fh.tell()
        except (*_ZIP_ERRORS, SyntaxError) as exc:  # SyntaxError: a bad header dict
            raise self.error(where, f"not a readable .npy member ({exc})") from None
        if dtype.hasobject:
            raise self.error(where, "holds Python objects (object arrays are not read)")
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes != info.file_size - header_len:
            raise self.error(where, f"header declares shape {shape} of {dtype} ({nbytes} "
                             f"bytes) but the member holds {info.file_size - header_len}")
        buf = bytearray()
        for chunk in self._chunks(info, info.file_size):
            buf += chunk
        order = "F" if fortran else "C"
        if nbytes == 0:
            return np.empty(shape, dtype=dtype, order=order)
        flat = np.frombuffer(buf, dtype=dtype, count=math.prod(shape), offset=header_len)
        return flat.reshape(shape, order=order)

    def read_npz(self) -> dict[str, np.ndarray]:
        """The ``.npy`` members of an ``.npz`` by name (without ``.npy``), like ``np.load``."""
        return {info.filename[: -len(".npy")]: self.read_npy(info)
                for info in self.members() if info.filename.endswith(".npy")}
