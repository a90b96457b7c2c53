"""Tiny separable fake skeleton data for tests and benchmarks (not a dataset).

Class c moves one joint group with a class-specific frequency and axis; every sequence gets a
random heading (rotation about z), position, length and noise, so centring and alignment matter.
"""

from __future__ import annotations

import numpy as np

from flag3d_core.layouts import SkeletonLayout
from flag3d_core.recognition.data import RecognitionItem
from flag3d_core.recognition.preprocess import rotation_z


def rest_pose(layout: SkeletonLayout, seed: int = 0) -> np.ndarray:
    """A fixed plausible-looking rest pose (V, 3), z up, left joints at +x of right ones."""
    rng = np.random.default_rng(seed)
    pose = rng.normal(0.0, 0.15, (layout.num_node, 3)).astype(np.float32)
    pose[:, 2] += 1.0
    for left, right in layout.left_right:
        pose[left, 0] = abs(pose[left, 0]) + 0.1
        pose[right] = pose[left] * np.array([-1.0, 1.0, 1.0], dtype=np.float32)
    return pose


def toy_items(layout: SkeletonLayout, num_classes: int, per_class: int, *, seed: int = 0,
              frames: tuple[int, int] = (40, 90), channels: int = 3) -> list[RecognitionItem]:
    """``num_classes * per_class`` items of shape (T, V, channels) with T in ``frames``."""
    rng = np.random.default_rng(seed)
    base = rest_pose(layout)
    v = layout.num_node
    items = []
    for c in range(num_classes):
        joints = [(c * 3 + j) % v for j in range(3)]
        axis, freq = c % 3, 1.0 + c % 4
        for r in range(per_class):
            t = int(rng.integers(*frames))
            phase = np.linspace(0.0, 2 * np.pi * freq, t) + rng.uniform(0, 2 * np.pi)
            x = np.repeat(base[None], t, axis=0)
            x[:, joints, axis] += 0.4 * np.sin(phase)[:, None]
            x += rng.normal(0.0, 0.01, x.shape)
            x = x @ rotation_z(rng.uniform(-np.pi, np.pi)).T + rng.normal(0, 1.0, 3) * [1, 1, 0]
            arr = x.astype(np.float32)
            if channels == 3 and layout.name == "coco17":  # 2D-like: x, y, score
                arr = np.concatenate([arr[..., :2] / 3.0, np.ones_like(arr[..., :1])], axis=-1)
            items.append(RecognitionItem(arr.astype(np.float32), c, f"toy{c:03d}_{r:03d}"))
    return items
