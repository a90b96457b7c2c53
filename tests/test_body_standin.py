"""The procedural stand-in body: format, geometry, skinning, regressor, shape directions, writer."""

from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest

from flag3d_core.body import BodyModelError, build_standin, write_standin
from flag3d_core.body.standin import N_VERTICES, SEGMENT_NAMES, VERTEX_LANDMARKS
from flag3d_core.body.standin_shape import SHAPE_DIRECTIONS, ShapeParams, design
from flag3d_core.layouts.smpl24 import PARENTS


@pytest.fixture(scope="module")
def model() -> dict:
    return build_standin()


def _seg(model: dict, name: str) -> np.ndarray:
    return model["vertex_segments"] == SEGMENT_NAMES.index(name)


def _shaped(model: dict, k: int, value: float = 2.0) -> np.ndarray:
    return model["v_template"] + model["shapedirs"][:, :, k] * value


def test_arrays_have_smpl_shapes_and_markers(model):
    n = N_VERTICES
    assert model["v_template"].shape == (n, 3)
    assert model["shapedirs"].shape == (n, 3, 10)
    assert model["posedirs"].shape == (n, 3, 207) and not model["posedirs"].any()
    assert model["J_regressor"].shape == (24, n)
    assert model["weights"].shape == (n, 24)
    assert model["kintree_table"].shape == (2, 24)
    assert model["kintree_table"][0, 0] == 4294967295
    assert tuple(model["kintree_table"][0, 1:]) == PARENTS[1:]
    assert model["f"].dtype.kind == "i" and 13000 < len(model["f"]) <= 13776
    assert model["flag3d_standin"] is True
    assert model["vertex_segments"].shape == (n,)
    np.testing.assert_allclose(model["weights"].sum(1), 1.0, atol=1e-12)
    np.testing.assert_allclose(model["J_regressor"].sum(1), 1.0, atol=1e-12)
    assert model["weights"].min() >= 0.0 and model["J_regressor"].min() >= -1e-9


def test_rest_pose_is_an_adult_t_pose(model):
    v = model["v_template"]
    height = v[:, 1].max() - v[:, 1].min()
    assert 1.65 < height < 1.80
    assert -1.25 < v[:, 1].min() < -1.15  # soles
    arm_span = v[:, 0].max() - v[:, 0].min()
    assert 1.6 < arm_span < 1.9  # arms out horizontally
    np.testing.assert_allclose(v[:, 0].max(), -v[:, 0].min(), atol=1e-9)  # symmetric


def test_regressed_joints_match_the_designed_centres(model):
    joints = model["J_regressor"] @ model["v_template"]
    np.testing.assert_allclose(joints, design().joints, atol=1e-9)
    np.testing.assert_allclose(model["J"], joints)


def test_regressed_joints_follow_the_shape(model):
    for k in range(10):
        for value in (-2.0, 2.0):
            joints = model["J_regressor"] @ _shaped(model, k, value)
            params = dict.fromkeys(SHAPE_DIRECTIONS, 0.0) | {SHAPE_DIRECTIONS[k]: value}
            expected = design(ShapeParams(**params)).joints
            # joints are regressed from surface rings, so an asymmetric change (belly, chest)
            # pulls the spine joints a little forward, as with real SMPL
            assert np.abs(joints - expected).max() < 0.02, SHAPE_DIRECTIONS[k]


def test_mesh_is_closed_with_no_degenerate_faces(model):
    v, f = model["v_template"], model["f"]
    area = 0.5 * np.linalg.norm(np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]]), axis=1)
    assert area.min() > 1e-7
    assert np.array_equal(np.unique(f), np.arange(N_VERTICES))  # every vertex used
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    assert (counts == 2).all()  # each segment is a closed surface
    assert (model["vertex_segments"][f] == model["vertex_segments"][f[:, :1]]).all()


def test_skinning_weights_follow_the_segments(model):
    w = model["weights"]
    forearm = _seg(model, "left_forearm")
    upper = _seg(model, "left_upper_arm")
    assert (w[upper, 18] == 0).all()  # the elbow never moves the upper arm
    assert w[forearm, 18].max() == 1.0 and w[forearm, 16].max() > 0.4  # blended at the elbow
    assert (w[_seg(model, "right_shin")][:, [5, 2]].sum(1) > 0.999).all()
    assert w[_seg(model, "head"), 15].mean() > 0.8


