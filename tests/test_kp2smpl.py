"""kp2smpl: the learned 2D keypoint sequence -> SMPL model (data pairs and camera frames,
network shapes, mirror augmentation, a short training run, checkpoints, predict)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from flag3d_core.body.joints import posed_joints
from flag3d_core.geometry.rotations import axis_angle_to_matrix
from flag3d_core.layouts.correspondences import COCO17_FROM_SMPL
from flag3d_core.mesh_recovery.kp2smpl import (
    POSTURES,
    Kp2Smpl,
    Kp2SmplConfig,
    Kp2SmplTrainConfig,
    box_normalise,
    evaluate_pairs,
    ground_truth_in_camera,
    load_kp2smpl,
    load_pair,
    load_pairs,
    predict,
    predicted_joints,
    save_kp2smpl,
    summarise,
    train_kp2smpl,
)
from flag3d_core.mesh_recovery.kp2smpl.batches import TrainingFrames
from flag3d_core.mesh_recovery.kp2smpl.frames import decode_root, encode_root, project_torch

BODY_KP = list(range(5, 17))  # COCO-17 keypoints that are SMPL joints (or sums of them)
SMALL = Kp2SmplConfig(width=64, dilations=(1, 3))


@pytest.fixture(autouse=True)
def one_thread():
    """Small tensors: one thread is fastest (and fair to a shared machine)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@pytest.fixture(scope="module")
def env(small_env):
    from flag3d_core.body import load_body_model
    from flag3d_core.catalog import queries
    from flag3d_core.settings import load_settings

    s = load_settings(small_env)
    con = queries.connect(s.catalog)
    yield {"settings": s, "con": con, "body": load_body_model(s.body_models)}
    con.close()


@pytest.fixture(scope="module")
def pairs(env):
    s = env["settings"]
    return load_pairs(env["con"], s.arrays_dir, env["body"], views=(1, 6), max_sequences=12)


def test_postures_are_data_that_agree_with_the_synth_scripts():
    from flag3d_core.synth.activities import scripts

    assert len(POSTURES) == 60
    for number, script in scripts().items():
        ground = script.posture != "stand" or script.anchor == "knees"
        assert POSTURES[f"A{number:03d}"] == ("kneel_lie" if ground else "stand"), number


def test_posed_joints_equal_the_body_models_forward(env):
    body = env["body"]
    rng = np.random.default_rng(1)
    pose = torch.as_tensor(rng.normal(0, 0.3, (5, 72)), dtype=torch.float32)
    betas = torch.as_tensor(rng.normal(0, 1, 10), dtype=torch.float32)
    transl = torch.as_tensor(rng.normal(0, 0.5, (5, 3)), dtype=torch.float32)
    ref = body.forward(pose[:, :3], pose[:, 3:], betas, transl).joints
    rot = axis_angle_to_matrix(pose.reshape(5, 24, 3))
    ours = posed_joints(body, rot[None], betas[None], transl[None])[0]
    assert torch.allclose(ours, ref, atol=1e-5)


def test_camera_frame_ground_truth_reprojects_onto_the_catalog_keypoints(env, pairs):
    """GT joints in the camera frame, projected, land on the stored 2D detections within the
    synthetic detector's noise (sigma 2.5 px); and they are the world GT seen by the camera."""
    body = env["body"]
    assert pairs and all(p.camera is not None and p.view in ("C001", "C006") for p in pairs)
    for p in pairs[:4]:
        cam_joints = predicted_joints(ground_truth_in_camera(p), body)  # (T, 24, 3)
        g = p.gt_world
        world = body.pose(g.global_orient, g.body_pose, g.betas, g.transl).joints
        assert np.allclose(cam_joints, p.camera.to_camera(world), atol=1e-4)
        kp3 = torch.as_tensor(COCO17_FROM_SMPL.joint_weights[BODY_KP], dtype=torch.float32) @ (
            torch.from_numpy(cam_joints))
        uv = project_torch(kp3, torch.as_tensor(p.K, dtype=torch.float32)).numpy()
        uv_ref, _ = p.camera.project(COCO17_FROM_SMPL.joint_weights[BODY_KP] @ world)
        assert np.allclose(uv, uv_ref, atol=1e-2)  # the torch twin of Camera.project
        err = np.linalg.norm(uv - p.keypoints[:, BODY_KP], axis=-1)
        visible = p.scores[:, BODY_KP] > 0.8
        assert np.median(err[visible]) < 4.0, (p.sequence_id, np.median(err[visible]))
        assert np.percentile(err[visible], 95) < 9.0


def test_box_normalisation_and_root_code_round_trip(pairs):
    p = pairs[0]
    box = box_normalise(p.keypoints, p.scores, p.K)
    t = p.n_frames
    assert box.keypoints.shape == (t, 17, 3) and box.box.shape == (t, 3)
    assert box.features().shape == (t, 54) and box.features().dtype == np.float32
    boxed = box.keypoints[..., 2] >= 0.3  # the keypoints that make the box lie inside it
    assert np.abs(box.keypoints[..., :2][boxed]).max() <= 1.0 / 1.2 + 1e-5
    pelvis = torch.from_numpy(p.gt_camera.transl + p.pelvis_rest[None])
    centre, scale = torch.from_numpy(box.centre), torch.from_numpy(box.scale)
    K = torch.as_tensor(p.K, dtype=torch.float32)
    code = encode_root(pelvis, centre, scale, K)
    assert code.shape == (t, 3)
    assert torch.allclose(decode_root(code, centre, scale, K), pelvis, atol=1e-4)
    # log of the box size in metres at the pelvis' depth: a person-sized box
    assert 0.5 < math.exp(float(code[:, 2].median())) < 3.5


