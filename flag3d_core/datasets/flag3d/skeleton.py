"""Reader of FLAG3D's pyskl-layout skeleton pickles (3D NTU-25 and 2D COCO-17).

File layout (``FORMATS.md``)::

    {'split': {'train': [names], 'val': [names]},            # optional
     'annotations': [{'frame_dir': name, 'label': int,
                      'keypoint': (M, T, J, C),              # 3D: J=25, C=3 metres z up
                      'keypoint_score': (M, T, J),           # 2D only, in [0, 1]
                      'total_frames': T, 'img_shape': (H, W), ...}, ...]}

Conventions are converted once, here: the first person is kept and the M axis dropped,
keypoints become float32 ``(T, J, C)`` and scores float32 ``(T, J)``.

Per-record problems never stop the iteration: :func:`iter_skeleton_pkl` yields a
:class:`SkippedRecord` with the reason instead. File-level problems raise a
:class:`~flag3d_core.datasets.flag3d.errors.FileFormatError` subclass naming the file.

The pickle is read within :class:`~flag3d_core.io_limits.LoadLimits` (``limits=``), with one
twist: lists and dicts may nest past ``max_pickle_depth`` while unpickling, and each annotation
is measured on its own, so that one absurdly nested record is skipped (its reason names the
file and the limit) instead of failing the file.
"""

from __future__ import annotations

import logging
import math
import os
import reprlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from flag3d_core.datasets.flag3d.errors import NameParseError, SkeletonFileError
from flag3d_core.datasets.flag3d.names import (
    NUM_ACTIVITIES,
    SequenceName,
    parse_sequence_name,
)
from flag3d_core.io_limits import LoadLimits, current_limits, nesting_depth
from flag3d_core.layouts import COCO17, NTU25
from flag3d_core.safe_pickle import safe_load

__all__ = ["SkeletonRecord", "SkippedRecord", "iter_skeleton_pkl", "read_split"]

log = logging.getLogger(__name__)

Kind = Literal["3d", "2d"]
# kind -> (joints, channels); layouts: 3D ntu25 (metres, z up), 2D coco17 (pixels).
_SHAPES: dict[str, tuple[int, int]] = {"3d": (NTU25.num_node, 3), "2d": (COCO17.num_node, 2)}
_SCORE_TOL = 1e-2  # float16 scores may overshoot [0, 1] by rounding; clip within this
_MAX_NAME = 200  # characters: FLAG3D names have ~20; a longer frame_dir is not one
_MAX_PIXELS = 2**31 - 1  # img_shape values are stored as 32-bit integers
# Skip reasons quote a bad value briefly, never as a full repr of a huge or nested object.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 40, 40


@dataclass(frozen=True, eq=False)
class SkeletonRecord:
    """One valid sequence of a skeleton pickle.

    Attributes:
        name: ``frame_dir`` as stored.
        label: 0-based class label (= activity - 1).
        keypoint: 3D ``(T, 25, 3)`` float32 metres z up (ntu25), or 2D ``(T, 17, 2)`` float32
            pixels (coco17).
        score: 2D only, ``(T, 17)`` float32 in [0, 1]; None for 3D.
        total_frames: T.
        img_shape: ``(H, W)`` when stored, else None.
        split: the file's split containing this name (``train``/``val``...), or None.
        sequence: the parsed name.
    """

    name: str
    label: int
    keypoint: np.ndarray = field(repr=False)
    score: np.ndarray | None = field(repr=False)
    total_frames: int
    img_shape: tuple[int, int] | None
    split: str | None
    sequence: SequenceName


@dataclass(frozen=True)
class SkippedRecord:
    """An annotation that was not yielded as a record, with the reason."""

    name: str
    reason: str
    index: int | None = None


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _all_finite(a: np.ndarray) -> bool:
    # Fast path: one float64 reduction; only a non-finite sum needs the element-wise check.
    if math.isfinite(float(np.sum(a, dtype=np.float64))):
        return True
    return bool(np.isfinite(a).all())


def _first_person(arr: Any, what: str, ndim: int, joints: int, channels: int | None) -> Any:
    """(M, T, J[, C]) -> float32 (T, J[, C]) of person 0, or a reason string."""
    if not isinstance(arr, np.ndarray):
        return f"{what} is a {type(arr).__name__}, not a numpy array"
    if arr.ndim != ndim:
        return f"{what} has ndim {arr.ndim}, expected {ndim} (shape {arr.shape})"
    if arr.dtype.kind not in "fiu":
        return f"{what} has non-numeric dtype {arr.dtype}"
    if arr.shape[0] < 1:
        return f"{what} has no person (shape {arr.shape})"
    if arr.shape[2] != joints:
        return f"{what} has {arr.shape[2]} joints, expected {joints} (shape {arr.shape})"
    if channels is not None and arr.shape[3] != channels:
        return f"{what} has {arr.shape[3]} channels, expected {channels} (shape {arr.shape})"
    if arr.shape[1] == 0:
        return f"{what} has 0 frames"
    one = arr[0]
    # Copy only when needed: float32 person 0 of a single-person array stays a view.
    out = np.ascontiguousarray(one, dtype=np.float32)
    if arr.shape[0] > 1 and np.may_share_memory(out, arr):
        out = out.copy()  # do not keep the other persons alive
    if not _all_finite(out):
        return f"{what} contains NaN or inf"
    return out


