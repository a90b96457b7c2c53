"""Geometry shared by the whole library, torch first with numpy entries.

:mod:`.rotations` converts between axis-angle, rotation matrices, quaternions (scalar last,
x y z w) and the 6D representation; :mod:`.numpy_bridge` moves arrays across the
numpy/torch edge. Forward kinematics and skinning live with the body model
(:mod:`flag3d_core.body.kinematics`).
"""

from __future__ import annotations

from flag3d_core.geometry.rotations import (
    axis_angle_to_matrix,
    axis_angle_to_matrix_np,
    axis_angle_to_quat,
    axis_angle_to_quat_np,
    axis_rotation,
    axis_rotation_np,
    matrix_to_6d,
    matrix_to_6d_np,
    matrix_to_axis_angle,
    matrix_to_axis_angle_np,
    matrix_to_quat,
    matrix_to_quat_np,
    quat_to_axis_angle,
    quat_to_axis_angle_np,
    quat_to_matrix,
    quat_to_matrix_np,
    sixd_to_matrix,
    sixd_to_matrix_np,
)

__all__ = [
    "axis_angle_to_matrix",
    "axis_angle_to_matrix_np",
    "axis_angle_to_quat",
    "axis_angle_to_quat_np",
    "axis_rotation",
    "axis_rotation_np",
    "matrix_to_6d",
    "matrix_to_6d_np",
    "matrix_to_axis_angle",
    "matrix_to_axis_angle_np",
    "matrix_to_quat",
    "matrix_to_quat_np",
    "quat_to_axis_angle",
    "quat_to_axis_angle_np",
    "quat_to_matrix",
    "quat_to_matrix_np",
    "sixd_to_matrix",
    "sixd_to_matrix_np",
]
