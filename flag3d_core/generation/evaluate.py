"""The category protocol (ACTOR, FLAG3D Table 7): generated motions against real held-out ones,
seen through the project's own action recognizer: an ST-GCN trained on windows of the
protocol's length (:mod:`.eval_recognizer`), as ACTOR trains its recognizer on its clips.

Real and generated motions are compared as windows of one length (``window_s``, 5 s by default;
ACTOR uses 60 frames): one window per real sequence at a seeded random offset, and as many
generated motions per activity as the real test split has. Both go through the same NTU-25
joints (the body's joints and landmark vertices, exactly how the catalog's MoCap joints are
made) and the recognizer's preprocessing; its pooled features give FID, diversity and
multimodality, its class scores the accuracy and the confusion matrix. Each figure is repeated
over seeds and given as mean +- the 95 % interval; the real-vs-real row (real training windows
against real test windows) says what "good" is on this data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from flag3d_core.generation.data import MotionItem
from flag3d_core.generation.model import MotionVAE
from flag3d_core.generation.sample import generate
from flag3d_core.generation.skeleton import ntu25_joints
from flag3d_core.metrics import generation as gm
from flag3d_core.recognition.checkpoint import LoadedModel
from flag3d_core.recognition.data import RecognitionDataset, RecognitionItem

__all__ = ["CATEGORY_CONVENTIONS", "CategoryConfig", "CategoryResult", "recognizer_outputs",
           "evaluate_category", "real_windows"]

CATEGORY_CONVENTIONS = (
    "ACTOR's category protocol: features and class scores of the project's ST-GCN trained on "
    "5 s windows of performers P001-P005 (NTU-25 joints made from SMPL for real and generated "
    "motions alike, its own preprocessing); real = one window per held-out sequence "
    "(performers P006-P010), generated = the same number per activity; windows of equal "
    "length at the catalog's fps; FID and diversity/multimodality in the recognizer's feature "
    "units; mean +- 95 % interval (Student t) over seeds.")


@dataclass(frozen=True)
class CategoryConfig:
    window_s: float = 5.0
    seeds: tuple[int, ...] = (0, 1, 2)
    diversity_pairs: int = 200
    multimodality_pairs: int = 20
    num_clips: int = 1


@dataclass
class CategoryResult:
    """Per row ('generated', 'real'): metric -> (mean, 95 % half-width); plus the generated
    motions' confusion matrix (K, K) summed over seeds (rows: asked, columns: recognized)."""

    rows: dict[str, dict[str, tuple[float, float]]]
    confusion: np.ndarray
    per_seed: list[dict[str, float]] = field(default_factory=list)
    conventions: str = CATEGORY_CONVENTIONS

    def metrics(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for row, ms in self.rows.items():
            for k, (m, h) in ms.items():
                out[f"{row}/{k}"] = m
                out[f"{row}/{k}_ci95"] = h
        out["conventions"] = self.conventions
        return out


@torch.no_grad()
def recognizer_outputs(rec: LoadedModel, joints: Sequence[np.ndarray], labels: Sequence[int],
                       batch_size: int = 64, num_clips: int = 1
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Pooled features (N, D) and class probabilities (N, K) of NTU-25 sequences (T, 25, 3),
    with the recognizer's own preprocessing (deterministic clips, as at test)."""
    model = rec.model
    if not hasattr(model, "features"):
        raise ValueError(f"{rec.model_name} has no pooled features: use ST-GCN or CTR-GCN")
    items = [RecognitionItem(np.asarray(j, np.float32), int(lab), str(i))
             for i, (j, lab) in enumerate(zip(joints, labels, strict=True))]
    from flag3d_core.layouts import get_layout

    data = RecognitionDataset(items, get_layout(model.cfg.layout), rec.preprocess, train=False,
                              num_clips=num_clips)
    dev = next(model.parameters()).device
    feats, probs = [], []
    model.eval()
    for s in range(0, len(data), batch_size):
        clips = torch.stack([data[i][0] for i in range(s, min(s + batch_size, len(data)))])
        n, k = clips.shape[:2]
        f = model.features(clips.flatten(0, 1).to(dev))  # (N*k, D)
        p = model.fc(f).softmax(-1)
        feats.append(f.view(n, k, -1).mean(1).cpu().numpy())
        probs.append(p.view(n, k, -1).mean(1).cpu().numpy())
    return np.concatenate(feats), np.concatenate(probs)


def real_windows(items: Sequence[MotionItem], n_frames: int, seed: int) -> list[np.ndarray]:
    """One window (n_frames, 147) per item at a seeded random offset (looped if shorter)."""
    rng = np.random.default_rng(seed)
    out = []
    for it in items:
        start = int(rng.integers(0, max(len(it.motion) - n_frames, 0) + 1))
        out.append(it.motion[(start + np.arange(n_frames)) % len(it.motion)])
    return out


def _row(feats: np.ndarray, probs: np.ndarray, labels: np.ndarray, ref: np.ndarray,
         cfg: CategoryConfig, seed: int) -> dict[str, float]:
    return {"accuracy": float((probs.argmax(1) == labels).mean()),
            "fid": gm.frechet_distance(feats, ref),
            "diversity": gm.diversity(feats, cfg.diversity_pairs, seed),
            "multimodality": gm.multimodality(feats, labels, cfg.multimodality_pairs, seed)}


def evaluate_category(model: MotionVAE, recognizer: LoadedModel, body: Any,
                      train_items: Sequence[MotionItem], test_items: Sequence[MotionItem],
                      cfg: CategoryConfig = CategoryConfig(), *,
                      condition_of: Callable[[int], int | np.ndarray] | None = None,
                      max_direct: int = 180,
                      progress: Callable[[int, int], None] | None = None) -> CategoryResult:
    """The category protocol for ``model`` (see the module docstring).

    ``condition_of(label)`` gives the generator's condition for an activity label (default:
    the label itself, for the action model; a text model passes its activity's embedding).
    """
    if not test_items or not train_items:
        raise ValueError("the category protocol needs real training and test motions")
    fps = float(test_items[0].fps)
    n_frames = int(round(cfg.window_s * fps))
    trained_on = recognizer.extra.get("window_frames")
    if trained_on is not None and int(trained_on) != n_frames:
        raise ValueError(f"the recognizer was trained on windows of {trained_on} frames, the "
                         f"protocol asks for {n_frames} ({cfg.window_s} s at {fps:g} fps)")
    labels = np.array([it.label for it in test_items])
    k = int(max(it.label for it in [*train_items, *test_items])) + 1
    counts = np.bincount(labels, minlength=k)
    betas = np.mean([it.betas for it in test_items], axis=0)  # the test performers' mean shape
    cond = condition_of or (lambda lab: lab)
    steps = len(cfg.seeds) * (len(test_items) + int(counts.sum()) + len(train_items))
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, steps)

    def joints_of(motions: Sequence[np.ndarray], shapes: Sequence[np.ndarray]) -> list:
        out = [ntu25_joints(body, m, b, fps) for m, b in zip(motions, shapes, strict=True)]
        tick(len(out))
        return out

    per_seed_gen, per_seed_real = [], []
    confusion = np.zeros((k, k), np.int64)
    for seed in cfg.seeds:
        real_test = joints_of(real_windows(test_items, n_frames, seed),
                              [it.betas for it in test_items])
        f_test, p_test = recognizer_outputs(recognizer, real_test, labels,
                                            num_clips=cfg.num_clips)
        real_train = joints_of(real_windows(train_items, n_frames, seed + 1000),
                               [it.betas for it in train_items])
        train_labels = np.array([it.label for it in train_items])
        f_train, _ = recognizer_outputs(recognizer, real_train, train_labels,
                                        num_clips=cfg.num_clips)
        gen, gen_labels = [], []
        for lab in range(k):
            if counts[lab] == 0:
                continue
            samples = generate(model, cond(lab), n_frames, int(counts[lab]),
                               seed=seed * 100_000 + lab * 1000, max_direct=max_direct)
            gen += [s.motion for s in samples]
            gen_labels += [lab] * len(samples)
        gen_labels = np.array(gen_labels)
        gen_joints = joints_of(gen, [betas] * len(gen))
        f_gen, p_gen = recognizer_outputs(recognizer, gen_joints, gen_labels,
                                          num_clips=cfg.num_clips)
        np.add.at(confusion, (gen_labels, p_gen.argmax(1)), 1)
        per_seed_gen.append(_row(f_gen, p_gen, gen_labels, f_test, cfg, seed))
        real = _row(f_test, p_test, labels, f_train, cfg, seed)
        per_seed_real.append(real)
    rows = {}
    for name, runs in (("generated", per_seed_gen), ("real", per_seed_real)):
        rows[name] = {m: gm.mean_ci95(np.array([r[m] for r in runs])) for m in runs[0]}
    return CategoryResult(rows=rows, confusion=confusion,
                          per_seed=[{"seed": s, **{f"generated/{k}": v for k, v in g.items()},
                                     **{f"real/{k}": v for k, v in r.items()}}
                                    for s, g, r in zip(cfg.seeds, per_seed_gen, per_seed_real,
                                                       strict=True)])
