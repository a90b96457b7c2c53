"""SMPL joints for training losses (mesh recovery, motion generation): steps 1, 2 and 4 of
:meth:`flag3d_core.body.forward.BodyModel.forward` without the mesh.

``BodyModel.forward`` always skins the 6,890 vertices (pose blend shapes, then skinning), which
the losses never use; this calls the same functions of :mod:`flag3d_core.body.kinematics` on
the same buffers for the joints alone, and takes rotation matrices (the network's output)
directly. A test checks it against ``BodyModel.forward(...).joints``.
"""

from __future__ import annotations

from typing import Any

import torch

from flag3d_core.body.kinematics import forward_kinematics, shaped_rest

__all__ = ["posed_joints", "rest_joints"]


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
