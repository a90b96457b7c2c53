"""A skeleton layout is data: joint names, bones, centre joint. Graph code and models
take a :class:`SkeletonLayout` and know no dataset."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SkeletonLayout:
    """Joint layout of a skeleton sequence.

    Attributes:
        name: short id (``ntu25``, ``coco17``, ``smpl24``).
        joint_names: one name per joint, in storage order.
        edges: bones as 0-based ``(child, parent)`` pairs.
        center: 0-based index of the centre joint used by graph partitioning.
        left_right: pairs of 0-based joints that swap under a left/right mirror.
    """

    name: str
    joint_names: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    center: int
    left_right: tuple[tuple[int, int], ...] = ()

    @property
    def num_node(self) -> int:
        return len(self.joint_names)

    def index(self, joint_name: str) -> int:
        return self.joint_names.index(joint_name)

    def mirror_permutation(self) -> list[int]:
        """Permutation p such that ``x[:, p]`` swaps left and right joints."""
        perm = list(range(self.num_node))
        for a, b in self.left_right:
            perm[a], perm[b] = b, a
        return perm
