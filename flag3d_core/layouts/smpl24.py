"""SMPL's 24-joint kinematic tree."""

from flag3d_core.layouts.base import SkeletonLayout

_NAMES = (
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck",
    "left_collar", "right_collar", "head", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hand", "right_hand",
)
# Parent of each joint (-1 for the root): SMPL's kintree_table[0].
PARENTS = (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21)

SMPL24 = SkeletonLayout(
    name="smpl24",
    joint_names=_NAMES,
    edges=tuple((j, p) for j, p in enumerate(PARENTS) if p >= 0),
    center=0,
    left_right=((1, 2), (4, 5), (7, 8), (10, 11), (13, 14), (16, 17), (18, 19), (20, 21),
                (22, 23)),
)
