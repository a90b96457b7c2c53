"""Shape, forward kinematics and linear blend skinning of a body on a kinematic tree.

The math of SMPL (Loper et al. 2015, "SMPL: A Skinned Multi-Person Linear Model") as pure
torch functions in the manner of smplx's ``lbs.py``: every tensor is an explicit argument,
batched over any leading dims (frames, people), differentiable, device and dtype agnostic.

* :func:`shaped_rest`: the shaped rest mesh ``T(beta) = T_bar + B_S(beta)`` and its joints
  ``J(beta) = J_regressor T(beta)``.
* :func:`chain`: the tree walk shared by every skeleton (SMPL, BVH): local rotations and
  local offsets -> world rotations and positions.
* :func:`forward_kinematics`: SMPL's posed joints (the chain with offsets taken from the rest
  joints, plus a translation); equal to smplx's first 24 ``joints``.
* :func:`pose_blend_offsets`: SMPL's pose-corrective offsets ``B_P(theta)``.
* :func:`skin`: linear blend skinning of rest points with per-joint weights.

The ``*_np`` functions are numpy entries: they run the torch function in float64 on the CPU.
Shape letters: J joints, V vertices (or any rest points), B shape coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, NamedTuple

import numpy as np
import torch
from numpy.typing import ArrayLike

from flag3d_core.geometry.numpy_bridge import ArrayT, to_numpy, to_tensor
from flag3d_core.geometry.rotations import axis_angle_to_matrix_np

__all__ = [
    "FKOutput",
    "ShapedRest",
    "chain",
    "chain_np",
    "forward_kinematics",
    "forward_kinematics_np",
    "pose_blend_offsets",
    "pose_blend_offsets_np",
    "shaped_rest",
    "shaped_rest_np",
    "skin",
    "skin_np",
    "smpl_joints_np",
]

Parents = Sequence[int] | np.ndarray | torch.Tensor  # (J,), -1 for a root


class ShapedRest(NamedTuple, Generic[ArrayT]):
    """The shaped body in the rest pose (a named pair: ``v_shaped, joints = shaped_rest(..)``).

    Attributes:
        vertices: (..., V, 3) rest vertices for the betas.
        joints: (..., J, 3) rest joints regressed from them.
    """

    vertices: ArrayT
    joints: ArrayT


@dataclass(frozen=True)
class FKOutput(Generic[ArrayT]):
    """Posed skeleton: world positions and world (global) rotations of every joint.

    Attributes:
        joints: (..., J, 3) joint positions.
        rotations: (..., J, 3, 3) global joint rotations (relative to the world, not to the
            parent).
    """

    joints: ArrayT
    rotations: ArrayT


def _parent_list(parents: Parents, n_joints: int) -> list[int]:
    """Parents as Python ints, checked: length J, roots -1, every parent before its child."""
    par = [int(p) for p in (parents.tolist() if hasattr(parents, "tolist") else parents)]
    if len(par) != n_joints:
        raise ValueError(f"parents has {len(par)} entries for {n_joints} joints")
    bad = [j for j, p in enumerate(par) if not -1 <= p < j]
    if bad:
        raise ValueError(f"parents must list each joint after its parent (-1: root); "
                         f"joints {bad} break this")
    return par


# ---------------------------------------------------------------------------- shape


def shaped_rest(v_template: torch.Tensor, shapedirs: torch.Tensor, j_regressor: torch.Tensor,
                betas: torch.Tensor) -> ShapedRest[torch.Tensor]:
    """The rest mesh and rest joints of a body shape.

    Args:
        v_template: (V, 3) mean-shape rest vertices ``T_bar``.
        shapedirs: (V, 3, B') shape directions ``S``; only the first B are used.
        j_regressor: (J, V) joint regressor, dense.
        betas: (..., B) shape coefficients, B <= B'.

    Returns:
        :class:`ShapedRest`: vertices (..., V, 3), joints (..., J, 3).
    """
    n_betas = betas.shape[-1]
    if n_betas > shapedirs.shape[-1]:
        raise ValueError(f"{n_betas} betas for {shapedirs.shape[-1]} shape directions")
    # 1. shape blend shapes: T(beta) = T_bar + sum_b beta_b S_b
    v_shaped = v_template + torch.einsum("...b,vcb->...vc", betas, shapedirs[..., :n_betas])
    # 2. joints regressed from the shaped rest mesh: J(beta) = J_regressor T(beta)
    joints = torch.einsum("jv,...vc->...jc", j_regressor, v_shaped)
    return ShapedRest(vertices=v_shaped, joints=joints)


# ---------------------------------------------------------------------------- kinematics


@dataclass(frozen=True)
class _TreePlan:
    """A tree walked one depth at a time: ``levels[d]`` are the joints at depth d,
    ``parent_rows[d]`` their parents' rows in level d - 1, ``inverse`` puts joints concatenated
    level after level back into index order."""

    levels: tuple[torch.Tensor, ...]
    parent_rows: tuple[torch.Tensor, ...]
    inverse: torch.Tensor


@lru_cache(maxsize=32)
def _tree_plan(parents: tuple[int, ...], device: torch.device) -> _TreePlan:
    depth: list[int] = []
    for p in parents:
        depth.append(0 if p < 0 else depth[p] + 1)
    levels = [[j for j, d in enumerate(depth) if d == level] for level in range(max(depth) + 1)]
    rows = [[0] * len(levels[0])] + [[levels[d - 1].index(parents[j]) for j in levels[d]]
                                     for d in range(1, len(levels))]
    order = [j for level in levels for j in level]

    def index(ids: list[int]) -> torch.Tensor:
        # cached plans are shared by the numpy entries (run under inference mode) and by
        # autograd callers: inference tensors could not be used in a graph later
        with torch.inference_mode(False):
            return torch.tensor(ids, dtype=torch.long, device=device)

    return _TreePlan(levels=tuple(index(x) for x in levels),
                     parent_rows=tuple(index(x) for x in rows),
                     inverse=index(sorted(range(len(order)), key=order.__getitem__)))


def chain(local_rotations: torch.Tensor, local_offsets: torch.Tensor,
          parents: Parents) -> FKOutput[torch.Tensor]:
    """World rotations and positions of a kinematic tree from its local transforms.

    Joint j sits at ``local_offsets[j]`` in its parent's frame and turns by
    ``local_rotations[j]`` relative to it; a root's offset and rotation are in the world::

        G_j = G_p R_j,   p_j = p_p + G_p o_j   (p = parents[j])

    Args:
        local_rotations: (..., J, 3, 3) rotation of each joint relative to its parent.
        local_offsets: (..., J, 3) or (J, 3) position of each joint in its parent's frame.
        parents: (J,) parent of each joint, -1 for a root; every parent comes before its
            children.

    Returns:
        :class:`FKOutput`: joints (..., J, 3), rotations (..., J, 3, 3).
    """
    n_joints = local_rotations.shape[-3]
    plan = _tree_plan(tuple(_parent_list(parents, n_joints)), local_rotations.device)
    batch = torch.broadcast_shapes(local_rotations.shape[:-3], local_offsets.shape[:-2])
    rot = local_rotations.expand(batch + (n_joints, 3, 3))
    off = local_offsets.expand(batch + (n_joints, 3))
    # 1. roots: their local frame is the world frame
    g = [rot.index_select(-3, plan.levels[0])]  # per depth: (..., n_d, 3, 3)
    p = [off.index_select(-2, plan.levels[0])]  # per depth: (..., n_d, 3)
    # 2. down the tree, all joints of one depth at once: G_j = G_p R_j, p_j = p_p + G_p o_j
    for level, rows in zip(plan.levels[1:], plan.parent_rows[1:], strict=True):
        g_parent = g[-1].index_select(-3, rows)
        g.append(g_parent @ rot.index_select(-3, level))
        p.append(p[-1].index_select(-2, rows)
                 + (g_parent @ off.index_select(-2, level)[..., None])[..., 0])
    # 3. back from depth order to joint order
    return FKOutput(joints=torch.cat(p, dim=-2).index_select(-2, plan.inverse),
                    rotations=torch.cat(g, dim=-3).index_select(-3, plan.inverse))


def forward_kinematics(local_rotmats: torch.Tensor, rest_joints: torch.Tensor,
                       parents: Parents,
                       transl: torch.Tensor | None = None) -> FKOutput[torch.Tensor]:
    """Posed joints of an SMPL-like body (smplx's ``batch_rigid_transform`` plus ``transl``).

    The root turns about its rest position (the rest pelvis for SMPL), so the posed root is
    ``rest_joints[0] + transl``; equal to smplx's ``joints[:, :24]``.

    Args:
        local_rotmats: (..., J, 3, 3) joint rotations relative to the parent (SMPL's pose
            as matrices: root = global_orient, then body_pose).
        rest_joints: (..., J, 3) or (J, 3) rest-pose joints ``J(beta)``.
        parents: (J,) parent of each joint, -1 for the root.
        transl: (..., 3) translation added to every joint, or None.

    Returns:
        :class:`FKOutput`: joints (..., J, 3), rotations (..., J, 3, 3).
    """
    par = _parent_list(parents, rest_joints.shape[-2])
    # 1. local offsets: a child's rest position relative to its parent's; a root's is absolute
    idx = torch.tensor([max(p, 0) for p in par], device=rest_joints.device)
    is_child = torch.tensor([p >= 0 for p in par], device=rest_joints.device)
    offsets = rest_joints - torch.where(is_child[:, None], rest_joints[..., idx, :],
                                        torch.zeros_like(rest_joints))  # (..., J, 3)
    # 2. rotate down the tree
    out = chain(local_rotmats, offsets, par)
    # 3. translate the whole body
    if transl is None:
        return out
    return FKOutput(joints=out.joints + transl[..., None, :], rotations=out.rotations)


# ---------------------------------------------------------------------------- skinning


def pose_blend_offsets(local_rotmats: torch.Tensor, posedirs: torch.Tensor) -> torch.Tensor:
    """SMPL's pose-corrective vertex offsets ``B_P(theta)``.

    Args:
        local_rotmats: (..., J, 3, 3) joint rotations relative to the parent.
        posedirs: (V, 3, 9 (J - 1)) pose directions, as stored in the model file (smplx's
            ``posedirs`` buffer is this reshaped to (9 (J - 1), 3 V) and transposed).

    Returns:
        (..., V, 3) offsets to add to the shaped rest vertices.
    """
    eye = torch.eye(3, dtype=local_rotmats.dtype, device=local_rotmats.device)
    # 1. pose feature: R_j - I of the non-root joints (zero in the rest pose), flattened
    feature = (local_rotmats[..., 1:, :, :] - eye).flatten(-3)  # (..., 9 (J - 1))
    # 2. B_P(theta) = sum_k feature_k P_k
    n_verts = posedirs.shape[0]
    flat = posedirs.reshape(n_verts * 3, -1)  # (3 V, 9 (J - 1))
    return (feature @ flat.T).unflatten(-1, (n_verts, 3))


def skin(rest_points: torch.Tensor, weights: torch.Tensor, rest_joints: torch.Tensor,
         joints: torch.Tensor, rotations: torch.Tensor) -> torch.Tensor:
    """Linear blend skinning of rest-pose points (no pose blend shapes; add those to the
    points first).

    Args:
        rest_points: (P, 3) points shared by all frames (probes, a template), or (..., P, 3)
            per frame (vertices after pose blend shapes).
        weights: (P, J) skinning weights, rows summing to 1.
        rest_joints: (..., J, 3) or (J, 3) rest-pose joints.
        joints: (..., J, 3) posed joint positions, translation included (:class:`FKOutput`).
        rotations: (..., J, 3, 3) posed global joint rotations (:class:`FKOutput`).

    Returns:
        (..., P, 3) posed points.
    """
    n_points, n_joints = weights.shape
    # 1. per joint, the rigid transform taking rest space to posed space:
    #    x -> G_j x + (p_j - G_j J_j)
    offset = joints - (rotations @ rest_joints[..., None])[..., 0]  # (..., J, 3)
    rigid = torch.cat([rotations, offset[..., None]], dim=-1)  # (..., J, 3, 4)
    batch = torch.broadcast_shapes(rigid.shape[:-3], rest_points.shape[:-2])
    frames = rigid.expand(batch + rigid.shape[-3:]).reshape(-1, n_joints, 12)  # (F, J, 12)
    shared = rest_points.dim() == 2
    points = rest_points if shared else rest_points.expand(batch + (n_points, 3)).reshape(
        -1, n_points, 3)  # (P, 3) or (F, P, 3)
    # 2.-3. blend and apply a few frames at a time, so that the blended transforms are still
    #    in cache when they are applied
    step = max(1, _BLEND_BYTES // (12 * n_points * rigid.element_size()))
    posed = [_blend_and_apply(weights, frames[s:s + step], points if shared else
                              points[s:s + step]) for s in range(0, frames.shape[0], step)]
    if not posed:
        return rest_points.new_zeros(batch + (n_points, 3))
    return torch.cat(posed, dim=0).reshape(batch + (n_points, 3))


_BLEND_BYTES = 1 << 22  # ~4 MB of blended transforms per step of skin()


def _blend_and_apply(weights: torch.Tensor, rigid: torch.Tensor,
                     points: torch.Tensor) -> torch.Tensor:
    """Steps 2-3 of :func:`skin` for F frames of rigid transforms (F, J, 12).

    2. blend the transforms with each point's weights: T_p = sum_j w_pj A_j
    3. apply the blended transform to the rest point: v = T[:, 3] + sum_b T[:, b] x_b

    ``points`` (P, 3) shared: one product (P, J) @ (J, F 12) for all frames. ``points``
    (F, P, 3) per frame: a product (P, J) @ (J, 12) per frame. Returns (F, P, 3).
    """
    n_frames, n_joints = rigid.shape[:2]
    if points.dim() == 2:
        blended = (weights @ rigid.transpose(0, 1).reshape(n_joints, -1)).reshape(
            -1, n_frames, 3, 4)  # (P, F, 3, 4)
        x = points[:, None, :]  # (P, 1, 3)
    else:
        blended = (weights @ rigid).unflatten(-1, (3, 4))  # (F, P, 3, 4)
        x = points
    posed = blended[..., 3]
    for b in range(3):
        posed = torch.addcmul(posed, blended[..., b], x[..., b:b + 1])
    return posed.transpose(0, 1) if points.dim() == 2 else posed


# ---------------------------------------------------------------------------- numpy entries


def _numpy_fk(out: FKOutput[torch.Tensor]) -> FKOutput[np.ndarray]:
    return FKOutput(joints=to_numpy(out.joints), rotations=to_numpy(out.rotations))


@torch.inference_mode()
def shaped_rest_np(v_template: ArrayLike, shapedirs: ArrayLike, j_regressor: ArrayLike,
                   betas: ArrayLike) -> ShapedRest[np.ndarray]:
    """numpy entry of :func:`shaped_rest` (float64; ``j_regressor`` may be scipy.sparse)."""
    out = shaped_rest(to_tensor(v_template), to_tensor(shapedirs), to_tensor(j_regressor),
                      to_tensor(betas))
    return ShapedRest(vertices=to_numpy(out.vertices), joints=to_numpy(out.joints))


@torch.inference_mode()
def chain_np(local_rotations: ArrayLike, local_offsets: ArrayLike,
             parents: Parents) -> FKOutput[np.ndarray]:
    """numpy entry of :func:`chain` (float64)."""
    return _numpy_fk(chain(to_tensor(local_rotations), to_tensor(local_offsets), parents))


@torch.inference_mode()
def forward_kinematics_np(local_rotmats: ArrayLike, rest_joints: ArrayLike, parents: Parents,
                          transl: ArrayLike | None = None) -> FKOutput[np.ndarray]:
    """numpy entry of :func:`forward_kinematics` (float64)."""
    tr = None if transl is None else to_tensor(transl)
    return _numpy_fk(forward_kinematics(to_tensor(local_rotmats), to_tensor(rest_joints),
                                        parents, tr))


@torch.inference_mode()
def pose_blend_offsets_np(local_rotmats: ArrayLike, posedirs: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`pose_blend_offsets` (float64)."""
    return to_numpy(pose_blend_offsets(to_tensor(local_rotmats), to_tensor(posedirs)))


@torch.inference_mode()
def skin_np(rest_points: ArrayLike, weights: ArrayLike, rest_joints: ArrayLike,
            joints: ArrayLike, rotations: ArrayLike) -> np.ndarray:
    """numpy entry of :func:`skin` (float64)."""
    return to_numpy(skin(to_tensor(rest_points), to_tensor(weights), to_tensor(rest_joints),
                         to_tensor(joints), to_tensor(rotations)))


def smpl_joints_np(global_orient: ArrayLike, body_pose: ArrayLike, rest_joints: ArrayLike,
                   parents: Parents, transl: ArrayLike | None = None) -> np.ndarray:
    """Posed joints (T, J, 3) of SMPL parameters: global_orient (T, 3) and body_pose
    (T, 3 (J - 1)) axis-angle, rest_joints (J, 3), transl (T, 3); float64.

    :func:`forward_kinematics_np` after the axis-angle -> matrix conversion of
    :mod:`flag3d_core.geometry.rotations`, for callers that hold SMPL's parameter layout.
    """
    go = np.asarray(global_orient, dtype=np.float64)
    bp = np.asarray(body_pose, dtype=np.float64).reshape(go.shape[0], -1, 3)
    rot = axis_angle_to_matrix_np(np.concatenate([go[:, None], bp], axis=1))  # (T, J, 3, 3)
    return forward_kinematics_np(rot, rest_joints, parents, transl).joints
