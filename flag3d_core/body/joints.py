"""SMPL joints for training losses (mesh recovery, motion generation): steps 1, 2 and 4 of
:meth:`flag3d_core.body.forward.BodyModel.forward` without the mesh; and a few named vertices
(the landmarks NTU-25 joints are made of) posed without the other 6,880.

``BodyModel.forward`` always skins the 6,890 vertices (pose blend shapes, then skinning), which
the losses never use; this calls the same functions of :mod:`flag3d_core.body.kinematics` on
the same buffers for the joints alone, and takes rotation matrices (the network's output)
directly. A test checks it against ``BodyModel.forward(...).joints``.
"""

from __future__ import annotations

from typing import Any

import torch

from flag3d_core.body.kinematics import (
    forward_kinematics,
    pose_blend_offsets,
    shaped_rest,
    skin,
)

__all__ = ["posed_joints", "posed_points", "rest_joints"]


def rest_joints(body: Any, betas: torch.Tensor) -> torch.Tensor:
    """Rest joints (..., 24, 3) of the shaped body for ``betas`` (..., 10); ``body`` is a
    :class:`~flag3d_core.body.forward.BodyModel`."""
    smpl = body.smpl
    b = betas.to(device=smpl.v_template.device, dtype=smpl.v_template.dtype)
    return shaped_rest(smpl.v_template, smpl.shapedirs, smpl.J_regressor, b).joints


def posed_joints(body: Any, rotmats: torch.Tensor, betas: torch.Tensor,
                 transl: torch.Tensor | None = None) -> torch.Tensor:
    """Posed SMPL joints (B, T, 24, 3), differentiable.

    Args:
        body: a :class:`~flag3d_core.body.forward.BodyModel`.
        rotmats: (B, T, 24, 3, 3) local joint rotations (root = global orientation).
        betas: (B, 10) shape, one per sequence.
        transl: (B, T, 3) SMPL translation (posed pelvis = rest pelvis + transl), or None.
    """
    n_b, n_t = rotmats.shape[:2]
    assert rotmats.shape[2:] == (24, 3, 3), rotmats.shape
    rest = rest_joints(body, betas).to(rotmats.dtype)[:, None]  # (B, 1, 24, 3)
    return forward_kinematics(rotmats, rest, body.parents, transl).joints  # (B, T, 24, 3)


def posed_points(body: Any, rotmats: torch.Tensor, betas: torch.Tensor,
                 transl: torch.Tensor | None, vertex_ids: list[int]
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Posed joints (B, T, 24, 3) and the posed vertices ``vertex_ids`` (B, T, P, 3): every
    step of ``BodyModel.forward`` (shape, pose blend shapes, kinematics, skinning) on those
    vertices alone, so equal to ``forward(...).vertices[..., vertex_ids, :]``.

    rotmats (B, T, 24, 3, 3), betas (B, 10), transl (B, T, 3) or None.
    """
    smpl = body.smpl
    ids = torch.as_tensor(vertex_ids, dtype=torch.long, device=smpl.v_template.device)
    b = betas.to(device=smpl.v_template.device, dtype=smpl.v_template.dtype)
    full = shaped_rest(smpl.v_template, smpl.shapedirs, smpl.J_regressor, b)
    rest = full.joints.to(rotmats.dtype)[:, None]  # (B, 1, 24, 3)
    shaped = full.vertices.index_select(-2, ids).to(rotmats.dtype)[:, None]  # (B, 1, P, 3)
    n_verts = smpl.v_template.shape[0]
    posedirs = smpl.posedirs.T.reshape(n_verts, 3, -1).index_select(0, ids).to(rotmats.dtype)
    points = shaped + pose_blend_offsets(rotmats, posedirs)  # (B, T, P, 3)
    fk = forward_kinematics(rotmats, rest, body.parents, transl)
    weights = smpl.lbs_weights.index_select(0, ids).to(rotmats.dtype)
    return fk.joints, skin(points, weights, rest, fk.joints, fk.rotations)
