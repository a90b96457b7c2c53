"""NTU RGB+D 25-joint layout (Kinect v2), as used by FLAG3D's 3D skeleton file."""

from flag3d_core.layouts.base import SkeletonLayout

_NAMES = (
    "SpineBase", "SpineMid", "Neck", "Head",
    "LShoulder", "LElbow", "LWrist", "LHand",
    "RShoulder", "RElbow", "RWrist", "RHand",
    "LHip", "LKnee", "LAnkle", "LFoot",
    "RHip", "RKnee", "RAnkle", "RFoot",
    "SpineShoulder", "LHandTip", "LThumb", "RHandTip", "RThumb",
)
# 1-based (child, parent) pairs from the NTU release; converted to 0-based below.
_EDGES_1 = (
    (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9),
    (11, 10), (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18),
    (20, 19), (22, 8), (23, 8), (24, 12), (25, 12),
)

NTU25 = SkeletonLayout(
    name="ntu25",
    joint_names=_NAMES,
    edges=tuple((a - 1, b - 1) for a, b in _EDGES_1),
    center=20,  # SpineShoulder (joint 21, 1-based)
    left_right=((4, 8), (5, 9), (6, 10), (7, 11), (12, 16), (13, 17), (14, 18), (15, 19),
                (21, 23), (22, 24)),
)
