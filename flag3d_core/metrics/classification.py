"""Classification metrics: pure functions, numpy arrays in, floats (or small arrays) out.

Conventions: ``probs`` (N, K) class scores (any monotone score works), ``y_true``/``y_pred``
(N,) integer labels in ``0..K-1``. Confusion matrices have ROWS = ground truth and
COLUMNS = prediction: ``cm[i, j]`` counts samples of true class i predicted as j.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def _labels(y: np.ndarray, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be (N,), got shape {y.shape}")
    return y.astype(np.int64)


def top_k_accuracy(probs: np.ndarray, y_true: np.ndarray, k: int = 1) -> float:
    """Fraction of samples whose true class is among the k highest scores.

    probs: (N, K); y_true: (N,). Ties are broken by class index (stable sort). NaN for N = 0.
    """
    probs = np.asarray(probs, dtype=np.float64)
    y = _labels(y_true, "y_true")
    if probs.ndim != 2 or probs.shape[0] != y.shape[0]:
        raise ValueError(f"probs must be (N, K) with N = len(y_true) = {len(y)}, got {probs.shape}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if len(y) == 0:
        return float("nan")
    top = np.argsort(-probs, axis=1, kind="stable")[:, :k]  # (N, k)
    return float((top == y[:, None]).any(axis=1).mean())


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts (K, K) int64 with rows = ground truth, columns = prediction."""
    yt, yp = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if yt.shape != yp.shape:
        raise ValueError(f"y_true {yt.shape} and y_pred {yp.shape} differ in length")
    for name, y in (("y_true", yt), ("y_pred", yp)):
        if len(y) and (y.min() < 0 or y.max() >= num_classes):
            raise ValueError(f"{name} has labels outside 0..{num_classes - 1}")
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (yt, yp), 1)
    return cm


def per_class_accuracy(cm: np.ndarray) -> np.ndarray:
    """Recall of each class from a confusion matrix (rows = truth); NaN for absent classes. (K,)"""
    cm = np.asarray(cm, dtype=np.float64)
    support = cm.sum(axis=1)
    return np.divide(np.diag(cm), support, out=np.full(len(cm), np.nan), where=support > 0)


def mean_class_accuracy(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> float:
    """Mean over classes of per-class accuracy (recall).

    Classes that do not occur in ``y_true`` are EXCLUDED from the mean (their accuracy is
    undefined), so the result does not depend on how many classes a test split lacks.
    NaN when y_true is empty.
    """
    acc = per_class_accuracy(confusion_matrix(y_true, y_pred, num_classes))
    return float(np.nanmean(acc)) if np.isfinite(acc).any() else float("nan")


def per_group_accuracy(y_true: np.ndarray, y_pred: np.ndarray,
                       group_of_class: Sequence[str] | Mapping[int, str]) -> dict[str, float]:
    """Accuracy of the samples whose TRUE class belongs to each group (e.g. body part).

    ``group_of_class[label]`` gives the group name. Groups without samples are left out.
    Returns {group: accuracy} in order of first appearance in ``group_of_class``.
    """
    yt, yp = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if yt.shape != yp.shape:
        raise ValueError(f"y_true {yt.shape} and y_pred {yp.shape} differ in length")
    if isinstance(group_of_class, Mapping):
        lookup = dict(group_of_class)
        order = list(dict.fromkeys(lookup[c] for c in sorted(lookup)))
    else:
        lookup = dict(enumerate(group_of_class))
        order = list(dict.fromkeys(group_of_class))
    missing = sorted(set(yt.tolist()) - set(lookup))
    if missing:
        raise ValueError(f"group_of_class has no group for label(s) {missing[:10]}")
    groups = np.array([lookup[int(c)] for c in yt], dtype=object)
    correct = yt == yp
    return {g: float(correct[groups == g].mean()) for g in order if (groups == g).any()}


def most_confused_pairs(cm: np.ndarray, n: int = 10) -> list[tuple[int, int, int]]:
    """The ``n`` largest off-diagonal cells as ``(true, predicted, count)``, count > 0 only,
    sorted by count (descending), then by (true, predicted)."""
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"confusion matrix must be square (K, K), got {cm.shape}")
    off = cm.copy()
    np.fill_diagonal(off, 0)
    rows, cols = np.nonzero(off > 0)
    cells = sorted(zip(rows.tolist(), cols.tolist(), off[rows, cols].tolist(), strict=True),
                   key=lambda c: (-c[2], c[0], c[1]))
    return [(int(t), int(p), int(c)) for t, p, c in cells[:n]]
