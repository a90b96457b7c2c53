"""COCO-17 keypoint layout, as used by FLAG3D's 2D keypoint file."""

from flag3d_core.layouts.base import SkeletonLayout

_NAMES = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)

COCO17 = SkeletonLayout(
    name="coco17",
    joint_names=_NAMES,
    edges=((1, 0), (2, 0), (3, 1), (4, 2), (5, 0), (6, 0), (7, 5), (8, 6), (9, 7), (10, 8),
           (11, 5), (12, 6), (13, 11), (14, 12), (15, 13), (16, 14)),
    center=0,
    left_right=((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16)),
)
