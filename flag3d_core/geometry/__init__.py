"""Geometry shared by the whole library, torch first with numpy entries.

:mod:`.rotations` converts between axis-angle, rotation matrices, quaternions (scalar last,
x y z w) and the 6D representation; :mod:`.numpy_bridge` moves arrays across the
numpy/torch edge. Forward kinematics and skinning live with the body model
(:mod:`flag3d_core.body.kinematics`). Import from the modules themselves
(``from flag3d_core.geometry.rotations import axis_angle_to_matrix``).
"""

from __future__ import annotations