def test_landmarks_sit_at_smpl_indices_and_at_the_right_places(model):
    from smplx.vertex_ids import vertex_ids

    smplh = vertex_ids["smplh"]
    for name, ours in (("nose", "nose"), ("leye", "left_eye"), ("rear", "right_ear"),
                       ("lthumb", "left_thumb"), ("rmiddle", "right_hand_tip"),
                       ("LBigToe", "left_toe"), ("RHeel", "right_heel")):
        assert smplh[name] == VERTEX_LANDMARKS[ours]
    v = model["v_template"]
    p = {k: v[i] for k, i in VERTEX_LANDMARKS.items()}
    assert p["head_top"][1] == pytest.approx(v[:, 1].max())
    head = v[_seg(model, "head")]
    assert p["nose"][2] == pytest.approx(head[:, 2].max())
    assert p["left_hand_tip"][0] == pytest.approx(v[:, 0].max())
    for side, sx in (("left", 1), ("right", -1)):
        for part in ("eye", "ear", "thumb", "hand_tip", "toe", "heel", "index", "pinky"):
            assert p[f"{side}_{part}"][0] * sx > 0, (side, part)
        assert p[f"{side}_toe"][2] - p[f"{side}_heel"][2] > 0.2  # foot length
        assert p[f"{side}_heel"][1] < -1.17 and p[f"{side}_eye"][1] > p["nose"][1]
        assert p[f"{side}_thumb"][2] > p[f"{side}_pinky"][2]  # palms down, thumbs forward


def _girth(points: np.ndarray) -> float:
    """Perimeter of the convex hull of (P, 2) points."""
    hull = cv2.convexHull(points.astype(np.float32))
    return float(cv2.arcLength(hull, True))


def _measure(model: dict, v: np.ndarray, k: int) -> float:
    j = model["J_regressor"] @ v
    torso = v[_seg(model, "torso")]
    if k == 0:
        return v[VERTEX_LANDMARKS["head_top"], 1] - v[VERTEX_LANDMARKS["left_heel"], 1]
    if k == 1:
        return _girth(torso[np.abs(torso[:, 1]) < 0.02][:, [0, 2]])
    if k == 2:
        legs = j[1, 1] - v[VERTEX_LANDMARKS["left_heel"], 1]
        return legs / (j[12, 1] - j[0, 1])
    if k == 3:
        return j[16, 0] - j[17, 0]
    if k == 4:
        return j[1, 0] - j[2, 0]
    if k == 5:
        return np.linalg.norm(v[VERTEX_LANDMARKS["left_hand_tip"]] - j[16])
    if k == 6:
        chest = torso[np.abs(torso[:, 1] - 0.17) < 0.02]
        return chest[:, 2].max() - chest[:, 2].min()
    if k == 7:
        head = v[_seg(model, "head")]
        return np.ptp(head[:, 1]) + np.ptp(head[:, 0])
    if k == 8:
        return torso[np.abs(torso[:, 1]) < 0.02][:, 2].max()
    upper = v[_seg(model, "left_upper_arm")]
    mid = upper[np.abs(upper[:, 0] - j[16, 0] - 0.1) < 0.015]
    return _girth(mid[:, [1, 2]])


@pytest.mark.parametrize("k", range(10))
def test_each_shape_direction_changes_what_it_says(model, k):
    base = _measure(model, model["v_template"], k)
    plus, minus = (_measure(model, _shaped(model, k, 2.0), k),
                   _measure(model, _shaped(model, k, -2.0), k))
    assert minus < base < plus, SHAPE_DIRECTIONS[k]
    assert (plus - base) / abs(base) > 0.02, SHAPE_DIRECTIONS[k]


def test_shape_directions_leave_the_stature_plausible(model):
    for k in range(10):
        for value in (-2.0, 2.0):
            v = _shaped(model, k, value)
            assert 1.5 < np.ptp(v[:, 1]) < 1.95, SHAPE_DIRECTIONS[k]
    assert abs(_measure(model, _shaped(model, 2, 2.0), 0) - _measure(model, model["v_template"], 0)
               ) < 0.03  # leg length trades against torso length


def test_write_standin_is_byte_identical_and_never_overwrites(tmp_path):
    a, b = write_standin(tmp_path / "a"), write_standin(tmp_path / "b")
    assert a == tmp_path / "a" / "smpl" / "SMPL_NEUTRAL.pkl"
    assert a.read_bytes() == b.read_bytes()
    loaded = pickle.loads(a.read_bytes())
    assert all(isinstance(x, np.ndarray) for k, x in loaded.items() if k != "flag3d_standin")
    assert not list(a.parent.glob(".*tmp"))  # no temp file left behind

    real = tmp_path / "real" / "smpl" / "SMPL_NEUTRAL.pkl"
    real.parent.mkdir(parents=True)
    real.write_bytes(pickle.dumps({"v_template": np.zeros((3, 3))}, protocol=4))
    before = real.read_bytes()
    assert write_standin(tmp_path / "real") == real
    assert real.read_bytes() == before
    with pytest.raises(BodyModelError, match="real body model"):
        write_standin(tmp_path / "real", overwrite=True)
    assert real.read_bytes() == before
    a.write_bytes(pickle.dumps({"flag3d_standin": True}, protocol=4))  # an old stand-in
    write_standin(tmp_path / "a", overwrite=True)
    assert a.read_bytes() == b.read_bytes()
