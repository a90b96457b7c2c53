"""joblib dumps (VIBE, WHAM and 4D-Humans/PHALP results) read through the restricted unpickler.

``joblib.dump`` pickles each numpy array as a ``joblib.numpy_pickle.NumpyArrayWrapper`` (subclass,
shape, order, dtype, alignment) and writes the array's raw bytes right after the wrapper's BUILD
opcode, outside the pickle stream: a plain (or restricted) unpickler then fails on those bytes.
joblib's own ``NumpyUnpickler`` replaces the wrapper, at its BUILD, by an array read from the
bytes that follow. :class:`_JoblibUnpickler` does the same on top of the project's restricted
unpickler, so the allow-list, the dtype/array state checks and the load limits all apply, and
its allow-list adds exactly one global, the wrapper class.

joblib's ``NumpyUnpickler.load_build`` / ``NumpyArrayWrapper.read_array`` are not reused as they
are: they allocate the declared shape before reading (a crafted shape allocates any size), trust
whatever attributes the wrapper's state set, and read an object array's nested pickle with an
unpickler that lacks the state checks. Here:

* the wrapper's state must be a dict of its six known fields, of the types joblib writes
  (``subclass`` numpy.ndarray, a shape of non-negative ints, order C/F, a checked dtype);
* array bytes go through the unpickler's counted reads, so a shape that asks for more bytes than
  the file still holds is reported as truncation before any array memory is allocated;
* an object array (joblib writes it as a nested ordinary pickle) is read by a fresh restricted
  unpickler, which may not read past the end of the outer file either.

Compressed dumps (``compress=``: zlib, gzip, bz2, lzma/xz; lz4 when installed) are recognised by
joblib's own header check and inflated by joblib's decompressor file objects (joblib internals of
1.6.0: ``numpy_pickle_utils._detect_compressor``, ``compressor._COMPRESSORS``). Their inflated
size is measured first in one streaming pass, and refused past ``max_inflated_bytes`` (zlib
inflates up to ~1000x, so the file size alone bounds nothing); the pickle limits then scale with
the inflated size, as they scale with the size of an uncompressed file.
"""

from __future__ import annotations

import io
import lzma
import math
import os
import pickle
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np
from joblib.compressor import _COMPRESSORS
from joblib.numpy_pickle import NumpyArrayWrapper
from joblib.numpy_pickle_utils import _detect_compressor

from flag3d_core.errors import FileFormatError
from flag3d_core.io_limits import LoadLimits, current_limits
from flag3d_core.safe_pickle.checks import _NDARRAY, _SHORT, ALLOWED_GLOBALS, _Refused
from flag3d_core.safe_pickle.errors import PickleFormatError
from flag3d_core.safe_pickle.unpickler import _RestrictedUnpickler

__all__ = ["DEFAULT_MAX_INFLATED_BYTES", "safe_joblib_load"]

DEFAULT_MAX_INFLATED_BYTES = 4 << 30  # a PHALP dump of a long video inflates to ~1-2 GB
WRAPPER_GLOBAL = ("joblib.numpy_pickle", "NumpyArrayWrapper")
_WRAPPER_FIELDS = frozenset({"subclass", "shape", "order", "dtype", "allow_mmap",
                             "numpy_array_alignment_bytes"})
_CHUNK = 1 << 22
# What the decompressor file objects raise for corrupt or cut data (bz2: OSError).
_INFLATE_ERRORS = (zlib.error, lzma.LZMAError, OSError, EOFError, ValueError)
_TRUNCATED = "truncated (the file ends before the joblib pickle does)"


class _Forward(io.BufferedReader):
    """A decompressed stream read forward only: not seekable, so that the unpickler does not
    inflate the file again to find its end (its size was measured already)."""

    def seekable(self) -> bool:
        return False


