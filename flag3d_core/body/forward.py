"""A thin wrapper around an smplx SMPL module: batched posing with numpy in and out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from flag3d_core.body.model import BodyModelInfo

__all__ = ["DEFAULT_BATCH", "BodyModel", "BodyOutput"]

DEFAULT_BATCH = 64  # fastest smplx chunk on CPU (STACK.md: ~4,000 frames/s)
N_BODY_JOINTS = 24


@dataclass(frozen=True)
class BodyOutput:
    """vertices (T, N, 3) and joints (T, 24, 3), float32, in the model's world frame."""

    vertices: np.ndarray
    joints: np.ndarray


def _as_2d(name: str, x: np.ndarray, width: int) -> np.ndarray:
    a = np.asarray(x, dtype=np.float32)
    if a.ndim != 2 or a.shape[1] != width:
        raise ValueError(f"{name} must have shape (T, {width}), got {a.shape}")
    return a


class BodyModel:
    """An smplx SMPL module plus what the app needs to know about it.

    Attributes:
        smpl: the smplx ``SMPL`` module (eval mode, on its device).
        info: where the model came from (:class:`BodyModelInfo`; ``info.kind`` is
            ``standin`` or ``smpl``).
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

    def _betas(self, betas: np.ndarray | None) -> torch.Tensor:
        """(1, num_betas) tensor; shorter betas are zero-padded, extra ones must be zero."""
        b = np.zeros(self.num_betas, dtype=np.float32)
        if betas is not None:
            given = np.asarray(betas, dtype=np.float32).reshape(-1)
            if given.size > self.num_betas and np.any(given[self.num_betas:] != 0):
                raise ValueError(f"model has {self.num_betas} shape parameters, got {given.size}")
            b[: min(given.size, self.num_betas)] = given[: self.num_betas]
        return torch.from_numpy(b)[None].to(self.device)

    @torch.no_grad()
    def rest_joints(self, betas: np.ndarray | None = None) -> np.ndarray:
        """Joints (24, 3) of the shaped body in the rest pose (no translation)."""
        b = self._betas(betas)
        v_shaped = self.smpl.v_template + torch.einsum("bl,vcl->vc", b, self.smpl.shapedirs)
        return (self.smpl.J_regressor @ v_shaped).cpu().numpy().astype(np.float32)

    def rest_pelvis(self, betas: np.ndarray | None = None) -> np.ndarray:
        """Pelvis (root) joint (3,) of the shaped rest body: where ``transl`` is added."""
        return self.rest_joints(betas)[0]

    @torch.no_grad()
    def forward(
        self,
        global_orient: np.ndarray,
        body_pose: np.ndarray,
        betas: np.ndarray | None = None,
        transl: np.ndarray | None = None,
        batch: int = DEFAULT_BATCH,
    ) -> BodyOutput:
        """Pose the body for T frames, ``batch`` frames per smplx call.

        Args:
            global_orient: (T, 3) axis-angle root orientation.
            body_pose: (T, 69) axis-angle of the 23 non-root joints.
            betas: (10,) shape, shared by all frames (None = mean shape).
            transl: (T, 3) root translation (None = zeros).
            batch: frames per smplx call (64 is fastest on CPU).
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
        dev = self.device
        for s in range(0, n_frames, max(1, int(batch))):
            e = min(n_frames, s + max(1, int(batch)))
            out = self.smpl(
                betas=b,
                global_orient=torch.from_numpy(go[s:e]).to(dev),
                body_pose=torch.from_numpy(bp[s:e]).to(dev),
                transl=torch.from_numpy(tr[s:e]).to(dev),
                return_verts=True,
            )
            verts[s:e] = out.vertices.cpu().numpy()
            joints[s:e] = out.joints[:, :N_BODY_JOINTS].cpu().numpy()
        return BodyOutput(vertices=verts, joints=joints)

    __call__ = forward
