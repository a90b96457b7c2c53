"""Payload builder of the in-browser player, and parity of its skinning with smplx."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation
from smplx.lbs import lbs

from flag3d_core.body.kinematics import smpl_joints_np
from flag3d_core.geometry.rotations import axis_angle_to_quat_np as axis_angle_to_quat
from flag3d_core.geometry.rotations import quat_to_matrix_np as quat_to_matrix
from flag3d_core.layouts import NTU25, SMPL24
from flag3d_core.layouts.smpl24 import PARENTS
from flag3d_core.player.tracks import (
    mesh_track,
    player_payload,
    skeleton_track,
    top_k_weights,
)
from flag3d_core.player.wire import decode_array, encode_array, payload_nbytes, payload_sizes

RNG = np.random.default_rng(0)


def tiny_smpl(n_verts: int = 300, seed: int = 1) -> dict[str, np.ndarray]:
    """A small SMPL-format model: vertices scattered around a 24-joint skeleton, each skinned to
    up to four joints (its nearest joint and that joint's relatives), no pose blend shapes."""
    rng = np.random.default_rng(seed)
    parents = np.array(PARENTS)
    joints = np.zeros((24, 3))
    for j in range(1, 24):
        joints[j] = joints[parents[j]] + rng.normal(0.0, 0.12, 3)
    owner = rng.integers(0, 24, n_verts)
    v_template = joints[owner] + rng.normal(0.0, 0.04, (n_verts, 3))
    weights = np.zeros((n_verts, 24))
    for v, j in enumerate(owner):
        relatives = [j, max(parents[j], 0), *np.flatnonzero(parents == j)[:2]]
        w = rng.uniform(0.2, 1.0, len(relatives))
        np.add.at(weights[v], relatives, w)
    weights /= weights.sum(1, keepdims=True)
    j_regressor = np.zeros((24, n_verts))
    for j in range(24):
        near = np.argsort(np.linalg.norm(v_template - joints[j], axis=1))[:5]
        j_regressor[j, near] = 0.2
    return {"v_template": v_template, "shapedirs": rng.normal(0, 0.01, (n_verts, 3, 10)),
            "J_regressor": j_regressor, "weights": weights, "parents": parents,
            "faces": rng.integers(0, n_verts, (2 * n_verts, 3))}


def random_motion(n_frames: int, seed: int = 2) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"global_orient": rng.normal(0, 0.8, (n_frames, 3)),
            "body_pose": rng.normal(0, 0.4, (n_frames, 69)),
            "transl": rng.normal(0, 0.5, (n_frames, 3)), "betas": rng.normal(0, 1.0, 10)}


def smplx_vertices(model: dict, motion: dict) -> tuple[np.ndarray, np.ndarray]:
    """Reference: smplx's own lbs() (posedirs zero, as in the browser), plus transl."""
    t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)  # noqa: E731
    n_frames = motion["transl"].shape[0]
    pose = np.concatenate([motion["global_orient"], motion["body_pose"]], 1)
    verts, joints = lbs(t(np.tile(motion["betas"], (n_frames, 1))), t(pose), t(model["v_template"]),
                        t(model["shapedirs"]), torch.zeros(207, 3 * len(model["v_template"]),
                                                           dtype=torch.float64),
                        t(model["J_regressor"]), torch.as_tensor(model["parents"]),
                        t(model["weights"]))
    shift = motion["transl"][:, None]
    return verts.numpy() + shift, joints.numpy() + shift


