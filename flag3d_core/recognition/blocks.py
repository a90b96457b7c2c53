"""Pieces shared by the graph-convolutional recognisers: the common config fields, the
stage plan (widths/strides of the stacked blocks), input normalisation and the classifier head.

Model input is ``(N, C, T, V, M)`` like pyskl: batch, channels (xyz or x, y, score), frames,
joints, persons. Each model only adds its graph block; :class:`SkeletonNet` stacks the blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class GraphModelConfig:
    """Fields every recogniser shares.

    Attributes:
        in_channels: C of the input (3 for xyz or x, y, score).
        num_classes: K.
        layout: joint layout name (``ntu25``, ``coco17``, ``smpl24``); V comes from it.
        base_channels: width of the first stage; doubled at each ``inflate_stages`` entry.
        num_stages: number of stacked graph blocks.
        inflate_stages: 1-based stages where the width doubles.
        down_stages: 1-based stages with temporal stride 2.

    The papers use 10 stages of width 64 doubling (and striding) at stages 5 and 8
    (``base_channels=64, num_stages=10, inflate_stages=(5, 8), down_stages=(5, 8)``). The
    defaults here are a CPU-sized version of the same architecture (6 stages of width 32,
    64, 128) that trains on ~1,260 sequences in minutes on two cores.
        num_person: M, persons per sample (FLAG3D has one).
        dropout: dropout before the classifier.
    """

    in_channels: int = 3
    num_classes: int = 60
    layout: str = "ntu25"
    base_channels: int = 32
    num_stages: int = 6
    inflate_stages: tuple[int, ...] = (3, 5)
    down_stages: tuple[int, ...] = (3, 5)
    num_person: int = 1
    dropout: float = 0.0


def stage_plan(cfg: GraphModelConfig) -> list[tuple[int, int, int]]:
    """(in_channels, out_channels, stride) of each stage, pyskl-style."""
    plan, c_in, c_out = [], cfg.in_channels, cfg.base_channels
    for stage in range(1, cfg.num_stages + 1):
        if stage in cfg.inflate_stages:
            c_out *= 2
        plan.append((c_in, c_out, 2 if stage in cfg.down_stages else 1))
        c_in = c_out
    return plan


def conv_bn(c_in: int, c_out: int, kernel_t: int = 1, stride: int = 1,
            dilation: int = 1) -> nn.Sequential:
    """Temporal convolution (kernel_t x 1) + BatchNorm on (N, C, T, V)."""
    pad = (kernel_t - 1) * dilation // 2
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, (kernel_t, 1), stride=(stride, 1), padding=(pad, 0),
                  dilation=(dilation, 1)),
        nn.BatchNorm2d(c_out),
    )


class Residual(nn.Module):
    """Identity, zero, or a strided 1x1 conv + BN, depending on the shapes (ST-GCN style)."""

    def __init__(self, c_in: int, c_out: int, stride: int, enabled: bool = True) -> None:
        super().__init__()
        self.kind = "zero" if not enabled else ("id" if c_in == c_out and stride == 1 else "conv")
        self.proj = conv_bn(c_in, c_out, 1, stride) if self.kind == "conv" else None

    def forward(self, x: torch.Tensor) -> torch.Tensor | float:
        if self.kind == "zero":
            return 0.0
        return x if self.proj is None else self.proj(x)


BlockFactory = Callable[[int, int, int, bool, torch.Tensor], nn.Module]


class SkeletonNet(nn.Module):
    """Data BN -> stacked graph blocks -> global pooling -> mean over persons -> linear.

    ``make_block(c_in, c_out, stride, residual, A)`` builds one block mapping
    (N, c_in, T, V) to (N, c_out, T / stride, V).
    """

    def __init__(self, cfg: GraphModelConfig, A: np.ndarray, make_block: BlockFactory) -> None:
        super().__init__()
        A_t = torch.as_tensor(np.asarray(A, dtype=np.float32))
        if A_t.ndim != 3 or A_t.shape[1] != A_t.shape[2]:
            raise ValueError(f"adjacency must be (K, V, V), got {tuple(A_t.shape)}")
        self.cfg = cfg
        self.num_node = A_t.shape[1]
        self.data_bn = nn.BatchNorm1d(cfg.num_person * cfg.in_channels * self.num_node)
        self.blocks = nn.ModuleList(
            make_block(c_in, c_out, stride, i > 0, A_t)
            for i, (c_in, c_out, stride) in enumerate(stage_plan(cfg))
        )
        self.out_channels = stage_plan(cfg)[-1][1]
        self.drop = nn.Dropout(cfg.dropout)
        self.fc = nn.Linear(self.out_channels, cfg.num_classes)

    def check_input(self, x: torch.Tensor) -> tuple[int, int, int, int, int]:
        if x.ndim != 5:
            raise ValueError(f"expected input (N, C, T, V, M), got shape {tuple(x.shape)}")
        n, c, t, v, m = x.shape
        if (c, v, m) != (self.cfg.in_channels, self.num_node, self.cfg.num_person):
            raise ValueError(
                f"expected (N, C={self.cfg.in_channels}, T, V={self.num_node}, "
                f"M={self.cfg.num_person}), got {tuple(x.shape)}")
        return n, c, t, v, m

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, T, V, M) -> pooled features (N, D)."""
        n, c, t, v, m = self.check_input(x)
        x = x.permute(0, 4, 3, 1, 2).reshape(n, m * v * c, t)  # (N, M*V*C, T)
        x = self.data_bn(x)
        x = x.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).reshape(n * m, c, t, v)  # (NM, C, T, V)
        for block in self.blocks:
            x = block(x)
        x = x.mean(dim=(2, 3)).view(n, m, -1).mean(dim=1)  # (N, D)
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, T, V, M) -> logits (N, K)."""
        return self.fc(self.drop(self.features(x)))

    def stream_logits(self, x: torch.Tensor) -> list[torch.Tensor]:
        """One stream: ``[logits (N, K)]`` (multi-stream models return one per stream)."""
        return [self.forward(x)]
