"""fit3d (SMPL fitted to 3D keypoints) and its batched Levenberg-Marquardt solver."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.optimize import least_squares

from flag3d_core.layouts.correspondences import correspondence
from flag3d_core.mesh_recovery.fit3d import Fit3dConfig, fit_joints3d
from flag3d_core.mesh_recovery.lm import LMConfig, levenberg_marquardt
from flag3d_core.metrics.mesh import mpjpe


def test_batched_lm_matches_scipy_least_squares_per_problem():
    # Rosenbrock-like residuals with a different constant per problem
    a = torch.tensor([1.0, 2.0, -0.5], dtype=torch.float64)

    def res(x: torch.Tensor, ai: torch.Tensor) -> torch.Tensor:
        return torch.stack([10 * (x[1] - x[0] ** 2), ai - x[0], 0.1 * x[0] * x[1]])

    out = levenberg_marquardt(res, torch.zeros(3, 2, dtype=torch.float64), (a,),
                              LMConfig(iters=200, tol=1e-15))
    for i, ai in enumerate(a.tolist()):
        ref = least_squares(lambda x, ai=ai: res(torch.tensor(x), torch.tensor(ai)).numpy(),
                            np.zeros(2), method="lm", xtol=1e-15, ftol=1e-15)
        np.testing.assert_allclose(out.x[i].numpy(), ref.x, atol=1e-6)
        assert float(out.cost[i]) == pytest.approx(2 * ref.cost, rel=1e-6, abs=1e-12)


@pytest.fixture(scope="module")
def sequence(small_env):
    from flag3d_core.body import load_body_model
    from flag3d_core.catalog import queries
    from flag3d_core.catalog.record import load_sequence
    from flag3d_core.settings import load_settings

    s = load_settings(small_env)
    body = load_body_model(s.body_models)
    con = queries.connect(s.catalog, read_only=True)
    try:
        sid = queries.cursor(con).execute(
            "SELECT sequence_id FROM sequences WHERE source = 'mocap' ORDER BY 1 LIMIT 1"
        ).fetchone()[0]
        rec = load_sequence(queries.cursor(con), s.arrays_dir, sid)
        sm = rec.smpl(body)
        kp = rec.joints3d()[:40]
        gt = body.pose(sm.global_orient, sm.body_pose, sm.betas, sm.transl).joints[:40]
    finally:
        con.close()
    return body, rec.layout.name, kp, gt


def test_fit_recovers_the_ground_truth_joints(sequence):
    body, layout, kp, gt = sequence
    steps = []
    fit = fit_joints3d(kp, correspondence(layout), body, Fit3dConfig(key_stride=8),
                       progress=lambda d, t: steps.append((d, t)))
    assert fit.joints.shape == (40, 24, 3) and fit.body_pose.shape == (40, 69)
    assert fit.betas.shape == (10,) and fit.transl.shape == (40, 3)
    assert np.nanmean(fit.residual_mm) < 5.0
    assert mpjpe(fit.joints, gt) < 15.0
    assert steps[-1] == (4, 4)
    # the posed body from the fitted parameters is where the fit says it is
    posed = body.pose(fit.global_orient, fit.body_pose, fit.betas, fit.transl).joints
    np.testing.assert_allclose(posed, fit.joints, atol=2e-4)


def test_missing_keypoints_are_left_out_and_the_per_frame_fit_runs(sequence):
    body, layout, kp, gt = sequence
    holes = kp[:6].copy()
    holes[:, 7] = np.nan  # a hand that the capture lost
    fit = fit_joints3d(holes, correspondence(layout), body,
                       Fit3dConfig(batched=False, warm_start=False, key_iters=60,
                                   refine_iters=0))
    assert np.isnan(fit.residual_mm[:, 7]).all()
    assert np.nanmean(fit.residual_mm) < 10.0


def test_bad_keypoint_shapes_are_refused(sequence):
    body, layout, kp, _ = sequence
    with pytest.raises(ValueError, match="keypoints must be"):
        fit_joints3d(kp[:, :10], correspondence(layout), body)
