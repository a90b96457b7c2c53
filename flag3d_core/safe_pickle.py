"""A restricted unpickler: numpy arrays, scalars, dtypes and builtin containers, nothing else.

Pickles run code while they load: any global the stream names is imported and may be called.
Dataset and body-model files come from users, so every pickle in this project is read through
:func:`safe_load`, whose ``find_class`` admits only the few globals that numpy needs to rebuild
arrays (plus a handful of harmless builtin containers) and refuses everything else with
:class:`UnsafePickleError` before anything is imported or called.

Callers that need more (the body-model helper admits ``scipy.sparse`` matrices) pass the extra
``(module, name)`` pairs in ``extra_allowed``.

An allow-list of globals is not enough on its own. ``numpy.dtype.__setstate__`` trusts its
argument: a crafted dtype state (wrong item size, fields on a float type) crashes the
interpreter or corrupts memory once an array uses it; an object array whose item list is
shorter than its shape segfaults numpy 2.4 (both found by fuzzing). So BUILD is checked first:
a dtype state must be exactly what numpy pickles for a dtype built through its validating
constructor, an array state must carry data of exactly its shape's size, and BUILD on anything
else is refused (unless its class was admitted through ``extra_allowed``). Intercepting BUILD
needs the pure-Python unpickler (the C one cannot override an opcode); array pickles are a few
opcodes per array plus large byte strings read in one call, so it costs little.

Globals that could allocate without limit resolve to checked stand-ins: ``numpy.ndarray`` may
only be passed to ``_reconstruct``, which accepts only numpy's own ``(0,)`` placeholder shape;
``bytes``/``bytearray`` refuse a size; ``_codecs.encode`` accepts latin-1 only. ndarray
subclasses (masked arrays, ``np.matrix``) are therefore not readable, even with
``extra_allowed``.
"""

from __future__ import annotations

import _compat_pickle
import importlib
import io
import math
import os
import pickle
import struct
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np

from flag3d_core.errors import FileFormatError

__all__ = [
    "ALLOWED_GLOBALS",
    "FileFormatError",
    "PickleFormatError",
    "UnsafePickleError",
    "safe_load",
    "safe_loads",
]


class PickleFormatError(FileFormatError):
    """The file is empty, truncated or not a pickle at all."""


class UnsafePickleError(FileFormatError):
    """The pickle names a global outside the allow-list; nothing was imported or called."""

    def __init__(self, path: str | os.PathLike[str], global_name: str) -> None:
        self.global_name = global_name
        FileFormatError.__init__(
            self,
            path,
            f"refused to unpickle global {global_name!r}: only numpy arrays, scalars, dtypes "
            "and builtin containers may appear in a data pickle",
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.path, self.global_name))


# What numpy needs to rebuild ndarrays / scalars / dtypes (protocols 0-5, numpy 1.x and 2.x
# spellings: ``numpy.core`` is canonicalised to ``numpy._core`` below), plus builtins that
# pickles of plain containers refer to. ``_codecs.encode`` rebuilds ``bytes`` in protocol-2
# pickles written by Python 3 (numpy array buffers among them).
ALLOWED_GLOBALS: frozenset[tuple[str, str]] = frozenset(
    {
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("builtins", "complex"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "slice"),
        ("builtins", "bytearray"),
        ("builtins", "bytes"),
        ("builtins", "range"),
        ("collections", "OrderedDict"),
        ("_codecs", "encode"),
    }
)


def _canonical(module: str, name: str) -> tuple[str, str]:
    """Map legacy spellings to the ones in :data:`ALLOWED_GLOBALS`."""
    # Python 2 names (``__builtin__.xrange`` -> ``builtins.range``), as pickle itself maps them.
    if (module, name) in _compat_pickle.NAME_MAPPING:
        module, name = _compat_pickle.NAME_MAPPING[(module, name)]
    elif module in _compat_pickle.IMPORT_MAPPING:
        module = _compat_pickle.IMPORT_MAPPING[module]
    if module == "numpy.core" or module.startswith("numpy.core."):  # numpy < 2 pickles
        module = "numpy._core" + module[len("numpy.core") :]
    return module, name


