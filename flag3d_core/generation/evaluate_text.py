"""The language protocol (Guo et al. 2022, FLAG3D Table 7's text-to-motion rows) with the
project's own text-motion evaluator, and TEMOS's APE / AVE.

For every held-out sequence (performers P006-P010) one motion of ``window_s`` is generated from
its instruction text (the text model; the action model gets the activity), and one real window
of the same length is cut from the sequence at a seeded offset. Through the evaluator
(:mod:`.text_motion`): R-precision top-1/2/3 of each motion against its text in batches of 32,
both one clip per activity per batch (FLAG3D has 60 texts, so random batches hold duplicates)
and random batches as in the literature; FID between generated and real test windows (the real
row: real training windows against real test windows); MM-Dist; diversity; multimodality (pairs
within an activity). APE / AVE (metres, m^2): SMPL-24 joints of each generated motion against
its own real window, both starting on the ground origin, as given (no heading alignment), for
the root, its ground trajectory, the root-relative pose and all joints. Repeated over seeds,
mean +- 95 % interval; the evaluator checkpoint's hash goes with every result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from flag3d_core.generation.data import MotionItem
from flag3d_core.generation.evaluate import real_windows
from flag3d_core.generation.model import MotionVAE
from flag3d_core.generation.sample import generate
from flag3d_core.generation.skeleton import smpl_joints_np
from flag3d_core.generation.text_motion import TextMotionEvaluator
from flag3d_core.metrics import generation as gm

__all__ = ["LANGUAGE_CONVENTIONS", "LanguageConfig", "LanguageResult", "evaluate_language"]

LANGUAGE_CONVENTIONS = (
    "Language protocol: the project's text-motion evaluator (trained on P001-P005; hash "
    "stored); one 5 s motion per held-out sequence (P006-P010) from its instruction text, "
    "against one real 5 s window of it; R-precision in batches of 32 (one clip per activity, "
    "and random); FID, MM-Dist, diversity, multimodality in the evaluator's unit embedding; "
    "APE/AVE on SMPL-24 joints (m, m^2), ground start at the origin, no heading alignment; "
    "mean +- 95 % interval over seeds.")


@dataclass(frozen=True)
class LanguageConfig:
    window_s: float = 5.0
    seeds: tuple[int, ...] = (0, 1, 2)
    batch_size: int = 32
    diversity_pairs: int = 300
    multimodality_pairs: int = 20


@dataclass
class LanguageResult:
    """Per row ('generated', 'real'): metric -> (mean, 95 % half-width)."""

    rows: dict[str, dict[str, tuple[float, float]]]
    evaluator_sha256: str
    per_seed: list[dict[str, float]] = field(default_factory=list)
    conventions: str = LANGUAGE_CONVENTIONS

    def metrics(self, prefix: str = "text/") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for row, ms in self.rows.items():
            for k, (m, h) in ms.items():
                out[f"{prefix}{row}/{k}"] = m
                out[f"{prefix}{row}/{k}_ci95"] = h
        out[f"{prefix}evaluator_sha256"] = self.evaluator_sha256
        out[f"{prefix}conventions"] = self.conventions
        return out


def _grounded(m: np.ndarray) -> np.ndarray:
    out = np.array(m, np.float32, copy=True)
    out[:, 144:146] -= out[0, 144:146]
    return out


def _retrieval(text: np.ndarray, motion: np.ndarray, labels: np.ndarray, ref: np.ndarray,
               cfg: LanguageConfig, seed: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, batches in (("per_class", gm.one_per_class_batches(labels, cfg.batch_size, seed)),
                          ("random", gm.random_batches(len(labels), cfg.batch_size, seed))):
        for k, v in enumerate(gm.r_precision(text, motion, batches, top_k=3), start=1):
            out[f"r_precision_{name}_top{k}"] = float(v)
    out["fid"] = gm.frechet_distance(motion, ref)
    out["mm_dist"] = gm.mm_dist(text, motion)
    out["diversity"] = gm.diversity(motion, cfg.diversity_pairs, seed)
    out["multimodality"] = gm.multimodality(motion, labels, cfg.multimodality_pairs, seed)
    return out


def evaluate_language(model: MotionVAE, evaluator: TextMotionEvaluator, encoder: Any,
                      body: Any, train_items: Sequence[MotionItem],
                      test_items: Sequence[MotionItem], cfg: LanguageConfig = LanguageConfig(),
                      *, condition_of: Callable[[MotionItem], int | np.ndarray] | None = None,
                      evaluator_sha256: str = "", max_direct: int = 180,
                      progress: Callable[[int, int], None] | None = None) -> LanguageResult:
    """The language protocol for ``model`` (see the module docstring).

    ``condition_of(item)``: the generator's condition for a test item (default: its label,
    for the action model; a text model passes the MiniLM embedding of ``item.text``).
    """
    if not test_items or not train_items:
        raise ValueError("the language protocol needs real training and test motions")
    fps = float(test_items[0].fps)
    n_frames = int(round(cfg.window_s * fps))
    labels = np.array([it.label for it in test_items])
    cond = condition_of or (lambda it: it.label)
    unique = sorted({it.text for it in test_items})
    table = dict(zip(unique, evaluator.embed_texts(unique, encoder), strict=True))
    text = np.stack([table[it.text] for it in test_items])  # (N, D)
    betas = np.zeros(10, np.float32)
    per_seed_gen, per_seed_real = [], []
    steps, done = len(cfg.seeds) * len(test_items), 0
    for seed in cfg.seeds:
        real = [_grounded(w) for w in real_windows(test_items, n_frames, seed)]
        real_train = real_windows(train_items, n_frames, seed + 1000)
        by_text: dict[str, list[int]] = {}
        for i, it in enumerate(test_items):
            by_text.setdefault(it.text, []).append(i)
        gen: list[np.ndarray | None] = [None] * len(test_items)
        for k, (_text, idx) in enumerate(sorted(by_text.items())):
            made = generate(model, cond(test_items[idx[0]]), n_frames, len(idx),
                            seed=seed * 100_000 + k * 1000, max_direct=max_direct)
            for i, m in zip(idx, made, strict=True):
                gen[i] = m.motion
            done += len(idx)
            if progress is not None:
                progress(done, steps)
        e_real = evaluator.embed_motions(real, [it.betas for it in test_items], fps, body=body)
        e_train = evaluator.embed_motions(real_train, [it.betas for it in train_items], fps,
                                          body=body)
        e_gen = evaluator.embed_motions(gen, betas, fps, body=body)
        g = _retrieval(text, e_gen, labels, e_real, cfg, seed)
        r = _retrieval(text, e_real, labels, e_train, cfg, seed)
        jg = np.stack([smpl_joints_np(body, m, betas) for m in gen])
        jr = np.stack([smpl_joints_np(body, m, betas) for m in real])
        for name, v in gm.ape(jg, jr).items():
            g[f"ape_{name}_m"] = v
        for name, v in gm.ave(jg, jr).items():
            g[f"ave_{name}_m2"] = v
        per_seed_gen.append(g)
        per_seed_real.append(r)
    rows = {name: {m: gm.mean_ci95(np.array([s[m] for s in runs])) for m in runs[0]}
            for name, runs in (("generated", per_seed_gen), ("real", per_seed_real))}
    return LanguageResult(rows=rows, evaluator_sha256=evaluator_sha256,
                          per_seed=[{"seed": s, **{f"generated/{k}": v for k, v in g.items()},
                                     **{f"real/{k}": v for k, v in r.items()}}
                                    for s, g, r in zip(cfg.seeds, per_seed_gen, per_seed_real,
                                                       strict=True)])
