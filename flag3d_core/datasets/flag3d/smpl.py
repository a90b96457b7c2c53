"""FLAG3D's SMPL parameters (EasyMocap layout) and their conversion to standard SMPL.

EasyMocap stores, per frame, ``poses (72,)`` (axis-angle; the first three are a root rotation,
usually zero in FLAG3D), ``shapes (10,)``, a global rotation ``Rh (3,)`` and translation
``Th (3,)`` applied *after* the SMPL forward pass::

    vertices_world = R(Rh) @ SMPL(poses, shapes, transl=0).vertices + Th

Standard SMPL (smplx) instead takes ``global_orient``/``transl`` inside the forward pass, where
the root rotation pivots about the rest-pose pelvis ``J0(betas)``. :func:`easymocap_to_smpl`
converts between the two (derivation in its docstring); the loaders accept ``.npz``, ``.json``
(dict of arrays, or EasyMocap's per-frame list of ``{"id", "Rh", "Th", "poses", "shapes"}``
dicts, or a list of such per-frame lists) and ``.pkl`` (through the safe unpickler).

The rotations and the rest pelvis go through :mod:`flag3d_core.geometry.rotations` and
:mod:`flag3d_core.body.kinematics` (torch), imported on first use so that reading names and
skeletons stays light.

Files are read within :class:`~flag3d_core.io_limits.LoadLimits` (``limits=``): an ``.npz``
member's header must account for exactly its stored size before any array is allocated, inflated
sizes and member counts are capped, JSON files are capped in size and nesting, pickles go
through the safe unpickler's limits.
"""

from __future__ import annotations

import itertools
import os
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.datasets.flag3d.errors import SmplFileError
from flag3d_core.io_limits import BoundedZip, LoadLimits, current_limits, parse_json, read_capped
from flag3d_core.safe_pickle import safe_load

__all__ = [
    "EasyMocapParams",
    "SmplParams",
    "load_easymocap_smpl",
    "read_npz",
    "save_easymocap_npz",
    "easymocap_to_smpl",
    "smpl_to_easymocap",
    "rest_pelvis",
]

NUM_BETAS = 10
_WIDTHS = {"poses": 72, "Rh": 3, "Th": 3, "shapes": NUM_BETAS}


@dataclass(frozen=True, eq=False)
class EasyMocapParams:
    """EasyMocap SMPL parameters of one person, float32.

    poses (T, 72) axis-angle, shapes (10,), Rh (T, 3) axis-angle, Th (T, 3) metres.
    """

    poses: np.ndarray = field(repr=False)
    shapes: np.ndarray = field(repr=False)
    Rh: np.ndarray = field(repr=False)
    Th: np.ndarray = field(repr=False)

    @property
    def num_frames(self) -> int:
        return int(self.poses.shape[0])


@dataclass(frozen=True, eq=False)
class SmplParams:
    """Standard SMPL parameters, float32: global_orient (T, 3), body_pose (T, 69),
    betas (10,), transl (T, 3); axis-angle, metres."""

    global_orient: np.ndarray = field(repr=False)
    body_pose: np.ndarray = field(repr=False)
    betas: np.ndarray = field(repr=False)
    transl: np.ndarray = field(repr=False)

    @property
    def num_frames(self) -> int:
        return int(self.global_orient.shape[0])

    def as_dict(self) -> dict[str, np.ndarray]:
        """The four arrays under smplx's keyword names (the catalog's ``smpl`` .npz keys)."""
        return {"global_orient": self.global_orient, "body_pose": self.body_pose,
                "betas": self.betas, "transl": self.transl}


# ---------------------------------------------------------------------------- reading


