"""NTU-25 and COCO-17 joints of a posed body (SMPL joints plus surface landmarks).

SMPL has no joint for the top of the head, the hand tips, thumbs, toes or the face, so those
come from named vertices (:data:`flag3d_core.body.standin.VERTEX_LANDMARKS`, SMPL's own indices).
"""

from __future__ import annotations

import numpy as np

from flag3d_core.synth.kinematics import Rig

# NTU-25 joint -> recipe: ("j", smpl joint) | ("v", landmark) | ("mix", [(kind, id, weight)...]).
_NTU25: tuple[tuple, ...] = (
    ("j", 0),  # SpineBase
    ("j", 6),  # SpineMid
    ("j", 12),  # Neck
    ("mix", (("j", 15, 0.5), ("v", "head_top", 0.5))),  # Head: centre of the skull
    ("j", 16), ("j", 18), ("j", 20), ("j", 22),  # left shoulder, elbow, wrist, hand
    ("j", 17), ("j", 19), ("j", 21), ("j", 23),  # right ...
    ("j", 1), ("j", 4), ("j", 7), ("v", "left_toe"),  # left hip, knee, ankle, foot
    ("j", 2), ("j", 5), ("j", 8), ("v", "right_toe"),  # right ...
    ("mix", (("j", 9, 0.35), ("j", 12, 0.65))),  # SpineShoulder
    ("v", "left_hand_tip"), ("v", "left_thumb"), ("v", "right_hand_tip"), ("v", "right_thumb"),
)
_COCO17: tuple[tuple, ...] = (
    ("v", "nose"), ("v", "left_eye"), ("v", "right_eye"), ("v", "left_ear"), ("v", "right_ear"),
    ("j", 16), ("j", 17), ("j", 18), ("j", 19), ("j", 20), ("j", 21),
    ("mix", (("j", 1, 1.25), ("j", 2, -0.25))),  # detector hips sit wider than SMPL's
    ("mix", (("j", 2, 1.25), ("j", 1, -0.25))),
    ("j", 4), ("j", 5), ("j", 7), ("j", 8),
)
LANDMARKS_NEEDED = ("head_top", "nose", "left_eye", "right_eye", "left_ear", "right_ear",
                    "left_hand_tip", "left_thumb", "right_hand_tip", "right_thumb",
                    "left_toe", "right_toe")


def _point(kind: str, ident: object, joints: np.ndarray, probes: np.ndarray,
           rig: Rig) -> np.ndarray:
    if kind == "j":
        return joints[:, int(ident)]
    return probes[:, rig.landmarks[str(ident)]]


def _build(recipe: tuple[tuple, ...], joints: np.ndarray, probes: np.ndarray,
           rig: Rig) -> np.ndarray:
    cols = []
    for item in recipe:
        if item[0] == "mix":
            cols.append(sum(w * _point(k, i, joints, probes, rig) for k, i, w in item[1]))
        else:
            cols.append(_point(item[0], item[1], joints, probes, rig))
    return np.stack(cols, axis=1)


def ntu25(joints: np.ndarray, probes: np.ndarray, rig: Rig) -> np.ndarray:
    """NTU-25 joints (T, 25, 3) from SMPL joints (T, 24, 3) and the rig's probes (T, P, 3)."""
    return _build(_NTU25, joints, probes, rig)


def coco17(joints: np.ndarray, probes: np.ndarray, rig: Rig) -> np.ndarray:
    """COCO-17 keypoints in 3D (T, 17, 3), same inputs as :func:`ntu25`."""
    return _build(_COCO17, joints, probes, rig)