class _Refused(pickle.UnpicklingError):
    """A call or state inside the pickle that numpy's own pickles never make.

    An ``UnpicklingError``, so that subclasses of the unpickler used directly (``.load()``)
    report it like any other bad pickle; :func:`safe_load` turns it into PickleFormatError."""


def _expected_dtype(inst: np.dtype, state: Any) -> np.dtype:
    """The dtype that ``inst.__setstate__(state)`` may legitimately produce, or raise."""
    if not isinstance(state, tuple) or len(state) != 8 or state[0] != 3:
        raise _Refused("unsupported numpy dtype state (only version-3 states are read)")
    _, byteorder, subarray, names, fields, elsize, _align, flags = state
    if byteorder not in ("<", ">", "|", "="):
        raise _Refused(f"bad byte order {byteorder!r} in a numpy dtype state")
    if subarray is None and names is None:  # plain dtype: only the byte order may change
        return inst.newbyteorder(byteorder) if byteorder in "<>" else inst
    if inst.char != "V" or inst.fields is not None or inst.subdtype is not None:
        raise _Refused(f"fields or sub-array set on a {inst} dtype")
    if subarray is not None:
        base, shape = subarray
        return np.dtype((base, shape))
    spec = {
        "names": list(names),
        "formats": [fields[n][0] for n in names],
        "offsets": [fields[n][1] for n in names],
        "titles": [fields[n][2] if len(fields[n]) > 2 else None for n in names],
        "itemsize": elsize,
    }
    return np.dtype(spec, align=bool(flags & 0x80))  # 0x80: NPY_ALIGNED_STRUCT


def _check_dtype_state(inst: np.dtype, state: Any) -> None:
    try:
        expected = _expected_dtype(inst, state)
        ok = expected.itemsize == inst.itemsize and expected.__reduce__()[2] == state
    except _Refused:
        raise
    except Exception:
        ok = False
    if not ok:
        raise _Refused(f"refused numpy dtype state {state!r:.200} for {inst}")


def _check_array_state(state: Any) -> None:
    """``ndarray.__setstate__`` trusts an object array's list length (a short list crashes
    numpy 2.4); accept only states of numpy's own shape, with a matching data size."""
    if not isinstance(state, tuple) or len(state) != 5:
        raise _Refused("unsupported numpy array state")
    version, shape, dtype, fortran, data = state
    if version != 1 or not isinstance(dtype, np.dtype) or not isinstance(fortran, bool):
        raise _Refused("unsupported numpy array state")
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise _Refused(f"bad numpy array shape {shape!r:.80}")
    count = math.prod(shape)
    if dtype.hasobject:
        if not isinstance(data, list) or len(data) != count:
            raise _Refused(f"object array of shape {shape} without {count} items")
    elif not isinstance(data, (bytes, bytearray, str)) or len(data) != count * dtype.itemsize:
        raise _Refused(f"array data does not match shape {shape} and dtype {dtype}")


class _NdarrayClass:
    """Stands in for ``numpy.ndarray`` in the pickle: numpy only passes the class to
    ``_reconstruct``; calling it directly would allocate an array of any requested size."""


_NDARRAY = _NdarrayClass()


def _reconstruct(subtype: Any, shape: Any, dtype: Any) -> np.ndarray:
    # numpy pickles always call _reconstruct(ndarray, (0,), b'b') and fill the array by BUILD.
    if subtype is not _NDARRAY or not isinstance(shape, tuple) or shape != (0,):
        raise _Refused(f"unexpected numpy _reconstruct arguments {shape!r:.80}")
    return np.ndarray.__new__(np.ndarray, (0,), dtype)