def read_npz(path: str | os.PathLike[str], *, limits: LoadLimits | None = None
             ) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` (no object arrays), like ``dict(np.load(path))``, but each
    member's header is checked against its stored size and the caps before anything is
    allocated (:class:`~flag3d_core.io_limits.BoundedZip`).

    Raises:
        SmplFileError: not a zip, a corrupt member, a header that disagrees with the member's
            size, or a passed limit (the message names the file, the member and the limit).
    """
    limits = limits if limits is not None else current_limits()
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise SmplFileError(path, f"not a readable .npz ({exc})") from None
    with zf:
        return BoundedZip(zf, str(path), SmplFileError, limits).read_npz()


def _read_raw(path: Path, limits: LoadLimits) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return read_npz(path, limits=limits)
    if suffix == ".json":
        data = read_capped(path, limits.max_json_bytes, "max_json_bytes", SmplFileError, limits)
        return parse_json(path, data, SmplFileError, limits)
    if suffix in (".pkl", ".pickle"):
        return safe_load(path, limits=limits)
    raise SmplFileError(path, f"unsupported extension {suffix!r} (expected .npz, .json, .pkl)")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _frames_to_arrays(path: Path, frames: list, person_id: int | None) -> dict[str, np.ndarray]:
    """EasyMocap per-frame records -> dict of stacked (T, D) arrays.

    ``frames`` is a list of per-frame dicts (one person) or of per-frame lists of people; in
    the latter case the person with ``person_id`` (default: the first person of frame 0) is
    taken from every frame.
    """
    if any(isinstance(f, list) for f in frames):
        if person_id is None:
            first = frames[0][0] if isinstance(frames[0], list) and frames[0] else None
            first_id = first.get("id") if isinstance(first, dict) else None
            person_id = int(first_id) if _is_int(first_id) else None
        picked = []
        for t, people in enumerate(frames):
            if not isinstance(people, list) or not people:
                raise SmplFileError(path, f"frame {t} is not a non-empty list of people")
            if person_id is None:
                picked.append(people[0])
                continue
            match = [p for p in people if isinstance(p, dict) and _is_int(p.get("id"))
                     and int(p["id"]) == person_id]
            if not match:
                raise SmplFileError(path, f"frame {t} has no person with id {person_id}")
            picked.append(match[0])
        frames = picked
    out: dict[str, np.ndarray] = {}
    for key, width in _WIDTHS.items():
        rows = []
        for t, rec in enumerate(frames):
            if not isinstance(rec, dict):
                raise SmplFileError(path, f"frame {t} is a {type(rec).__name__}, not a dict")
            if key not in rec:
                raise SmplFileError(path, f"frame {t}: missing key {key!r}")
            try:
                row = np.asarray(rec[key], dtype=np.float64).reshape(-1)
            except (TypeError, ValueError, OverflowError):
                raise SmplFileError(path, f"frame {t}: {key!r} is not numeric") from None
            if row.size != width:
                raise SmplFileError(
                    path, f"frame {t}: {key!r} has {row.size} values, expected {width}")
            rows.append(row)
        out[key] = np.stack(rows)
    return out


def _as_array(path: Path, key: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise SmplFileError(path, f"{key!r} is not a numeric array") from None
    if not np.isfinite(arr).all():
        raise SmplFileError(path, f"{key!r} contains NaN or inf")
    return arr


def _validate(path: Path, raw: dict[str, Any]) -> EasyMocapParams:
    missing = [k for k in _WIDTHS if k not in raw]
    if missing:
        keys = sorted(str(k)[:40] for k in itertools.islice(raw, 20))
        raise SmplFileError(path, "missing key(s) " + ", ".join(map(repr, missing))
                            + f" (keys: {keys}{' ...' if len(raw) > 20 else ''})")
    arrs = {k: _as_array(path, k, raw[k]) for k in _WIDTHS}
    for key in ("poses", "Rh", "Th"):
        a = arrs[key]
        if a.ndim != 2 or a.shape[1] != _WIDTHS[key]:
            raise SmplFileError(path, f"{key!r} has shape {a.shape}, expected (T, {_WIDTHS[key]})")
    t_counts = {k: arrs[k].shape[0] for k in ("poses", "Rh", "Th")}
    if len(set(t_counts.values())) != 1:
        raise SmplFileError(path, "frame counts disagree: "
                            + ", ".join(f"{k} {n}" for k, n in t_counts.items()))
    if t_counts["poses"] == 0:
        raise SmplFileError(path, "sequence has 0 frames")
    shapes = arrs["shapes"]
    if shapes.ndim == 1:
        shapes = shapes[None]
    if shapes.ndim != 2 or shapes.shape[1] != NUM_BETAS:
        raise SmplFileError(path, f"'shapes' has shape {arrs['shapes'].shape}, expected "
                            f"({NUM_BETAS},), (1, {NUM_BETAS}) or (T, {NUM_BETAS})")
    if shapes.shape[0] not in (1, t_counts["poses"]):
        raise SmplFileError(path, f"'shapes' has {shapes.shape[0]} rows, expected 1 or T")
    if np.abs(shapes - shapes[:1]).max() > 1e-5:
        warnings.warn(f"{path}: per-frame 'shapes' vary; using their mean", stacklevel=3)
    f32 = np.float32
    return EasyMocapParams(
        poses=arrs["poses"].astype(f32), shapes=shapes.mean(axis=0).astype(f32),
        Rh=arrs["Rh"].astype(f32), Th=arrs["Th"].astype(f32),
    )


def load_easymocap_smpl(
    path: str | os.PathLike[str], *, person_id: int | None = None,
    limits: LoadLimits | None = None,
) -> EasyMocapParams:
    """Read one sequence's EasyMocap SMPL parameters from ``.npz``, ``.json`` or ``.pkl``.

    Args:
        path: the file.
        person_id: for per-frame lists of people, the ``id`` to follow (default: the first
            person of the first frame).
        limits: what reading the file may cost (default: :func:`~flag3d_core.io_limits.
            current_limits`).

    Raises:
        SmplFileError: unreadable file, missing key, wrong shape, NaN/inf, frame counts that
            disagree between ``poses``, ``Rh`` and ``Th``, a passed limit (the message names
            the file).
        FileFormatError: (other subclasses) pickle problems, e.g. a refused global.
    """
    path = Path(path)
    limits = limits if limits is not None else current_limits()
    try:
        raw = _read_raw(path, limits)
        if isinstance(raw, list):
            if not raw:
                raise SmplFileError(path, "empty list: no frames")
            raw = _frames_to_arrays(path, raw, person_id)
        if not isinstance(raw, dict):
            raise SmplFileError(path, f"top level is a {type(raw).__name__}, expected a dict "
                                "of arrays or a list of per-frame records")
        return _validate(path, raw)
    except RecursionError:  # defence in depth: the nesting limits should refuse it first
        raise SmplFileError(path, "nesting too deep to read "
                            f"({limits.describe('max_pickle_depth', 'max_json_depth')})") from None
    except MemoryError:
        raise SmplFileError(path, "ran out of memory reading the file (corrupt or too large "
                            "for this machine)") from None


def save_easymocap_npz(params: EasyMocapParams, path: str | os.PathLike[str]) -> None:
    """Write the FLAG3D release layout: poses (T,72), shapes (1,10), Rh, Th, float32."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, poses=params.poses.astype(np.float32),
                 shapes=params.shapes.reshape(1, NUM_BETAS).astype(np.float32),
                 Rh=params.Rh.astype(np.float32), Th=params.Th.astype(np.float32))
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- conversion


def rest_pelvis(
    v_template: np.ndarray, shapedirs: np.ndarray, j_regressor: Any, betas: np.ndarray
) -> np.ndarray:
    """Rest-pose pelvis ``J0(betas)`` of a SMPL-format body model.

    Args:
        v_template: (V, 3). shapedirs: (V, 3, B'), B' >= len(betas).
        j_regressor: (J, V), dense or scipy sparse. betas: (B,).

    Returns:
        (3,) float64: ``J_regressor[0] @ (v_template + shapedirs[..., :B] @ betas)``.
    """
    from flag3d_core.body.kinematics import shaped_rest_np  # torch: loaded on first use

    betas = np.asarray(betas, dtype=np.float64).reshape(-1)
    return shaped_rest_np(v_template, shapedirs, j_regressor, betas).joints[0]


def easymocap_to_smpl(params: EasyMocapParams, pelvis_rest: np.ndarray) -> SmplParams:
    """EasyMocap ``(poses, shapes, Rh, Th)`` -> standard SMPL parameters, same vertices.

    Derivation. Let ``x`` be a vertex after shape and body-pose blending and the non-root
    joint rotations, expressed relative to the root, and ``J0`` the rest-pose pelvis for these
    betas. SMPL with root rotation ``G`` and translation ``t`` rotates about the pelvis::

        v = G (x - J0) + J0 + t                                         (1)

    EasyMocap runs SMPL with root rotation ``R0 = R(poses[:, :3])`` and ``t = 0``, then
    applies ``R(Rh)`` and ``Th`` outside::

        v = R(Rh) [R0 (x - J0) + J0] + Th
          = (R(Rh) R0) (x - J0) + J0 + (Th + R(Rh) J0 - J0)            (2)

    Matching (1) and (2) term by term (pose blend shapes depend on the body pose only, not on
    the root rotation, so ``x`` is the same in both)::

        global_orient = rotvec(R(Rh) @ R(poses[:, :3]))   (= Rh when poses[:, :3] = 0)
        body_pose     = poses[:, 3:]
        transl        = Th + R(Rh) @ J0 - J0

    Args:
        params: EasyMocap parameters, poses (T, 72), shapes (10,), Rh (T, 3), Th (T, 3).
        pelvis_rest: (3,) ``J0(betas)`` from the body model (see :func:`rest_pelvis`); the
            loader does not know the body model.

    Returns:
        :class:`SmplParams`, float32.
    """
    from flag3d_core.geometry.rotations import axis_angle_to_matrix_np, matrix_to_axis_angle_np

    j0 = np.asarray(pelvis_rest, dtype=np.float64).reshape(3)
    rot_h = axis_angle_to_matrix_np(params.Rh)  # (T, 3, 3)
    rot_0 = axis_angle_to_matrix_np(params.poses[:, :3])  # (T, 3, 3)
    global_orient = matrix_to_axis_angle_np(rot_h @ rot_0)  # R(Rh) @ R0
    transl = params.Th.astype(np.float64) + rot_h @ j0 - j0  # (T, 3)
    f32 = np.float32
    return SmplParams(
        global_orient=global_orient.astype(f32),
        body_pose=np.ascontiguousarray(params.poses[:, 3:], dtype=f32),
        betas=params.shapes.reshape(NUM_BETAS).astype(f32),
        transl=transl.astype(f32),
    )


def smpl_to_easymocap(smpl: SmplParams, pelvis_rest: np.ndarray) -> EasyMocapParams:
    """Inverse of :func:`easymocap_to_smpl` with ``poses[:, :3] = 0`` (FLAG3D's convention):
    ``Rh = global_orient``, ``Th = transl - R(Rh) @ J0 + J0``.

    Args:
        smpl: standard SMPL parameters (T frames). pelvis_rest: (3,) ``J0(betas)``.
    """
    from flag3d_core.geometry.rotations import axis_angle_to_matrix_np

    j0 = np.asarray(pelvis_rest, dtype=np.float64).reshape(3)
    go = np.asarray(smpl.global_orient, dtype=np.float64)  # (T, 3)
    n = go.shape[0]
    th = np.asarray(smpl.transl, np.float64) - axis_angle_to_matrix_np(go) @ j0 + j0
    poses = np.concatenate([np.zeros((n, 3)), np.asarray(smpl.body_pose, np.float64)], axis=1)
    f32 = np.float32
    return EasyMocapParams(poses=poses.astype(f32),
                           shapes=np.asarray(smpl.betas).reshape(NUM_BETAS).astype(f32),
                           Rh=go.astype(f32), Th=th.astype(f32))
