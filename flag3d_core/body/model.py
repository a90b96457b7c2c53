"""Finding, reading and validating the body-model file (no torch; :mod:`.load` builds the
model from what this module reads).

The body-model directory holds ``smpl/SMPL_NEUTRAL.pkl`` (``.npz`` and the same names directly
in the directory are accepted too). It is either the procedural stand-in written by
:func:`~flag3d_core.body.standin.write_standin` or a licensed SMPL file the user placed there;
nothing in the code changes between the two. Pickles are read with the project's restricted
unpickler (never by smplx itself), and smplx gets the arrays through ``data_struct``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from flag3d_core.body.errors import BodyModelError, BodyModelNotFoundError
from flag3d_core.safe_pickle import FileFormatError, UnsafePickleError, safe_load

__all__ = [
    "MODEL_CANDIDATES",
    "BodyModelInfo",
    "find_body_model",
    "model_file",
    "model_info",
    "read_model_arrays",
    "validate_model_arrays",
]

MODEL_CANDIDATES = (
    "smpl/SMPL_NEUTRAL.pkl", "smpl/SMPL_NEUTRAL.npz", "SMPL_NEUTRAL.pkl", "SMPL_NEUTRAL.npz",
)
MIN_VERTICES = 6890  # smplx picks its 21 extra joints by SMPL vertex index (up to 6787)

# Real SMPL pickles store J_regressor as a scipy.sparse matrix; these are the globals its
# unpickling names (scipy's current and legacy module paths, and the protocol 0/1 helper).
SPARSE_GLOBALS: frozenset[tuple[str, str]] = frozenset(
    {(m, c) for m in ("scipy.sparse", "scipy.sparse.csc", "scipy.sparse._csc",
                      "scipy.sparse.csr", "scipy.sparse._csr")
     for c in ("csc_matrix", "csr_matrix")}
    | {("copy_reg", "_reconstructor"), ("copyreg", "_reconstructor"), ("builtins", "object")}
)


@dataclass(frozen=True)
class BodyModelInfo:
    """What :func:`find_body_model` found: the file, its kind and size, a line for the user."""

    path: Path
    kind: Literal["standin", "smpl"]
    n_vertices: int
    n_faces: int
    message: str


def model_file(body_dir: str | os.PathLike[str]) -> Path:
    """The first existing :data:`MODEL_CANDIDATES` file under ``body_dir``."""
    root = Path(body_dir)
    for rel in MODEL_CANDIDATES:
        if (root / rel).is_file():
            return root / rel
    raise BodyModelNotFoundError(
        root,
        "no body model found (looked for " + ", ".join(MODEL_CANDIDATES) + "); write the "
        "stand-in with flag3d_core.body.write_standin(dir) or place a licensed SMPL_NEUTRAL.pkl "
        "in <dir>/smpl/",
    )


def _chumpy_message(path: Path, global_name: str) -> str:
    out = path.with_name(path.stem + "_numpy.pkl")
    return (
        f"is a legacy SMPL pickle that stores its arrays as chumpy objects (it names "
        f"{global_name!r}); chumpy does not install on current Python/numpy. Convert it once to "
        f"plain numpy arrays: `python -m flag3d_core.body.convert {path} {out}`, then move "
        f"{out.name} to {path.name}"
    )


def _densify(value: Any) -> Any:
    """scipy.sparse matrices -> dense ndarray; everything else unchanged."""
    if type(value).__module__.startswith("scipy.sparse"):
        import scipy.sparse as sp

        shape = getattr(value, "_shape", None) or value.shape
        kind = sp.csr_matrix if "csr" in type(value).__name__ else sp.csc_matrix
        rebuilt = kind((value.data, value.indices, value.indptr), shape=shape)
        return np.asarray(rebuilt.toarray())
    return value


def read_model_arrays(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a body-model file (.pkl via the restricted unpickler, or .npz) into a dict.

    Raises:
        BodyModelError: unreadable file, refused pickle global (with the chumpy conversion
            command for legacy SMPL files), or not a dict of arrays.
    """
    path = Path(path)
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as npz:
                data: Any = {k: npz[k] for k in npz.files}
        else:
            data = safe_load(path, extra_allowed=SPARSE_GLOBALS)
    except UnsafePickleError as exc:
        if exc.global_name.startswith("chumpy"):
            raise BodyModelError(path, _chumpy_message(path, exc.global_name)) from None
        raise BodyModelError(path, exc.problem) from None
    except FileFormatError as exc:
        raise BodyModelError(path, exc.problem) from None
    except (OSError, ValueError) as exc:  # bad zip, object arrays in an npz
        raise BodyModelError(path, f"cannot read the file ({exc})") from None
    if not isinstance(data, dict):
        raise BodyModelError(path, f"holds a {type(data).__name__}, expected a dict of arrays")
    return {str(k): _densify(v) for k, v in data.items()}


