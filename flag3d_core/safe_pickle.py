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

What a pickle may build is bounded too (:mod:`flag3d_core.io_limits`, ``limits=``):

* nesting: the depth of every container is tracked as it is built (a side table by id, the
  objects pinned so that ids stay unique) and may not pass ``max_pickle_depth``; a 200,000-deep
  tuple would otherwise crash the interpreter when hashed as a dict key (C recursion). A
  container that grows deeper after being stored in another one (only recursive or crafted
  pickles do that) is refused, so the table stays exact. ``deep_lists=True`` exempts lists,
  dicts and sets, and keeps a tuple past the limit as an unhashable list (anything else
  hashable, dtypes and arrays stay limited), for callers that check each record themselves;
* what admitted callables build: ``set``/``frozenset``/``OrderedDict`` from an iterable and
  ``range`` charge their length to an item budget, ``bytes``/``bytearray``/``_codecs.encode``,
  numpy scalars and array data charge their size to a byte budget; both scale with the file
  size (a 51-byte ``set(range(10**10))`` is refused before anything is built);
* reads: no read (frames, byte strings, ``bytearray8``) may ask for more than the file still
  holds, so a corrupt length field never allocates.

Opcode-built objects need no budget of their own: each costs at least one byte of the file.
"""

from __future__ import annotations

import _compat_pickle
import importlib
import io
import itertools
import math
import os
import pickle
import reprlib
import struct
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np

from flag3d_core.errors import FileFormatError
from flag3d_core.io_limits import LoadLimits, current_limits

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


class _RestrictedUnpickler(pickle._Unpickler):
    """``pickle._Unpickler`` (the pure-Python one, whose opcodes can be overridden) with an
    allow-listing ``find_class``, a BUILD that validates dtype and array states, and the
    limits of :class:`~flag3d_core.io_limits.LoadLimits` (see the module docstring).

    Array pickles are a few opcodes per array plus large byte strings read in one call, so the
    pure-Python loop and the depth table cost little: ~0.1 s for 2,000 annotations with arrays
    of (300, 25, 3), 1.05-1.2x the time without the limits.
    """

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(
        self, file: IO[bytes], *, label: str, allowed: frozenset[tuple[str, str]],
        limits: LoadLimits | None = None, deep_lists: bool = False,
    ) -> None:
        # latin1: numpy arrays pickled by Python 2 carry their buffers as py2 ``str``.
        super().__init__(file, encoding="latin1")
        self._label = label
        self._allowed = allowed
        self._limits = limits if limits is not None else current_limits()
        self._max_depth = self._limits.max_pickle_depth
        self._deep_lists = deep_lists
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
        # Reads are counted and may not ask for more than the file still holds.
        self._size = _remaining_bytes(file)
        self._consumed = 0
        self._raw_read, self._raw_readline = self._file_read, self._file_readline
        self._file_read, self._file_readline = self._counted_read, self._counted_readline
        # Nesting: depth of each container built so far, by id; _pins keeps those objects (and
        # _placed the mutable ones stored inside another container) alive, so ids stay unique.
        self._depths: dict[int, int] = {}
        self._pins: list[Any] = []
        self._placed: dict[int, Any] = {}
        self._items = self._bytes = 0  # what admitted callables built so far
        self._stand_ins: dict[tuple[str, str], Any] = {
            **_STAND_INS,
            ("builtins", "set"): self._set,
            ("builtins", "frozenset"): self._frozenset,
            ("collections", "OrderedDict"): self._ordered_dict,
            ("builtins", "range"): self._range,
            ("builtins", "bytearray"): self._bytearray,
            ("builtins", "bytes"): self._bytes_of,
            ("_codecs", "encode"): self._codecs_encode,
            ("numpy._core.multiarray", "scalar"): self._scalar,
        }

    # ------------------------------------------------------------------ errors and budgets

    def _limit_error(self, problem: str, *settings: str, per_byte: str | None = None
                     ) -> PickleFormatError:
        limit = self._limits.describe(*settings, per_byte=per_byte)
        return PickleFormatError(self._label, f"{problem} ({limit})")

    def _file_size(self) -> int:
        return self._size if self._size is not None else self._consumed

    def _charge(self, what: str, *, items: int = 0, nbytes: int = 0) -> None:
        """Count what is about to be built beyond what the file spells out; refuse past the
        budgets (which grow with the file: its size, or for a stream the bytes read so far)."""
        lim = self._limits
        if items:
            self._items += items
            if self._items > lim.pickle_items_for(self._file_size()):
                size = self._file_size()
                raise self._limit_error(
                    f"{what} would build {items} items: more than the "
                    f"{lim.pickle_items_for(size)} a {size}-byte pickle may build",
                    "max_pickle_items", per_byte="pickle_items_per_byte")
        if nbytes:
            self._bytes += nbytes
            if self._bytes > lim.pickle_bytes_for(self._file_size()):
                size = self._file_size()
                raise self._limit_error(
                    f"{what} take more than the {lim.pickle_bytes_for(size)} bytes a "
                    f"{size}-byte pickle may build", "max_pickle_bytes",
                    per_byte="pickle_bytes_per_byte")

    def _counted_read(self, n: int) -> bytes:
        if self._size is not None and n > self._size - self._consumed:
            raise EOFError  # the pickle asks for more than the file holds: truncated
        data = self._raw_read(n)
        self._consumed += len(data)
        return data

    def _counted_readline(self) -> bytes:
        line = self._raw_readline()
        self._consumed += len(line)
        return line

    # ------------------------------------------------------------------ nesting

    # Depth of a container: 1 + the deepest of its items; leaves are 0. The table holds every
    # container deeper than 1: one that is absent counts as 1 (it holds leaves only, or nothing),
    # so the many small tuples of leaves (shapes, arguments) cost no entry.

    def _depth_over(self, items: Iterable[Any]) -> int:
        """1 + the deepest nesting among ``items``."""
        get = self._depths.get
        deepest = 0
        for x in items:
            if type(x) not in _LEAF_TYPES:
                d = get(id(x), 1)
                if d > deepest:
                    deepest = d
        return deepest + 1

    def _stored(self, items: Iterable[Any]) -> int:
        """``items`` are being stored inside a container: mark the mutable ones (see _grow) and
        return 1 + their deepest nesting. One pass: this runs for every container built."""
        get, placed = self._depths.get, self._placed
        deepest = 0
        for x in items:
            kind = type(x)
            if kind in _LEAF_TYPES:
                continue
            d = get(id(x), 1)
            if d > deepest:
                deepest = d
            if kind not in _FIXED_TYPES:
                placed[id(x)] = x
        return deepest + 1

    def _too_deep(self) -> PickleFormatError:
        return self._limit_error(f"nesting deeper than {self._max_depth} levels",
                                 "max_pickle_depth")

    def _record(self, obj: Any, depth: int) -> None:
        """``obj`` nests ``depth`` levels (kept if deeper than recorded); refuse past the limit."""
        if depth <= 1:
            return
        key = id(obj)
        old = self._depths.get(key)
        if old is not None and old >= depth:
            return
        if depth > self._max_depth and not (self._deep_lists and type(obj) in _LIST_TYPES):
            raise self._too_deep()
        if old is None:
            self._pins.append(obj)
        self._depths[key] = depth

    def _made_from(self, obj: Any, items: Any) -> Any:
        """``obj`` was just built holding ``items`` (a new object: its id has no entry).
        Returns what to keep: with deep_lists, a tuple past the limit becomes a _DeepTuple."""
        depth = self._stored(items)
        if depth > 1:
            if depth > self._max_depth and not (self._deep_lists and type(obj) in _LIST_TYPES):
                if not (self._deep_lists and type(obj) is tuple):
                    raise self._too_deep()
                obj = _DeepTuple(obj)
            self._depths[id(obj)] = depth
            self._pins.append(obj)
        return obj

    def _fill(self, items: Any, target: Any) -> None:
        """``target`` (already built) is about to receive ``items``."""
        self._grow(target, self._stored(items))

    def _grow(self, target: Any, depth: int) -> None:
        """``target`` (already built) now holds objects nesting ``depth - 1`` levels."""
        if depth > self._depths.get(id(target), 1):
            if id(target) in self._placed:  # its containers' recorded depth would go stale
                raise PickleFormatError(self._label, "a container grows after it was stored in "
                                        "another one (a recursive or crafted structure)")
            self._record(target, depth)

    def load_tuple(self) -> None:
        items = self.stack
        _base.load_tuple(self)
        self.stack[-1] = self._made_from(self.stack[-1], items)

    def load_tuple1(self) -> None:
        t = (self.stack[-1],)
        self.stack[-1] = self._made_from(t, t)

    def load_tuple2(self) -> None:
        stack = self.stack
        t = (stack[-2], stack[-1])
        stack[-2:] = [self._made_from(t, t)]

    def load_tuple3(self) -> None:
        stack = self.stack
        t = (stack[-3], stack[-2], stack[-1])
        stack[-3:] = [self._made_from(t, t)]

    def load_list(self) -> None:
        items = self.stack
        _base.load_list(self)
        self._made_from(items, items)

    def load_dict(self) -> None:
        items = self.stack
        depth = self._stored(items)
        _base.load_dict(self)
        self._record(self.stack[-1], depth)

    def load_frozenset(self) -> None:
        items = self.stack
        depth = self._depth_over(items)
        _base.load_frozenset(self)
        self._record(self.stack[-1], depth)

    def load_append(self) -> None:
        self._fill(self.stack[-1:], self.stack[-2])
        _base.load_append(self)

    def load_setitem(self) -> None:
        self._fill(self.stack[-2:], self.stack[-3])
        _base.load_setitem(self)

    def load_appends(self) -> None:
        self._fill(self.stack, self.metastack[-1][-1])
        _base.load_appends(self)

    def load_setitems(self) -> None:
        self._fill(self.stack, self.metastack[-1][-1])
        _base.load_setitems(self)

    def load_additems(self) -> None:
        self._fill(self.stack, self.metastack[-1][-1])
        _base.load_additems(self)

    def load_reduce(self) -> None:
        args = self.stack[-1]
        # = the args tuple's depth (a list when deep_lists kept a too deep tuple as a list)
        depth = self._stored(args) if isinstance(args, (tuple, list)) else 0
        _base.load_reduce(self)
        self._record(self.stack[-1], depth)

    def load_newobj(self) -> None:
        args = self.stack[-1]
        # = the args tuple's depth (a list when deep_lists kept a too deep tuple as a list)
        depth = self._stored(args) if isinstance(args, (tuple, list)) else 0
        _base.load_newobj(self)
        self._record(self.stack[-1], depth)

    def load_newobj_ex(self) -> None:
        kwargs, args = self.stack[-1], self.stack[-2]
        depth = self._stored((args, kwargs)) - 1
        _base.load_newobj_ex(self)
        self._record(self.stack[-1], depth)

    def load_obj(self) -> None:  # MARK class args... OBJ
        depth = self._stored(self.stack)
        _base.load_obj(self)
        self._record(self.stack[-1], depth)

    def load_inst(self) -> None:  # MARK args... INST module name
        depth = self._stored(self.stack)
        _base.load_inst(self)
        self._record(self.stack[-1], depth)

    for _op, _fn in ((pickle.TUPLE, load_tuple), (pickle.TUPLE1, load_tuple1),
                     (pickle.TUPLE2, load_tuple2), (pickle.TUPLE3, load_tuple3),
                     (pickle.LIST, load_list), (pickle.DICT, load_dict),
                     (pickle.FROZENSET, load_frozenset), (pickle.APPEND, load_append),
                     (pickle.APPENDS, load_appends), (pickle.SETITEM, load_setitem),
                     (pickle.SETITEMS, load_setitems), (pickle.ADDITEMS, load_additems),
                     (pickle.REDUCE, load_reduce), (pickle.NEWOBJ, load_newobj),
                     (pickle.NEWOBJ_EX, load_newobj_ex), (pickle.OBJ, load_obj),
                     (pickle.INST, load_inst)):
        dispatch[_op[0]] = _fn
    del _op, _fn

    # ------------------------------------------------------------------ stand-ins

    def _built_from(self, what: str, iterable: Any, build: Callable[..., Any]) -> Any:
        self._charge(what, items=_length(iterable))
        depth = self._depth_over(_members(iterable))
        out = build(iterable)
        self._record(out, depth)
        return out

    def _set(self, iterable: Any = ()) -> set:
        return self._built_from("set()", iterable, set)

    def _frozenset(self, iterable: Any = ()) -> frozenset:
        return self._built_from("frozenset()", iterable, frozenset)

    def _ordered_dict(self, *args: Any) -> OrderedDict:
        if len(args) > 1:
            raise _Refused("OrderedDict() with more than one argument")
        return self._built_from("OrderedDict()", args[0] if args else (), OrderedDict)

    def _range(self, *args: Any) -> range:
        out = range(*args)
        self._charge(_SHORT.repr(out), items=_length(out))
        return out

    def _bytearray(self, *args: Any) -> bytearray:
        if args and not isinstance(args[0], (bytes, str, list)):  # bytearray(n) allocates n
            raise _Refused("bytearray() from a size is not data")
        self._charge("bytearray() copies", nbytes=_length(args[0]) if args else 0)
        return bytearray(*args)

    def _bytes_of(self, *args: Any) -> bytes:
        # Protocol-2 pickles write b"" as bytes(); bytes(n) would allocate n bytes.
        if args and not isinstance(args[0], (bytes, str, list)):
            raise _Refused("bytes() from a size is not data")
        self._charge("bytes() copies", nbytes=_length(args[0]) if args else 0)
        return bytes(*args)

    def _codecs_encode(self, obj: Any, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        # Python 3 pickles bytes for protocol 2 as _codecs.encode(str, 'latin1').
        if encoding not in ("latin1", "latin-1") or not isinstance(obj, str):
            raise _Refused(f"_codecs.encode with encoding {_SHORT.repr(encoding)}")
        self._charge("_codecs.encode() copies", nbytes=len(obj))
        return obj.encode(encoding, errors)

    def _scalar(self, dtype: Any, *args: Any) -> Any:
        if not isinstance(dtype, np.dtype):
            raise _Refused("numpy scalar without a dtype")
        self._charge("numpy scalars", nbytes=dtype.itemsize)
        return _np_scalar(dtype, *args)

    # ------------------------------------------------------------------ checked opcodes

    # One opcode byte makes an empty container of 56 to 216 bytes (a MARK makes a list): the
    # only opcodes that build much more memory than they spell out. They charge the bytes
    # budget, so a file of them takes at most ~2x its size plus max_pickle_bytes.

    def load_empty_list(self) -> None:
        self._charge("empty containers", nbytes=_LIST_BYTES)
        self.append([])

    def load_empty_dictionary(self) -> None:
        self._charge("empty containers", nbytes=_DICT_BYTES)
        self.append({})

    def load_empty_set(self) -> None:
        self._charge("empty containers", nbytes=_SET_BYTES)
        self.append(set())

    def load_mark(self) -> None:
        self._charge("marks", nbytes=_LIST_BYTES)
        _base.load_mark(self)

    dispatch[pickle.EMPTY_LIST[0]] = load_empty_list
    dispatch[pickle.EMPTY_DICT[0]] = load_empty_dictionary
    dispatch[pickle.EMPTY_SET[0]] = load_empty_set
    dispatch[pickle.MARK[0]] = load_mark

    def load_build(self) -> None:
        # BUILD calls inst.__setstate__(state): only on arrays/dtypes (checked) and on
        # instances of classes the caller admitted through extra_allowed.
        state, inst = self.stack[-1], self.stack[-2]
        if isinstance(inst, np.dtype):
            _check_dtype_state(inst, state)
        elif type(inst) is np.ndarray:
            _check_array_state(state)
            self._charge("numpy arrays", nbytes=_length(state[4]))
        elif type(inst) not in self._extra_types:
            raise _Refused(f"BUILD on a {type(inst).__name__} object")
        self._grow(inst, self._stored((state,)))
        _base.load_build(self)

    dispatch[pickle.BUILD[0]] = load_build

    def load_bytearray8(self) -> None:
        # The base allocates (and zero-fills) the declared size before reading: a corrupt size
        # field would take all memory. Allocate only what the file can still hold.
        (size,) = struct.unpack("<Q", self.read(8))
        if self._size is None:  # unknown length: grow with the data actually read
            buf = bytearray()
            while len(buf) < size:
                chunk = self.read(min(size - len(buf), 1 << 26))
                if not chunk:
                    raise EOFError
                buf += chunk
        else:
            # the file's unread bytes plus (inside a frame, which was read whole) that frame's
            frame = self._unframer.current_frame
            if size > self._size - self._consumed + (frame.getbuffer().nbytes if frame else 0):
                raise EOFError
            buf = bytearray(size)
            if self.readinto(buf) != size:
                raise EOFError
        self.append(buf)

    dispatch[pickle.BYTEARRAY8[0]] = load_bytearray8

    def find_class(self, module: str, name: str) -> Any:
        canon = _canonical(module, name)
        if canon in self._stand_ins:  # always allowed, checked at call time
            return self._stand_ins[canon]
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
        raise UnsafePickleError(self._label, f"persistent id {_SHORT.repr(pid)}")


_np_scalar = importlib.import_module("numpy._core.multiarray").scalar

_TRUNCATED = "pickle is truncated (the file ends before the pickle does)"


def _load_stream(
    stream: IO[bytes], label: str, allowed: frozenset[tuple[str, str]],
    limits: LoadLimits | None, deep_lists: bool,
) -> Any:
    limits = limits if limits is not None else current_limits()
    start = stream.tell() if stream.seekable() else None
    try:
        return _RestrictedUnpickler(stream, label=label, allowed=allowed, limits=limits,
                                    deep_lists=deep_lists).load()
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
    except MemoryError:  # a file too large for this machine
        raise PickleFormatError(label, "ran out of memory while unpickling (a corrupt size "
                                "field, or a file too large for this machine)") from None
    except RecursionError:  # defence in depth: the depth table should refuse it first
        raise PickleFormatError(label, "nesting too deep to read "
                                f"({limits.describe('max_pickle_depth')})") from None
    except TypeError as exc:
        if _DeepTuple.__name__ in str(exc):  # "unhashable type: '_DeepTuple'": a deep key
            raise PickleFormatError(label, f"nesting deeper than {limits.max_pickle_depth} "
                                    f"levels ({limits.describe('max_pickle_depth')})") from None
        raise PickleFormatError(label, f"corrupt pickle (TypeError: {_SHORT.repr(str(exc))})"
                                ) from None
    except Exception as exc:  # malformed opcodes/arguments surface as many builtin errors
        raise PickleFormatError(
            label, f"corrupt pickle ({type(exc).__name__}: {_SHORT.repr(str(exc))})"
        ) from None


def safe_load(
    path_or_fileobj: str | os.PathLike[str] | IO[bytes],
    *,
    extra_allowed: Iterable[tuple[str, str]] = frozenset(),
    limits: LoadLimits | None = None,
    deep_lists: bool = False,
) -> Any:
    """Unpickle a file admitting only numpy arrays/scalars/dtypes and builtin containers.

    Args:
        path_or_fileobj: a path, or a binary file object opened for reading.
        extra_allowed: further ``(module, name)`` globals to admit, spelled as in the pickle
            (e.g. ``("scipy.sparse._csc", "csc_matrix")``).
        limits: nesting depth and build budgets (default: :func:`~flag3d_core.io_limits.
            current_limits`, i.e. the defaults with ``FLAG3D_*`` environment overrides).
        deep_lists: let lists, dicts and sets nest deeper than ``limits.max_pickle_depth``, and
            keep a tuple that would as an (unhashable) list; anything else hashable, dtypes and
            arrays stay limited. For a caller that measures each record itself and skips the
            deep ones (the skeleton reader, with :func:`~flag3d_core.io_limits.nesting_depth`).

    Returns:
        The unpickled object.

    Raises:
        UnsafePickleError: the pickle names a global outside the allow-list (names the file and
            the global, e.g. ``posix.system``); nothing was imported or called.
        PickleFormatError: the file is empty, truncated, not a pickle, or passes a limit (the
            message names the setting and its value).
        FileNotFoundError: the path does not exist.
    """
    allowed = ALLOWED_GLOBALS | frozenset(extra_allowed)
    if isinstance(path_or_fileobj, (str, os.PathLike)):
        path = Path(path_or_fileobj)
        with path.open("rb", buffering=1 << 20) as fh:
            return _load_stream(fh, str(path), allowed, limits, deep_lists)
    label = str(getattr(path_or_fileobj, "name", "<stream>"))
    return _load_stream(path_or_fileobj, label, allowed, limits, deep_lists)


def safe_loads(
    data: bytes, *, label: str = "<bytes>", extra_allowed: Iterable[tuple[str, str]] = frozenset(),
    limits: LoadLimits | None = None, deep_lists: bool = False,
) -> Any:
    """:func:`safe_load` for an in-memory pickle; ``label`` names it in error messages."""
    allowed = ALLOWED_GLOBALS | frozenset(extra_allowed)
    return _load_stream(io.BytesIO(data), label, allowed, limits, deep_lists)