class _JoblibUnpickler(_RestrictedUnpickler):
    """The restricted unpickler plus joblib's array wrapper (see the module docstring)."""

    dispatch = dict(_RestrictedUnpickler.dispatch)

    def __init__(self, file: IO[bytes], *, label: str, limits: LoadLimits,
                 size: int | None) -> None:
        super().__init__(file, label=label, allowed=ALLOWED_GLOBALS | {WRAPPER_GLOBAL},
                         limits=limits)
        self._stream = file
        if size is not None:  # a decompressed stream: its inflated size, measured beforehand
            self._size = size

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == WRAPPER_GLOBAL:
            return NumpyArrayWrapper  # resolved without importing anything by name
        return super().find_class(module, name)

    def load_build(self) -> None:
        state, inst = self.stack[-1], self.stack[-2]
        if not isinstance(inst, NumpyArrayWrapper):
            _RestrictedUnpickler.load_build(self)
            return
        if not isinstance(state, dict) or not set(state) <= _WRAPPER_FIELDS:
            raise _Refused(f"joblib array wrapper with state {_SHORT.repr(state)}")
        _RestrictedUnpickler.load_build(self)  # sets the (checked) fields on the wrapper
        self.stack[-1] = self._read_wrapped(self.stack[-1])

    dispatch[pickle.BUILD[0]] = load_build

    def _read_wrapped(self, wrapper: NumpyArrayWrapper) -> np.ndarray:
        """The array whose bytes follow ``wrapper`` in the file."""
        fields = vars(wrapper)
        shape, order, dtype = fields.get("shape"), fields.get("order"), fields.get("dtype")
        if fields.get("subclass") is not _NDARRAY:  # numpy.ndarray resolves to its stand-in
            raise _Refused("joblib array wrapper of something other than a plain ndarray")
        if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
            raise _Refused(f"joblib array wrapper with shape {_SHORT.repr(shape)}")
        if order not in ("C", "F") or not isinstance(dtype, np.dtype):
            raise _Refused(f"joblib array wrapper with order {_SHORT.repr(order)} and dtype "
                           f"{_SHORT.repr(dtype)}")
        frame = self._unframer.current_frame
        if frame is not None and frame.tell() != len(frame.getbuffer()):
            raise _Refused("joblib array data inside a pickle frame (not written by joblib)")
        if dtype.hasobject:
            return self._read_object_array(shape)
        if fields.get("numpy_array_alignment_bytes") is not None:  # joblib >= 1.2: padding
            (padding,) = self._file_read(1)
            self._file_read(padding)
        count = math.prod(shape)
        nbytes = count * dtype.itemsize
        if self._size is not None and nbytes > self._size - self._consumed:
            raise EOFError  # the shape asks for more than the file holds
        self._charge("numpy arrays", nbytes=nbytes)
        buf, filled = bytearray(nbytes), 0
        while filled < nbytes:
            chunk = self._file_read(min(_CHUNK, nbytes - filled))
            if not chunk:
                raise EOFError
            buf[filled:filled + len(chunk)] = chunk
            filled += len(chunk)
        if nbytes == 0:
            array = np.empty(shape, dtype=dtype, order=order)
        else:
            array = np.frombuffer(buf, dtype=dtype, count=count).reshape(shape, order=order)
        if not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        return array

    def _read_object_array(self, shape: tuple[int, ...]) -> np.ndarray:
        """joblib pickles an object array as a nested ordinary pickle right after its wrapper."""
        inner = _RestrictedUnpickler(self._stream, label=self._label, allowed=ALLOWED_GLOBALS,
                                     limits=self._limits)
        if self._size is not None:
            inner._size = self._size - self._consumed
        array = inner.load()
        self._consumed += inner._consumed
        if type(array) is not np.ndarray or not array.dtype.hasobject or array.shape != shape:
            raise _Refused(f"joblib object array that is not one of shape {shape}")
        return array


def _inflated_size(raw: IO[bytes], label: str, cap: int) -> int:
    """Bytes that a decompressor stream yields, read through once, refused past ``cap``."""
    total = 0
    while chunk := raw.read(_CHUNK):
        total += len(chunk)
        if total > cap:
            raise PickleFormatError(label, f"inflates to more than {cap} bytes (the limit "
                                    "max_inflated_bytes of safe_joblib_load)")
    # joblib's zlib/gzip reader stops quietly where the data stops; its zlib decompressor
    # knows whether the stream's end (and checksum) came. bz2/lzma raise EOFError themselves.
    decompressor = getattr(raw, "_decompressor", None)
    if not getattr(decompressor, "eof", True):
        raise PickleFormatError(label, "truncated (the file ends before its compressed data "
                                "does)")
    return total


