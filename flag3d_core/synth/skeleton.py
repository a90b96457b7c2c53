"""NTU-25 and COCO-17 joints of a posed body (SMPL joints plus surface landmarks).

SMPL has no joint for the top of the head, the hand tips, thumbs, toes or the face, so those
come from named vertices (:data:`flag3d_core.body.standin.VERTEX_LANDMARKS`, SMPL's own indices);
the recipes are data in :mod:`flag3d_core.layouts.correspondences`, which the mesh-recovery fits
share.
"""

from __future__ import annotations

import numpy as np

from flag3d_core.layouts.correspondences import COCO17_FROM_SMPL, NTU25_FROM_SMPL, Correspondence
from flag3d_core.synth.kinematics import Rig

LANDMARKS_NEEDED = ("head_top", "nose", "left_eye", "right_eye", "left_ear", "right_ear",
                    "left_hand_tip", "left_thumb", "right_hand_tip", "right_thumb",
                    "left_toe", "right_toe")


def _keypoints(corr: Correspondence, joints: np.ndarray, probes: np.ndarray,
               rig: Rig) -> np.ndarray:
    return corr.regress(joints, probes[:, [rig.landmarks[n] for n in corr.landmarks]])


def ntu25(joints: np.ndarray, probes: np.ndarray, rig: Rig) -> np.ndarray:
    """NTU-25 joints (T, 25, 3) from SMPL joints (T, 24, 3) and the rig's probes (T, P, 3)."""
    return _keypoints(NTU25_FROM_SMPL, joints, probes, rig)


def coco17(joints: np.ndarray, probes: np.ndarray, rig: Rig) -> np.ndarray:
    """COCO-17 keypoints in 3D (T, 17, 3), same inputs as :func:`ntu25`."""
    return _keypoints(COCO17_FROM_SMPL, joints, probes, rig)
