"""The restricted unpickler itself: opcodes overridden to enforce the allow-list, the state
checks and the load limits (see the package docstring)."""

from __future__ import annotations

import importlib
import pickle
import struct
from collections.abc import Iterable
from typing import IO, Any

import numpy as np

from flag3d_core.io_limits import LoadLimits, current_limits
from flag3d_core.safe_pickle.checks import (
    _CORE_TYPES,
    _DICT_BYTES,
    _FIXED_TYPES,
    _LEAF_TYPES,
    _LIST_BYTES,
    _LIST_TYPES,
    _SET_BYTES,
    _SHORT,
    _STAND_INS,
    _base,
    _canonical,
    _check_array_state,
    _check_dtype_state,
    _DeepTuple,
    _length,
    _Refused,
    _remaining_bytes,
)
from flag3d_core.safe_pickle.errors import (
    PickleFormatError,
    UnsafePickleError,
)
from flag3d_core.safe_pickle.stand_ins import StandInConstructors


class _RestrictedUnpickler(StandInConstructors, pickle._Unpickler):
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


