"""The ten FLAG3D-Synth performers P001-P010: body shape, tempo, range of motion, habits.

Every number derives from ``np.random.default_rng([seed, STREAM, index])``, so a performer is
the same whatever else is generated and in whatever order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flag3d_core.synth.poses import CHANNEL_SIZES, DIRECTION_CHANNELS

NUM_PERFORMERS = 10
_STREAM = 101
# Angle channels that carry a personal offset (degrees) and their typical size.
_HABIT_CHANNELS = {"pelvis": 3.0, "spine": 3.0, "neck": 4.0, "l_collar": 3.0, "r_collar": 3.0,
                   "l_wrist": 4.0, "r_wrist": 4.0, "l_ankle": 2.0, "r_ankle": 2.0}


@dataclass(frozen=True)
class Performer:
    """One performer's body and movement style.

    Attributes:
        index: 1-10 (P001-P010).
        betas: (10,) body shape (height, girth, leg length, shoulders, hips, arms, chest,
            head, belly, muscularity for the stand-in body).
        tempo: cycle duration multiplier (>1 is slower).
        rom: range-of-motion multiplier around the cycle's mean pose.
        side_bias: extra range on the left side (negative: on the right), fraction.
        jump: jump height multiplier.
        noise: amplitude of the smooth pose wobble, degrees.
        habits: constant per-channel offsets (angles in degrees, direction nudges).
    """

    index: int
    betas: np.ndarray
    tempo: float
    rom: float
    side_bias: float
    jump: float
    noise: float
    habits: dict[str, np.ndarray]

    @property
    def pid(self) -> str:
        return f"P{self.index:03d}"


def make_performer(index: int, seed: int) -> Performer:
    """Performer ``index`` (1-10) of the dataset generated with ``seed``."""
    if not 1 <= index <= NUM_PERFORMERS:
        raise ValueError(f"performer index must be 1-{NUM_PERFORMERS}, got {index}")
    rng = np.random.default_rng([seed, _STREAM, index])
    betas = np.clip(rng.normal(0.0, 0.9, size=10), -2.0, 2.0)
    habits: dict[str, np.ndarray] = {}
    for name in sorted(CHANNEL_SIZES):
        size = CHANNEL_SIZES[name]
        if name in _HABIT_CHANNELS:
            habits[name] = rng.normal(0.0, _HABIT_CHANNELS[name], size=size)
        elif name in DIRECTION_CHANNELS:
            leg = any(seg in name for seg in ("thigh", "shin"))
            habits[name] = rng.normal(0.0, 0.012 if leg else 0.03, size=size)
    return Performer(
        index=index,
        betas=betas,
        tempo=float(rng.uniform(0.85, 1.2)),
        rom=float(rng.uniform(0.85, 1.08)),
        side_bias=float(rng.uniform(-0.06, 0.06)),
        jump=float(rng.uniform(0.75, 1.2)),
        noise=float(rng.uniform(0.8, 1.8)),
        habits=habits,
    )
