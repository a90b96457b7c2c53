"""The body model: smplx's SMPL buffers posed by the project's own kinematics.

:class:`BodyModel` is a thin shell in the manner of smplx's ``nn.Module``s: it holds the
loaded ``smplx.SMPL`` module (for its buffers) and calls the pure functions of
:mod:`flag3d_core.body.kinematics`:

* :meth:`BodyModel.forward`: torch in, torch out, differentiable (no ``no_grad`` inside:
  callers decide), any device and dtype the module was moved to;
* :meth:`BodyModel.pose`: numpy in, numpy out, chunked, under ``torch.inference_mode`` (what
  the exporters, renderers and pages use; ``body(...)`` is the same call);
* :meth:`BodyModel.rest_joints`, :meth:`BodyModel.rest_pelvis`, :meth:`BodyModel.template`:
  the shaped rest body for some betas, numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic

import numpy as np
import torch

from flag3d_core.body.kinematics import (
    forward_kinematics,
    pose_blend_offsets,
    shaped_rest,
    skin,
)
from flag3d_core.body.model import BodyModelInfo
from flag3d_core.body.template import BodyTemplate
from flag3d_core.geometry.numpy_bridge import ArrayT
from flag3d_core.geometry.rotations import axis_angle_to_matrix

__all__ = ["DEFAULT_BATCH", "BodyModel", "BodyOutput"]

DEFAULT_BATCH = 64  # fastest chunk on CPU (STACK.md: ~4,000 frames/s)
N_BODY_JOINTS = 24


@dataclass(frozen=True)
class BodyOutput(Generic[ArrayT]):
    """A posed body in the model's world frame: ``BodyOutput[torch.Tensor]`` from
    :meth:`BodyModel.forward`, ``BodyOutput[np.ndarray]`` (float32) from :meth:`BodyModel.pose`.

    Attributes:
        vertices: (T, V, 3) posed vertices.
        joints: (T, 24, 3) posed joints (smplx's ``joints[:, :24]``).
    """

    vertices: ArrayT
    joints: ArrayT


def _as_2d(name: str, x: np.ndarray, width: int) -> np.ndarray:
    a = np.asarray(x, dtype=np.float32)
    if a.ndim != 2 or a.shape[1] != width:
        raise ValueError(f"{name} must have shape (T, {width}), got {a.shape}")
    return a


class BodyModel:
    """An SMPL-format body: the loaded smplx module's buffers plus what the app needs.

    Attributes:
        smpl: the smplx ``SMPL`` module (eval mode, on its device); only its buffers are used.
        info: where the model came from (:class:`BodyModelInfo`; ``info.kind`` is
            ``standin`` or ``smpl``).
        faces: (F, 3) int64. parents: (24,) int64, -1 for the root.
        num_betas: shape coefficients the model takes.
    """

    def __init__(self, smpl: torch.nn.Module, info: BodyModelInfo) -> None:
        self.smpl = smpl
        self.info = info
        self.faces = np.asarray(smpl.faces, dtype=np.int64)  # (F, 3)
        parents = smpl.parents.detach().cpu().numpy().astype(np.int64)
        parents[0] = -1
        self.parents = parents  # (24,)
        self.num_betas = int(smpl.num_betas)

    @property
    def device(self) -> torch.device:
        return self.smpl.v_template.device

    @property
    def dtype(self) -> torch.dtype:
        return self.smpl.v_template.dtype

    # ------------------------------------------------------------------------ torch

    def forward(self, global_orient: torch.Tensor, body_pose: torch.Tensor,
                betas: torch.Tensor | None = None,
                transl: torch.Tensor | None = None) -> BodyOutput[torch.Tensor]:
        """Pose the body for T frames (SMPL: shape, pose blend shapes, kinematics, skinning).

        Differentiable in every argument; inputs are moved to the model's device and dtype.

        Args:
            global_orient: (T, 3) axis-angle root orientation.
            body_pose: (T, 69) axis-angle of the 23 non-root joints.
            betas: (B,) shared by all frames or (T, B) per frame, B <= ``num_betas``
                (None = mean shape).
            transl: (T, 3) root translation (None = zeros).

        Returns:
            :class:`BodyOutput` of tensors: vertices (T, V, 3), joints (T, 24, 3).
        """
        smpl, dev, dtype = self.smpl, self.device, self.dtype
        go = global_orient.to(device=dev, dtype=dtype)  # (T, 3)
        bp = body_pose.to(device=dev, dtype=dtype)  # (T, 69)
        n_frames = go.shape[0]
        if go.shape != (n_frames, 3) or bp.shape != (n_frames, 3 * (N_BODY_JOINTS - 1)):
            raise ValueError(f"global_orient must be (T, 3) and body_pose (T, 69), got "
                             f"{tuple(go.shape)} and {tuple(bp.shape)}")
        b = (torch.zeros(self.num_betas, device=dev, dtype=dtype) if betas is None
             else betas.to(device=dev, dtype=dtype))  # (B,) or (T, B)
        tr = None if transl is None else transl.to(device=dev, dtype=dtype)  # (T, 3)
        n_verts = smpl.v_template.shape[0]
        # 1. shaped rest body: T(beta) (V, 3) or (T, V, 3), J(beta) (24, 3) or (T, 24, 3)
        v_shaped, rest = shaped_rest(smpl.v_template, smpl.shapedirs, smpl.J_regressor, b)
        # 2. local joint rotations from axis-angle
        rotmats = axis_angle_to_matrix(torch.cat([go, bp], dim=-1).reshape(
            n_frames, N_BODY_JOINTS, 3))  # (T, 24, 3, 3)
        # 3. pose blend shapes; smplx keeps posedirs as (207, 3V), the file as (V, 3, 207)
        posedirs = smpl.posedirs.T.reshape(n_verts, 3, -1)
        v_posed = v_shaped + pose_blend_offsets(rotmats, posedirs)  # (T, V, 3)
        # 4. forward kinematics: the root turns about the rest pelvis, then transl
        fk = forward_kinematics(rotmats, rest, self.parents, tr)
        # 5. linear blend skinning
        vertices = skin(v_posed, smpl.lbs_weights, rest, fk.joints, fk.rotations)
        return BodyOutput(vertices=vertices, joints=fk.joints)

    # ------------------------------------------------------------------------ numpy

    def _betas(self, betas: np.ndarray | None) -> torch.Tensor:
        """(num_betas,) tensor; shorter betas are zero-padded, extra ones must be zero."""
        b = np.zeros(self.num_betas, dtype=np.float32)
        if betas is not None:
            given = np.asarray(betas, dtype=np.float32).reshape(-1)
            if given.size > self.num_betas and np.any(given[self.num_betas:] != 0):
                raise ValueError(f"model has {self.num_betas} shape parameters, got {given.size}")
            b[: min(given.size, self.num_betas)] = given[: self.num_betas]
        return torch.from_numpy(b).to(device=self.device, dtype=self.dtype)

    @torch.inference_mode()
    def rest_joints(self, betas: np.ndarray | None = None) -> np.ndarray:
        """Joints (24, 3) float32 of the shaped body in the rest pose (no translation)."""
        smpl = self.smpl
        rest = shaped_rest(smpl.v_template, smpl.shapedirs, smpl.J_regressor, self._betas(betas))
        return rest.joints.cpu().numpy().astype(np.float32)

    def rest_pelvis(self, betas: np.ndarray | None = None) -> np.ndarray:
        """Pelvis (root) joint (3,) of the shaped rest body: where ``transl`` is added."""
        return self.rest_joints(betas)[0]

    @torch.inference_mode()
    def template(self, betas: np.ndarray | None = None) -> BodyTemplate:
        """The body shaped for ``betas`` (10,) (None: mean shape) as a :class:`BodyTemplate`."""
        smpl = self.smpl
        rest = shaped_rest(smpl.v_template, smpl.shapedirs, smpl.J_regressor, self._betas(betas))
        return BodyTemplate(
            template=rest.vertices.cpu().numpy().astype(np.float32),
            faces=self.faces.copy(),
            weights=smpl.lbs_weights.detach().cpu().numpy().astype(np.float32),
            parents=self.parents.copy(),
            rest_joints=rest.joints.cpu().numpy().astype(np.float32),
        )

    @torch.inference_mode()
    def pose(
        self,
        global_orient: np.ndarray,
        body_pose: np.ndarray,
        betas: np.ndarray | None = None,
        transl: np.ndarray | None = None,
        batch: int = DEFAULT_BATCH,
    ) -> BodyOutput[np.ndarray]:
        """Pose the body for T frames, numpy in and out, ``batch`` frames per :meth:`forward`.

        Args:
            global_orient: (T, 3) axis-angle root orientation.
            body_pose: (T, 69) axis-angle of the 23 non-root joints.
            betas: (10,) shape, shared by all frames (None = mean shape).
            transl: (T, 3) root translation (None = zeros).
            batch: frames per call (64 is fastest on CPU).

        Returns:
            :class:`BodyOutput` of float32 arrays: vertices (T, V, 3), joints (T, 24, 3).
        """
        go = _as_2d("global_orient", global_orient, 3)  # (T, 3)
        n_frames = go.shape[0]
        bp = _as_2d("body_pose", body_pose, 69)  # (T, 69)
        tr = np.zeros((n_frames, 3), np.float32) if transl is None else _as_2d(
            "transl", transl, 3
        )
        if bp.shape[0] != n_frames or tr.shape[0] != n_frames:
            raise ValueError(
                f"frame counts differ: global_orient {n_frames}, body_pose {bp.shape[0]}, "
                f"transl {tr.shape[0]}"
            )
        n_verts = self.smpl.v_template.shape[0]
        verts = np.empty((n_frames, n_verts, 3), np.float32)
        joints = np.empty((n_frames, N_BODY_JOINTS, 3), np.float32)
        b = self._betas(betas)
        step = max(1, int(batch))
        for s in range(0, n_frames, step):
            e = min(n_frames, s + step)
            out = self.forward(torch.from_numpy(go[s:e]), torch.from_numpy(bp[s:e]), b,
                               torch.from_numpy(tr[s:e]))
            verts[s:e] = out.vertices.cpu().numpy()
            joints[s:e] = out.joints.cpu().numpy()
        return BodyOutput(vertices=verts, joints=joints)

    # ``body(global_orient, body_pose, ...)``: the numpy posing, as before forward() took
    # tensors.
    __call__ = pose
