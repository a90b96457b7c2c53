"""ST-GCN (Yan, Xiong, Lin, AAAI 2018): spatial graph convolution over the partitioned
adjacency with learnable edge-importance masks, followed by a temporal convolution.

Input (N, C, T, V, M); see :mod:`flag3d_core.recognition.blocks`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from flag3d_core.recognition.blocks import GraphModelConfig, Residual, SkeletonNet, conv_bn


@dataclass(frozen=True)
class STGCNConfig(GraphModelConfig):
    """ST-GCN settings. ``temporal_kernel`` is the Gamma of the paper (9)."""

    temporal_kernel: int = 9
    edge_importance: bool = True
    block_dropout: float = 0.0


def graph_conv(x: torch.Tensor, A: torch.Tensor) -> torch.Tensor:
    """Partitioned graph convolution, Eq. (10) of the paper.

    x: (N, K*C, T, V) features already multiplied by the per-subset 1x1 weights;
    A: (K, V, V) with rows = receiving joints. Returns (N, C, T, V): sum_k A_k applied to x_k.
    """
    n, kc, t, v = x.shape
    k = A.shape[0]
    x = x.view(n, k, kc // k, t, v)
    return torch.einsum("nkctv,kwv->nctw", x, A)


class SpatialGraphConv(nn.Module):
    """1x1 conv to K*C_out channels, then aggregation over each subset's neighbours."""

    def __init__(self, c_in: int, c_out: int, A: torch.Tensor, edge_importance: bool) -> None:
        super().__init__()
        self.register_buffer("A", A.clone())
        self.conv = nn.Conv2d(c_in, c_out * A.shape[0], 1)
        # M in the paper: a learnable mask multiplied element-wise with each A_k.
        self.importance = nn.Parameter(torch.ones_like(A)) if edge_importance else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        A = self.A if self.importance is None else self.A * self.importance
        return graph_conv(self.conv(x), A)


class STGCNBlock(nn.Module):
    """GCN -> BN -> ReLU -> temporal conv -> BN -> dropout, plus residual, then ReLU."""

    def __init__(self, cfg: STGCNConfig, c_in: int, c_out: int, stride: int, residual: bool,
                 A: torch.Tensor) -> None:
        super().__init__()
        self.gcn = SpatialGraphConv(c_in, c_out, A, cfg.edge_importance)
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
            conv_bn(c_out, c_out, cfg.temporal_kernel, stride),
            nn.Dropout(cfg.block_dropout),
        )
        self.residual = Residual(c_in, c_out, stride, enabled=residual)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T / stride, V)."""
        return self.relu(self.tcn(self.gcn(x)) + self.residual(x))


class STGCN(SkeletonNet):
    """ST-GCN recogniser. ``A`` is the (3, V, V) spatial partition from ``graph.py``."""

    def __init__(self, cfg: STGCNConfig, A: np.ndarray) -> None:
        super().__init__(cfg, A, lambda ci, co, s, r, a: STGCNBlock(cfg, ci, co, s, r, a))