def _bytearray(*args: Any) -> bytearray:
    if args and not isinstance(args[0], (bytes, str, list)):  # bytearray(n) allocates n bytes
        raise _Refused("bytearray() from a size is not data")
    return bytearray(*args)


def _bytes(*args: Any) -> bytes:
    # Protocol-2 pickles write b"" as bytes(); bytes(n) would allocate n bytes.
    if args and not isinstance(args[0], (bytes, str, list)):
        raise _Refused("bytes() from a size is not data")
    return bytes(*args)


def _codecs_encode(obj: Any, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    # Python 3 pickles bytes for protocol 2 as _codecs.encode(str, 'latin1').
    if encoding not in ("latin1", "latin-1") or not isinstance(obj, str):
        raise _Refused(f"_codecs.encode with encoding {encoding!r}")
    return obj.encode(encoding, errors)


# Classes of the core allow-list: none of them needs BUILD (arrays/dtypes are checked apart).
_CORE_TYPES = frozenset({set, frozenset, complex, slice, range, bytes, bytearray, OrderedDict,
                         np.dtype, np.ndarray})

# Allowed globals that resolve to a checked stand-in instead of the real object.
_STAND_INS: dict[tuple[str, str], Any] = {
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): _NDARRAY,
    ("builtins", "bytearray"): _bytearray,
    ("builtins", "bytes"): _bytes,
    ("_codecs", "encode"): _codecs_encode,
}


def _remaining_bytes(file: Any) -> int | None:
    """Bytes from the current position to the end, or None for a non-seekable stream."""
    try:
        if not file.seekable():
            return None
        pos = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(pos)
    except (AttributeError, OSError, ValueError):
        return None
    return end - pos


class _RestrictedUnpickler(pickle._Unpickler):
    """``pickle._Unpickler`` (the pure-Python one, whose opcodes can be overridden) with an
    allow-listing ``find_class`` and a BUILD that validates dtype and array states.

    Array pickles are a few opcodes per array plus large byte strings read in one call, so the
    pure-Python loop costs little: ~0.1 s for 2,000 arrays of (300, 25, 3) here.
    """

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(
        self, file: IO[bytes], *, label: str, allowed: frozenset[tuple[str, str]]
    ) -> None:
        # latin1: numpy arrays pickled by Python 2 carry their buffers as py2 ``str``.
        super().__init__(file, encoding="latin1")
        self._label = label
        self._allowed = allowed
        # Classes admitted beyond the core allow-list (extra_allowed, or a subclass's own
        # find_class) may receive BUILD. The wrapper records them whichever find_class runs.
        self._extra_types: set[type] = set()
        resolve = self.find_class

        def recording_find_class(module: str, name: str) -> Any:
            found = resolve(module, name)
            if isinstance(found, type) and found not in _CORE_TYPES:
                self._extra_types.add(found)
            return found

        self.find_class = recording_find_class  # type: ignore[method-assign]
        self._remaining = _remaining_bytes(file)

    def load_build(self) -> None:
        # BUILD calls inst.__setstate__(state): only on arrays/dtypes (checked) and on
        # instances of classes the caller admitted through extra_allowed.
        state, inst = self.stack[-1], self.stack[-2]
        if isinstance(inst, np.dtype):
            _check_dtype_state(inst, state)
        elif type(inst) is np.ndarray:
            _check_array_state(state)
        elif type(inst) not in self._extra_types:
            raise _Refused(f"BUILD on a {type(inst).__name__} object")
        super().load_build()

    dispatch[pickle.BUILD[0]] = load_build

    def load_bytearray8(self) -> None:
        # The base allocates (and zero-fills) the declared size before reading: a corrupt size
        # field would take all memory. Allocate only what the file can still hold.
        (size,) = struct.unpack("<Q", self.read(8))
        if self._remaining is None:  # unknown length: grow with the data actually read
            buf = bytearray()
            while len(buf) < size:
                chunk = self.read(min(size - len(buf), 1 << 26))
                if not chunk:
                    raise EOFError
                buf += chunk
        else:
            if size > self._remaining:
                raise EOFError
            buf = bytearray(size)
            if self.readinto(buf) != size:
                raise EOFError
        self.append(buf)

    dispatch[pickle.BYTEARRAY8[0]] = load_bytearray8

    def find_class(self, module: str, name: str) -> Any:
        canon = _canonical(module, name)
        if canon in _STAND_INS:  # always allowed, checked at call time
            return _STAND_INS[canon]
        if (module, name) in self._allowed:
            return super().find_class(module, name)
        if canon not in self._allowed:
            raise UnsafePickleError(self._label, f"{module}.{name}")
        canon_module, canon_name = canon
        try:
            return getattr(importlib.import_module(canon_module), canon_name)
        except (ImportError, AttributeError):  # e.g. numpy 1.x has no numpy._core
            return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafePickleError(self._label, f"persistent id {pid!r}")


