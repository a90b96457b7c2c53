"""Skeletons a user uploads for recognition: a pyskl pickle or a ``.npy`` of shape (T, 25, 3).

Uploads are untrusted: pickles go through the restricted unpickler, ``.npy`` files are read with
``allow_pickle=False``, and every array is checked (shape, finite values, length) before a model
sees it. Problems raise :class:`UploadError` naming the file and the problem.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from flag3d_core.errors import FileFormatError, UploadError
from flag3d_core.layouts import NTU25

__all__ = ["MIN_FRAMES", "UploadError", "UploadedSkeleton", "parse_uploaded_skeleton", "top_k"]

MIN_FRAMES = 8


@dataclass(frozen=True)
class UploadedSkeleton:
    key: str
    joints: np.ndarray  # (T, 25, 3) float32 metres, z up
    label: int | None  # when the file says


def _check(name: str, arr: np.ndarray) -> np.ndarray:
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 3 or arr.shape[1:] != (NTU25.num_node, 3):
        raise UploadError(
            name, f"expected an array of shape (T, 25, 3) (NTU-25 joints, xyz), got {arr.shape}")
    if arr.shape[0] < MIN_FRAMES:
        raise UploadError(name, f"only {arr.shape[0]} frames; need at least {MIN_FRAMES}")
    if not np.isfinite(arr).all():
        raise UploadError(name, "contains NaN or infinite values")
    return arr.astype(np.float32)


def parse_uploaded_skeleton(name: str, data: bytes) -> list[UploadedSkeleton]:
    """Parse an uploaded file into skeleton sequences (a pyskl pickle may hold several)."""
    if not data:
        raise UploadError(name, "the file is empty")
    suffix = Path(name).suffix.lower()
    if suffix == ".npy":
        try:
            arr = np.load(io.BytesIO(data), allow_pickle=False)
        except ValueError as exc:
            raise UploadError(name, f"not a plain numpy array file ({exc})") from None
        return [UploadedSkeleton(Path(name).stem, _check(name, np.asarray(arr)), None)]
    if suffix in (".pkl", ".pickle"):
        from flag3d_core.datasets.flag3d.skeleton import SkippedRecord, iter_skeleton_pkl

        with tempfile.NamedTemporaryFile(suffix=".pkl") as tmp:
            tmp.write(data)
            tmp.flush()
            try:
                records = list(iter_skeleton_pkl(tmp.name, kind="3d"))
            except FileFormatError as exc:
                raise UploadError(name, exc.problem) from None
        good = [r for r in records if not isinstance(r, SkippedRecord)]
        if not good:
            reasons = "; ".join(f"{r.name}: {r.reason}" for r in records[:3]) or "no annotations"
            raise UploadError(name, f"no usable sequence ({reasons})")
        return [UploadedSkeleton(r.name, _check(name, r.keypoint), int(r.label)) for r in good]
    raise UploadError(
        name, "unsupported file type; upload a pyskl .pkl or a .npy of shape (T, 25, 3)")


def top_k(probs: np.ndarray, k: int = 5) -> list[tuple[int, float]]:
    """The k most probable classes of a (K,) probability vector, best first."""
    idx = np.argsort(-probs)[:k]
    return [(int(i), float(probs[i])) for i in idx]