def _img_shape(value: Any) -> tuple[int, int] | None | str:
    if value is None:
        return None
    try:
        h, w = (int(v) for v in value)
    except (TypeError, ValueError, OverflowError):
        return f"img_shape {_SHORT.repr(value)} is not (H, W)"
    if not (0 <= h <= _MAX_PIXELS and 0 <= w <= _MAX_PIXELS):
        return f"img_shape {(h, w)} is outside 0..{_MAX_PIXELS}"
    return (h, w)


def _convert(
    ann: Any, kind: str, split_of: dict[str, str], seen: dict[str, int], index: int
) -> SkeletonRecord | SkippedRecord:
    if not isinstance(ann, dict):
        return SkippedRecord(f"<annotation {index}>", f"annotation is a {type(ann).__name__}, "
                             "not a dict", index)
    name = ann.get("frame_dir")
    if not isinstance(name, str):
        reason = "missing key 'frame_dir'" if name is None else "frame_dir is not a string"
        return SkippedRecord(f"<annotation {index}>", reason, index)
    if len(name) > _MAX_NAME or not name.isprintable():
        return SkippedRecord(f"<annotation {index}>", f"frame_dir {_SHORT.repr(name)} is not a "
                             "sequence name", index)

    def skip(reason: str) -> SkippedRecord:
        return SkippedRecord(name, reason, index)

    if name in seen:
        return skip(f"duplicate name (first seen at annotation {seen[name]})")
    seen[name] = index
    required = ("label", "keypoint") + (("keypoint_score",) if kind == "2d" else ())
    missing = [k for k in required if k not in ann]
    if missing:
        return skip("missing key(s) " + ", ".join(repr(k) for k in missing))
    try:
        seq = parse_sequence_name(name)
    except NameParseError as exc:
        return skip(str(exc))
    label = ann["label"]
    if not _is_int(label):
        return skip(f"label {_SHORT.repr(label)} is not an integer")
    label = int(label)
    if not 0 <= label < NUM_ACTIVITIES:
        return skip(f"label {label} is outside 0..{NUM_ACTIVITIES - 1}")
    if label != seq.label:
        return skip(f"label {label} disagrees with the name's activity "
                    f"A{seq.activity:03d} (label {seq.label})")

    joints, channels = _SHAPES[kind]
    kp = _first_person(ann["keypoint"], "keypoint", 4, joints, channels)
    if isinstance(kp, str):
        return skip(kp)
    n_frames = kp.shape[0]
    score = None
    if kind == "2d":
        score = _first_person(ann["keypoint_score"], "keypoint_score", 3, joints, None)
        if isinstance(score, str):
            return skip(score)
        if score.shape[0] != n_frames:
            return skip(f"keypoint_score has {score.shape[0]} frames, keypoint {n_frames}")
        lo, hi = float(score.min()), float(score.max())
        if lo < -_SCORE_TOL or hi > 1 + _SCORE_TOL:
            return skip(f"keypoint_score outside [0, 1] (min {lo:.3g}, max {hi:.3g})")
        if lo < 0 or hi > 1:
            score = np.clip(score, 0.0, 1.0)

    total = ann.get("total_frames", n_frames)
    if not _is_int(total):
        return skip(f"total_frames {_SHORT.repr(total)} is not an integer")
    if int(total) != n_frames:
        return skip(f"total_frames={int(total)} but keypoint has {n_frames} frames")
    img_shape = _img_shape(ann.get("img_shape"))
    if isinstance(img_shape, str):
        return skip(img_shape)
    return SkeletonRecord(
        name=name, label=label, keypoint=kp, score=score, total_frames=n_frames,
        img_shape=img_shape, split=split_of.get(name), sequence=seq,
    )