def _check(path: Path, arrays: dict[str, Any], key: str, ndim: int,
           expect: str) -> np.ndarray:
    if key not in arrays:
        raise BodyModelError(path, f"missing array {key!r} (expected shape {expect})")
    try:
        arr = np.asarray(arrays[key])
    except Exception as exc:  # noqa: BLE001 - any conversion failure is a bad array
        raise BodyModelError(path, f"array {key!r} is not numeric ({exc})") from None
    if arr.ndim != ndim or arr.dtype.kind not in "biuf":
        raise BodyModelError(
            path, f"array {key!r} has shape {arr.shape} dtype {arr.dtype}, expected {expect}"
        )
    return arr


def validate_model_arrays(path: Path, arrays: dict[str, Any]) -> dict[str, np.ndarray]:
    """Check every array smplx needs; return them as ndarrays (plus any other keys unchanged).

    Expected: v_template (N, 3), shapedirs (N, 3, >=10), posedirs (N, 3, 207),
    J_regressor (24, N), weights (N, 24), kintree_table (2, 24), f (F, 3) with N >= 6890.
    """
    v = _check(path, arrays, "v_template", 2, "(N, 3)")
    n = v.shape[0]
    if v.shape[1] != 3 or n < MIN_VERTICES:
        raise BodyModelError(
            path, f"array 'v_template' has shape {v.shape}, expected (N, 3) with N >= "
            f"{MIN_VERTICES}"
        )
    specs = {
        "shapedirs": (3, lambda s: s[:2] == (n, 3) and s[2] >= 10, f"({n}, 3, >=10)"),
        "posedirs": (3, lambda s: s == (n, 3, 207), f"({n}, 3, 207)"),
        "J_regressor": (2, lambda s: s == (24, n), f"(24, {n})"),
        "weights": (2, lambda s: s == (n, 24), f"({n}, 24)"),
        "kintree_table": (2, lambda s: s == (2, 24), "(2, 24)"),
        "f": (2, lambda s: s[1:] == (3,) and s[0] > 0, "(F, 3)"),
    }
    out = dict(arrays)
    out["v_template"] = v
    for key, (ndim, ok, expect) in specs.items():
        arr = _check(path, arrays, key, ndim, expect)
        if not ok(arr.shape):
            raise BodyModelError(path, f"array {key!r} has shape {arr.shape}, expected {expect}")
        if arr.dtype.kind == "f" and not np.isfinite(arr).all():
            raise BodyModelError(path, f"array {key!r} holds NaN or infinite values")
        out[key] = arr
    faces = out["f"]
    if faces.dtype.kind not in "iu" or faces.min() < 0 or faces.max() >= n:
        raise BodyModelError(path, f"array 'f' must hold integer vertex indices in [0, {n})")
    return out


def model_info(path: Path, arrays: dict[str, np.ndarray]) -> BodyModelInfo:
    """What the validated ``arrays`` of ``path`` are: stand-in or SMPL, sizes, a line for the
    user."""
    n, f = arrays["v_template"].shape[0], arrays["f"].shape[0]
    if bool(arrays.get("flag3d_standin", False)):
        message = (
            f"Stand-in body model (procedural, not SMPL; {n} vertices). Replace {path} with "
            "a licensed SMPL_NEUTRAL.pkl to use the real SMPL body."
        )
        return BodyModelInfo(path, "standin", n, f, message)
    return BodyModelInfo(path, "smpl", n, f, f"SMPL body model {path} ({n} vertices).")


def find_body_model(body_dir: str | os.PathLike[str]) -> BodyModelInfo:
    """Locate, read and validate the body model under ``body_dir`` (raises BodyModelError)."""
    path = model_file(body_dir)
    return model_info(path, validate_model_arrays(path, read_model_arrays(path)))
