import numpy as np

from flag3d_core.analysis.joint_angles import angle_between, joint_angles
from flag3d_core.analysis.repetitions import count_repetitions, estimate_period
from flag3d_core.layouts import NTU25


def _standing(T=1):
    j = np.zeros((T, 25, 3))
    idx = NTU25.index
    pts = {"SpineBase": (0, 0, 1.0), "SpineMid": (0, 0, 1.25), "SpineShoulder": (0, 0, 1.5),
           "Neck": (0, 0, 1.55), "Head": (0, 0, 1.7),
           "LShoulder": (0.2, 0, 1.5), "LElbow": (0.2, 0, 1.2), "LWrist": (0.2, 0, 0.95),
           "RShoulder": (-0.2, 0, 1.5), "RElbow": (-0.5, 0, 1.5), "RWrist": (-0.5, 0, 1.8),
           "LHip": (0.1, 0, 1.0), "LKnee": (0.1, 0, 0.55), "LAnkle": (0.1, 0, 0.1),
           "RHip": (-0.1, 0, 1.0), "RKnee": (-0.1, 0.45, 1.0), "RAnkle": (-0.1, 0.45, 0.55)}
    for k, v in pts.items():
        j[:, idx(k)] = v
    return j


def test_angle_between_known_values():
    u = np.array([[1.0, 0, 0], [1, 0, 0], [1, 0, 0]])
    v = np.array([[0.0, 1, 0], [1, 0, 0], [-1, 0, 0]])
    np.testing.assert_allclose(angle_between(u, v), [90, 0, 180], atol=1e-6)


def test_joint_angles_hand_checked_pose():
    a = joint_angles(_standing())
    np.testing.assert_allclose(a["left knee"], 180, atol=1e-4)   # straight leg
    np.testing.assert_allclose(a["right knee"], 90, atol=1e-4)   # thigh forward, shin down
    np.testing.assert_allclose(a["left hip"], 180, atol=1e-4)    # standing
    np.testing.assert_allclose(a["right hip"], 90, atol=1e-4)    # thigh horizontal
    np.testing.assert_allclose(a["left shoulder"], 0, atol=1e-4)   # arm down
    np.testing.assert_allclose(a["right shoulder"], 90, atol=1e-4)  # arm horizontal
    np.testing.assert_allclose(a["right elbow"], 90, atol=1e-4)
    np.testing.assert_allclose(a["trunk"], 0, atol=1e-4)


def test_repetitions_counted_on_periodic_motion():
    fps, T = 30, 300
    t = np.arange(T) / fps
    for reps in (4, 6, 8):
        f = reps / (T / fps)
        knee = 130 + 45 * np.cos(2 * np.pi * f * t) + np.random.default_rng(0).normal(0, 2, T)
        hip = 140 + 35 * np.cos(2 * np.pi * f * t + 0.2)
        r = count_repetitions(np.stack([knee, hip], 1), fps=fps)
        assert abs(r.count - reps) <= 1, (reps, r.count)
        assert abs(r.period_frames - T / reps) < 0.15 * T / reps
        assert all(s < e for s, e in r.segments)


def test_still_sequence_has_no_repetitions():
    r = count_repetitions(np.ones((120, 3)) * 90.0)
    assert r.count == 0 and r.segments == []
    assert estimate_period(np.zeros(100)) is None


def test_most_different_joints_finds_the_moving_arm():
    from flag3d_core.analysis.compare import joint_differences, most_different_joints

    base = _standing(60)
    moving = base.copy()
    t = np.linspace(0, 4 * np.pi, 60)
    for name in ("RElbow", "RWrist"):
        moving[:, NTU25.index(name), 2] += 0.3 * np.sin(t)
    shifted = base + np.array([2.0, -1.0, 0.0])  # same motion elsewhere in the room
    assert np.allclose(joint_differences(base, shifted), 0, atol=1e-6)
    top = [name for _, name, _ in most_different_joints(base, moving, k=2)]
    assert set(top) == {"RElbow", "RWrist"}


def test_tiny_jitter_is_not_counted_as_repetitions():
    rng = np.random.default_rng(1)
    curves = 90 + rng.normal(0, 0.01, (200, 9))  # sub-degree sensor noise only
    assert count_repetitions(curves).count == 0
