"""Rotation conversions (flag3d_core.geometry.rotations): round trips, parity with scipy,
edge cases (zero angle, angle near pi), batched shapes, gradients, 6D."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from flag3d_core.geometry import rotations as rot

torch.set_num_threads(1)

F64 = torch.float64


def _random_axis_angle(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Axis-angle vectors (*shape, 3), angles uniform in [0, pi)."""
    axis = rng.normal(size=shape + (3,))
    axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
    return axis * rng.uniform(0.0, np.pi, size=shape + (1,))


def _edge_axis_angle() -> np.ndarray:
    """(N, 3): zero, tiny, near-pi and pi rotations about assorted axes."""
    axes = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, -2, 3], [-1, -1, -1]])
    axes /= np.linalg.norm(axes, axis=1, keepdims=True)
    angles = [0.0, 1e-12, 1e-7, 1e-4, 1e-3, 0.5, np.pi - 1e-3, np.pi - 1e-6, np.pi - 1e-9]
    return np.concatenate([axes * a for a in angles])


@pytest.fixture(scope="module")
def aa() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([_random_axis_angle(rng, (500,)), _edge_axis_angle()])


def test_axis_angle_to_matrix_matches_scipy(aa):
    np.testing.assert_allclose(rot.axis_angle_to_matrix_np(aa),
                               Rotation.from_rotvec(aa).as_matrix(), atol=1e-14)
    big = np.array([[0.0, 0.0, 1.5 * np.pi], [3.0, -4.0, 0.0]])  # angles beyond pi
    np.testing.assert_allclose(rot.axis_angle_to_matrix_np(big),
                               Rotation.from_rotvec(big).as_matrix(), atol=1e-14)


def test_matrix_to_axis_angle_matches_scipy_and_round_trips(aa):
    mats = Rotation.from_rotvec(aa).as_matrix()
    back = rot.matrix_to_axis_angle_np(mats)
    assert np.linalg.norm(back, axis=-1).max() <= np.pi + 1e-12
    ref = Rotation.from_matrix(mats).as_rotvec()
    # at pi exactly both signs are right; nowhere here is exactly pi
    np.testing.assert_allclose(back, ref, atol=1e-7)
    np.testing.assert_allclose(back, aa, atol=1e-7)
    away = np.linalg.norm(aa, axis=-1) < np.pi - 1e-4  # well conditioned: tight
    np.testing.assert_allclose(back[away], aa[away], atol=1e-12)


def test_rotation_by_pi_comes_back_as_the_same_rotation():
    aa = np.array([[np.pi, 0, 0], [0, np.pi, 0], [0, 0, np.pi],
                   np.array([1.0, 2, -2]) / 3 * np.pi])
    mats = rot.axis_angle_to_matrix_np(aa)
    back = rot.matrix_to_axis_angle_np(mats)
    np.testing.assert_allclose(np.linalg.norm(back, axis=-1), np.pi, atol=1e-12)
    np.testing.assert_allclose(rot.axis_angle_to_matrix_np(back), mats, atol=1e-12)
    np.testing.assert_allclose(np.abs(back), np.abs(aa), atol=1e-12)  # axis up to sign


def test_quaternions_are_scalar_last_with_w_nonnegative_and_match_scipy(aa):
    q = rot.axis_angle_to_quat_np(aa)
    assert q.shape == (len(aa), 4) and (q[:, 3] >= 0).all()
    np.testing.assert_allclose(np.linalg.norm(q, axis=-1), 1.0, atol=1e-15)
    np.testing.assert_allclose(q, Rotation.from_rotvec(aa).as_quat(canonical=True), atol=1e-12)
    np.testing.assert_allclose(rot.axis_angle_to_quat_np([0.0, 0.0, 0.0]), [0, 0, 0, 1.0])
    half_turn_z = rot.axis_angle_to_quat_np([0.0, 0.0, np.pi / 2])
    np.testing.assert_allclose(half_turn_z, [0, 0, np.sqrt(0.5), np.sqrt(0.5)], atol=1e-15)


