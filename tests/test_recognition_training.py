from pathlib import Path

import numpy as np
import pytest
import torch

from flag3d_core.layouts import COCO17, NTU25
from flag3d_core.recognition.checkpoint import (
    data_fingerprint,
    item_entries,
    load_checkpoint,
    save_checkpoint,
)
from flag3d_core.recognition.data import RecognitionDataset
from flag3d_core.recognition.evaluate import evaluate, predict
from flag3d_core.recognition.preprocess import PreprocessConfig
from flag3d_core.recognition.toydata import toy_items
from flag3d_core.recognition.train import TrainConfig, lr_at, train_recognizer

TINY = dict(base_channels=8, num_stages=3, inflate_stages=(2,), down_stages=(2,))


def tiny_config(model="stgcn", **kw):
    base = dict(model=model, num_classes=3, epochs=6, batch_size=6, lr=0.1,
                preprocess=PreprocessConfig(clip_len=16), model_options=TINY)
    base.update(kw)
    return TrainConfig(**base)


def test_tiny_training_learns():
    torch.set_num_threads(1)
    train = toy_items(NTU25, 3, 12, seed=1)
    val = toy_items(NTU25, 3, 4, seed=2)
    calls = []
    result = train_recognizer(tiny_config(epochs=10, lr=0.05), train, val,
                              progress=lambda *a: calls.append(a))
    losses = [h.loss for h in result.history]
    assert losses[-1] < losses[0]
    assert result.history[-1].val_top1 > 0.45  # chance is 1/3
    assert result.history[-1].train_top1 > 0.45
    assert calls[-1][1] == calls[-1][2] == len(calls)  # step == total at the end
    ev = evaluate(result.model, val, 2, preprocess=result.config.preprocess,
                  group_of_class=["a", "a", "b"])
    assert ev.confusion.sum() == len(val) and set(ev.per_group) == {"a", "b"}
    assert ev.probs.shape == (len(val), 3)
    assert np.allclose(ev.probs.sum(axis=1), 1.0, atol=1e-5)


def test_training_is_deterministic():
    torch.set_num_threads(1)
    train = toy_items(NTU25, 3, 4, seed=1)
    cfg = tiny_config(epochs=1)
    a = train_recognizer(cfg, train).history[0].loss
    b = train_recognizer(cfg, train).history[0].loss
    assert a == b


@pytest.mark.parametrize("name", ["stgcn", "2sagcn", "ctrgcn"])
def test_checkpoint_round_trip(tmp_path, name):
    train = toy_items(NTU25, 3, 2, seed=1)
    cfg = tiny_config(name, epochs=1)
    result = train_recognizer(cfg, train)
    fp = data_fingerprint(item_entries(train))
    path = save_checkpoint(tmp_path / "m.pt", result.model, cfg, label_map={0: "x", 1: "y", 2: "z"},
                           data_fingerprint=fp, metrics={"top1": 0.5})
    loaded = load_checkpoint(path)
    assert loaded.model_name == name and loaded.train_config == cfg
    assert loaded.label_map == {0: "x", 1: "y", 2: "z"} and loaded.data_fingerprint == fp
    assert loaded.metrics == {"top1": 0.5}
    x = torch.randn(2, 3, 16, 25, 1)
    result.model.eval()
    with torch.no_grad():
        assert torch.equal(result.model(x), loaded.model(x))
    assert np.array_equal(loaded.predict(train), predict(result.model, train,
                                                         preprocess=cfg.preprocess))


def test_checkpoint_with_the_old_agcn_name_loads_as_2sagcn(tmp_path: Path) -> None:
    """Checkpoints written before the one-name rule call 2s-AGCN "agcn"."""
    train = toy_items(NTU25, 3, 2, seed=1)
    cfg = tiny_config("2sagcn", epochs=1)
    result = train_recognizer(cfg, train)
    path = save_checkpoint(tmp_path / "m.pt", result.model, cfg, label_map={0: "x"})
    ckpt = torch.load(path, weights_only=True)
    ckpt["model_name"] = ckpt["train_config"]["model"] = "agcn"
    torch.save(ckpt, path)
    loaded = load_checkpoint(path)
    assert loaded.model_name == "2sagcn" and loaded.train_config == cfg


def test_fingerprint_order_independent_and_sensitive():
    items = toy_items(NTU25, 2, 2)
    e = item_entries(items)
    assert data_fingerprint(e) == data_fingerprint(list(reversed(e)))
    assert data_fingerprint(e) != data_fingerprint(e[:-1])


def test_load_rejects_foreign_file(tmp_path):
    p = tmp_path / "x.pt"
    torch.save({"hello": 1}, p)
    with pytest.raises(ValueError, match="not a flag3d-recognizer"):
        load_checkpoint(p)


def test_2d_items_dataset_shapes():
    items = toy_items(COCO17, 2, 2)
    ds = RecognitionDataset(items, COCO17, PreprocessConfig(mode="2d", clip_len=8), train=False,
                            num_clips=2)
    clips, label = ds[0]
    assert clips.shape == (2, 3, 8, 17, 1) and label == 0
    assert torch.equal(clips[:, 2], torch.ones_like(clips[:, 2]))  # score channel kept


def test_lr_schedule():
    assert lr_at(0, 100, 10, 1.0) == pytest.approx(0.1)
    assert lr_at(10, 100, 10, 1.0) == pytest.approx(1.0)
    assert lr_at(100, 100, 10, 1.0) == pytest.approx(0.0)