def test_model_output_shapes():
    model = Kp2Smpl(SMALL).eval()
    assert SMALL.receptive_field == 1 + 2 * 4
    out = model(torch.zeros(2, 37, SMALL.in_features))
    assert out.rot6d.shape == (2, 37, 24, 6)
    assert out.root.shape == (2, 37, 3) and out.betas.shape == (2, 10)
    rot = out.rotmats()
    assert rot.shape == (2, 37, 24, 3, 3)
    eye = torch.eye(3).expand_as(rot)
    assert torch.allclose(rot @ rot.transpose(-1, -2), eye, atol=1e-5)


def test_mirrored_windows_still_reproject_onto_their_keypoints(env, pairs):
    frames = TrainingFrames(pairs)
    body = env["body"]
    for mirror in (0.0, 1.0):
        b = frames.sample(np.random.default_rng(0), 3, 20, mirror_p=mirror)
        assert b.features.shape == (3, 20, 54) and b.pose.shape == (3, 20, 24, 3)
        j = posed_joints(body, axis_angle_to_matrix(b.pose), b.betas)
        j = j - j[..., :1, :] + b.pelvis[..., None, :]
        w = torch.as_tensor(COCO17_FROM_SMPL.joint_weights[BODY_KP], dtype=torch.float32)
        uv = project_torch(w @ j, b.K[:, None])
        xy = (uv - b.centre[..., None, :]) / (0.5 * b.scale[..., None, None])
        px = (xy - b.keypoints[..., BODY_KP, :2]).norm(dim=-1) * 0.5 * b.scale[..., None]
        assert float(px.median()) < 4.0, mirror


@pytest.fixture(scope="module")
def trained(env, pairs):
    cfg = Kp2SmplTrainConfig(steps=150, batch_size=8, window=32, lr=3e-3, warmup_steps=5)
    return train_kp2smpl(TrainingFrames(pairs), env["body"], cfg, SMALL)


def test_a_short_training_run_lowers_the_loss(trained):
    assert trained.steps == 150 and len(trained.history) == 150
    assert set(trained.history[0]) == {"rot", "joints", "root", "betas", "reproj", "total"}
    assert trained.mean_loss(135, 150) < 0.65 * trained.mean_loss(0, 15)
    assert not trained.model.training


def test_checkpoint_round_trip_keeps_config_and_outputs(trained, tmp_path):
    path = save_kp2smpl(tmp_path / "ck" / "kp2smpl.pt", trained.model, trained.config,
                        data_fingerprint="abc", metrics={"pa_mpjpe": 12.5},
                        command=["bench_kp2smpl.py", "--minutes", "1"], extra={"note": "t"})
    raw = torch.load(path, weights_only=True)
    assert raw["model_config"]["width"] == 64 and raw["seed"] == 0
    loaded = load_kp2smpl(path)
    assert loaded.model_config == SMALL and loaded.train_config == trained.config
    assert loaded.data_fingerprint == "abc" and loaded.metrics == {"pa_mpjpe": 12.5}
    assert loaded.command == "bench_kp2smpl.py --minutes 1" and loaded.extra == {"note": "t"}
    x = torch.randn(1, 25, SMALL.in_features)
    with torch.no_grad():
        assert torch.equal(loaded.model(x).rot6d, trained.model(x).rot6d)
    torch.save({"format": "something else"}, tmp_path / "bad.pt")
    with pytest.raises(ValueError, match="not a flag3d-kp2smpl"):
        load_kp2smpl(tmp_path / "bad.pt")


def test_predict_gives_camera_frame_smpl_and_evaluation_rolls_up(env, trained, tmp_path, pairs):
    s, body = env["settings"], env["body"]
    p = load_pair(env["con"], s.arrays_dir, pairs[0].sequence_id, body)
    t = p.n_frames
    path = save_kp2smpl(tmp_path / "m.pt", trained.model, trained.config)
    for source in (trained.model, path, load_kp2smpl(path)):
        out = predict(source, p.keypoints, p.scores, p.camera, body=body)
        assert {k: v.shape for k, v in out.items()} == {
            "global_orient": (t, 3), "body_pose": (t, 69), "betas": (10,), "transl": (t, 3)}
        assert all(v.dtype == np.float32 and np.isfinite(v).all() for v in out.values())
    gt = ground_truth_in_camera(p)
    assert {k: v.shape for k, v in gt.items()} == {k: v.shape for k, v in out.items()}
    real = load_pairs(env["con"], s.arrays_dir, body, source="real", max_sequences=2)
    assert real and real[0].camera is None and ground_truth_in_camera(real[0]) is None
    df = evaluate_pairs(trained.model, pairs[:3] + real, body)
    assert list(df.source) == ["render"] * 3 + ["real"] * len(real)
    assert df[df.source == "real"].mpjpe.isna().all() and df.pa_mpjpe.notna().all()
    summary = summarise(df)
    assert summary["all"]["sequences"] == len(df)
    assert set(summary["by_posture"]) <= {"kneel_lie", "stand"}
    assert summary["by_view"]["C001"]["frames"] > 0
