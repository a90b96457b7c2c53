"""What the safe unpickler admits and checks: the allow-list of globals, the checked stand-ins
they resolve to, and the validation of numpy dtype and array states (see the package docstring)."""

from __future__ import annotations

import _compat_pickle
import itertools
import math
import os
import pickle
import reprlib
import sys
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np

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


# Error messages show at most this much of a crafted value (never a full repr of a huge or
# deeply nested object).
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 60, 60


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
        raise _Refused(f"refused numpy dtype state {_SHORT.repr(state)} for {inst}")


def _check_array_state(state: Any) -> None:
    """``ndarray.__setstate__`` trusts an object array's list length (a short list crashes
    numpy 2.4); accept only states of numpy's own shape, with a matching data size."""
    if not isinstance(state, tuple) or len(state) != 5:
        raise _Refused("unsupported numpy array state")
    version, shape, dtype, fortran, data = state
    if version != 1 or not isinstance(dtype, np.dtype) or not isinstance(fortran, bool):
        raise _Refused("unsupported numpy array state")
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise _Refused(f"bad numpy array shape {_SHORT.repr(shape)}")
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
        raise _Refused(f"unexpected numpy _reconstruct arguments {_SHORT.repr(shape)}")
    return np.ndarray.__new__(np.ndarray, (0,), dtype)


def _dtype(obj: Any, align: Any = False, copy: Any = False) -> np.dtype:
    # numpy pickles a dtype as dtype(<short type code>, False, True) followed by BUILD; a
    # spec of any other form (field lists, long comma strings) is not what numpy writes.
    if not isinstance(obj, str) or len(obj) > 64:
        raise _Refused(f"numpy dtype from {_SHORT.repr(obj)} (numpy pickles name a type code)")
    return np.dtype(obj, bool(align), bool(copy))


def _length(obj: Any) -> int:
    """``len(obj)``; huge for a range too long for ``len``, 0 for an object without one."""
    try:
        return len(obj)
    except OverflowError:
        return sys.maxsize
    except TypeError:
        return 0


def _members(obj: Any) -> Iterable[Any]:
    """What ``set(obj)`` / ``OrderedDict(obj)`` would take from ``obj``."""
    if isinstance(obj, dict):
        return itertools.chain(obj.keys(), obj.values())
    return obj if hasattr(obj, "__iter__") else ()


# Classes of the core allow-list: none of them needs BUILD (arrays/dtypes are checked apart).
_CORE_TYPES = frozenset({set, frozenset, complex, slice, range, bytes, bytearray, OrderedDict,
                         np.dtype, np.ndarray})

# Allowed globals that resolve to a checked stand-in with no state of its own; the unpickler
# adds the ones that charge its budgets (set, frozenset, OrderedDict, range, bytes ...).
_STAND_INS: dict[tuple[str, str], Any] = {
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): _dtype,
}

# Objects that never receive items after they are built: stored in a container, they need no
# watching (see _RestrictedUnpickler._grow).
_FIXED_TYPES = frozenset({str, bytes, int, float, bool, type(None), complex, tuple, frozenset,
                          range, slice})
# Objects that hold no others (depth 0).
_LEAF_TYPES = frozenset({str, bytes, bytearray, int, float, bool, type(None), complex})


class _DeepTuple(list):
    """A tuple nested deeper than ``max_pickle_depth``, kept as a list under ``deep_lists=True``:
    unhashable, so that nothing deeper than the limit can ever be hashed (hashing a tuple
    recurses in C without a recursion check). The caller skips the record holding it."""


# Containers that deep_lists=True lets nest past the depth limit.
_LIST_TYPES = frozenset({list, dict, set, OrderedDict, _DeepTuple})

_base = pickle._Unpickler
_LIST_BYTES, _DICT_BYTES, _SET_BYTES = (sys.getsizeof(x) for x in ([], {}, set()))


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

