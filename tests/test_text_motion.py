"""The text-motion evaluator: invariant motion features, a tiny training that learns, unit
embeddings that do not depend on batching, the checkpoint round trip and the windowed curve.

Crafted motions use the stand-in body and a deterministic hash "sentence encoder" (no MiniLM
import, no download); one test trains on a few real catalog items when the catalog exists.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from flag3d_core.catalog.record import SequenceSmpl
from flag3d_core.checkpoint_io import write_checkpoint
from flag3d_core.generation.data import MotionItem
from flag3d_core.generation.motion import from_smpl
from flag3d_core.generation.skeleton import smpl_joints_np
from flag3d_core.generation.text_motion import (
    FEATURES,
    FORMAT,
    REL_JOINTS,
    ROOT_HEIGHT,
    ROOT_VELOCITY,
    TextMotionConfig,
    TextMotionTrainConfig,
    checkpoint_hash,
    load_text_motion,
    motion_features,
    save_text_motion,
)
from flag3d_core.generation.text_motion_train import (
    activity_texts,
    evaluate_retrieval,
    train_text_motion,
)
from flag3d_core.geometry.rotations import (
    axis_angle_to_matrix_np,
    axis_rotation_np,
    matrix_to_axis_angle_np,
)

TINY = TextMotionConfig(channels=32, kernel=3, dilations=(1, 2), text_hidden=64, embed_dim=32,
                        dropout=0.0)
TINY_TRAIN = TextMotionTrainConfig(steps=40, batch_size=16, lr=3e-3, warmup_steps=5,
                                   min_window_s=1.0, max_window_s=3.0)
FPS = 30.0
N_FRAMES = 120

ACTIVITIES = ("Arm Raise", "Knee Bend", "Walk Forward", "Torso Twist")


class HashEncoder:
    """A stand-in sentence encoder: a fixed random unit vector per text."""

    name = "hash-test"
    dim = 384

    def encode(self, texts):
        rows = []
        for t in texts:
            seed = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).standard_normal(self.dim)
            rows.append(v / np.linalg.norm(v))
        return np.asarray(rows, np.float32).reshape(len(rows), self.dim)


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def body(tmp_path_factory):
    from flag3d_core.body.load import ensure_body_model

    return ensure_body_model(tmp_path_factory.mktemp("standin_body"))


def crafted_item(label: int, k: int, n_frames: int = N_FRAMES) -> MotionItem:
    """One motion of four crafted activities, with its own speed, phase, heading and place."""
    rng = np.random.default_rng(100 * label + k)
    t = np.arange(n_frames) / FPS
    wave = np.sin(2 * np.pi * rng.uniform(0.4, 0.8) * t + rng.uniform(0, 2 * np.pi))
    pose = np.zeros((n_frames, 69), np.float32)
    transl = np.zeros((n_frames, 3), np.float32)
    heading = rng.uniform(-np.pi, np.pi)
    if label == 0:  # left shoulder (joint 16) swings about x
        pose[:, (16 - 1) * 3] = 1.2 * wave
    elif label == 1:  # both knees (4, 5) bend
        pose[:, (4 - 1) * 3] = pose[:, (5 - 1) * 3] = 0.8 * (1 + wave)
    elif label == 2:  # the body moves forward at 0.6-1.0 m/s
        speed = rng.uniform(0.6, 1.0)
        transl[:, 0], transl[:, 1] = -np.sin(heading) * speed * t, np.cos(heading) * speed * t
    else:  # the spine (joint 3) twists about its axis
        pose[:, (3 - 1) * 3 + 1] = 0.7 * wave
    # stand upright (SMPL's y up -> z up), then turn to the heading
    upright = axis_rotation_np("z", np.array([heading]))[0] @ axis_rotation_np(
        "x", np.array([np.pi / 2]))[0]
    orient = np.tile(matrix_to_axis_angle_np(upright).astype(np.float32), (n_frames, 1))
    transl += np.array([rng.uniform(-2, 2), rng.uniform(-2, 2), 0.9], np.float32)
    smpl = SequenceSmpl(global_orient=orient, body_pose=pose, betas=np.zeros(10, np.float32),
                        transl=transl, fps=FPS)
    name = ACTIVITIES[label]
    return MotionItem(key=f"crafted/{label}/{k}", motion=from_smpl(smpl),
                      betas=np.zeros(10, np.float32), label=label, activity_id=f"A{label:03d}",
                      activity=name, body_part="", text=f"The {name.lower()} exercise. Repeat.",
                      performer="P001", fps=FPS, checksum=f"c{label}{k}")


@pytest.fixture(scope="module")
def crafted():
    return [crafted_item(c, k) for c in range(len(ACTIVITIES)) for k in range(4)]


@pytest.fixture(scope="module")
def trained(crafted, body):
    return train_text_motion(crafted, body, HashEncoder(), TINY, TINY_TRAIN)


# --- features ------------------------------------------------------------------------------------

def test_features_ignore_where_and_which_way_the_performer_stands(body):
    joints = smpl_joints_np(body, crafted_item(2, 0).motion, np.zeros(10))  # (T, 24, 3)
    feats = motion_features(joints, FPS)
    assert feats.shape == (N_FRAMES, FEATURES) and feats.dtype == np.float32
    turn = axis_rotation_np("z", np.array([2.1]))[0]
    moved = joints @ turn.T + np.array([3.0, -1.5, 0.4])
    np.testing.assert_allclose(motion_features(moved, FPS), feats, atol=1e-5)
    # a tilt (about x) is no such symmetry: the features see it
    tilt = axis_rotation_np("x", np.array([0.5]))[0]
    assert np.abs(motion_features(joints @ tilt.T, FPS) - feats).max() > 0.05


def test_features_of_a_hand_made_walk():
    # a fixed random pose whose hips lie along +x, gliding along +y at 0.5 m/s, pelvis 0.9 m up
    rng = np.random.default_rng(0)
    pose = rng.normal(0, 0.2, (24, 3))
    pose[0] = 0.0
    pose[1], pose[2] = [0.1, 0.0, -0.05], [-0.1, 0.0, -0.05]
    pose[7, 2] = -0.9  # the lowest joint, the floor
    t = np.arange(60) / FPS
    joints = pose[None] + np.stack([0 * t, 0.5 * t, 0.9 + 0 * t], 1)[:, None]  # (60, 24, 3)
    feats = motion_features(joints, FPS)
    np.testing.assert_allclose(feats[:, ROOT_VELOCITY], np.tile([0.0, 0.5], (60, 1)), atol=1e-5)
    np.testing.assert_allclose(feats[:, ROOT_HEIGHT], 0.9, atol=1e-6)
    np.testing.assert_allclose(feats[0, REL_JOINTS], pose[1:].reshape(-1), atol=1e-6)
    # turned by 90 degrees the walk goes along -x in the world, still "forward" here
    turn = axis_angle_to_matrix_np(np.array([0.0, 0.0, math.pi / 2]))
    feats_turned = motion_features(joints @ turn.T, FPS)
    np.testing.assert_allclose(feats_turned[:, ROOT_VELOCITY], feats[:, ROOT_VELOCITY], atol=1e-5)
    with pytest.raises(ValueError, match=r"\(T >= 2, 24, 3\)"):
        motion_features(joints[:, :10], FPS)


def test_activity_texts_have_the_name_and_a_phrase(crafted):
    texts = activity_texts(crafted)
    assert texts[1] == ["The knee bend exercise. Repeat.", "The knee bend exercise.", "Knee Bend",
                        "a person doing knee bend"]


# --- training and embeddings ---------------------------------------------------------------------

def test_training_reduces_the_loss_and_learns_the_crafted_activities(trained, crafted, body):
    m = trained.metrics
    assert len(m["loss_curve"]) == TINY_TRAIN.steps
    assert m["loss_end"] < 0.7 * m["loss_start"], (m["loss_start"], m["loss_end"])
    emb = trained.embed_motions([it.motion for it in crafted], [it.betas for it in crafted], FPS)
    assert emb.shape == (len(crafted), TINY.embed_dim) and emb.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    texts = trained.embed_texts([it.text for it in crafted[::4]], HashEncoder())  # one per class
    assert texts.shape == (len(ACTIVITIES), TINY.embed_dim)
    np.testing.assert_allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)
    sims = trained.similarity(emb, texts)  # (16, 4)
    hits = sims.argmax(1) == np.array([it.label for it in crafted])
    assert hits.mean() >= 0.75, sims  # chance 0.25


def test_an_embedding_does_not_depend_on_its_batch_and_bad_inputs_are_refused(trained, crafted):
    short, long = crafted[0], crafted_item(1, 9, n_frames=200)
    alone = trained.embed_motions([short.motion[:50]], short.betas, FPS)
    together = trained.embed_motions([short.motion[:50], long.motion], [short.betas, long.betas],
                                     FPS)
    np.testing.assert_allclose(together[0], alone[0], atol=1e-5)
    with pytest.raises(ValueError, match="T >= 16"):
        trained.embed_motions([short.motion[:10]], short.betas, FPS)
    other = HashEncoder()
    other.name = "other-encoder"
    with pytest.raises(ValueError, match="trained on the 'hash-test'"):
        trained.embed_texts(["squat"], other)


def test_test_performers_in_the_training_data_warn(crafted, body):
    leaked = [replace(it, performer="P006") if i == 0 else it for i, it in enumerate(crafted)]
    with pytest.warns(UserWarning, match="test performers"):
        train_text_motion(leaked, body, HashEncoder(), TINY, replace(TINY_TRAIN, steps=1))


def test_windowed_similarity_follows_the_motion_in_time(trained, crafted):
    item = crafted[0]
    text = trained.embed_texts([item.text], HashEncoder())[0]
    times, sims = trained.windowed_similarity(item.motion, item.betas, text, 2.0, 0.5)
    np.testing.assert_allclose(times, [1.0, 1.5, 2.0, 2.5, 3.0])  # 4 s, windows of 2 s
    assert sims.shape == times.shape and np.all(np.abs(sims) <= 1 + 1e-6)
    clip = trained.embed_motions([item.motion[15:75]], item.betas, FPS)[0]
    assert sims[1] == pytest.approx(float(clip @ text), abs=1e-5)
    # shorter than one window: one window over the whole motion, centred in it
    times, sims = trained.windowed_similarity(item.motion[:40], item.betas, text)
    np.testing.assert_allclose(times, [20 / FPS])
    # at 60 fps the times stay within the motion's duration
    doubled = np.repeat(item.motion, 2, axis=0)
    times, _ = trained.windowed_similarity(doubled, item.betas, text, fps=60.0)
    assert times.min() >= 1.0 - 1e-9 and times.max() <= len(doubled) / 60.0 - 1.0 + 1e-9


# --- checkpoint ----------------------------------------------------------------------------------

def test_checkpoint_round_trip_and_hash(trained, crafted, body, tmp_path):
    path = save_text_motion(tmp_path / "eval" / "tm.pt", trained, metrics={"note": "tiny"})
    loaded = load_text_motion(path, body=body)
    assert loaded.config == TINY and loaded.train_config == TINY_TRAIN
    assert loaded.data_fingerprint == trained.data_fingerprint != ""
    assert loaded.text_encoder == "hash-test" and loaded.metrics["note"] == "tiny"
    motions = [it.motion for it in crafted[:3]]
    np.testing.assert_allclose(loaded.embed_motions(motions, np.zeros(10), FPS),
                               trained.embed_motions(motions, np.zeros(10), FPS), atol=1e-6)
    np.testing.assert_allclose(loaded.embed_texts(["a person doing knee bend"], HashEncoder()),
                               trained.embed_texts(["a person doing knee bend"], HashEncoder()),
                               atol=1e-6)
    digest = checkpoint_hash(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    other = write_checkpoint(tmp_path / "other.pt", {"format": "flag3d-recognizer/1"})
    with pytest.raises(ValueError, match=f"not a {FORMAT}.*flag3d-recognizer/1"):
        load_text_motion(other)


# --- real catalog items --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_items():
    from flag3d_core.settings import DATA_CATALOG_DIR, load_settings

    s = load_settings({"FLAG3D_CATALOG": str(DATA_CATALOG_DIR / "catalog.duckdb"),
                       "FLAG3D_BODY_MODELS": str(DATA_CATALOG_DIR / "body_models")})
    if not s.catalog.is_file():
        pytest.skip(f"no catalog at {s.catalog}")
    from flag3d_core.body import load_body_model
    from flag3d_core.body.errors import BodyModelNotFoundError
    from flag3d_core.catalog import queries
    from flag3d_core.generation.data import load_motions

    try:
        real_body = load_body_model(s.body_models)
    except BodyModelNotFoundError:
        pytest.skip(f"no body model under {s.body_models}")
    con = queries.connect(s.catalog)
    try:
        items = load_motions(con, s.arrays_dir, split="train", body_model=real_body)
    finally:
        con.close()
    picked = [it for it in items if it.label < 4 and it.performer in ("P001", "P002")]
    return picked, real_body


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # FID of 4 + 4 rows in 32-d is singular
def test_a_few_real_items_train_and_evaluate(real_items):
    items, real_body = real_items
    assert len({it.label for it in items}) == 4
    ev = train_text_motion(items, real_body, HashEncoder(), TINY, replace(TINY_TRAIN, steps=30))
    assert ev.metrics["loss_end"] < ev.metrics["loss_start"]
    out = evaluate_retrieval(ev, items, HashEncoder(), real_body, seed=0, batch_size=4)
    for proto in ("random", "per_class"):
        top = [out[f"r_precision_{proto}_top{k}"] for k in (1, 2, 3)]
        assert 0 <= top[0] <= top[1] <= top[2] <= 1
    assert out["n_items"] == len(items)
    assert 0 <= out["mm_dist"] <= 2 and out["fid_halves"] >= 0 and out["diversity"] > 0


# --- the language protocol ---------------------------------------------------------------------

class _OracleGenerator:
    """Stands in for a MotionVAE: 'generates' crafted motions of the asked activity, so the
    language protocol must score it like the real motions."""

    class cfg:  # noqa: N801 - mimics MotionVAE.cfg
        condition = "action"
        fps = FPS

    def sample(self, cond, n_frames, seed=0):
        label = int(cond[0])
        m = crafted_item(label, 50 + seed % 7, n_frames).motion
        return torch.as_tensor(m)[None]


def test_language_protocol_scores_an_oracle_generator_like_real_motions(trained, crafted, body):
    from flag3d_core.generation.evaluate_text import LanguageConfig, evaluate_language

    test = [replace(crafted_item(c, 20 + k), performer="P006")
            for c in range(len(ACTIVITIES)) for k in range(4)]
    res = evaluate_language(_OracleGenerator(), trained, HashEncoder(), body, crafted, test,
                            LanguageConfig(window_s=2.0, seeds=(0, 1), batch_size=4,
                                           diversity_pairs=8, multimodality_pairs=2),
                            evaluator_sha256="abc")
    g, r = res.rows["generated"], res.rows["real"]
    assert g["r_precision_per_class_top3"][0] >= 0.9 and r["r_precision_per_class_top3"][0] >= 0.9
    assert abs(g["r_precision_per_class_top1"][0] - r["r_precision_per_class_top1"][0]) <= 0.25
    assert g["fid"][0] < 1.0  # unit embeddings of the same activities
    for k in ("ape_root_m", "ape_traj_m", "ape_pose_m", "ape_joints_m", "ave_joints_m2"):
        assert np.isfinite(g[k][0]) and g[k][0] >= 0
    m = res.metrics()
    assert m["text/evaluator_sha256"] == "abc" and "text/generated/mm_dist_ci95" in m
