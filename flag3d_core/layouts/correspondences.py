"""Joint correspondences as data: how a dataset's keypoints sit on the SMPL body.

A keypoint is a weighted sum of SMPL-24 joints and named surface points (landmark vertices, by
the names of :data:`flag3d_core.body.standin.VERTEX_LANDMARKS`, which are SMPL's own vertex
indices): NTU-25's head is halfway between SMPL's head joint and the top of the skull, its foot
is the big toe, COCO-17's face points are vertices. ``valid`` marks the keypoints that have a
counterpart on the body at all (a layout that the body cannot reproduce marks the rest False,
and fits and metrics leave them out).

The synthetic dataset makes its keypoints from these recipes (:mod:`flag3d_core.synth.skeleton`)
and the mesh-recovery fits aim at them, so both sides agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from flag3d_core.layouts.base import SkeletonLayout
from flag3d_core.layouts.coco17 import COCO17
from flag3d_core.layouts.ntu25 import NTU25
from flag3d_core.layouts.smpl24 import PARENTS, SMPL24

if TYPE_CHECKING:
    import torch

__all__ = ["CORRESPONDENCES", "Correspondence", "correspondence", "rigid_pairs"]

N_SMPL_JOINTS = 24
Term = tuple[str, int | str, float]  # ("j", smpl joint, weight) | ("v", landmark name, weight)


@dataclass(frozen=True)
class Correspondence:
    """Keypoints of ``target`` as linear combinations of SMPL joints and landmark vertices.

    Attributes:
        target: the keypoint layout.
        joint_weights: (K, 24) weight of each SMPL joint in each keypoint.
        landmarks: names of the landmark vertices used (columns of ``landmark_weights``).
        landmark_weights: (K, L) weight of each landmark in each keypoint.
        valid: (K,) bool, keypoints that have a counterpart on the body.
        terms: per keypoint, its recipe ``(("j", joint, w) | ("v", landmark, w), ...)``.
    """

    target: SkeletonLayout
    joint_weights: np.ndarray
    landmarks: tuple[str, ...]
    landmark_weights: np.ndarray
    valid: np.ndarray
    terms: tuple[tuple[Term, ...], ...]

    def regress(self, joints: np.ndarray, landmark_points: np.ndarray | None = None) -> np.ndarray:
        """Keypoints (T, K, 3) from SMPL joints (T, 24, 3) and the landmark vertices (T, L, 3)
        in :attr:`landmarks` order (None when the correspondence uses none), numpy, summed term
        by term in recipe order (invalid keypoints are zeros)."""
        def point(kind: str, ident: int | str) -> np.ndarray:
            if kind == "j":
                return joints[:, int(ident)]
            if landmark_points is None:
                raise ValueError(f"{self.target.name} needs landmark vertices {self.landmarks}")
            return landmark_points[:, self.landmarks.index(str(ident))]

        cols = [sum(w * point(k, i) for k, i, w in terms) if terms
                else np.zeros_like(joints[:, 0]) for terms in self.terms]
        return np.stack(cols, axis=1)

    def regress_torch(self, joints: torch.Tensor,
                      landmark_points: torch.Tensor | None = None) -> torch.Tensor:
        """:meth:`regress` for tensors (..., 24, 3) and (..., L, 3), as two matmuls."""
        import torch

        out = torch.as_tensor(self.joint_weights, dtype=joints.dtype,
                              device=joints.device) @ joints
        if self.landmarks:
            if landmark_points is None:
                raise ValueError(f"{self.target.name} needs landmark vertices {self.landmarks}")
            out = out + torch.as_tensor(self.landmark_weights, dtype=joints.dtype,
                                        device=joints.device) @ landmark_points
        return out

    def pure_joints(self) -> dict[int, int]:
        """Keypoint index -> SMPL joint, for keypoints that are exactly one SMPL joint."""
        out = {}
        for k in range(self.target.num_node):
            nz = np.flatnonzero(self.joint_weights[k])
            if (self.valid[k] and len(nz) == 1 and self.joint_weights[k, nz[0]] == 1.0
                    and not self.landmark_weights[k].any()):
                out[k] = int(nz[0])
        return out


def _build(target: SkeletonLayout, recipe: tuple[tuple[Term, ...], ...]) -> Correspondence:
    if len(recipe) != target.num_node:
        raise ValueError(f"{target.name}: {len(recipe)} recipes for {target.num_node} keypoints")
    names = tuple(sorted({str(i) for terms in recipe for k, i, _ in terms if k == "v"}))
    jw = np.zeros((target.num_node, N_SMPL_JOINTS))
    lw = np.zeros((target.num_node, len(names)))
    for k, terms in enumerate(recipe):
        for kind, ident, weight in terms:
            if kind == "j":
                jw[k, int(ident)] += weight
            else:
                lw[k, names.index(str(ident))] += weight
    valid = np.array([bool(t) for t in recipe])
    return Correspondence(target=target, joint_weights=jw, landmarks=names, landmark_weights=lw,
                          valid=valid, terms=recipe)


def _j(i: int) -> tuple[Term, ...]:
    return (("j", i, 1.0),)


def _v(name: str) -> tuple[Term, ...]:
    return (("v", name, 1.0),)


NTU25_FROM_SMPL = _build(NTU25, (
    _j(0), _j(6), _j(12),  # SpineBase, SpineMid, Neck
    (("j", 15, 0.5), ("v", "head_top", 0.5)),  # Head: centre of the skull
    _j(16), _j(18), _j(20), _j(22),  # left shoulder, elbow, wrist, hand
    _j(17), _j(19), _j(21), _j(23),  # right ...
    _j(1), _j(4), _j(7), _v("left_toe"),  # left hip, knee, ankle, foot
    _j(2), _j(5), _j(8), _v("right_toe"),  # right ...
    (("j", 9, 0.35), ("j", 12, 0.65)),  # SpineShoulder
    _v("left_hand_tip"), _v("left_thumb"), _v("right_hand_tip"), _v("right_thumb"),
))

COCO17_FROM_SMPL = _build(COCO17, (
    _v("nose"), _v("left_eye"), _v("right_eye"), _v("left_ear"), _v("right_ear"),
    _j(16), _j(17), _j(18), _j(19), _j(20), _j(21),
    (("j", 1, 1.25), ("j", 2, -0.25)),  # detector hips sit wider than SMPL's
    (("j", 2, 1.25), ("j", 1, -0.25)),
    _j(4), _j(5), _j(7), _j(8),
))

SMPL24_FROM_SMPL = _build(SMPL24, tuple(_j(i) for i in range(N_SMPL_JOINTS)))

CORRESPONDENCES: dict[str, Correspondence] = {
    c.target.name: c for c in (NTU25_FROM_SMPL, COCO17_FROM_SMPL, SMPL24_FROM_SMPL)
}


def correspondence(layout: str) -> Correspondence:
    """The correspondence of a layout by its short id (``ntu25``, ``coco17``, ``smpl24``)."""
    try:
        return CORRESPONDENCES[layout]
    except KeyError:
        raise KeyError(f"no SMPL correspondence for layout {layout!r}; known: "
                       f"{sorted(CORRESPONDENCES)}") from None


def rigid_pairs(corr: Correspondence) -> list[tuple[int, int, int, int]]:
    """Keypoint pairs whose distance the body keeps in every pose: two keypoints that are single
    SMPL joints on one rigid part (a joint and its parent, or two children of one joint).

    Returns (keypoint a, keypoint b, smpl joint a, smpl joint b) tuples: the limb lengths that
    fix the body's shape before its pose is fitted.
    """
    pure = corr.pure_joints()
    by_joint = {j: k for k, j in pure.items()}
    pairs = []
    for ja, ka in sorted(by_joint.items()):
        for jb, kb in sorted(by_joint.items()):
            if jb <= ja:
                continue
            if PARENTS[jb] == ja or PARENTS[ja] == jb or (PARENTS[ja] == PARENTS[jb] >= 0):
                pairs.append((ka, kb, ja, jb))
    return pairs
