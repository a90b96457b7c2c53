"""Joint sets of the SMPL-24 skeleton that metrics are computed over, as data.

``smpl24``: all 24 body joints (the project's default). ``lsp14``: the 14 joints common in the
mesh-recovery literature (ankles, knees, hips, wrists, elbows, shoulders, neck, head), here taken
as the SMPL joints of the same names; the codebases that report 14-joint numbers regress them
from the mesh with an H36M regressor instead, so figures are close but not identical.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["JOINT_SETS", "JointSet", "joint_set"]


@dataclass(frozen=True)
class JointSet:
    """Named subset of SMPL-24 joints and the joint (index into ``joints``) used as the root."""

    name: str
    joints: tuple[int, ...]
    root: int  # position in ``joints`` of the alignment root (pelvis, or the mid-hip pair)
    description: str
    root_pair: tuple[int, int] | None = None  # positions averaged as the root instead


SMPL24_SET = JointSet("smpl24", tuple(range(24)), 0, "SMPL-24 body joints, pelvis-aligned")
LSP14_SET = JointSet(
    "lsp14", (8, 5, 2, 1, 4, 7, 21, 19, 17, 16, 18, 20, 12, 15), 2,
    "14 joints (LSP order, SMPL joints of the same names), mid-hip-aligned", root_pair=(2, 3),
)
JOINT_SETS: dict[str, JointSet] = {s.name: s for s in (SMPL24_SET, LSP14_SET)}


def joint_set(name: str) -> JointSet:
    try:
        return JOINT_SETS[name]
    except KeyError:
        raise KeyError(f"unknown joint set {name!r}; known: {sorted(JOINT_SETS)}") from None
