"""FLAG3D-Synth release files at the small profile: formats, physics, determinism, learnability."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from flag3d_core.layouts import NTU25
from flag3d_core.safe_pickle import safe_load
from flag3d_core.synth.activities import scripts
from flag3d_core.synth.generate import generate
from flag3d_core.synth.profiles import Profile

FPS = 30.0
# NTU-25 bones whose both ends are SMPL joints (rigid under linear blend skinning).
RIGID_BONES = [(NTU25.index(a), NTU25.index(b)) for a, b in (
    ("LHip", "LKnee"), ("LKnee", "LAnkle"), ("RHip", "RKnee"), ("RKnee", "RAnkle"),
    ("LShoulder", "LElbow"), ("LElbow", "LWrist"), ("RShoulder", "RElbow"),
    ("RElbow", "RWrist"), ("SpineBase", "LHip"), ("SpineBase", "RHip"))]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth_small")
    seen = []
    summary = generate("small", seed=3, out_dir=out, progress=lambda d, t: seen.append((d, t)))
    # progress counts the sequences, then the rendered videos
    n = 180 + summary.num_videos
    assert summary.num_mocap == 180 and seen[-1] == (n, n) and {t for _, t in seen} == {n}
    return out


@pytest.fixture(scope="module")
def skeletons(small) -> dict:
    return safe_load(small / "flag3d_keypoint.pkl")


def _by_activity(data: dict) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for ann in data["annotations"]:
        out.setdefault(ann["label"] + 1, []).append(ann)
    return out


def test_release_layout(small, skeletons):
    anns = skeletons["annotations"]
    assert len(anns) == 180
    a = anns[0]
    assert a["frame_dir"] == "S001C001M001P001A001R001"
    assert a["keypoint"].dtype == np.float32 and a["keypoint"].shape[2:] == (25, 3)
    assert a["keypoint"].shape[1] == a["total_frames"]
    assert all(np.isfinite(x["keypoint"]).all() for x in anns)
    split = skeletons["split"]
    assert {n[12:16] for n in split["val"]} == {"P001", "P005"}
    assert {n[12:16] for n in split["train"]} == {"P002"}
    render = safe_load(small / "flag3d_2d_render.pkl")
    r = render["annotations"][0]
    assert r["keypoint"].dtype == np.float16 and r["keypoint"].shape[2:] == (17, 2)
    assert r["keypoint_score"].shape == r["keypoint"].shape[:3] and r["img_shape"] == (480, 854)
    natural = safe_load(small / "flag3d_2d_natural.pkl")
    names = [x["frame_dir"] for x in natural["annotations"]]
    assert "PLAY_A001_V001_R001_S001" in names and "PHR_A060_V002_R001_S001" in names
    shapes = {x["img_shape"] for x in natural["annotations"]}
    assert shapes == {(1920, 1080), (1080, 1920)}
    scores = np.concatenate([x["keypoint_score"].ravel() for x in natural["annotations"]])
    assert 0.001 < np.mean(scores < 0.05) < 0.1  # some missed detections
    # the back camera (C004) sees the face less well than the front camera (C001)
    nose = {c: np.mean([x["keypoint_score"][0, :, 0].astype(np.float32).mean()
                        for x in render["annotations"] if x["frame_dir"][4:8] == c])
            for c in ("C001", "C002", "C006")}
    assert nose["C001"] > 0.8
    cams = sorted(p.name for p in (small / "cameras").glob("*.json"))
    assert cams == [f"S001C00{k}.json" for k in range(1, 7)]
    cam = json.loads((small / "cameras" / "S001C001.json").read_text())
    assert cam["width"] == 854 and cam["height"] == 480 and np.array(cam["R"]).shape == (3, 3)
    centre = -np.array(cam["R"]).T @ np.array(cam["T"])
    assert 3.0 < np.linalg.norm(centre[:2]) < 4.0 and 1.0 <= centre[2] <= 1.5
    with zipfile.ZipFile(small / "instruction.zip") as zf:
        assert len(zf.namelist()) == 60
        assert json.loads(zf.read("A060.json"))["I001"] == "Run In Place With Arm Swing"


def test_smpl_files_follow_easymocap_layout(small, skeletons):
    npz = np.load(small / "smpl" / "S001C001M001P002A051R001.npz")
    assert set(npz.files) == {"poses", "shapes", "Rh", "Th"}
    assert npz["poses"].shape[1] == 72 and npz["shapes"].shape == (1, 10)
    assert np.all(npz["poses"][:, :3] == 0)
    assert len(list((small / "smpl").glob("*.npz"))) == 180


def test_bones_keep_their_length(skeletons):
    for ann in skeletons["annotations"]:
        kp = ann["keypoint"][0].astype(np.float64)
        for a, b in RIGID_BONES:
            length = np.linalg.norm(kp[:, a] - kp[:, b], axis=-1)
            assert np.ptp(length) < 1e-3, (ann["frame_dir"], a, b)


def test_joint_speeds_stay_human(skeletons):
    for ann in skeletons["annotations"]:
        kp = ann["keypoint"][0]
        speed = np.linalg.norm(np.diff(kp, axis=0), axis=-1) * FPS
        assert speed.max() < 10.0, ann["frame_dir"]


def test_floor_contact_and_lying(tmp_path, small):
    """Whole-body check with the body model: standing feet on the floor, jumps leave it,
    lying torsos stay low."""
    from flag3d_core.body import load_body_model, write_standin

    write_standin(tmp_path)
    body = load_body_model(tmp_path)
    for act, script in sorted(scripts().items()):
        p = np.load(small / "smpl" / f"S001C001M001P002A{act:03d}R001.npz")
        idx = np.arange(0, p["poses"].shape[0], 4)
        out = body.pose(np.zeros((len(idx), 3)), p["poses"][idx, 3:], p["shapes"][0])
        rot = Rotation.from_rotvec(p["Rh"][idx]).as_matrix()
        verts = np.einsum("tab,tvb->tva", rot, out.vertices) + p["Th"][idx, None]
        lowest = verts[..., 2].min(axis=1)
        assert lowest.min() > -0.02, f"A{act:03d} sinks into the floor"
        if script.jumps:
            assert lowest.max() > 0.04, f"A{act:03d} never leaves the floor"
        else:
            assert lowest.max() < 0.02, f"A{act:03d} floats above the floor"
        joints = np.einsum("tab,tjb->tja", rot, out.joints) + p["Th"][idx, None]
        if script.lying:  # some part of the torso (pelvis..neck) rests on the floor throughout
            torso_low = joints[:, [0, 3, 6, 9, 12], 2].min(axis=1)
            assert torso_low.max() < 0.3, f"A{act:03d} torso leaves the floor"
        elif script.posture == "stand" and not script.jumps and act not in (32,):
            assert joints[:, 0, 2].min() > 0.5, f"A{act:03d} standing pelvis too low"


def _features(kp: np.ndarray) -> np.ndarray:
    """Per-joint mean and std of root-centred coordinates, (25 * 3 * 2,)."""
    centred = kp - kp[:, :1]
    return np.concatenate([centred.mean(axis=0).ravel(), centred.std(axis=0).ravel()])


def baseline_accuracy(data: dict) -> float:
    """Nearest-class-mean accuracy, trained on 'train', tested on 'val'."""
    train, val = set(data["split"]["train"]), set(data["split"]["val"])
    feats = {a["frame_dir"]: (_features(a["keypoint"][0]), a["label"])
             for a in data["annotations"]}
    labels = sorted({lab for _, lab in feats.values()})
    means = np.stack([np.mean([f for n, (f, lab) in feats.items() if n in train and lab == c],
                              axis=0) for c in labels])
    hits = [labels[int(np.argmin(np.linalg.norm(means - f, axis=1)))] == lab
            for n, (f, lab) in feats.items() if n in val]
    return float(np.mean(hits))


def test_baseline_classifier_learns_but_does_not_saturate(skeletons):
    acc = baseline_accuracy(skeletons)
    assert 0.15 < acc < 1.0, acc


def test_same_seed_gives_identical_files(tmp_path):
    tiny = Profile("tiny", (1, 2), (1,), cycles=(1, 1), min_frames=0, max_frames=60,
                   activities=(3, 13, 51))
    a = generate(tiny, seed=11, out_dir=tmp_path / "a")
    b = generate(tiny, seed=11, out_dir=tmp_path / "b", workers=2)  # order-free
    c = generate(tiny, seed=12, out_dir=tmp_path / "c")
    files = sorted(p.relative_to(a.out_dir) for p in a.out_dir.rglob("*") if p.is_file())
    assert len(files) == 4 + 6 + 6
    for rel in files:
        fa, fb = a.out_dir / rel, b.out_dir / rel
        assert fa.read_bytes() == fb.read_bytes(), rel  # byte-identical, instruction.zip too
    assert (c.out_dir / "flag3d_keypoint.pkl").read_bytes() != (
        a.out_dir / "flag3d_keypoint.pkl").read_bytes()
