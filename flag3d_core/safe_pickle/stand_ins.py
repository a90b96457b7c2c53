"""The stand-in constructors of the restricted unpickler: what a pickle's ``set()``,
``frozenset()``, ``OrderedDict()``, ``range()``, ``bytes()``/``bytearray()``,
``_codecs.encode`` and numpy-scalar globals resolve to. Each refuses arguments that are not
data and charges the load limits for what it builds (a mixin of
:class:`~flag3d_core.safe_pickle.unpickler._RestrictedUnpickler`, whose ``_charge``,
``_depth_over`` and ``_record`` it uses)."""

from __future__ import annotations

import importlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from flag3d_core.safe_pickle.checks import _SHORT, _length, _members, _Refused

_np_scalar = importlib.import_module("numpy._core.multiarray").scalar


class StandInConstructors:
    """Checked constructors for the allow-listed globals that build containers or bytes."""

    _charge: Callable[..., None]
    _depth_over: Callable[..., int]
    _record: Callable[..., None]

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

