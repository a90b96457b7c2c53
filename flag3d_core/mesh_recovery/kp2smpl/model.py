"""The kp2smpl network: a temporal convolution network from box-normalised COCO-17 keypoint
sequences to SMPL (per-frame 6D joint rotations, a root code, betas pooled over the sequence).

Layout (VideoPose3D-style residual blocks, "same" padding so any length is predicted whole)::

    features (B, T, 17*3 + 3) -> 1x1 conv to C -> blocks: x + drop(relu(bn(conv1x1(
        drop(relu(bn(conv_k,dilation d(x)))))))) for d in dilations
    -> per frame: 6D rotations of the 24 SMPL joints (camera-frame root), root code (3)
    -> masked mean over time -> MLP -> betas (10)

The rotation head starts at the rest pose, with the root turned to face the camera upright
(SMPL's y up / z forward to the camera's y down / z towards it: 180° about x), and the root
code at a body about 2 m tall seen in the box; everything else is learnt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

from flag3d_core.geometry.rotations import matrix_to_6d, sixd_to_matrix

__all__ = ["Kp2Smpl", "Kp2SmplConfig", "Kp2SmplOutput"]

_FACING_CAMERA = torch.diag(torch.tensor([1.0, -1.0, -1.0]))  # SMPL rest body seen upright


@dataclass(frozen=True)
class Kp2SmplConfig:
    """Sizes of :class:`Kp2Smpl` (stored in checkpoints: ``Kp2Smpl(Kp2SmplConfig(**d))``)."""

    num_keypoints: int = 17
    box_features: int = 3
    num_joints: int = 24
    num_betas: int = 10
    width: int = 256
    kernel: int = 3
    dilations: tuple[int, ...] = (1, 3, 9, 27)
    dropout: float = 0.1

    @property
    def in_features(self) -> int:
        return self.num_keypoints * 3 + self.box_features

    @property
    def receptive_field(self) -> int:
        """Frames one output frame sees."""
        return 1 + (self.kernel - 1) * sum(self.dilations)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Kp2SmplConfig:
        d = dict(d)
        d["dilations"] = tuple(int(x) for x in d.get("dilations", cls.dilations))
        return cls(**d)


@dataclass(frozen=True)
class Kp2SmplOutput:
    """Network outputs.

    Attributes:
        rot6d: (B, T, 24, 6) joint rotations, 6D (root in the camera frame).
        root: (B, T, 3) root code ``(d_u, d_v, log_size)`` (:mod:`.frames`).
        betas: (B, 10).
    """

    rot6d: torch.Tensor
    root: torch.Tensor
    betas: torch.Tensor

    def rotmats(self) -> torch.Tensor:
        """(B, T, 24, 3, 3) rotation matrices."""
        return sixd_to_matrix(self.rot6d)


class _Block(nn.Module):
    def __init__(self, width: int, kernel: int, dilation: int, dropout: float) -> None:
        super().__init__()
        pad = (kernel - 1) // 2 * dilation
        self.conv = nn.Conv1d(width, width, kernel, dilation=dilation, padding=pad,
                              padding_mode="replicate", bias=False)
        self.bn1 = nn.BatchNorm1d(width)
        self.mix = nn.Conv1d(width, width, 1, bias=False)
        self.bn2 = nn.BatchNorm1d(width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, T)
        y = self.drop(torch.relu(self.bn1(self.conv(x))))
        return x + self.drop(torch.relu(self.bn2(self.mix(y))))


class Kp2Smpl(nn.Module):
    """Temporal network from keypoint features (B, T, D) to :class:`Kp2SmplOutput`."""

    def __init__(self, cfg: Kp2SmplConfig = Kp2SmplConfig()) -> None:
        super().__init__()
        if cfg.kernel % 2 != 1:
            raise ValueError(f"kernel must be odd, got {cfg.kernel}")
        self.cfg = cfg
        c = cfg.width
        self.embed = nn.Sequential(nn.Conv1d(cfg.in_features, c, 1, bias=False),
                                   nn.BatchNorm1d(c), nn.ReLU())
        self.blocks = nn.Sequential(*[_Block(c, cfg.kernel, d, cfg.dropout)
                                      for d in cfg.dilations])
        self.rot_head = nn.Conv1d(c, cfg.num_joints * 6, 1)
        self.root_head = nn.Conv1d(c, 3, 1)
        self.betas_head = nn.Sequential(nn.Linear(c, c), nn.ReLU(), nn.Linear(c, cfg.num_betas))
        self._init_heads()

    def _init_heads(self) -> None:
        """Small head weights around the rest pose facing the camera (see the module doc)."""
        rest = torch.eye(3).expand(self.cfg.num_joints, 3, 3).clone()
        rest[0] = _FACING_CAMERA
        with torch.no_grad():
            for head in (self.rot_head, self.root_head):
                head.weight.mul_(0.1)
            self.rot_head.bias.copy_(matrix_to_6d(rest).reshape(-1))
            self.root_head.bias.copy_(torch.tensor([0.0, 0.0, 0.7]))  # log(2 m)
            self.betas_head[-1].weight.mul_(0.1)
            self.betas_head[-1].bias.zero_()

    def forward(self, features: torch.Tensor, mask: torch.Tensor | None = None) -> Kp2SmplOutput:
        """``features`` (B, T, D); ``mask`` (B, T) bool of real frames (None: all) for the
        betas' pooling."""
        n_b, n_t, n_d = features.shape
        assert n_d == self.cfg.in_features, (n_d, self.cfg.in_features)
        x = self.blocks(self.embed(features.transpose(1, 2)))  # (B, C, T)
        rot6d = self.rot_head(x).transpose(1, 2).reshape(n_b, n_t, self.cfg.num_joints, 6)
        root = self.root_head(x).transpose(1, 2)  # (B, T, 3)
        if mask is None:
            pooled = x.mean(dim=2)
        else:
            w = mask.to(x.dtype)[:, None, :]  # (B, 1, T)
            pooled = (x * w).sum(2) / w.sum(2).clamp(min=1.0)
        return Kp2SmplOutput(rot6d=rot6d, root=root, betas=self.betas_head(pooled))
