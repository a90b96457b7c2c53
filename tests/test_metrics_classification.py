import numpy as np
import pytest

from flag3d_core.metrics.classification import (
    confusion_matrix,
    mean_class_accuracy,
    most_confused_pairs,
    per_class_accuracy,
    per_group_accuracy,
    top_k_accuracy,
)


def test_top_k_accuracy_hand_checked():
    probs = np.array([[0.1, 0.7, 0.2],   # true 1: top1 hit
                      [0.5, 0.3, 0.2],   # true 1: rank 2
                      [0.6, 0.3, 0.1],   # true 2: rank 3
                      [0.2, 0.2, 0.6]])  # true 2: top1 hit
    y = np.array([1, 1, 2, 2])
    assert top_k_accuracy(probs, y, 1) == pytest.approx(0.5)
    assert top_k_accuracy(probs, y, 2) == pytest.approx(0.75)
    assert top_k_accuracy(probs, y, 3) == pytest.approx(1.0)


def test_top_k_rejects_bad_shapes():
    with pytest.raises(ValueError, match="N, K"):
        top_k_accuracy(np.zeros((3, 2)), np.zeros(2, dtype=int), 1)


def test_confusion_rows_are_ground_truth():
    # two samples of class 0 both predicted as class 2
    cm = confusion_matrix(np.array([0, 0, 1]), np.array([2, 2, 1]), 3)
    assert cm[0, 2] == 2  # row = truth 0, column = prediction 2
    assert cm[2, 0] == 0
    assert cm[1, 1] == 1
    assert cm.sum() == 3


def test_mean_class_accuracy_excludes_absent_class():
    # class 0: 1/2 correct, class 1: 1/1, class 2 absent from y_true (but predicted once)
    y_true = np.array([0, 0, 1])
    y_pred = np.array([0, 2, 1])
    assert mean_class_accuracy(y_true, y_pred, 3) == pytest.approx((0.5 + 1.0) / 2)
    acc = per_class_accuracy(confusion_matrix(y_true, y_pred, 3))
    assert np.isnan(acc[2])


def test_per_group_accuracy_uses_true_class():
    groups = ["arm", "arm", "leg"]
    y_true = np.array([0, 1, 2, 2])
    y_pred = np.array([0, 2, 2, 0])
    out = per_group_accuracy(y_true, y_pred, groups)
    assert out == {"arm": pytest.approx(0.5), "leg": pytest.approx(0.5)}
    assert list(per_group_accuracy(y_true, y_pred, {0: "a", 1: "a", 2: "b"})) == ["a", "b"]


def test_most_confused_pairs_order():
    cm = np.array([[5, 3, 0], [1, 4, 3], [0, 2, 9]])
    assert most_confused_pairs(cm, 3) == [(0, 1, 3), (1, 2, 3), (2, 1, 2)]
    assert most_confused_pairs(np.eye(3, dtype=int), 5) == []
