"""`flag3d import hmr`: other methods' outputs (here ROMP and VIBE files holding the ground truth
seen from the studio camera, plus noise) matched to catalog sequences, moved back into the world
by the calibration, scored and recorded as a mesh_recovery run; bad files skipped with their
reason; a failed import leaves the catalog byte-identical."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import joblib
import numpy as np
import pytest

from flag3d_core.cli import main

NOISE_RAD = 0.002  # per-joint rotation noise of the fake predictions (a few mm of MPJPE)


@pytest.fixture()
def env(small_env, monkeypatch):
    from flag3d_core.body import load_body_model
    from flag3d_core.settings import load_settings

    for k, v in small_env.items():
        monkeypatch.setenv(k, v)
    s = load_settings()
    return {"settings": s, "body": load_body_model(s.body_models)}


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _two_render_pairs(env) -> list:
    """Two rendered studio-camera sequences (cameras C002 and C006) with their ground truth."""
    from flag3d_core.catalog import queries
    from flag3d_core.mesh_recovery.kp2smpl import load_pairs

    s = env["settings"]
    con = queries.connect(s.catalog)
    try:
        rows = queries.keypoint_smpl_pairs(con, "render")
        ids = [rows[rows["camera"] == cam]["sequence_id"].iloc[0] for cam in (2, 6)]
        return load_pairs(con, s.arrays_dir, env["body"], sequence_ids=ids)
    finally:
        con.close()


def _phone_pair(env):
    """A phone video (no calibration) with its ground truth."""
    from flag3d_core.catalog import queries
    from flag3d_core.mesh_recovery.kp2smpl import load_pairs

    s = env["settings"]
    con = queries.connect(s.catalog)
    try:
        sid = queries.keypoint_smpl_pairs(con, "real")["sequence_id"].iloc[0]
        (pair,) = load_pairs(con, s.arrays_dir, env["body"], source="real", sequence_ids=[sid])
        return pair
    finally:
        con.close()


def _camera_frame_truth(pair, frames: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """The pair's ground truth in its camera's frame on ``frames``, with rotation noise."""
    from flag3d_core.mesh_recovery.kp2smpl.frames import smpl_to_camera

    cam = smpl_to_camera(pair.gt_world, pair.camera, pair.pelvis_rest)
    rng = np.random.default_rng(seed)
    pose = np.concatenate([cam.global_orient, cam.body_pose], axis=1)[frames]  # (N, 72)
    pose = pose + rng.normal(scale=NOISE_RAD, size=pose.shape)
    return {"pose": pose.astype(np.float32), "transl": cam.transl[frames],
            "betas": np.tile(cam.betas, (len(frames), 1)).astype(np.float32)}


def _write_romp(path: Path, results: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, results=results)  # a pickled 0-d object array, as ROMP's np.savez writes
    return path


def _romp_results(truth: dict[str, np.ndarray], frames: np.ndarray) -> dict:
    """ROMP's results for the person, plus a spurious 3-frame detection (track 9)."""
    n, rng = len(frames), np.random.default_rng(5)
    extra = frames[:3]
    return {"smpl_thetas": np.concatenate([truth["pose"],
                                           rng.uniform(-0.5, 0.5, (3, 72))]).astype(np.float32),
            "smpl_betas": np.concatenate([truth["betas"], np.zeros((3, 10), np.float32)]),
            "cam_trans": np.concatenate([truth["transl"], np.ones((3, 3), np.float32)]),
            "frame_ids": np.concatenate([frames, extra]),
            "track_ids": np.array([1] * n + [9] * 3)}


