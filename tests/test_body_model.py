"""Loading body-model files (stand-in, npz, sparse, broken, legacy chumpy) and posing them."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from scipy.spatial.transform import Rotation

from flag3d_core.body import (
    BodyModelError,
    BodyModelNotFoundError,
    build_standin,
    find_body_model,
    load_body_model,
    write_standin,
)
from flag3d_core.body.standin import SEGMENT_NAMES
from flag3d_core.layouts.smpl24 import PARENTS

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def arrays() -> dict:
    return build_standin()


@pytest.fixture(scope="module")
def body_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("body")
    write_standin(d)
    return d


@pytest.fixture(scope="module")
def body(body_dir):
    return load_body_model(body_dir)


def _write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(data, protocol=2))
    return path


def test_standin_loads_through_smplx(body, arrays):
    assert body.info.kind == "standin" and "Stand-in" in body.info.message
    assert (body.info.n_vertices, body.info.n_faces) == (6890, len(arrays["f"]))
    assert body.faces.shape == arrays["f"].shape and body.faces.dtype == np.int64
    assert tuple(body.parents) == PARENTS
    t = 5
    out = body.pose(np.zeros((t, 3)), np.zeros((t, 69)), np.zeros(10), np.zeros((t, 3)))
    assert out.vertices.shape == (t, 6890, 3) and out.vertices.dtype == np.float32
    assert out.joints.shape == (t, 24, 3) and out.joints.dtype == np.float32
    np.testing.assert_allclose(out.vertices[2], arrays["v_template"], atol=1e-6)
    np.testing.assert_allclose(out.joints[0], arrays["J"], atol=1e-6)


def test_transl_betas_and_rest_joints(body, arrays):
    betas = np.array([2.0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    transl = np.array([[1.0, 2.0, 3.0]])
    out = body.pose(np.zeros((1, 3)), np.zeros((1, 69)), betas, transl)
    shaped = arrays["v_template"] + arrays["shapedirs"] @ betas
    np.testing.assert_allclose(out.vertices[0], shaped + transl, atol=1e-5)
    rest = body.rest_joints(betas)
    np.testing.assert_allclose(rest, arrays["J_regressor"] @ shaped, atol=1e-5)
    np.testing.assert_allclose(body.rest_pelvis(betas), rest[0])
    assert np.ptp(rest[:, 1]) > np.ptp(body.rest_joints()[:, 1])  # taller


def test_rotating_the_left_elbow_moves_only_the_forearm_and_hand(body, arrays):
    pose = np.zeros((1, 69))
    pose[0, (18 - 1) * 3 + 1] = np.pi / 2  # left elbow, 90 degrees about y
    rest = body.pose(np.zeros((1, 3)), np.zeros((1, 69))).vertices[0]
    bent = body.pose(np.zeros((1, 3)), pose).vertices[0]
    moved = np.linalg.norm(bent - rest, axis=1) > 1e-6
    names = {SEGMENT_NAMES[s] for s in np.unique(arrays["vertex_segments"][moved])}
    assert names == {"left_forearm", "left_hand", "left_thumb"}
    hand = arrays["vertex_segments"] == SEGMENT_NAMES.index("left_hand")
    assert np.linalg.norm(bent[hand] - rest[hand], axis=1).min() > 0.2  # swung round


def _numpy_fk(rest_joints: np.ndarray, pose: np.ndarray, transl: np.ndarray) -> np.ndarray:
    """Posed joints (24, 3) by plain forward kinematics: an independent check of smplx."""
    rot = Rotation.from_rotvec(pose.reshape(24, 3)).as_matrix()
    g_rot, g_pos = [rot[0]], [rest_joints[0]]
    for j in range(1, 24):
        p = PARENTS[j]
        g_rot.append(g_rot[p] @ rot[j])
        g_pos.append(g_pos[p] + g_rot[p] @ (rest_joints[j] - rest_joints[p]))
    return np.asarray(g_pos) + transl


def test_joints_match_independent_forward_kinematics(body):
    rng = np.random.default_rng(0)
    t = 10
    go, bp = rng.normal(0, 0.5, (t, 3)), rng.normal(0, 0.4, (t, 69))
    transl, betas = rng.normal(0, 1, (t, 3)), rng.normal(0, 1, 10)
    out = body.pose(go, bp, betas, transl, batch=3)  # also exercises chunking
    rest = body.rest_joints(betas)
    for i in range(t):
        want = _numpy_fk(rest, np.concatenate([go[i], bp[i]]), transl[i])
        np.testing.assert_allclose(out.joints[i], want, atol=2e-5)
    again = body.pose(go, bp, betas, transl, batch=64)
    np.testing.assert_allclose(again.vertices, out.vertices, atol=1e-6)


def test_forward_rejects_bad_shapes(body):
    with pytest.raises(ValueError, match="body_pose"):
        body.pose(np.zeros((2, 3)), np.zeros((2, 72)))
    with pytest.raises(ValueError, match="frame counts"):
        body.pose(np.zeros((2, 3)), np.zeros((3, 69)))


def test_missing_model_names_the_directory(tmp_path):
    with pytest.raises(BodyModelNotFoundError, match="write_standin"):
        find_body_model(tmp_path)


def test_real_model_in_npz_or_top_level_pkl_is_used_as_smpl(tmp_path, arrays):
    real = {k: v for k, v in arrays.items() if k not in ("flag3d_standin", "vertex_segments")}
    (tmp_path / "a").mkdir()
    np.savez(tmp_path / "a" / "SMPL_NEUTRAL.npz", **real)
    info = find_body_model(tmp_path / "a")
    assert info.kind == "smpl" and info.path.suffix == ".npz" and info.n_vertices == 6890
    real["J_regressor"] = sp.csc_matrix(real["J_regressor"])  # as real SMPL stores it
    _write(tmp_path / "b" / "SMPL_NEUTRAL.pkl", real)
    model = load_body_model(tmp_path / "b")
    assert model.info.kind == "smpl"
    np.testing.assert_allclose(model.rest_joints(), arrays["J"], atol=1e-6)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda a: a.pop("weights"), "'weights'"),
        (lambda a: a.update(shapedirs=np.zeros((6890, 3, 4))), "'shapedirs'"),
        (lambda a: a.update(J_regressor=np.zeros((24, 6000))), "'J_regressor'"),
        (lambda a: a.update(v_template=np.zeros((100, 3))), "'v_template'"),
        (lambda a: a.update(f=np.full((5, 3), 7000)), "'f'"),
        (lambda a: a.update(posedirs=np.full((6890, 3, 207), np.nan)), "'posedirs'"),
    ],
)
def test_broken_model_names_the_file_and_the_array(tmp_path, arrays, change, needle):
    data = dict(arrays)
    change(data)
    path = _write(tmp_path / "smpl" / "SMPL_NEUTRAL.pkl", data)
    with pytest.raises(BodyModelError, match=needle) as err:
        load_body_model(tmp_path)
    assert str(path) in str(err.value)


def test_legacy_chumpy_pickle_gets_the_conversion_command(tmp_path):
    # protocol 2: {'shapedirs': chumpy.ch.Ch()} written by hand (chumpy cannot be imported)
    data = b"\x80\x02}X\t\x00\x00\x00shapedirscchumpy.ch\nCh\n)\x81s."
    path = tmp_path / "smpl" / "SMPL_NEUTRAL.pkl"
    path.parent.mkdir()
    path.write_bytes(data)
    with pytest.raises(BodyModelError, match="chumpy") as err:
        find_body_model(tmp_path)
    assert "flag3d_core.body.convert" in str(err.value) and str(path) in str(err.value)


def test_other_refused_globals_are_reported(tmp_path):
    path = tmp_path / "smpl" / "SMPL_NEUTRAL.pkl"
    path.parent.mkdir()
    path.write_bytes(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00trueq\x00\x85R.")
    with pytest.raises(BodyModelError, match="os.system"):
        find_body_model(tmp_path)


def test_convert_turns_a_chumpy_pickle_into_a_loadable_model(tmp_path, arrays, monkeypatch):
    import sys
    import types

    from flag3d_core.body.convert import main

    class Ch:  # pickled under chumpy's name, the way legacy SMPL files name it
        def __init__(self, x):
            self.x = x

    Ch.__module__, Ch.__qualname__ = "chumpy.ch", "Ch"
    fake = types.ModuleType("chumpy.ch")
    fake.Ch = Ch
    monkeypatch.setitem(sys.modules, "chumpy", types.ModuleType("chumpy"))
    monkeypatch.setitem(sys.modules, "chumpy.ch", fake)
    legacy = {k: v for k, v in arrays.items() if k not in ("flag3d_standin", "vertex_segments")}
    legacy |= {"shapedirs": Ch(arrays["shapedirs"]), "bs_style": "lbs",
               "J_regressor": sp.csc_matrix(arrays["J_regressor"])}
    src = _write(tmp_path / "legacy" / "SMPL_NEUTRAL.pkl", legacy)
    monkeypatch.delitem(sys.modules, "chumpy.ch")
    monkeypatch.delitem(sys.modules, "chumpy")

    with pytest.raises(BodyModelError, match="chumpy"):
        find_body_model(tmp_path / "legacy")
    dst = tmp_path / "converted" / "smpl" / "SMPL_NEUTRAL.pkl"
    assert main([str(src), str(dst)]) == 0
    assert "chumpy" not in sys.modules  # nothing of chumpy was imported
    model = load_body_model(tmp_path / "converted")
    assert model.info.kind == "smpl"
    np.testing.assert_allclose(model.smpl.shapedirs.numpy(), arrays["shapedirs"], atol=1e-6)
    assert main([str(src), str(dst)]) == 1  # refuses to overwrite