def _unpickle(unpickler: _JoblibUnpickler, label: str, compressed: bool) -> Any:
    """``unpickler.load()`` with every failure of a malformed file as a PickleFormatError
    (the mapping of :func:`flag3d_core.safe_pickle.safe_load`, plus corrupt compressed data)."""
    try:
        return unpickler.load()
    except FileFormatError:
        raise
    except _Refused as exc:
        raise PickleFormatError(label, str(exc)) from None
    except EOFError:
        raise PickleFormatError(label, "file is empty" if unpickler._consumed == 0
                                else _TRUNCATED) from None
    except pickle.UnpicklingError as exc:
        if "truncated" in str(exc) or "exhausted" in str(exc):
            raise PickleFormatError(label, _TRUNCATED) from None
        raise PickleFormatError(label, f"not a valid pickle ({_SHORT.repr(str(exc))})") from None
    except _INFLATE_ERRORS as exc:
        if not compressed:
            raise PickleFormatError(label, f"corrupt pickle ({type(exc).__name__}: "
                                    f"{_SHORT.repr(str(exc))})") from None
        raise PickleFormatError(label, f"corrupt compressed data ({_SHORT.repr(str(exc))})"
                                ) from None
    except MemoryError:
        raise PickleFormatError(label, "ran out of memory while unpickling (a corrupt size "
                                "field, or a file too large for this machine)") from None
    except RecursionError:
        raise PickleFormatError(label, "nesting too deep to read") from None
    except Exception as exc:  # malformed opcodes/arguments surface as many builtin errors
        raise PickleFormatError(label, f"corrupt pickle ({type(exc).__name__}: "
                                f"{_SHORT.repr(str(exc))})") from None


def safe_joblib_load(
    path: str | os.PathLike[str], *, limits: LoadLimits | None = None,
    max_inflated_bytes: int = DEFAULT_MAX_INFLATED_BYTES,
) -> Any:
    """What ``joblib.load(path)`` returns, read with the restricted unpickler: numpy arrays
    (joblib's wrapped ones and ordinarily pickled ones), scalars, dtypes and builtin containers.

    Args:
        path: a joblib dump, compressed or not (a plain pickle of the same content reads too).
        limits: nesting depth and build budgets (default: :func:`~flag3d_core.io_limits.
            current_limits`); for a compressed file they scale with its inflated size.
        max_inflated_bytes: refuse a compressed file that inflates to more than this.

    Raises:
        UnsafePickleError: the pickle names a global outside the allow-list (the message names
            it, e.g. ``posix.system``); nothing was imported or called.
        PickleFormatError: empty, truncated, corrupt (compressed) data, a joblib format this
            does not read (joblib < 0.10, lz4 without the lz4 package), or a passed limit.
        FileNotFoundError: the path does not exist.
    """
    path = Path(path)
    label = str(path)
    limits = limits if limits is not None else current_limits()
    with path.open("rb", buffering=1 << 20) as fh:
        kind = _detect_compressor(fh)
        if kind == "compat":
            raise PickleFormatError(label, "written by joblib older than 0.10, which is not "
                                    "read (load and dump it again with a current joblib)")
        if kind not in _COMPRESSORS:
            return _unpickle(_JoblibUnpickler(fh, label=label, limits=limits, size=None),
                             label, compressed=False)
        try:
            raw = _COMPRESSORS[kind].decompressor_file(fh)
            size = _inflated_size(raw, label, max_inflated_bytes)
            raw.seek(0)
        except FileFormatError:
            raise
        except _INFLATE_ERRORS as exc:  # lz4 missing: ValueError; corrupt data: zlib.error ...
            raise PickleFormatError(label, f"cannot decompress ({kind}: "
                                    f"{_SHORT.repr(str(exc))})") from None
        with _Forward(raw, buffer_size=1 << 20) as stream:
            unpickler = _JoblibUnpickler(stream, label=label, limits=limits, size=size)
            return _unpickle(unpickler, label, compressed=True)