def test_quaternion_matrix_conversions_match_scipy(aa):
    q = Rotation.from_rotvec(aa).as_quat(canonical=True)
    mats = Rotation.from_quat(q).as_matrix()
    np.testing.assert_allclose(rot.quat_to_matrix_np(q), mats, atol=1e-14)
    np.testing.assert_allclose(rot.quat_to_matrix_np(3.0 * q), mats, atol=1e-14)  # non-unit
    np.testing.assert_allclose(rot.quat_to_matrix_np(-q), mats, atol=1e-14)  # q ~ -q
    got = rot.matrix_to_quat_np(mats)
    assert (got[:, 3] >= 0).all()
    # the sign is free where w = 0; compare up to sign there, exactly elsewhere
    sign = np.where(np.sum(got * q, axis=-1) < 0, -1.0, 1.0)[:, None]
    np.testing.assert_allclose(got * sign, q, atol=1e-12)
    np.testing.assert_allclose(rot.quat_to_axis_angle_np(q), Rotation.from_quat(q).as_rotvec(),
                               atol=1e-7)
    np.testing.assert_allclose(rot.quat_to_axis_angle_np(-q), Rotation.from_quat(q).as_rotvec(),
                               atol=1e-7)


def test_quaternion_round_trips(aa):
    q = rot.axis_angle_to_quat_np(aa)
    np.testing.assert_allclose(rot.quat_to_axis_angle_np(q), aa, atol=1e-7)
    back = rot.matrix_to_quat_np(rot.quat_to_matrix_np(q))
    sign = np.where(np.sum(back * q, axis=-1) < 0, -1.0, 1.0)[:, None]
    np.testing.assert_allclose(back * sign, q, atol=1e-12)


def test_axis_rotation_matches_scipy():
    angles = np.linspace(-4.0, 4.0, 17)
    for i, name in enumerate("xyz"):
        want = Rotation.from_euler(name, angles[:, None]).as_matrix()
        np.testing.assert_allclose(rot.axis_rotation_np(i, angles), want, atol=1e-15)
        np.testing.assert_allclose(rot.axis_rotation_np(name.upper(), angles), want, atol=1e-15)
    with pytest.raises(ValueError, match="axis"):
        rot.axis_rotation(3, torch.zeros(2))


def test_6d_is_the_first_two_columns_and_round_trips(aa):
    mats = rot.axis_angle_to_matrix_np(aa)
    d6 = rot.matrix_to_6d_np(mats)
    np.testing.assert_array_equal(d6[:, :3], mats[:, :, 0])
    np.testing.assert_array_equal(d6[:, 3:], mats[:, :, 1])
    np.testing.assert_allclose(rot.sixd_to_matrix_np(d6), mats, atol=1e-14)


def test_any_6d_vector_maps_to_a_proper_rotation():
    rng = np.random.default_rng(1)
    d6 = rng.normal(scale=3.0, size=(1000, 6))
    mats = rot.sixd_to_matrix_np(d6)
    np.testing.assert_allclose(mats @ mats.transpose(0, 2, 1), np.broadcast_to(np.eye(3),
                               mats.shape), atol=1e-13)
    np.testing.assert_allclose(np.linalg.det(mats), 1.0, atol=1e-13)
    # Gram-Schmidt: the first column is the first half, normalised
    np.testing.assert_allclose(mats[:, :, 0], d6[:, :3] / np.linalg.norm(d6[:, :3], axis=1,
                               keepdims=True), atol=1e-14)


@pytest.mark.parametrize("shape", [(), (7,), (2, 5, 24)])
def test_batched_shapes_dtype_and_device_are_kept(shape):
    rng = np.random.default_rng(2)
    aa32 = torch.from_numpy(_random_axis_angle(rng, shape)).float()
    mats = rot.axis_angle_to_matrix(aa32)
    assert mats.shape == shape + (3, 3) and mats.dtype == torch.float32
    quat = rot.axis_angle_to_quat(aa32)
    d6 = rot.matrix_to_6d(mats)
    assert quat.shape == shape + (4,) and d6.shape == shape + (6,)
    assert rot.quat_to_axis_angle(quat).shape == shape + (3,)
    assert rot.matrix_to_axis_angle(mats).shape == shape + (3,)
    assert rot.matrix_to_quat(mats).shape == shape + (4,)
    assert rot.quat_to_matrix(quat).shape == shape + (3, 3)
    assert rot.sixd_to_matrix(d6).shape == shape + (3, 3)
    assert rot.axis_rotation("z", aa32[..., 0]).shape == shape + (3, 3)
    # float32 agrees with the float64 numpy entry to float32 precision
    np.testing.assert_allclose(mats.numpy(), rot.axis_angle_to_matrix_np(aa32.double().numpy()),
                               atol=1e-6)
    np.testing.assert_allclose(rot.matrix_to_axis_angle(mats).numpy(), aa32.numpy(), atol=2e-3)


