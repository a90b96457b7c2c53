"""Training the text-motion evaluator of :mod:`.text_motion` and its retrieval figures.

Training (:func:`train_text_motion`): random windows of 2-6 s of the training motions, each
paired with one of its activity's texts (:func:`activity_texts`), and a symmetric InfoNCE loss
(:func:`contrastive_loss`). FLAG3D has one instruction text per activity, so a batch holds
several motions of the same text; as TMR does with its text-similarity threshold, pairs of the
same activity are taken out of each other's negatives.

Evaluation (:func:`evaluate_retrieval`): the "real motions" rows of the language protocol, from
the metric functions of :mod:`flag3d_core.metrics.generation`.
"""

from __future__ import annotations

import math
import re
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from flag3d_core.generation.data import MotionItem, data_fingerprint
from flag3d_core.generation.skeleton import smpl_joints_np
from flag3d_core.generation.text_motion import (
    TextMotionConfig,
    TextMotionEvaluator,
    TextMotionNet,
    TextMotionTrainConfig,
    motion_features,
    padded_clips,
    resample_frames,
)
from flag3d_core.metrics.generation import (
    diversity,
    frechet_distance,
    mm_dist,
    one_per_class_batches,
    r_precision,
    random_batches,
)

__all__ = ["activity_texts", "contrastive_loss", "evaluate_retrieval", "train_text_motion"]

Progress = Callable[[int, int, float], None]  # (step, steps, loss)


def activity_texts(items: Sequence[MotionItem]) -> dict[int, list[str]]:
    """The training texts of each label: its instruction sentences, the first sentence alone,
    the activity's name and ``"a person doing <name>"`` (so that short free-text prompts land
    near the right activity); duplicates dropped, order kept."""
    out: dict[int, list[str]] = {}
    for it in items:
        if it.label in out:
            continue
        first = re.split(r"(?<=[.!?])\s+", it.text.strip(), maxsplit=1)[0]
        texts = [it.text, first, it.activity, f"a person doing {it.activity.lower()}"]
        out[it.label] = list(dict.fromkeys(t for t in texts if t))
    return out


def contrastive_loss(motion_emb: torch.Tensor, text_emb: torch.Tensor, labels: torch.Tensor,
                     log_scale: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE over a batch of matched pairs; pairs of the same label are no
    negatives of each other.

    motion_emb, text_emb: (B, D) unit rows, row i matching row i; labels: (B,) activity of each
    pair; log_scale: () log of the inverse temperature. Returns the mean of the motion->text
    and text->motion cross-entropies.
    """
    n_b = len(labels)
    assert motion_emb.shape == text_emb.shape and motion_emb.shape[0] == n_b
    # 1. scaled cosine similarities, motions along rows
    logits = log_scale.exp() * motion_emb @ text_emb.T  # (B, B)
    # 2. the other pairs of the same activity are positives, not negatives: mask them out
    same = labels[:, None] == labels[None, :]
    off_diag = same & ~torch.eye(n_b, dtype=torch.bool, device=logits.device)
    logits = logits.masked_fill(off_diag, float("-inf"))
    # 3. cross-entropy both ways
    target = torch.arange(n_b, device=logits.device)
    return 0.5 * (nn.functional.cross_entropy(logits, target)
                  + nn.functional.cross_entropy(logits.T, target))


def _joints_of(items: Sequence[MotionItem], body: Any, fps: float) -> list[np.ndarray]:
    """SMPL-24 joints (T_i, 24, 3) of each item, resampled to ``fps``."""
    return [resample_frames(smpl_joints_np(body, it.motion, it.betas), it.fps, fps)
            for it in items]


def _feature_stats(joints: Sequence[np.ndarray], fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and standard deviation (F,) over every frame of the full sequences."""
    f = np.concatenate([motion_features(j, fps) for j in joints]).astype(np.float64)
    return f.mean(0).astype(np.float32), np.maximum(f.std(0), 1e-3).astype(np.float32)


def _lr_factor(step: int, cfg: TextMotionTrainConfig) -> float:
    """Linear warm-up, then cosine decay to 5 % of the base rate."""
    if step < cfg.warmup_steps:
        return (step + 1) / cfg.warmup_steps
    t = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t))


