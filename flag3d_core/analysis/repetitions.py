"""Repetition counting from the motion itself (no labels).

The signal is the first principal component of the (smoothed, standardised) joint-angle curves,
which follows whatever moves most in the exercise. The period is estimated from its
autocorrelation; repetitions are the peaks at least ~0.6 period apart with a prominence of at
least a quarter of the signal's range, and each repetition spans from one trough to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks


@dataclass(frozen=True)
class Repetitions:
    count: int
    peaks: np.ndarray  # (count,) frame indices of repetition peaks
    segments: list[tuple[int, int]]  # (start, end) frames of each repetition
    period_frames: float | None  # autocorrelation period estimate
    signal: np.ndarray  # (T,) the 1-D signal that was counted on


def principal_signal(curves: np.ndarray, sigma: float = 2.0, min_std: float = 1.0) -> np.ndarray:
    """First principal component of (T, D) curves after smoothing and standardising; (T,).

    Curves that hardly move (std below ``min_std``, e.g. 1 degree) are left out, so that
    standardising does not blow sensor noise up into a signal.
    """
    x = gaussian_filter1d(np.asarray(curves, dtype=np.float64), sigma=sigma, axis=0)
    x = x - x.mean(axis=0)
    std = x.std(axis=0)
    keep = std > min_std
    if not keep.any():
        return np.zeros(len(x))
    x = x[:, keep] / std[keep]
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    s = x @ vt[0]
    return s if abs(s.max()) >= abs(s.min()) else -s  # peaks point up


def estimate_period(signal: np.ndarray, min_period: int = 10) -> float | None:
    """Dominant period in frames from the first autocorrelation peak after lag ``min_period``."""
    s = signal - signal.mean()
    n = len(s)
    if n < 2 * min_period or not np.any(s):
        return None
    ac = np.correlate(s, s, mode="full")[n - 1:] / (np.dot(s, s) + 1e-12)
    peaks, props = find_peaks(ac[min_period:], height=0.1)
    if len(peaks) == 0:
        return None
    return float(peaks[np.argmax(props["peak_heights"])] + min_period) if len(peaks) > 3 else \
        float(peaks[0] + min_period)


def count_repetitions(curves: np.ndarray, fps: float = 30.0) -> Repetitions:
    """Count exercise repetitions in (T, D) curves (e.g. the joint angles of a sequence)."""
    curves = np.asarray(curves, dtype=np.float64)
    if curves.ndim == 1:
        curves = curves[:, None]
    signal = principal_signal(curves, sigma=max(1.0, fps / 15))
    period = estimate_period(signal, min_period=int(fps * 0.4))
    rng = float(np.ptp(signal)) if len(signal) else 0.0
    if rng < 1e-6:
        return Repetitions(0, np.zeros(0, int), [], period, signal)
    distance = max(1, int(0.6 * period)) if period else max(1, int(fps * 0.5))
    # The component's sign is arbitrary: count on the orientation whose peaks stand out most.
    best = None
    for sign in (1.0, -1.0):
        pk, props = find_peaks(sign * signal, distance=distance, prominence=0.25 * rng)
        score = (float(props["prominences"].sum()), len(pk))
        if best is None or score > best[0]:
            best = (score, sign, pk)
    _, sign, peaks = best
    signal = sign * signal
    troughs, _ = find_peaks(-signal, distance=distance, prominence=0.25 * rng)
    bounds = np.concatenate([[0], troughs, [len(signal) - 1]])
    segments = []
    for p in peaks:
        start = int(bounds[bounds <= p].max())
        end = int(bounds[bounds >= p].min())
        segments.append((start, end))
    return Repetitions(len(peaks), peaks.astype(int), segments, period, signal.astype(np.float32))


def motion_curves(joints: np.ndarray) -> np.ndarray:
    """(T, D) curves that repetitions show up in: joint angles (degrees), body-centred joint
    positions (hundredths of the torso length) and the root's travel (cm x 3, for exercises
    that move the whole body, like side jumps). ``joints`` (T, 25, 3) NTU-25, z up."""
    from flag3d_core.analysis.compare import body_frame
    from flag3d_core.analysis.joint_angles import joint_angles

    j = np.asarray(joints, dtype=np.float64)
    angles = np.stack(list(joint_angles(j).values()), axis=1)
    positions = body_frame(j).reshape(len(j), -1) * 100.0
    travel = (j[:, 0] - j[0, 0]) * 300.0
    return np.concatenate([angles, positions, travel], axis=1)


def count_repetitions_in_joints(joints: np.ndarray, fps: float = 30.0) -> Repetitions:
    """Repetitions of a (T, 25, 3) NTU-25 sequence, from :func:`motion_curves`."""
    return count_repetitions(motion_curves(joints), fps=fps)
