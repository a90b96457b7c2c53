"""One-time conversion of a legacy SMPL pickle that embeds chumpy objects to plain numpy arrays.

The SMPL pickles released for Python 2 store some arrays (``shapedirs``, sometimes
``v_template``/``posedirs``) as ``chumpy.ch.Ch`` objects, and chumpy does not install on current
Python/numpy. This reads such a file with the project's restricted unpickler, except that every
``chumpy.*`` global becomes an inert stub that only records its pickled state (nothing of chumpy
is imported or run); each stub is then replaced by the array it holds.

Usage: ``python -m flag3d_core.body.convert SRC.pkl DST.pkl``
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core import safe_pickle
from flag3d_core.atomic import atomic_write
from flag3d_core.body.errors import BodyModelError
from flag3d_core.body.model import SPARSE_GLOBALS, _densify

__all__ = ["convert_legacy_model", "main"]

log = logging.getLogger(__name__)


class ChumpyStub:
    """Stands in for any chumpy class: built without arguments, keeps its state, runs nothing."""

    chumpy_name = "chumpy"

    def __new__(cls, *args: Any, **kwargs: Any) -> ChumpyStub:
        return object.__new__(cls)

    def __setstate__(self, state: Any) -> None:
        self.state = state


# ``_RestrictedUnpickler`` is safe_pickle's allow-list unpickler; reused, not copied.
class _ChumpyUnpickler(safe_pickle._RestrictedUnpickler):  # noqa: SLF001
    def find_class(self, module: str, name: str) -> Any:
        if module == "chumpy" or module.startswith("chumpy."):
            return type(name, (ChumpyStub,), {"chumpy_name": f"{module}.{name}"})
        return super().find_class(module, name)


def _array_of(stub: ChumpyStub, path: Path, key: str) -> np.ndarray:
    state = getattr(stub, "state", None)
    if isinstance(state, dict):
        if isinstance(state.get("x"), np.ndarray):
            return state["x"]
        arrays = [v for v in state.values() if isinstance(v, np.ndarray)]
        if len(arrays) == 1:
            return arrays[0]
    raise BodyModelError(
        path, f"array {key!r} is a chumpy expression ({stub.chumpy_name}) that cannot be "
        "evaluated without chumpy"
    )


def convert_legacy_model(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write ``dst``: the dict of ``src`` with chumpy arrays and sparse matrices made plain
    numpy (other values, e.g. the ``bs_style`` strings, kept). Returns ``dst``."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and not overwrite:
        raise BodyModelError(dst, "already exists; pass overwrite=True (or --overwrite)")
    allowed = safe_pickle.ALLOWED_GLOBALS | SPARSE_GLOBALS
    try:
        with src.open("rb") as fh:
            data = _ChumpyUnpickler(fh, label=str(src), allowed=allowed).load()
    except safe_pickle.FileFormatError as exc:
        raise BodyModelError(src, exc.problem) from None
    except (EOFError, pickle.UnpicklingError) as exc:
        raise BodyModelError(src, f"not a readable pickle ({exc})") from None
    if not isinstance(data, dict):
        raise BodyModelError(src, f"holds a {type(data).__name__}, expected a dict")
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, ChumpyStub):
            value = np.asarray(_array_of(value, src, str(key)))
        out[str(key)] = _densify(value)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(dst) as fh:
        pickle.dump(out, fh, protocol=4)
    log.info("converted %s -> %s", src, dst)
    return dst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="legacy SMPL .pkl (with chumpy objects)")
    parser.add_argument("dst", type=Path, help="where to write the plain-numpy .pkl")
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    try:
        path = convert_legacy_model(args.src, args.dst, overwrite=args.overwrite)
    except BodyModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
