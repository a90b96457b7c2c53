"""Mesh-recovery metrics: parity with independent computations (scipy) and hand-checked cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from flag3d_core.layouts.joint_sets import JOINT_SETS
from flag3d_core.metrics.mesh import (
    accel_error,
    mesh_errors,
    mpjpe,
    pa_mpjpe,
    point_errors,
    pve,
    similarity_align,
)


def _random_pose(rng: np.random.Generator, t: int = 5, n: int = 24) -> np.ndarray:
    return rng.normal(size=(t, n, 3)) * 0.3


def test_similarity_align_matches_scipy_kabsch_and_scale():
    rng = np.random.default_rng(0)
    gt = _random_pose(rng)
    pred = gt + rng.normal(size=gt.shape) * 0.05
    pred = 1.3 * Rotation.random(random_state=1).apply(pred.reshape(-1, 3)).reshape(gt.shape) + 0.4
    ours = similarity_align(pred, gt)
    for t in range(len(gt)):
        pc, gc = pred[t] - pred[t].mean(0), gt[t] - gt[t].mean(0)
        rot, _ = Rotation.align_vectors(gc, pc)  # rotation only, minimises |gc - R pc|
        rp = rot.apply(pc)
        scale = (gc * rp).sum() / (pc * pc).sum()
        np.testing.assert_allclose(ours[t], scale * rp + gt[t].mean(0), atol=1e-9)


def test_pa_mpjpe_is_zero_for_a_similar_copy_and_mpjpe_ignores_root_offsets():
    rng = np.random.default_rng(1)
    gt = _random_pose(rng)
    rot = Rotation.random(random_state=2)
    copy = 0.7 * rot.apply(gt.reshape(-1, 3)).reshape(gt.shape) + np.array([1.0, -2.0, 0.5])
    assert pa_mpjpe(copy, gt) == pytest.approx(0.0, abs=1e-6)
    assert mpjpe(gt + np.array([3.0, 1.0, -1.0]), gt) == pytest.approx(0.0, abs=1e-9)
    assert mpjpe(copy, gt) > 10.0


def test_one_displaced_joint_hand_checked():
    gt = np.zeros((2, 24, 3))
    gt[:, :, 0] = np.arange(24) * 0.1
    pred = gt.copy()
    pred[:, 5, 2] += 0.024  # 24 mm on one joint of 24
    assert mpjpe(pred, gt) == pytest.approx(1.0)
    errs = point_errors(pred, gt, "root")
    assert errs.shape == (2, 24) and errs[0, 5] == pytest.approx(24.0)
    # the 14-joint set holds joint 5 (right knee) too: 24 mm over 14 joints, mid-hip root
    lsp = JOINT_SETS["lsp14"]
    assert 5 in lsp.joints
    assert mpjpe(pred, gt, "lsp14") == pytest.approx(24.0 / 14)


def test_pelvis_shift_counts_in_mpjpe_root_choice():
    gt = np.zeros((1, 24, 3))
    gt[:, :, 1] = np.linspace(0, 1, 24)
    pred = gt.copy()
    pred[:, 0] += [0.0, 0.0, 0.010]  # the pelvis itself 10 mm off: every other joint moves
    assert mpjpe(pred, gt) == pytest.approx(10.0 * 23 / 24)


def test_accel_error_hand_checked():
    t = np.arange(10, dtype=np.float64)
    gt = np.zeros((10, 24, 3))
    gt[:, 1:, 0] = 0.01 * t[:, None]  # constant velocity: zero acceleration
    pred = gt.copy()
    assert accel_error(pred, gt) == pytest.approx(0.0)
    pred[5, 3, 1] += 0.002  # a 2 mm spike on one joint in one frame
    # second differences see it at frames 4, 5, 6 with weights 1, -2, 1: (2 + 4 + 2) mm / (8 * 24)
    assert accel_error(pred, gt) == pytest.approx(8.0 / (8 * 24))


def test_pve_pelvis_aligned_and_mesh_errors_summary():
    rng = np.random.default_rng(3)
    verts = rng.normal(size=(4, 50, 3))
    joints = rng.normal(size=(4, 24, 3))
    shift = np.array([0.5, 0.0, 0.0])
    assert pve(verts + shift, verts) == pytest.approx(500.0)
    aligned = pve(verts + shift, verts, (joints + shift)[:, 0], joints[:, 0])
    assert aligned == pytest.approx(0.0, abs=1e-3)
    e = mesh_errors(joints + shift, joints, pred_vertices=verts + shift, gt_vertices=verts)
    s = e.summary()
    assert s["mpjpe"] == pytest.approx(0.0, abs=1e-9) and s["pve"] == pytest.approx(0.0, abs=1e-3)
    assert e.mpjpe.shape == (4, 24) and e.accel.shape == (2, 24) and e.pve.shape == (4,)


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="pred and gt"):
        mpjpe(np.zeros((3, 24, 3)), np.zeros((4, 24, 3)))
    with pytest.raises(ValueError, match="joint set smpl24 needs 24"):
        mpjpe(np.zeros((3, 17, 3)), np.zeros((3, 17, 3)))
