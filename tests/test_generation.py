"""Motion generation: representation round trips, the VAE's shapes and seeds, a short retrain,
cycle extension, prompt checks, checkpoints and the generated-motions table."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from flag3d_core.catalog.record import SequenceSmpl
from flag3d_core.generation.checkpoint import load_generator, save_generator
from flag3d_core.generation.data import MotionItem, split_of
from flag3d_core.generation.model import GeneratorConfig, MotionVAE
from flag3d_core.generation.motion import FEATURES, from_smpl, smooth_joins, to_smpl
from flag3d_core.generation.prompts import PromptError, check_length, check_prompt
from flag3d_core.generation.sample import extend_by_cycles, generate
from flag3d_core.generation.train import GeneratorTrainConfig, train_generator


@pytest.fixture(scope="module")
def standin_body():
    from flag3d_core.body import BodyModelError, load_body_model
    from flag3d_core.settings import load_settings

    try:
        return load_body_model(load_settings().body_models)
    except (BodyModelError, FileNotFoundError) as exc:
        pytest.skip(f"no body model: {exc}")


def _smpl(n_t: int = 40, seed: int = 0) -> SequenceSmpl:
    rng = np.random.default_rng(seed)
    t = np.arange(n_t)[:, None]
    body = 0.4 * np.sin(2 * np.pi * t / 20 + rng.uniform(0, 6, (1, 69))) * rng.uniform(0, 1, 69)
    orient = np.concatenate([np.zeros((n_t, 2)), 0.3 * np.ones((n_t, 1))], axis=1)
    transl = np.concatenate([2 + 0.01 * t, 1 + 0 * t, 0.9 + 0.02 * np.sin(t / 3)], axis=1)
    return SequenceSmpl(orient.astype(np.float32), body.astype(np.float32),
                        rng.normal(0, 0.5, 10).astype(np.float32), transl.astype(np.float32),
                        30.0)


def test_motion_round_trip_keeps_pose_and_moves_ground_start_to_origin() -> None:
    smpl = _smpl()
    m = from_smpl(smpl)
    assert m.shape == (40, FEATURES) and m.dtype == np.float32
    np.testing.assert_allclose(m[0, 144:146], 0.0, atol=1e-6)  # ground start at the origin
    np.testing.assert_allclose(m[:, 146], smpl.transl[:, 2], atol=1e-6)  # height kept
    back = to_smpl(m, smpl.betas, 30.0)
    np.testing.assert_allclose(back.body_pose, smpl.body_pose, atol=2e-5)
    np.testing.assert_allclose(back.global_orient, smpl.global_orient, atol=2e-5)
    np.testing.assert_allclose(back.transl[:, :2], smpl.transl[:, :2] - smpl.transl[0, :2],
                               atol=1e-5)


def test_smooth_joins_continues_the_root_and_keeps_rotations_valid() -> None:
    a, b = from_smpl(_smpl(30, 1)), from_smpl(_smpl(30, 2))
    j = smooth_joins([a, b], overlap=6)
    assert j.shape == (54, FEATURES)
    np.testing.assert_allclose(j[:24], a[:24], atol=1e-5)  # before the join: unchanged
    # every 6D pair stays orthonormal after the blend
    r6 = j[:, :144].reshape(-1, 24, 6)
    np.testing.assert_allclose(np.linalg.norm(r6[..., :3], axis=-1), 1.0, atol=1e-5)
    np.testing.assert_allclose((r6[..., :3] * r6[..., 3:]).sum(-1), 0.0, atol=1e-5)
    # the second piece's ground path starts where the first one was at the join
    assert np.abs(j[24, 144:146] - a[24, 144:146]).max() < 0.02


def test_vae_shapes_seeds_and_lengths() -> None:
    torch.manual_seed(0)
    model = MotionVAE(GeneratorConfig(d_model=32, n_heads=2, n_layers=1, ff_dim=64)).eval()
    x = torch.randn(2, 37, FEATURES)
    mask = torch.ones(2, 37, dtype=torch.bool)
    y, mu, logvar = model(x, mask, torch.tensor([3, 5]))
    assert y.shape == (2, 37, FEATURES) and mu.shape == logvar.shape == (2, 32)
    a = model.sample(torch.tensor([4, 4]), 50, seed=7)
    b = model.sample(torch.tensor([4]), 50, seed=8)
    assert a.shape == (2, 50, FEATURES)
    torch.testing.assert_close(a[1], b[0])  # row i uses seed + i
    assert not torch.equal(a[0], a[1])
    text = MotionVAE(GeneratorConfig(condition="text", d_model=32, n_heads=2, n_layers=1))
    assert text.sample(torch.randn(1, 384), 12, seed=0).shape == (1, 12, FEATURES)
    with pytest.raises(ValueError, match="condition"):
        GeneratorConfig(condition="music")


def _items(n: int = 6) -> list[MotionItem]:
    out = []
    for i in range(n):
        smpl = _smpl(80, i)
        out.append(MotionItem(key=f"s{i}", motion=from_smpl(smpl), betas=smpl.betas,
                              label=i % 2, activity_id=f"A00{i % 2 + 1}",
                              activity=["Squat", "Lunge"][i % 2], body_part="lower body",
                              text=["bend the knees", "step forward"][i % 2],
                              performer=f"P00{i + 1}", fps=30.0, checksum=str(i)))
    return out


def test_short_retrain_lowers_the_loss_and_checkpoint_round_trips(tmp_path, standin_body
                                                                ) -> None:
    items = _items()
    cfg = GeneratorConfig(n_classes=2, d_model=32, n_heads=2, n_layers=1, ff_dim=64)
    tcfg = GeneratorTrainConfig(epochs=12, batch_size=3, lr=2e-3, min_frames=24, max_frames=40)
    res = train_generator(items, cfg, tcfg, standin_body)
    first, last = res.history[0], res.history[-1]
    assert last["loss"] < first["loss"] and last["joints_m"] < first["joints_m"]
    path = save_generator(tmp_path / "g.pt", res.model, tcfg,
                          activities={0: {"activity_id": "A001", "name": "Squat",
                                          "body_part": "", "text": "", "cycle_s": "0.67"}},
                          data_fingerprint="abc", command="test")
    gen = load_generator(path)
    assert gen.train_config == tcfg and gen.label_of("A001") == 0 and len(gen.sha256) == 64
    torch.testing.assert_close(gen.model.sample(torch.tensor([1]), 30, seed=3),
                               res.model.sample(torch.tensor([1]), 30, seed=3))
    with pytest.raises(ValueError, match="flag3d-generator/1"):
        torch.save({"format": "other"}, tmp_path / "x.pt")
        load_generator(tmp_path / "x.pt")
    # generation is reproducible by seed and longer motions repeat the cycle
    a = generate(gen.model, 1, 100, n_samples=2, seed=5, max_direct=40)
    b = generate(gen.model, 1, 100, n_samples=1, seed=6, max_direct=40)
    assert [m.motion.shape for m in a] == [(100, FEATURES)] * 2 and a[0].how == "cycles"
    np.testing.assert_allclose(a[1].motion, b[0].motion, atol=1e-5)


def test_extend_by_cycles_repeats_a_periodic_motion_without_jumps() -> None:
    m = from_smpl(_smpl(60, 3))  # period 20 frames
    long, period = extend_by_cycles(m, 200, 30.0)
    assert long.shape == (200, FEATURES)
    assert period is None or abs(period - 20) <= 2
    step = np.abs(np.diff(long[:, :144], axis=0)).max(axis=1)
    assert step.max() < 3 * np.abs(np.diff(m[:, :144], axis=0)).max(axis=1).max()


def test_prompt_and_length_checks_say_what_to_change() -> None:
    assert check_prompt("  raise   both arms ") == "raise both arms"
    for bad, msg in (("", "empty"), ("x" * 10_000, "characters"), ("举起双臂然后放下", "English"),
                     ("1234 !!", "no words")):
        with pytest.raises(PromptError, match=msg):
            check_prompt(bad)
    assert check_length(6) == 6.0
    with pytest.raises(PromptError, match="between"):
        check_length(0.2)
    with pytest.raises(PromptError, match="between"):
        check_length(1e4)


def test_generation_protocol_is_five_performers_each() -> None:
    assert [split_of(f"P{i:03d}") for i in range(1, 11)] == ["train"] * 5 + ["test"] * 5
    assert dataclasses.is_dataclass(MotionItem)
