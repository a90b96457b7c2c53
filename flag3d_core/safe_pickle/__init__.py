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

import io
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from flag3d_core.errors import FileFormatError
from flag3d_core.io_limits import LoadLimits, current_limits
from flag3d_core.safe_pickle.checks import (
    _SHORT,
    ALLOWED_GLOBALS,
    _DeepTuple,
    _Refused,
)
from flag3d_core.safe_pickle.errors import (
    PickleFormatError,
    UnsafePickleError,
)
from flag3d_core.safe_pickle.joblib_files import safe_joblib_load
from flag3d_core.safe_pickle.unpickler import (
    _RestrictedUnpickler as _RestrictedUnpickler,  # subclassed by body/model.py
)

__all__ = [
    "ALLOWED_GLOBALS",
    "FileFormatError",
    "PickleFormatError",
    "UnsafePickleError",
    "safe_joblib_load",
    "safe_load",
    "safe_loads",
]

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