def _load_top(
    path: str | os.PathLike[str], limits: LoadLimits
) -> tuple[list, dict[str, list[str]]]:
    # deep_lists: a deeply nested annotation is skipped by _iterate, not a file error.
    data = safe_load(path, limits=limits, deep_lists=True)
    if not isinstance(data, dict):
        raise SkeletonFileError(
            path, f"top level is a {type(data).__name__}, expected a dict with 'annotations'")
    if "annotations" not in data:
        raise SkeletonFileError(path, f"no 'annotations' key (keys: {sorted(map(str, data))})")
    anns = data["annotations"]
    if isinstance(anns, tuple):
        anns = list(anns)
    if not isinstance(anns, list):
        raise SkeletonFileError(path, f"'annotations' is a {type(anns).__name__}, not a list")
    split = data.get("split", {})
    if split is None:
        split = {}
    if not isinstance(split, dict) or not all(
        isinstance(k, str) and isinstance(v, (list, tuple, set))
        and all(isinstance(n, str) for n in v)
        for k, v in split.items()
    ):
        raise SkeletonFileError(path, "'split' must map split names to lists of sequence names")
    return anns, split


def iter_skeleton_pkl(
    path: str | os.PathLike[str], *, kind: Kind, drop: bool = True,
    limits: LoadLimits | None = None,
) -> Iterator[SkeletonRecord | SkippedRecord]:
    """Yield one :class:`SkeletonRecord` or :class:`SkippedRecord` per annotation, in order.

    Args:
        path: a pyskl pickle (``flag3d_keypoint.pkl``, ``flag3d_2d_*.pkl``).
        kind: ``3d`` (NTU-25 xyz) or ``2d`` (COCO-17 pixels + scores).
        drop: release each annotation from the loaded list as it is yielded, so that the
            converted arrays and the file's arrays are never all held at once.
        limits: what reading the file may cost (default: :func:`~flag3d_core.io_limits.
            current_limits`).

    Skip reasons: wrong ndim/joints/channels, NaN/inf, missing keys, label outside 0..59 or
    disagreeing with the name, unparsable name, 0 frames, ``total_frames`` mismatch, duplicate
    name (the second occurrence), an annotation nested deeper than ``max_pickle_depth``.

    Raises:
        ValueError: ``kind`` is not ``3d``/``2d`` (raised at the call, before reading).
        FileFormatError: (subclasses) empty/truncated/non-pickle file, a refused global, a
            passed limit, a top level that is not a dict with an ``annotations`` list, a
            malformed ``split``.
    """
    if kind not in _SHAPES:
        raise ValueError(f"kind must be '3d' or '2d', got {kind!r}")
    limits = limits if limits is not None else current_limits()
    anns, split = _load_top(path, limits)  # eager, so file errors surface on the first next()
    return _iterate(path, anns, split, kind, drop, limits.max_pickle_depth)


def _checked_convert(
    path: str | os.PathLike[str], ann: Any, kind: str, split_of: dict[str, str],
    seen: dict[str, int], index: int, max_depth: int,
) -> SkeletonRecord | SkippedRecord:
    """:func:`_convert`, after measuring the annotation's nesting (see the module docstring)."""
    name = f"<annotation {index}>"
    if isinstance(ann, dict) and isinstance(ann.get("frame_dir"), str):
        name = _SHORT.repr(ann["frame_dir"])[1:-1]
    if nesting_depth(ann, max_depth) > max_depth:
        return SkippedRecord(name, f"{path}: annotation nests deeper than {max_depth} levels "
                             f"(limit max_pickle_depth={max_depth})", index)
    try:
        return _convert(ann, kind, split_of, seen, index)
    except RecursionError:  # defence in depth: the depth check should catch it first
        return SkippedRecord(name, f"{path}: annotation nests too deeply to read "
                             f"(limit max_pickle_depth={max_depth})", index)


def _iterate(
    path: str | os.PathLike[str], anns: list, split: dict[str, list[str]], kind: str, drop: bool,
    max_depth: int,
) -> Iterator[SkeletonRecord | SkippedRecord]:
    split_of: dict[str, str] = {}
    for split_name, names in split.items():
        for n in names:
            split_of.setdefault(n, split_name)
    seen: dict[str, int] = {}
    n_ok = n_skip = 0
    for i in range(len(anns)):
        ann = anns[i]
        if drop:
            anns[i] = None
        out = _checked_convert(path, ann, kind, split_of, seen, i, max_depth)
        del ann
        if isinstance(out, SkippedRecord):
            n_skip += 1
            log.debug("%s: skipped %s: %s", path, out.name, out.reason)
        else:
            n_ok += 1
        yield out
    log.info("%s: %d %s sequences read, %d skipped", path, n_ok, kind, n_skip)
    if n_ok == 0 and n_skip:
        log.warning("%s: every annotation was skipped; is kind=%r right for this file?",
                    path, kind)


def read_split(
    path: str | os.PathLike[str], *, limits: LoadLimits | None = None
) -> dict[str, set[str]]:
    """The file's ``split`` table as ``{split: {names}}`` ({} when the file has none).

    Pickles cannot be read partially: this loads the whole file once.
    """
    _, split = _load_top(path, limits if limits is not None else current_limits())
    return {k: set(v) for k, v in split.items()}
