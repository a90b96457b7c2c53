"""Skeleton preprocessing as in the pyskl baselines, on plain numpy arrays.

Per sequence (once):  centre on a joint of the first frame, rotate about the up axis so the
shoulder line is parallel to x (3D, z up).  2D COCO-17 keypoints are instead normalised by the
image size to [-1, 1] with the keypoint score as the third channel.
Per sample (every epoch): uniform temporal sampling to a fixed clip length (random offset in
training, evenly spread offsets for the ``num_clips`` test clips), random rotation about the up
axis and random scaling in training.

Arrays are ``(T, V, C)`` float32; 3D data is in metres, z up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flag3d_core.layouts import SkeletonLayout

# Candidate (left, right) joint names used to find the shoulder / hip line of a layout.
_SHOULDER_NAMES = (("LShoulder", "RShoulder"), ("left_shoulder", "right_shoulder"))
_HIP_NAMES = (("LHip", "RHip"), ("left_hip", "right_hip"))


@dataclass(frozen=True)
class PreprocessConfig:
    """How a raw sequence becomes model input.

    Attributes:
        mode: ``"3d"`` (metres, z up: centre + align + rotation augmentation) or ``"2d"``
            (arrays already normalised by :func:`normalize_2d`; only scaling augmentation).
        clip_len: frames per clip after uniform sampling.
        center_joint: joint subtracted (first frame); ``None`` = the layout's centre joint.
        align: rotate about z so the shoulder line (hips as fallback) is parallel to x.
        rotate_deg: training augmentation, uniform rotation about z in ``[-r, r]`` degrees.
        scale: training augmentation, uniform isotropic scale in ``[1 - s, 1 + s]``.
    """

    mode: str = "3d"
    clip_len: int = 48
    center_joint: int | None = None
    align: bool = True
    rotate_deg: float = 15.0
    scale: float = 0.1

    def __post_init__(self) -> None:
        if self.mode not in ("3d", "2d"):
            raise ValueError(f"PreprocessConfig.mode must be '3d' or '2d', got {self.mode!r}")
        if self.clip_len < 1:
            raise ValueError(f"PreprocessConfig.clip_len must be >= 1, got {self.clip_len}")


def line_joints(layout: SkeletonLayout) -> tuple[int, int]:
    """(left, right) joint indices of the shoulder line, falling back to the hip line."""
    for left, right in (*_SHOULDER_NAMES, *_HIP_NAMES):
        if left in layout.joint_names and right in layout.joint_names:
            return layout.index(left), layout.index(right)
    raise ValueError(f"layout {layout.name!r} has no shoulder or hip joints to align on")


def center_sequence(x: np.ndarray, joint: int) -> np.ndarray:
    """Subtract joint ``joint`` of the first frame from every frame. (T, V, C) -> (T, V, C)."""
    return (x - x[0, joint]).astype(np.float32)


def rotation_z(angle: float) -> np.ndarray:
    """Rotation by ``angle`` radians about z (counter-clockwise seen from +z). (3, 3)."""
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)


def align_about_z(x: np.ndarray, left: int, right: int) -> np.ndarray:
    """Rotate about z so that ``x[0, left] - x[0, right]`` points along +x.

    x: (T, V, 3) z up. Returns (T, V, 3). A degenerate (vertical) line leaves x unchanged.
    """
    d = x[0, left] - x[0, right]
    if np.hypot(d[0], d[1]) < 1e-8:
        return x.astype(np.float32)
    rot = rotation_z(-np.arctan2(d[1], d[0]))
    return (x @ rot.T).astype(np.float32)


def normalize_2d(keypoints: np.ndarray, scores: np.ndarray,
                 img_shape: tuple[int, int]) -> np.ndarray:
    """Pixels to [-1, 1] by image size, score as third channel.

    keypoints: (T, V, 2) pixels; scores: (T, V) in [0, 1]; img_shape: (height, width).
    Returns (T, V, 3) float32.
    """
    h, w = img_shape
    half = np.array([w / 2.0, h / 2.0], dtype=np.float32)
    xy = (keypoints.astype(np.float32) - half) / half
    return np.concatenate([xy, scores.astype(np.float32)[..., None]], axis=-1)


def normalize_sequence(x: np.ndarray, layout: SkeletonLayout, cfg: PreprocessConfig) -> np.ndarray:
    """Per-sequence normalisation (deterministic). (T, V, C) -> (T, V, C) float32."""
    if x.ndim != 3 or x.shape[1] != layout.num_node:
        raise ValueError(f"expected a (T, {layout.num_node}, C) {layout.name} sequence, "
                         f"got shape {x.shape}")
    if x.shape[0] == 0:
        raise ValueError("cannot preprocess an empty sequence (T = 0)")
    x = np.nan_to_num(x.astype(np.float32))
    if cfg.mode == "2d":
        return x
    if x.shape[2] != 3:
        raise ValueError(f"3d preprocessing needs (T, V, 3) xyz, got shape {x.shape}")
    joint = layout.center if cfg.center_joint is None else cfg.center_joint
    x = center_sequence(x, joint)
    if cfg.align:
        x = align_about_z(x, *line_joints(layout))
    return x


def sample_indices(num_frames: int, clip_len: int, *, rng: np.random.Generator | None = None,
                   clip_index: int = 0, num_clips: int = 1) -> np.ndarray:
    """Uniform sampling of ``clip_len`` frame indices, one from each of ``clip_len`` segments.

    Training (``rng`` given): a random position inside each segment. Test: position
    ``(clip_index + 0.5) / num_clips`` inside each segment, so the test clips are evenly spread.
    Sequences shorter than ``clip_len`` repeat frames. Returns (clip_len,) int64.
    """
    edges = np.linspace(0.0, num_frames, clip_len + 1)
    width = np.diff(edges)
    if rng is not None:
        pos = rng.random(clip_len)
    else:
        pos = np.full(clip_len, (clip_index + 0.5) / num_clips)
    idx = np.floor(edges[:-1] + pos * width).astype(np.int64)
    return np.clip(idx, 0, num_frames - 1)


def augment(x: np.ndarray, rng: np.random.Generator, cfg: PreprocessConfig) -> np.ndarray:
    """Random rotation about z (3D only) and isotropic scaling. (T, V, C) -> (T, V, C)."""
    x = x.copy()
    if cfg.mode == "3d" and cfg.rotate_deg > 0:
        x = x @ rotation_z(np.deg2rad(rng.uniform(-cfg.rotate_deg, cfg.rotate_deg))).T
    if cfg.scale > 0:
        factor = rng.uniform(1.0 - cfg.scale, 1.0 + cfg.scale)
        if cfg.mode == "2d":
            x[..., :2] *= factor  # keep the score channel
        else:
            x *= factor
    return x.astype(np.float32)


def make_clips(x: np.ndarray, cfg: PreprocessConfig, *, rng: np.random.Generator | None = None,
               num_clips: int = 1) -> np.ndarray:
    """Normalised sequence to model clips. (T, V, C) -> (num_clips, C, clip_len, V, 1).

    With ``rng`` (training) one augmented clip per requested clip; without, deterministic clips.
    """
    clips = []
    for c in range(num_clips):
        idx = sample_indices(len(x), cfg.clip_len, rng=rng, clip_index=c, num_clips=num_clips)
        clip = x[idx]
        if rng is not None:
            clip = augment(clip, rng, cfg)
        clips.append(clip.transpose(2, 0, 1)[..., None])  # (C, T, V, 1)
    return np.stack(clips).astype(np.float32)