def test_numpy_entries_equal_the_torch_functions():
    rng = np.random.default_rng(3)
    aa = _random_axis_angle(rng, (4, 6))
    t = torch.from_numpy(aa)
    mats = rot.axis_angle_to_matrix(t)
    pairs = [
        (rot.axis_angle_to_matrix_np(aa), mats),
        (rot.axis_angle_to_quat_np(aa), rot.axis_angle_to_quat(t)),
        (rot.matrix_to_axis_angle_np(mats.numpy()), rot.matrix_to_axis_angle(mats)),
        (rot.matrix_to_6d_np(mats.numpy()), rot.matrix_to_6d(mats)),
    ]
    for got, want in pairs:
        assert isinstance(got, np.ndarray) and got.dtype == np.float64
        np.testing.assert_array_equal(got, want.numpy())
    assert rot.axis_angle_to_matrix_np(aa.astype(np.float32)).dtype == np.float64


@pytest.mark.parametrize("name", ["aa->R", "R->aa", "aa->q", "q->aa", "R->q", "q->R", "6d"])
def test_gradients_are_finite_at_the_zero_rotation(name):
    zero = torch.zeros(3, dtype=F64, requires_grad=True)
    ident = torch.eye(3, dtype=F64).requires_grad_(True)
    unit = torch.tensor([0.0, 0.0, 0.0, 1.0], dtype=F64, requires_grad=True)
    fns = {
        "aa->R": (zero, rot.axis_angle_to_matrix),
        "R->aa": (ident, rot.matrix_to_axis_angle),
        "aa->q": (zero, rot.axis_angle_to_quat),
        "q->aa": (unit, rot.quat_to_axis_angle),
        "R->q": (ident, rot.matrix_to_quat),
        "q->R": (unit, rot.quat_to_matrix),
        "6d": (ident, lambda m: rot.sixd_to_matrix(rot.matrix_to_6d(m))),
    }
    x, fn = fns[name]
    (grad,) = torch.autograd.grad(fn(x).square().sum() + fn(x).sum(), x)
    assert torch.isfinite(grad).all()


def test_gradients_match_finite_differences_near_zero_and_near_pi():
    for base in ([1e-5, -2e-5, 1e-5], [0.3, -0.2, 0.5], [0.0, np.pi - 1e-3, 0.0]):
        x = torch.tensor(base, dtype=F64, requires_grad=True)
        assert torch.autograd.gradcheck(rot.axis_angle_to_matrix, (x,))
        assert torch.autograd.gradcheck(lambda v: rot.matrix_to_axis_angle(
            rot.axis_angle_to_matrix(v)), (x,))
        assert torch.autograd.gradcheck(lambda v: rot.quat_to_axis_angle(
            rot.axis_angle_to_quat(v)), (x,))


def test_round_trip_gradient_is_the_identity_at_zero():
    x = torch.zeros(3, dtype=F64, requires_grad=True)
    jac = torch.autograd.functional.jacobian(
        lambda v: rot.matrix_to_axis_angle(rot.axis_angle_to_matrix(v)), x)
    np.testing.assert_allclose(jac.numpy(), np.eye(3), atol=1e-12)


def test_skew_is_the_cross_product_and_skew_part_its_first_order_inverse():
    from flag3d_core.geometry.rotations import axis_angle_to_matrix, skew, skew_part

    rng = np.random.default_rng(7)
    v, x = torch.tensor(rng.normal(size=(5, 3))), torch.tensor(rng.normal(size=(5, 3)))
    torch.testing.assert_close((skew(v) @ x[..., None])[..., 0], torch.linalg.cross(v, x))
    aa = torch.tensor(rng.normal(size=(5, 3))) * 0.5
    angle = aa.norm(dim=-1, keepdim=True)
    torch.testing.assert_close(skew_part(axis_angle_to_matrix(aa)), torch.sin(angle) * aa / angle)