def test_romp_and_vibe_outputs_become_runs_that_eval_reads(env, tmp_path, capsys):
    from flag3d_core.catalog import queries
    from flag3d_core.mesh_recovery.runs import run_smpl

    romp_pair, vibe_pair = _two_render_pairs(env)
    frames = np.arange(4, romp_pair.n_frames - 3)  # the method saw only part of the video
    truth = _camera_frame_truth(romp_pair, frames, seed=1)
    romp_root = tmp_path / "romp"
    romp_name = romp_pair.sequence_id.rsplit("/", 1)[-1]
    _write_romp(romp_root / f"{romp_name}.npz", _romp_results(truth, frames))
    _write_romp(romp_root / "S999C002M001P001A001R001.npz", _romp_results(truth, frames))

    assert main(["import", "hmr", "--format", "romp", "--root", str(romp_root), "--name",
                 "romp", "--json"]) == 0
    out = _json(capsys)
    m = out["metrics"]
    assert out["matched"] == 1 and out["world_aligned"] == 1
    assert m["num_frames"] == len(frames) and 0 < m["mpjpe"] < 10 and 0 < m["pa_mpjpe"] < 10
    (skipped,) = out["skipped"]
    assert skipped["name"] == "S999C002M001P001A001R001"
    assert "no sequence named 'S999C002M001P001A001R001'" in skipped["reason"]

    s = env["settings"]
    con = queries.connect(s.catalog)
    try:
        runs = queries.model_runs(con, "mesh_recovery")
        stored = run_smpl(con, s.arrays_dir, out["run_id"], romp_pair.sequence_id)
    finally:
        con.close()
    row = runs[runs["run_id"] == out["run_id"]].iloc[0]
    assert (row["model"], row["protocol"]) == ("romp", "imported romp")
    config = json.loads(row["config"])
    assert config["format"] == "romp" and "PA-MPJPE" in config["alignment"]
    assert config["skipped"][0]["reason"] == skipped["reason"]
    # the camera round trip puts the body back where the MoCap has it (the translation too)
    np.testing.assert_array_equal(stored.frames, frames)
    np.testing.assert_allclose(stored.transl, romp_pair.gt_world.transl[frames], atol=1e-3)

    assert main(["eval", "hmr", "--run", out["run_id"], "--json"]) == 0
    ev = _json(capsys)
    (seq,) = ev["sequences"]
    assert seq["sequence_id"] == romp_pair.sequence_id and seq["world_aligned"] == 1
    assert seq["n_frames_used"] == len(frames)
    assert seq["mpjpe"] == pytest.approx(m["mpjpe"], rel=1e-6)

    # VIBE: <video>/vibe_output.pkl, no translation. A phone video has no calibration: its
    # track (here the world-frame truth itself) is kept as given, world_aligned = 0.
    vibe_frames = np.arange(vibe_pair.n_frames)
    vt = _camera_frame_truth(vibe_pair, vibe_frames, seed=2)
    phone = _phone_pair(env)
    pt = np.concatenate([phone.gt_world.global_orient, phone.gt_world.body_pose], axis=1)
    for seq, pose, betas in ((vibe_pair.sequence_id, vt["pose"], vt["betas"]),
                             (phone.sequence_id, pt, np.tile(phone.gt_world.betas, (len(pt), 1)))):
        folder = tmp_path / "vibe" / seq.rsplit("/", 1)[-1]
        folder.mkdir(parents=True)
        joblib.dump({1: {"pose": pose, "betas": betas, "frame_ids": np.arange(len(pose)),
                         "pred_cam": np.zeros((len(pose), 3), np.float32)}},
                    folder / "vibe_output.pkl")
    assert main(["import", "hmr", "--format", "vibe", "--root", str(tmp_path / "vibe"),
                 "--name", "vibe"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert "(vibe, imported vibe): MPJPE" in line and "over 2 sequences" in line
    assert "1 moved into the world" in line and "0 skipped" in line
    mpjpe = float(line.split("MPJPE ", 1)[1].split(" mm")[0])
    assert 0 < mpjpe < 10
    assert main(["eval", "hmr", "--run", line.split()[1], "--json"]) == 0
    aligned = {r["sequence_id"]: r["world_aligned"] for r in _json(capsys)["sequences"]}
    assert aligned == {vibe_pair.sequence_id: 1, phone.sequence_id: 0}

def test_a_root_of_bad_files_exits_2_and_leaves_the_catalog_unchanged(env, tmp_path, capsys):
    pair, other = _two_render_pairs(env)
    name = pair.sequence_id.rsplit("/", 1)[-1]
    root = tmp_path / "bad"
    root.mkdir()
    (root / f"{other.sequence_id.rsplit('/', 1)[-1]}.npz").write_bytes(b"not a zip archive")
    too_long = np.arange(pair.n_frames + 5)  # more frames than the video has
    truth = {"pose": np.zeros((len(too_long), 72), np.float32),
             "betas": np.zeros((len(too_long), 10), np.float32),
             "transl": np.zeros((len(too_long), 3), np.float32)}
    _write_romp(root / f"{name}.npz", _romp_results(truth, too_long))

    catalog = env["settings"].catalog
    before = hashlib.sha256(catalog.read_bytes()).hexdigest()
    assert main(["import", "hmr", "--format", "romp", "--root", str(root), "--name",
                 "romp"]) == 2
    (err,) = capsys.readouterr().err.strip().splitlines()[-1:]
    assert err.startswith("flag3d: error: ") and str(root) in err
    assert "not an .npz file" in err and "do not fit" in err
    assert hashlib.sha256(catalog.read_bytes()).hexdigest() == before
