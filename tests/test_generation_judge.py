"""The generation evaluators' plumbing: landmark-only posing against the full body, windows for
the protocol's recognizer (a short retrain, its checkpoint role), the real-motion index and
its cache, recognition of a motion, and the playground's player payload."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from flag3d_core.generation.data import MotionItem
from flag3d_core.generation.motion import from_smpl, to_smpl
from tests.test_generation import _smpl


@pytest.fixture(scope="module")
def body():
    from flag3d_core.body import BodyModelError, load_body_model
    from flag3d_core.settings import load_settings

    try:
        return load_body_model(load_settings().body_models)
    except (BodyModelError, FileNotFoundError) as exc:
        pytest.skip(f"no body model: {exc}")


def _items(n_per_class: int = 3, classes: int = 3, n_t: int = 90) -> list[MotionItem]:
    out = []
    for c in range(classes):
        for k in range(n_per_class):
            smpl = _smpl(n_t, seed=10 * c + k)
            # classes differ by a large, steady arm pose so that a tiny recognizer can learn them
            pose = smpl.body_pose.copy()
            pose[:, 3 * 15 + 2] += 1.2 * (c - 1)
            smpl = type(smpl)(smpl.global_orient, pose, smpl.betas, smpl.transl, smpl.fps)
            out.append(MotionItem(f"S{c}{k}", from_smpl(smpl), smpl.betas, c, f"A00{c + 1}",
                                  f"activity {c}", "arms", f"text {c}", f"P00{k + 1}", 30.0,
                                  ""))
    return out


def test_posed_points_equal_the_full_body_vertices(body) -> None:
    from flag3d_core.body.joints import posed_points
    from flag3d_core.generation.motion import rotations

    smpl = _smpl(12, seed=3)
    m = torch.as_tensor(from_smpl(smpl))[None].to(body.dtype)
    b = torch.as_tensor(smpl.betas)[None].to(body.dtype)
    ids = [0, 411, 3500, 6000, 6889]
    joints, points = posed_points(body, rotations(m), b, m[..., 144:], ids)
    back = to_smpl(m[0].numpy(), smpl.betas, 30.0)
    full = body.pose(back.global_orient, back.body_pose, back.betas, back.transl)
    np.testing.assert_allclose(points[0].numpy(), full.vertices[:, ids], atol=1e-5)
    np.testing.assert_allclose(joints[0].numpy(), full.joints, atol=1e-5)


def test_window_items_cover_each_motion_and_loop_short_ones() -> None:
    from flag3d_core.generation.eval_recognizer import window_items

    joints = [np.arange(100 * 75, dtype=np.float32).reshape(100, 25, 3),
              np.zeros((30, 25, 3), np.float32)]
    items = _items(1, 2)
    w = window_items(joints, items, n_frames=40, stride=20)
    # 100 frames: starts 0, 20, 40, 60; 30 frames: one looped window
    assert [x.key for x in w] == ["S00@0", "S00@20", "S00@40", "S00@60", "S10@0"]
    assert all(x.array.shape == (40, 25, 3) for x in w)
    np.testing.assert_array_equal(w[1].array, joints[0][20:60])
    assert [x.label for x in w] == [0, 0, 0, 0, 1]


def test_protocol_recognizer_short_retrain_learns_and_keeps_its_role(body, tmp_path) -> None:
    from flag3d_core.generation.eval_recognizer import (
        EvalRecognizerConfig,
        load_eval_recognizer,
        save_eval_recognizer,
        train_eval_recognizer,
    )
    from flag3d_core.recognition.checkpoint import save_checkpoint

    items = _items(4, 3, 90)
    cfg = EvalRecognizerConfig(window_s=2.0, stride_s=0.5, epochs=6, clip_len=16,
                               batch_size=8, lr=0.05)
    res = train_eval_recognizer(items, body, cfg, n_classes=3, val_items=items)
    assert res.history[-1].loss < res.history[0].loss
    assert res.final_val_top1 >= 0.66  # three well-separated classes
    path = save_eval_recognizer(tmp_path / "rec.pt", res, cfg, items, {0: "A001", 1: "A002",
                                                                         2: "A003"})
    rec = load_eval_recognizer(path)
    assert rec.extra["window_frames"] == 60 and rec.extra["protocol"] == "generation-5v5"
    other = save_checkpoint(tmp_path / "plain.pt", res.model, res.config, label_map={})
    with pytest.raises(ValueError, match="not a category-protocol recognizer"):
        load_eval_recognizer(other)


def test_recognize_averages_windows_and_gives_a_top5(body) -> None:
    from flag3d_core.generation.eval_recognizer import EvalRecognizerConfig, train_eval_recognizer
    from flag3d_core.generation.judge import recognize
    from flag3d_core.recognition.checkpoint import LoadedModel

    items = _items(2, 3, 60)
    cfg = EvalRecognizerConfig(window_s=1.0, stride_s=1.0, epochs=1, clip_len=8, batch_size=8)
    res = train_eval_recognizer(items, body, cfg, n_classes=3)
    rec = LoadedModel(res.model.eval(), "stgcn", res.model.cfg, {}, res.config, "",
                      extra={"window_frames": 30})
    out = recognize(rec, body, [items[0].motion, items[0].motion[:20]], items[0].betas, 30.0)
    assert len(out) == 2 and len(out[0].top) == 3  # three classes: a top-3
    assert abs(sum(p for _, p in out[0].top) - 1.0) < 1e-4
    assert out[0].label in (0, 1, 2) and 0 < out[0].probability <= 1


def test_motion_index_nearest_and_cache(body, tmp_path, monkeypatch) -> None:
    from flag3d_core.generation import judge
    from flag3d_core.generation.judge import MotionIndex

    emb = np.eye(4, dtype=np.float32)
    index = MotionIndex(("a", "b", "c", "d"), np.arange(4), emb, ("t",) * 4)
    q = np.array([0.1, 0.9, 0.4, 0.0], np.float32)
    assert [k for k, _ in index.nearest(q, 2)] == ["b", "c"]
    assert index.nearest(q, 1)[0][1] == pytest.approx(0.9)

    built = []

    def fake_build(items, evaluator, body_, progress=None):
        built.append(len(items))
        return index

    class Ev:
        metrics = {"sha256": "abc"}

    monkeypatch.setattr(judge, "build_index", fake_build)
    monkeypatch.setattr(judge, "index_key", lambda con, sha: f"key-{sha}")
    monkeypatch.setattr("flag3d_core.generation.data.load_motions",
                        lambda con, arrays, body_model=None: [None] * 4)
    a = judge.load_or_build_index(None, tmp_path, tmp_path, Ev(), body)
    b = judge.load_or_build_index(None, tmp_path, tmp_path, Ev(), body)
    assert built == [4]  # the second call read the cache file
    assert b.keys == a.keys and np.array_equal(b.embeddings, a.embeddings)
    assert (tmp_path / "motion-index" / "key-abc.npz").is_file()


def test_generated_payload_puts_samples_and_real_side_by_side(body) -> None:
    from flag3d_core.player.generated import generated_payload

    m = from_smpl(_smpl(20, 1))
    p = generated_payload(body, [("sample 1", m), ("sample 2", m)], 30.0, view="skeleton")
    kinds = [(t["seq"], t["kind"]) for t in p["tracks"]]
    assert kinds == [(0, "mesh"), (0, "skeleton"), (1, "mesh"), (1, "skeleton")]
    assert p["view"] == "skeleton" and p["mesh_sent"] is True
    offsets = sorted({t["x_offset"] for t in p["tracks"]})
    assert offsets == pytest.approx([-0.6, 0.6])
    with pytest.raises(ValueError, match="no samples"):
        generated_payload(body, [], 30.0)
