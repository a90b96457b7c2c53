"""Joint correspondences (keypoints as SMPL joints and landmark vertices) as data."""

from __future__ import annotations

import numpy as np
import torch

from flag3d_core.layouts.correspondences import CORRESPONDENCES, correspondence, rigid_pairs
from flag3d_core.layouts.smpl24 import PARENTS


def test_every_layout_has_its_weights_summing_to_one_and_names_its_landmarks():
    for name, corr in CORRESPONDENCES.items():
        k = corr.target.num_node
        assert corr.joint_weights.shape == (k, 24) and corr.valid.shape == (k,)
        total = corr.joint_weights.sum(1) + corr.landmark_weights.sum(1)
        np.testing.assert_allclose(total[corr.valid], 1.0, err_msg=name)
    assert "head_top" in correspondence("ntu25").landmarks
    assert correspondence("smpl24").landmarks == ()


def test_numpy_and_torch_regressions_agree():
    corr = correspondence("ntu25")
    rng = np.random.default_rng(0)
    joints = rng.normal(size=(3, 24, 3))
    marks = rng.normal(size=(3, len(corr.landmarks), 3))
    a = corr.regress(joints, marks)
    b = corr.regress_torch(torch.from_numpy(joints), torch.from_numpy(marks)).numpy()
    np.testing.assert_allclose(a, b, atol=1e-12)
    assert a.shape == (3, 25, 3)
    np.testing.assert_array_equal(a[:, 0], joints[:, 0])  # SpineBase is the pelvis


def test_rigid_pairs_are_parent_child_or_siblings():
    pairs = rigid_pairs(correspondence("ntu25"))
    assert (12, 13, 1, 4) in pairs  # left hip - left knee
    for _, _, ja, jb in pairs:
        assert PARENTS[jb] == ja or PARENTS[ja] == jb or PARENTS[ja] == PARENTS[jb]
