"""Skeleton layouts as data. ``get_layout(name)`` returns one by its short id."""

from flag3d_core.layouts.base import SkeletonLayout
from flag3d_core.layouts.coco17 import COCO17
from flag3d_core.layouts.ntu25 import NTU25
from flag3d_core.layouts.smpl24 import SMPL24

LAYOUTS: dict[str, SkeletonLayout] = {lay.name: lay for lay in (NTU25, COCO17, SMPL24)}


def get_layout(name: str) -> SkeletonLayout:
    try:
        return LAYOUTS[name]
    except KeyError:
        raise KeyError(f"unknown joint layout {name!r}; known: {sorted(LAYOUTS)}") from None


__all__ = ["SkeletonLayout", "NTU25", "COCO17", "SMPL24", "LAYOUTS", "get_layout"]
