"""Exporters: SMPL npz, BVH (round trip against smplx forward kinematics), CSV, MP4."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.spatial.transform import Rotation

from flag3d_core.export import (
    bvh_fk,
    catalog_csv_bytes,
    read_bvh,
    read_smpl_npz,
    write_bvh,
    write_catalog_csv,
    write_smpl_npz,
)
from flag3d_core.export.bvh import Z_UP_TO_Y_UP, smpl_joint_order
from flag3d_core.export.mp4 import export_mp4
from flag3d_core.layouts.smpl24 import PARENTS
from flag3d_core.player.demo import REST_JOINTS_Z_UP, demo_motion
from flag3d_core.render import MotionLayer, RenderOptions, video_codec

T = 6


def _tiny_smpl(num_vertices: int = 6890):
    """An SMPL-format model for smplx: vertex j (j < 24) sits on joint j, so J_regressor is a
    selection and betas move the joints through ``shapedirs``.  Rest frame y up, z front."""
    import smplx
    from smplx.utils import Struct

    rng = np.random.default_rng(0)
    rest = REST_JOINTS_Z_UP @ Z_UP_TO_Y_UP.T  # (24, 3) y up
    v = rest[rng.integers(0, 24, num_vertices)] + rng.normal(0, 0.03, (num_vertices, 3))
    v[:24] = rest
    regressor = np.zeros((24, num_vertices))
    regressor[np.arange(24), np.arange(24)] = 1.0
    weights = np.zeros((num_vertices, 24))
    weights[np.arange(num_vertices), rng.integers(0, 24, num_vertices)] = 1.0
    kintree = np.array([[2**32 - 1 if p < 0 else p for p in PARENTS], list(range(24))])
    data = Struct(
        v_template=v, shapedirs=rng.normal(0, 0.01, (num_vertices, 3, 10)),
        posedirs=np.zeros((num_vertices, 3, 207)), J_regressor=regressor, weights=weights,
        kintree_table=kintree, f=rng.integers(0, num_vertices, (64, 3)),
    )
    return smplx.SMPL(model_path="", data_struct=data, num_betas=10)


@pytest.fixture(scope="module")
def sequence():
    rng = np.random.default_rng(1)
    upright = Rotation.from_euler("x", 90, degrees=True)  # y-up body into a z-up world
    wobble = Rotation.from_rotvec(rng.normal(0, 0.3, (T, 3)))
    global_orient = (upright * wobble).as_rotvec().astype(np.float32)
    body_pose = rng.normal(0, 0.4, (T, 69)).astype(np.float32)
    betas = rng.normal(0, 1.0, 10).astype(np.float32)
    transl = rng.normal(0, 0.5, (T, 3)).astype(np.float32)
    return global_orient, body_pose, betas, transl


def _smpl_joints(model, global_orient, body_pose, betas, transl):
    """smplx forward: posed joints (T, 24, 3) and rest joints (24, 3) for the betas."""
    with torch.no_grad():
        out = model(global_orient=torch.from_numpy(global_orient),
                    body_pose=torch.from_numpy(body_pose),
                    betas=torch.from_numpy(np.tile(betas, (len(transl), 1))),
                    transl=torch.from_numpy(transl))
        shaped = model.v_template + torch.einsum("vcl,l->vc", model.shapedirs,
                                                 torch.from_numpy(betas))
        rest = model.J_regressor @ shaped
    return out.joints[:, :24].numpy().astype(np.float64), rest.numpy().astype(np.float64)


@pytest.mark.parametrize("units,scale", [("m", 1.0), ("cm", 100.0)])
def test_bvh_round_trip_reproduces_smpl_joints(tmp_path, sequence, units, scale):
    model = _tiny_smpl()
    global_orient, body_pose, betas, transl = sequence
    joints, rest = _smpl_joints(model, global_orient, body_pose, betas, transl)
    path = write_bvh(tmp_path / "seq.bvh", global_orient, body_pose, transl, rest, fps=30.0,
                     world_up="z", units=units)
    motion = read_bvh(path)
    assert motion.frames.shape == (T, 3 + 24 * 3)
    assert motion.frame_time == pytest.approx(1 / 30.0)
    assert motion.channels[0] == ("Xposition", "Yposition", "Zposition", "Zrotation",
                                  "Yrotation", "Xrotation")
    fk = bvh_fk(motion)[:, smpl_joint_order(motion)] / scale  # (T, 24, 3) y up, metres
    expected = joints @ Z_UP_TO_Y_UP.T
    err = np.abs(fk - expected).max()
    assert err < 1e-3, f"max joint error {err * 1000:.3f} mm"


def test_bvh_round_trip_with_the_standin_body(tmp_path_factory, sequence):
    """The same check through the project's body model (stand-in SMPL, real betas path)."""
    body = pytest.importorskip("flag3d_core.body")
    body_dir = tmp_path_factory.mktemp("body")
    body.write_standin(body_dir)
    model = body.load_body_model(body_dir)
    global_orient, body_pose, betas, transl = sequence
    out = model.pose(global_orient, body_pose, betas, transl)
    rest = model.rest_joints(betas)
    path = write_bvh(body_dir / "standin.bvh", global_orient, body_pose, transl, rest, 30.0)
    motion = read_bvh(path)
    fk = bvh_fk(motion)[:, smpl_joint_order(motion)]
    err = np.abs(fk - out.joints.astype(np.float64) @ Z_UP_TO_Y_UP.T).max()
    assert err < 1e-3, f"max joint error {err * 1000:.3f} mm"


