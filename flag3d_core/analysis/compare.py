"""Which joints move differently in two sequences (phase-invariant, position-invariant).

Each sequence is put in a body-centred frame (root at the origin every frame, rotated about the
up axis so the hips face +y in the first frame, scaled by its torso length). Per joint, the
difference combines where the joint sits on average and how much it moves:
``|mean_a - mean_b| + |std_a - std_b|`` (norms over xyz), which does not depend on the phase or
the tempo of the repetitions.
"""

from __future__ import annotations

import numpy as np

from flag3d_core.layouts import NTU25, SkeletonLayout


def body_frame(joints: np.ndarray, layout: SkeletonLayout = NTU25) -> np.ndarray:
    """(T, J, 3) z-up joints -> root-relative, facing-normalised, torso-length-scaled."""
    j = np.asarray(joints, dtype=np.float64)
    root = layout.center if layout is not NTU25 else layout.index("SpineBase")
    x = j - j[:, root:root + 1]
    if layout is NTU25:
        left, right, top = layout.index("LHip"), layout.index("RHip"), layout.index("SpineShoulder")
        across = j[0, left] - j[0, right]
        ang = np.arctan2(across[1], across[0])
        c, s = np.cos(-ang), np.sin(-ang)
        rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
        x = x @ rot.T
        torso = np.linalg.norm(j[:, top] - j[:, root], axis=-1).mean()
        x = x / max(torso, 1e-6)
    return x


def joint_differences(a: np.ndarray, b: np.ndarray, layout: SkeletonLayout = NTU25) -> np.ndarray:
    """(J,) difference score per joint between sequences ``a`` (T1, J, 3) and ``b`` (T2, J, 3)."""
    xa, xb = body_frame(a, layout), body_frame(b, layout)
    mean = np.linalg.norm(xa.mean(0) - xb.mean(0), axis=-1)
    std = np.linalg.norm(xa.std(0) - xb.std(0), axis=-1)
    return (mean + std).astype(np.float32)


def most_different_joints(a: np.ndarray, b: np.ndarray, k: int = 5,
                          layout: SkeletonLayout = NTU25) -> list[tuple[int, str, float]]:
    """The k joints whose motion differs most: [(index, name, score)], largest first."""
    d = joint_differences(a, b, layout)
    idx = np.argsort(-d)[:k]
    return [(int(i), layout.joint_names[i], float(d[i])) for i in idx]
