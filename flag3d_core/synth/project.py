"""2D keypoints of a 3D body seen by a camera: projection, occlusion, detector noise, scores.

Occlusion is a simple depth test against the body: the torso, head and upper limbs are
approximated by spheres on the SMPL skeleton; a keypoint whose ray passes through a sphere that
is nearer to the camera (and that the keypoint does not sit on) is occluded, and its score drops.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy.ndimage import gaussian_filter1d

from flag3d_core.synth.cameras import Camera

# Occluder spheres: (smpl joint a, smpl joint b, fraction from a to b, radius m).
_OCCLUDERS = (
    (0, 3, 0.3, 0.14), (3, 6, 0.5, 0.15), (6, 9, 0.8, 0.15), (9, 12, 0.3, 0.14),
    (12, 15, 1.0, 0.10),  # head
    (16, 18, 0.5, 0.055), (17, 19, 0.5, 0.055),  # upper arms
    (1, 4, 0.35, 0.08), (2, 5, 0.35, 0.08), (1, 4, 0.75, 0.065), (2, 5, 0.75, 0.065),  # thighs
)


@dataclass(frozen=True)
class DetectorNoise:
    """How a 2D detector errs: position jitter (px, fraction of it white vs smooth), score
    levels, and the chance of a missed detection (score ~0, position wrong)."""

    sigma_px: float = 2.5
    white: float = 0.35
    score_visible: tuple[float, float] = (0.82, 0.97)
    score_occluded: tuple[float, float] = (0.25, 0.5)
    miss_rate: float = 0.0


RENDER_NOISE = DetectorNoise()
PHONE_NOISE = DetectorNoise(sigma_px=7.0, white=0.5, score_visible=(0.65, 0.93),
                            score_occluded=(0.12, 0.4), miss_rate=0.03)


def project(points: np.ndarray, cam: Camera) -> tuple[np.ndarray, np.ndarray]:
    """World points (T, J, 3) -> pixels (T, J, 2) and camera depth (T, J): the camera's own
    projection, with depths clamped at 1 mm as a detector would see them."""
    return cam.project(points, min_depth=1e-3)


def occluded(keypoints: np.ndarray, joints: np.ndarray, cam: Camera) -> np.ndarray:
    """Which keypoints (T, J, 3) hide behind the body (SMPL joints (T, 24, 3)) -> (T, J) bool.

    A keypoint is hidden when the ray from the camera to it enters an occluder sphere more
    than 3 cm before reaching it; spheres that contain the keypoint (its own body part's
    inside) do not count, spheres it sits on do (the nose seen from behind the head).
    """
    centres = np.stack([joints[:, a] + f * (joints[:, b] - joints[:, a])
                        for a, b, f, _ in _OCCLUDERS], axis=1)  # (T, S, 3)
    radii = np.array([r for *_, r in _OCCLUDERS])  # (S,)
    eye = cam.centre
    ray = keypoints - eye  # (T, J, 3)
    length = np.linalg.norm(ray, axis=-1)  # (T, J)
    unit = ray / np.maximum(length, 1e-9)[..., None]
    to_centre = centres - eye  # (T, S, 3)
    along = np.einsum("tjc,tsc->tjs", unit, to_centre)  # (T, J, S)
    dist2 = (to_centre**2).sum(-1)[:, None, :] - along**2  # squared ray-centre distance
    disc = radii**2 - dist2
    entry = along - np.sqrt(np.maximum(disc, 0.0))
    inside = ((keypoints[:, :, None] - centres[:, None]) ** 2).sum(-1) < (radii * 0.95) ** 2
    return np.any((disc > 0) & (entry < length[..., None] - 0.03) & ~inside, axis=-1)


def detect(keypoints: np.ndarray, joints: np.ndarray, cam: Camera, noise: DetectorNoise,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Simulated 2D detections of keypoints (T, J, 3): pixels (T, J, 2) and scores (T, J)."""
    uv, _ = project(keypoints, cam)
    t, j = uv.shape[:2]
    smooth = gaussian_filter1d(rng.standard_normal((t, j, 2)), 2.0, axis=0, mode="nearest")
    smooth /= max(float(smooth.std()), 1e-6)
    jitter = noise.white * rng.standard_normal((t, j, 2)) + (1 - noise.white) * smooth
    uv = uv + noise.sigma_px * jitter
    hidden = occluded(keypoints, joints, cam)
    lo_v, hi_v = noise.score_visible
    lo_o, hi_o = noise.score_occluded
    score = np.where(hidden, rng.uniform(lo_o, hi_o, (t, j)), rng.uniform(lo_v, hi_v, (t, j)))
    uv = uv + np.where(hidden[..., None], 2.0 * noise.sigma_px * rng.standard_normal((t, j, 2)),
                       0.0)
    outside = (uv[..., 0] < 0) | (uv[..., 0] >= cam.width) | (uv[..., 1] < 0) | (
        uv[..., 1] >= cam.height)
    score = np.where(outside, rng.uniform(0.0, 0.1, (t, j)), score)
    if noise.miss_rate > 0:
        # Misses come in short bursts: smooth a random field and threshold it.
        field = gaussian_filter1d(rng.standard_normal((t, j)), 3.0, axis=0, mode="nearest")
        field /= max(float(field.std()), 1e-6)
        miss = field > _normal_quantile(1.0 - noise.miss_rate)
        score = np.where(miss, rng.uniform(0.0, 0.04, (t, j)), score)
        uv = np.where(miss[..., None], uv + rng.normal(0.0, 40.0, (t, j, 2)), uv)
    return uv, np.clip(score, 0.0, 1.0)


def _normal_quantile(p: float) -> float:
    """Standard normal quantile."""
    return NormalDist().inv_cdf(p)