def train_text_motion(items: Sequence[MotionItem], body: Any, encoder: Any,
                      cfg: TextMotionConfig | None = None,
                      train_cfg: TextMotionTrainConfig | None = None,
                      progress: Progress | None = None) -> TextMotionEvaluator:
    """Train an evaluator on ``items`` (the training split: a test performer's item warns).

    ``cfg`` / ``train_cfg`` default to ``TextMotionConfig()`` / ``TextMotionTrainConfig()``.
    ``body`` gives the joints of the motions, ``encoder`` (a
    :class:`~flag3d_core.search.encoder.TextEncoder`) the frozen sentence embeddings. The
    evaluator's metrics hold the loss curve, ``loss_start`` / ``loss_end`` (means of the first
    and last 10 steps) and ``train_seconds``.
    """
    cfg = TextMotionConfig() if cfg is None else cfg
    train_cfg = TextMotionTrainConfig() if train_cfg is None else train_cfg
    if len({it.label for it in items}) < 2:
        raise ValueError("training the text-motion evaluator needs at least 2 activities")
    if encoder.dim != cfg.text_dim:
        raise ValueError(f"the encoder gives {encoder.dim}-d sentences, the config expects "
                         f"{cfg.text_dim}")
    if any(it.split == "test" for it in items):
        warnings.warn("train_text_motion: items of the test performers are in the training "
                      "data", UserWarning, stacklevel=2)
    start_time = time.perf_counter()
    torch.manual_seed(train_cfg.seed)
    rng = np.random.default_rng(train_cfg.seed)
    device = torch.device(train_cfg.device)
    rate = cfg.fps
    # 1. the joints of every motion at the evaluator's rate; features are made per window
    joints = _joints_of(items, body, rate)
    labels = np.array([it.label for it in items])
    by_class = {c: np.flatnonzero(labels == c) for c in np.unique(labels)}
    classes = np.array(sorted(by_class))
    # 2. the frozen sentence embeddings of every training text of each activity
    texts = activity_texts(items)
    sentences = {c: torch.as_tensor(encoder.encode(t), device=device) for c, t in texts.items()}
    # 3. the model, its feature standardisation and the optimiser
    model = TextMotionNet(cfg).to(device)
    mean, std = _feature_stats(joints, rate)
    model.mean.copy_(torch.from_numpy(mean))
    model.std.copy_(torch.from_numpy(std))
    with torch.no_grad():
        model.log_scale.fill_(math.log(1 / train_cfg.temperature))
    model.log_scale.requires_grad_(train_cfg.learn_temperature)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                            lr=train_cfg.lr, weight_decay=train_cfg.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: _lr_factor(s, train_cfg))
    lo, hi = round(train_cfg.min_window_s * rate), round(train_cfg.max_window_s * rate)
    losses: list[float] = []
    model.train()
    for step in range(train_cfg.steps):
        # 4. a batch: as many different activities as possible, one window length per batch
        picked = rng.choice(classes, train_cfg.batch_size,
                            replace=train_cfg.batch_size > len(classes))
        idx = [int(rng.choice(by_class[c])) for c in picked]
        length = int(rng.integers(lo, hi + 1))
        clips, text_rows = [], []
        for i in idx:
            n = min(length, len(joints[i]))
            s = int(rng.integers(0, len(joints[i]) - n + 1))
            clips.append(motion_features(joints[i][s:s + n], rate))
            options = sentences[labels[i]]
            text_rows.append(options[int(rng.integers(len(options)))])
        x, mask = padded_clips(clips)
        y = torch.as_tensor(labels[idx], device=device)
        # 5. one step of the contrastive loss
        m_emb = model.encode_motion(x.to(device), mask.to(device))
        t_emb = model.encode_text(torch.stack(text_rows))
        loss = contrastive_loss(m_emb, t_emb, y, model.log_scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        with torch.no_grad():
            model.log_scale.clamp_(max=math.log(100.0))
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(step + 1, train_cfg.steps, losses[-1])
    model.eval()
    head = min(10, len(losses))
    metrics = {"loss_curve": losses,
               "loss_start": float(np.mean(losses[:head])) if losses else float("nan"),
               "loss_end": float(np.mean(losses[-head:])) if losses else float("nan"),
               "temperature": float(1 / model.log_scale.detach().exp()),
               "train_seconds": time.perf_counter() - start_time,
               "n_train_items": len(items), "threads": torch.get_num_threads()}
    return TextMotionEvaluator(model=model, config=cfg, train_config=train_cfg,
                               text_encoder=encoder.name, data_fingerprint=data_fingerprint(
                                   list(items)), metrics=metrics, body=body)


def evaluate_retrieval(evaluator: TextMotionEvaluator, items: Sequence[MotionItem],
                       encoder: Any, body: Any, seed: int = 0, *,
                       batch_size: int = 32) -> dict[str, float]:
    """Retrieval figures of real motions (full sequences) against their instruction texts.

    Keys: ``r_precision_random_top{1,2,3}`` (random batches of ``batch_size``; FLAG3D's texts
    repeat within them, which caps these), ``r_precision_per_class_top{1,2,3}`` (batches of
    ``batch_size`` different activities), ``mm_dist`` (over the random batches' items),
    ``fid_halves`` (between the motion embeddings of two random halves), ``diversity`` (Guo et
    al.'s, min(300, N) pairs without replacement) and ``n_items``. Embeddings are unit rows,
    so distances lie in [0, 2].
    """
    joints = _joints_of(items, body, evaluator.config.fps)
    motion = evaluator.embed_features([motion_features(j, evaluator.config.fps)
                                       for j in joints])  # (N, D)
    unique = sorted({it.text for it in items})
    table = dict(zip(unique, evaluator.embed_texts(unique, encoder), strict=True))
    text = np.stack([table[it.text] for it in items])  # (N, D)
    labels = np.array([it.label for it in items])
    rand = random_batches(len(items), batch_size, seed)
    per_class = one_per_class_batches(labels, batch_size, seed)
    used = np.concatenate(rand)
    halves = np.random.default_rng(seed).permutation(len(items))
    out: dict[str, float] = {"n_items": float(len(items))}
    for name, batches in (("random", rand), ("per_class", per_class)):
        for k, v in enumerate(r_precision(text, motion, batches, top_k=3), start=1):
            out[f"r_precision_{name}_top{k}"] = float(v)
    out["mm_dist"] = mm_dist(text[used], motion[used])
    out["fid_halves"] = frechet_distance(motion[halves[:len(items) // 2]],
                                         motion[halves[len(items) // 2:]])
    out["diversity"] = diversity(motion, min(300, len(items)), seed, replace=False)
    return out
