"""Sampling motions of any length from a trained generator.

Up to the longest window the model trained on, the decoder makes the whole motion at once.
Longer motions (FLAG3D sequences run 10-100 s; a user may ask for 30 s of an exercise) repeat
the generated exercise's cycle: the period is estimated on the generated motion (the
autocorrelation of its principal component, :mod:`flag3d_core.analysis.repetitions`), the
loop point is where the motion comes back closest to itself one period later, and the cycle is
repeated with cross-faded joins (:func:`~flag3d_core.generation.motion.smooth_joins`). A motion
with no period repeats its second half.

Sample ``i`` of a call uses latent seed ``seed + i``: the same seed, condition and length give
the same motion, and asking for more samples keeps the first ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from flag3d_core.analysis.repetitions import count_repetitions
from flag3d_core.generation.model import MotionVAE
from flag3d_core.generation.motion import ROT_FEATURES, smooth_joins

__all__ = ["GeneratedMotion", "extend_by_cycles", "find_loop", "generate"]

JOIN_FRAMES = 8


@dataclass(frozen=True)
class GeneratedMotion:
    """One sample: ``motion`` (T, 147) float32 at ``fps``; ``how`` is 'direct' or 'cycles'."""

    motion: np.ndarray
    seed: int
    fps: float
    how: str
    period_frames: float | None = None


def find_loop(motion: np.ndarray, period: float, start_min: int) -> tuple[int, int]:
    """(start, length) of the cycle ``motion[start:start + length]`` whose end comes back
    closest to its start (rotation features and their velocity), for lengths within 20 % of
    ``period`` and starts from ``start_min`` on."""
    rot = np.asarray(motion[:, :ROT_FEATURES], np.float64)
    vel = np.diff(rot, axis=0, prepend=rot[:1])
    n_t = len(rot)
    best = (np.inf, start_min, int(round(period)))
    for length in range(max(8, int(0.8 * period)), int(1.2 * period) + 1):
        for start in range(start_min, n_t - length):
            d = (np.sum((rot[start] - rot[start + length]) ** 2)
                 + 4.0 * np.sum((vel[start] - vel[start + length]) ** 2))
            if d < best[0]:
                best = (d, start, length)
    return best[1], best[2]


def extend_by_cycles(motion: np.ndarray, n_frames: int, fps: float
                     ) -> tuple[np.ndarray, float | None]:
    """``motion`` (T, 147) lengthened to ``n_frames`` by repeating its cycle (see the module
    docstring); returns (the motion, the period in frames or None)."""
    n_t = len(motion)
    if n_frames <= n_t:
        return motion[:n_frames], None
    reps = count_repetitions(motion[:, :ROT_FEATURES], fps=fps)
    period = reps.period_frames
    if period is None or not (JOIN_FRAMES * 2 <= period <= n_t / 2):
        start, length = n_t // 2, n_t - n_t // 2
    else:
        start, length = find_loop(motion, period, start_min=n_t // 3)
    head = motion[:start + length]
    cycle = motion[start:start + length + JOIN_FRAMES]  # a cycle plus the join's overlap
    parts = [head]
    total = len(head)
    while total < n_frames:
        parts.append(cycle)
        total += len(cycle) - JOIN_FRAMES
    return smooth_joins(parts, JOIN_FRAMES)[:n_frames], period


def generate(model: MotionVAE, condition: int | np.ndarray, n_frames: int, n_samples: int = 1,
             seed: int = 0, max_direct: int = 180) -> list[GeneratedMotion]:
    """``n_samples`` motions of ``n_frames`` frames for one condition: an activity label
    (action model) or a (384,) sentence embedding (text model).

    ``max_direct``: the longest motion the decoder makes at once (the training windows'
    maximum); longer ones repeat the cycle.
    """
    if n_frames < 1 or n_samples < 1:
        raise ValueError(f"n_frames and n_samples must be >= 1, got {n_frames}, {n_samples}")
    if model.cfg.condition == "action":
        cond = torch.as_tensor([int(condition)], dtype=torch.long)
    else:
        cond = torch.as_tensor(np.asarray(condition, np.float32).reshape(1, -1))
    direct = min(n_frames, max_direct)
    out = []
    for i in range(n_samples):
        m = model.sample(cond, direct, seed=seed + i)[0].float().cpu().numpy()
        period = None
        how = "direct"
        if n_frames > direct:
            m, period = extend_by_cycles(m, n_frames, model.cfg.fps)
            how = "cycles"
        out.append(GeneratedMotion(m.astype(np.float32), seed + i, model.cfg.fps, how, period))
    return out