def shaped(model: dict, betas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    template = model["v_template"] + model["shapedirs"] @ betas
    return template, model["J_regressor"] @ template


def skin_like_browser(body: dict, track: dict) -> np.ndarray:
    """The player's skinning re-done in numpy from the payload, step by step as player.js does:
    int16 quaternion -> normalise -> matrix; bone local = (rest_j - rest_parent, q_j), root at
    rest_0 + transl; world = parent world @ local; skin matrix = world @ translate(-rest_j);
    vertex = sum of its four weighted skin matrices applied to the template vertex."""
    template = decode_array(body["template"]).astype(np.float64)  # (V, 3)
    rest = decode_array(body["rest_joints"]).astype(np.float64)  # (24, 3)
    quats = decode_array(track["rotations"])  # (T, 24, 4) dequantised
    transl = decode_array(track["transl"])  # (T, 3)
    idx = decode_array(body["skin_index"]).astype(np.int64)  # (V, 4)
    w = decode_array(body["skin_weight"])  # (V, 4) uint16 -> fractions
    parents = body["parents"]
    out = np.empty((quats.shape[0], template.shape[0], 3))
    for f in range(quats.shape[0]):
        world = np.zeros((24, 4, 4))
        for j, p in enumerate(parents):
            local = np.eye(4)
            local[:3, :3] = quat_to_matrix(quats[f, j])
            local[:3, 3] = rest[j] + transl[f] if p < 0 else rest[j] - rest[p]
            world[j] = local if p < 0 else world[p] @ local
        skin = world.copy()
        skin[:, :3, 3] -= np.einsum("jab,jb->ja", world[:, :3, :3], rest)  # world @ T(-rest)
        blended = np.einsum("vk,vkab->vab", w, skin[idx])  # (V, 4, 4)
        out[f] = np.einsum("vab,vb->va", blended[:, :3, :3], template) + blended[:, :3, 3]
    return out


def test_axis_angle_to_quat_matches_scipy_and_is_canonical():
    rv = np.concatenate([RNG.normal(0, 2.0, (50, 3)), np.zeros((1, 3)), [[1e-9, 0, 0]]])
    q = axis_angle_to_quat(rv)
    ref = Rotation.from_rotvec(rv).as_quat()  # scipy is (x, y, z, w) too
    ref[ref[:, 3] < 0] *= -1
    np.testing.assert_allclose(q, ref, atol=1e-12)
    assert (q[:, 3] >= 0).all()
    np.testing.assert_allclose(quat_to_matrix(q), Rotation.from_rotvec(rv).as_matrix(), atol=1e-12)


def test_encode_decode_round_trip_and_quantisation():
    a = RNG.normal(0, 1, (7, 5, 3)).astype(np.float32)
    np.testing.assert_array_equal(decode_array(encode_array(a, "float32")), a)
    enc = encode_array(a, "int16", 1e-3)
    assert enc["dtype"] == "int16" and enc["shape"] == [7, 5, 3]
    assert np.abs(decode_array(enc) - a).max() <= 0.5e-3 + 1e-6
    assert decode_array(enc, dequantize=False).dtype == np.int16
    with pytest.raises(ValueError, match="out of range"):
        encode_array(np.array([40.0]), "int16", 1e-3)


def test_top_k_weights_keeps_largest_and_renormalises():
    w = np.array([[0.5, 0.2, 0.1, 0.1, 0.05, 0.05], [0, 0, 1.0, 0, 0, 0]])
    idx, top = top_k_weights(w, 4)
    assert idx.dtype == np.uint8 and idx[0, :2].tolist() == [0, 1] and idx[1, 0] == 2
    np.testing.assert_allclose(top.sum(1), 1.0, atol=1e-6)
    np.testing.assert_allclose(top[0], np.array([0.5, 0.2, 0.1, 0.1]) / 0.9, atol=1e-6)


def test_skeleton_track_and_payload_layout():
    joints = RNG.normal(0, 1, (40, 25, 3)).astype(np.float32)
    short = skeleton_track(joints[:20], NTU25, fps=30, label="b")
    payload = player_payload([skeleton_track(joints, NTU25, fps=30, label="a"), short], fps=30)
    assert payload["n_frames"] == 40 and payload["duration"] == pytest.approx(40 / 30)
    assert payload["end"] == "hold"
    a, b = payload["tracks"]
    assert (a["x_offset"], b["x_offset"]) == (-0.8, 0.8) and a["color"] != b["color"]
    assert len(a["edges"]) == len(NTU25.edges) and a["layout"] == "ntu25"
    np.testing.assert_allclose(decode_array(a["joints"]), joints, atol=0.5e-3 + 1e-6)
    json.dumps(payload)  # JSON-ready
    assert payload_nbytes(payload) == len(json.dumps(payload, separators=(",", ":")))
    # the id is a content hash: same content, same id; any change, new id
    again = player_payload([skeleton_track(joints, NTU25, 30, "a"), short], fps=30)
    assert again["id"] == payload["id"]
    assert player_payload([short], fps=30)["id"] != payload["id"]
    with pytest.raises(ValueError, match="smpl24"):
        skeleton_track(joints, SMPL24, fps=30)
    assert a["highlight"] == []
    assert skeleton_track(joints, NTU25, 30, highlight=(6, 10))["highlight"] == [6, 10]
    with pytest.raises(ValueError, match="highlight"):
        skeleton_track(joints, NTU25, 30, highlight=[25])


def test_mesh_track_rejects_bad_shapes():
    model, motion = tiny_smpl(60), random_motion(3)
    template, rest = shaped(model, motion["betas"])
    args = dict(template=template, faces=model["faces"], weights=model["weights"],
                parents=model["parents"], rest_joints=rest, global_orient=motion["global_orient"],
                body_pose=motion["body_pose"], transl=motion["transl"], fps=30)
    assert mesh_track(**args)["body"]["faces"]["dtype"] == "uint16"
    with pytest.raises(ValueError, match="body_pose"):
        mesh_track(**{**args, "body_pose": motion["body_pose"][:, :66]})
    with pytest.raises(ValueError, match="face index"):
        mesh_track(**{**args, "faces": model["faces"] + 1000})


def test_browser_skinning_matches_smplx_within_5mm():
    model, motion = tiny_smpl(), random_motion(12)
    template, rest = shaped(model, motion["betas"])
    track = mesh_track(template, model["faces"], model["weights"], model["parents"], rest,
                       motion["global_orient"], motion["body_pose"], motion["transl"], fps=30)
    ref_verts, ref_joints = smplx_vertices(model, motion)
    payload = player_payload([track], fps=30)
    verts = skin_like_browser(payload["bodies"][0], payload["tracks"][0])
    err = np.linalg.norm(verts - ref_verts, axis=-1)
    assert err.max() < 5e-3, f"max vertex error {err.max() * 1000:.2f} mm"
    assert err.max() > 0  # quantised: not bit-identical, but close
    fk = smpl_joints_np(motion["global_orient"], motion["body_pose"], rest, model["parents"],
                        motion["transl"])
    np.testing.assert_allclose(fk, ref_joints, atol=1e-5)


def test_motion_bytes_per_10s_under_budget():
    model, motion = tiny_smpl(100), random_motion(300)  # 10 s at 30 fps
    template, rest = shaped(model, motion["betas"])
    mesh = mesh_track(template, model["faces"], model["weights"], model["parents"], rest,
                      motion["global_orient"], motion["body_pose"], motion["transl"], fps=30)
    skel = skeleton_track(RNG.normal(0, 1, (300, 25, 3)), NTU25, fps=30)
    payload = player_payload([mesh, skel, mesh], fps=30)
    assert len(payload["bodies"]) == 1  # two tracks with one body: the body is sent once
    assert [t.get("body") for t in payload["tracks"]] == [0, None, 0]
    sizes = payload_sizes(player_payload([mesh, skel], fps=30))
    assert sizes.duration_s == pytest.approx(10.0)
    # 300 x (24x4 int16 + 3 float32 + 25x3 int16) = 113.4 kB raw, x4/3 for base64
    assert sizes.motion == pytest.approx(300 * (24 * 4 * 2 + 12 + 25 * 3 * 2) * 4 / 3, rel=0.01)
    assert sizes.motion_per_10s < 1_000_000
    assert sizes.static + sizes.motion == sizes.total


def test_browser_skinning_matches_standin_body_through_smplx(tmp_path):
    """The same parity on the project's stand-in SMPL body (6,890 vertices) posed by smplx."""
    body_mod = pytest.importorskip("flag3d_core.body")

    body_mod.write_standin(tmp_path)
    model = body_mod.load_body_model(tmp_path)
    motion = random_motion(3, seed=5)
    betas = motion["betas"] * 0.5
    shape = model.template(betas)
    np.testing.assert_allclose(shape.rest_joints, model.rest_joints(betas), atol=1e-5)
    track = mesh_track(shape.template, shape.faces, shape.weights, shape.parents,
                       shape.rest_joints, motion["global_orient"], motion["body_pose"],
                       motion["transl"], fps=30)
    payload = player_payload([track], fps=30)
    ref = model.pose(motion["global_orient"], motion["body_pose"], betas, motion["transl"])
    err = np.linalg.norm(skin_like_browser(payload["bodies"][0], payload["tracks"][0])
                         - ref.vertices, axis=-1)
    assert err.max() < 5e-3, f"max vertex error {err.max() * 1000:.2f} mm"