_TRUNCATED = "pickle is truncated (the file ends before the pickle does)"


def _load_stream(
    stream: IO[bytes], label: str, allowed: frozenset[tuple[str, str]]
) -> Any:
    start = stream.tell() if stream.seekable() else None
    try:
        return _RestrictedUnpickler(stream, label=label, allowed=allowed).load()
    except FileFormatError:
        raise
    except _Refused as exc:
        raise PickleFormatError(label, str(exc)) from None
    except EOFError:
        empty = start is not None and stream.tell() == start
        problem = "file is empty" if empty else _TRUNCATED
        raise PickleFormatError(label, problem) from None
    except pickle.UnpicklingError as exc:
        if "truncated" in str(exc) or "exhausted" in str(exc):  # truncated inside a frame
            raise PickleFormatError(label, _TRUNCATED) from None
        raise PickleFormatError(label, f"not a valid pickle ({exc})") from None
    except MemoryError:  # a corrupt size field, or a file too large for this machine
        raise PickleFormatError(label, "ran out of memory while unpickling (a corrupt size "
                                "field, or a file too large for this machine)") from None
    except Exception as exc:  # malformed opcodes/arguments surface as many builtin errors
        raise PickleFormatError(
            label, f"corrupt pickle ({type(exc).__name__}: {exc})"
        ) from None


def safe_load(
    path_or_fileobj: str | os.PathLike[str] | IO[bytes],
    *,
    extra_allowed: Iterable[tuple[str, str]] = frozenset(),
) -> Any:
    """Unpickle a file admitting only numpy arrays/scalars/dtypes and builtin containers.

    Args:
        path_or_fileobj: a path, or a binary file object opened for reading.
        extra_allowed: further ``(module, name)`` globals to admit, spelled as in the pickle
            (e.g. ``("scipy.sparse._csc", "csc_matrix")``).

    Returns:
        The unpickled object.

    Raises:
        UnsafePickleError: the pickle names a global outside the allow-list (names the file and
            the global, e.g. ``posix.system``); nothing was imported or called.
        PickleFormatError: the file is empty, truncated or not a pickle.
        FileNotFoundError: the path does not exist.
    """
    allowed = ALLOWED_GLOBALS | frozenset(extra_allowed)
    if isinstance(path_or_fileobj, (str, os.PathLike)):
        path = Path(path_or_fileobj)
        with path.open("rb", buffering=1 << 20) as fh:
            return _load_stream(fh, str(path), allowed)
    label = str(getattr(path_or_fileobj, "name", "<stream>"))
    return _load_stream(path_or_fileobj, label, allowed)


def safe_loads(
    data: bytes, *, label: str = "<bytes>", extra_allowed: Iterable[tuple[str, str]] = frozenset()
) -> Any:
    """:func:`safe_load` for an in-memory pickle; ``label`` names it in error messages."""
    allowed = ALLOWED_GLOBALS | frozenset(extra_allowed)
    return _load_stream(io.BytesIO(data), label, allowed)