def test_bvh_is_upright_in_y(tmp_path, sequence):
    """Blender's BVH importer assumes y up: a standing FLAG3D (z-up) body must stand in y."""
    model = _tiny_smpl()
    _, _, betas, _ = sequence
    go = np.tile(Rotation.from_euler("x", 90, degrees=True).as_rotvec(), (2, 1)).astype(
        np.float32)
    zeros = np.zeros((2, 69), np.float32)
    transl = np.zeros((2, 3), np.float32)
    joints, rest = _smpl_joints(model, go, zeros, betas, transl)
    assert joints[0, 15, 2] > joints[0, 0, 2] + 0.3  # head above pelvis in z (z-up world)
    motion = read_bvh(write_bvh(tmp_path / "up.bvh", go, zeros, transl, rest, fps=25.0))
    fk = bvh_fk(motion)[:, smpl_joint_order(motion)]
    assert fk[0, 15, 1] > fk[0, 0, 1] + 0.3  # ...and above it in y in the BVH
    assert motion.fps == pytest.approx(25.0)


def test_bvh_fk_on_a_hand_checked_file(tmp_path):
    text = """HIERARCHY
ROOT hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Yrotation Xrotation
  JOINT knee
  {
    OFFSET 1 0 0
    CHANNELS 3 Zrotation Yrotation Xrotation
    End Site
    {
      OFFSET 0 1 0
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.5
0 0 0 0 0 0 0 0 0
1 2 3 90 0 0 0 0 90
"""
    path = tmp_path / "tiny.bvh"
    path.write_text(text)
    motion = read_bvh(path)
    assert motion.names == ["hips", "knee"] and motion.parents == [-1, 0]
    np.testing.assert_allclose(motion.end_sites[1], [0, 1, 0])
    pos = bvh_fk(motion)
    np.testing.assert_allclose(pos[0], [[0, 0, 0], [1, 0, 0]], atol=1e-12)
    # Root at (1,2,3) turned 90 degrees about z: the child offset (1,0,0) becomes (0,1,0).
    np.testing.assert_allclose(pos[1], [[1, 2, 3], [1, 3, 3]], atol=1e-12)


def test_read_bvh_names_the_file_on_errors(tmp_path):
    bad = tmp_path / "bad.bvh"
    bad.write_text("HIERARCHY\nROOT a\n{\nOFFSET 0 0 0\nCHANNELS 1 Xposition\n}\nMOTION\n"
                   "Frames: 2\nFrame Time: 0.1\n1\n")
    with pytest.raises(ValueError, match="bad.bvh"):
        read_bvh(bad)


def test_smpl_npz_keys_and_shapes(tmp_path, sequence):
    global_orient, body_pose, betas, transl = sequence
    path = write_smpl_npz(tmp_path / "out" / "seq.npz", global_orient, body_pose,
                          betas[None], transl, fps=30.0)
    with np.load(path, allow_pickle=False) as z:
        assert sorted(z.files) == sorted(
            ["global_orient", "body_pose", "betas", "transl", "fps", "gender"])
        assert z["global_orient"].shape == (T, 3) and z["body_pose"].shape == (T, 69)
        assert z["betas"].shape == (10,) and z["transl"].shape == (T, 3)
        assert z["body_pose"].dtype == np.float32
    back = read_smpl_npz(path)
    assert back["gender"] == "neutral" and back["fps"] == 30.0
    np.testing.assert_array_equal(back["body_pose"], body_pose)
    with pytest.raises(ValueError, match="body_pose"):
        write_smpl_npz(tmp_path / "x.npz", global_orient, body_pose[:, :63], betas, transl, 30)


def test_catalog_csv(tmp_path):
    df = pd.DataFrame({"sequence_id": ["flag3d/mocap/S001C001M001P001A001R001", "b"],
                       "activity": [1, 60], "top5": [[1, 2, 3], {"a": 1}]})
    path = write_catalog_csv(df, tmp_path / "sel.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == ["sequence_id", "activity", "top5"]
    assert back["activity"].tolist() == [1, 60]
    assert back["top5"].tolist() == ["[1, 2, 3]", '{"a": 1}']
    assert catalog_csv_bytes(df) == path.read_bytes()


def test_export_mp4_copies_the_cached_render(tmp_path):
    m = demo_motion(4)
    layer = MotionLayer(joints=m.joints, edges=m.edges)
    opts = RenderOptions(width=96, height=64)
    res = export_mp4(tmp_path / "out.mp4", layer, options=opts, cache_dir=tmp_path / "cache")
    assert res.path == tmp_path / "out.mp4" and video_codec(res.path) == "h264"
    again = export_mp4(tmp_path / "out2.mp4", layer, options=opts, cache_dir=tmp_path / "cache")
    assert again.cached and again.path.read_bytes() == res.path.read_bytes()
