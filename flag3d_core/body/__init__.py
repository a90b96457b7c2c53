"""Body models: the stand-in SMPL builder, model loading/validation and posing.

``BodyModel`` / ``BodyOutput`` import torch, so they are loaded on first access. The math
(shape, forward kinematics, skinning) is in :mod:`flag3d_core.body.kinematics`, torch first
with numpy entries.
"""

from __future__ import annotations

from typing import Any

from flag3d_core.body.errors import BodyModelError, BodyModelNotFoundError
from flag3d_core.body.load import ensure_body_model, load_body_model
from flag3d_core.body.model import BodyModelInfo, find_body_model
from flag3d_core.body.standin import (
    SHAPE_DIRECTIONS,
    VERTEX_LANDMARKS,
    build_standin,
    write_standin,
)
from flag3d_core.body.template import BodyTemplate, template_from_arrays

__all__ = [
    "SHAPE_DIRECTIONS",
    "VERTEX_LANDMARKS",
    "BodyModel",
    "BodyModelError",
    "BodyModelInfo",
    "BodyModelNotFoundError",
    "BodyOutput",
    "BodyTemplate",
    "build_standin",
    "ensure_body_model",
    "find_body_model",
    "load_body_model",
    "template_from_arrays",
    "write_standin",
]


def __getattr__(name: str) -> Any:
    if name in ("BodyModel", "BodyOutput"):
        from flag3d_core.body import forward

        return getattr(forward, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
