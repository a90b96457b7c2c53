"""CTR-GCN (Chen, Zhang, Yuan, Li, Deng, Hu, ICCV 2021): channel-wise topology refinement.

Each subset k refines a shared topology A_k (learnable, initialised from the partition) with a
channel-specific correlation ``alpha * T(psi(x), phi(x))`` where T = tanh of pairwise
differences of temporally pooled features; features xi(x) are then aggregated channel by
channel. The temporal module is the multi-scale TCN of the paper.

Input (N, C, T, V, M).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from flag3d_core.recognition.blocks import GraphModelConfig, Residual, SkeletonNet, conv_bn


@dataclass(frozen=True)
class CTRGCNConfig(GraphModelConfig):
    """CTR-GCN settings. ``rel_reduction`` 8 and dilations (1, 2) as in the paper."""

    rel_reduction: int = 8
    temporal_kernel: int = 5
    dilations: tuple[int, ...] = (1, 2)


def refine_topology(q: torch.Tensor, k: torch.Tensor, A: torch.Tensor, lift: nn.Module,
                    alpha: torch.Tensor) -> torch.Tensor:
    """Channel-wise topology, Eq. (3)-(5) of the paper.

    q, k: (N, R, V) temporally pooled embeddings; A: (V, V) shared topology (rows = receivers);
    lift: 1x1 conv R -> C. Returns (N, C, V, V).
    """
    rel = torch.tanh(q.unsqueeze(-1) - k.unsqueeze(-2))  # (N, R, V, V): M(x_i, x_j)
    return lift(rel) * alpha + A  # (N, C, V, V)


class CTRGC(nn.Module):
    """Channel-wise topology refinement graph convolution for one subset."""

    def __init__(self, c_in: int, c_out: int, rel_reduction: int) -> None:
        super().__init__()
        rel = 8 if c_in <= 16 else c_in // rel_reduction
        self.psi = nn.Conv2d(c_in, rel, 1)
        self.phi = nn.Conv2d(c_in, rel, 1)
        self.xi = nn.Conv2d(c_in, c_out, 1)
        self.lift = nn.Conv2d(rel, c_out, 1)

    def forward(self, x: torch.Tensor, A: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
        """x: (N, C_in, T, V), A: (V, V) -> (N, C_out, T, V)."""
        topo = refine_topology(self.psi(x).mean(-2), self.phi(x).mean(-2), A, self.lift, alpha)
        return torch.einsum("ncuv,nctv->nctu", topo, self.xi(x))


class CTRGraphConv(nn.Module):
    """Sum of the CTR-GC of every subset, BN, own residual, ReLU (CTR-GCN ``unit_gcn``)."""

    def __init__(self, c_in: int, c_out: int, A: torch.Tensor, rel_reduction: int) -> None:
        super().__init__()
        self.A = nn.Parameter(A.clone())
        self.alpha = nn.Parameter(torch.zeros(1))
        self.convs = nn.ModuleList(CTRGC(c_in, c_out, rel_reduction) for _ in range(A.shape[0]))
        self.bn = nn.BatchNorm2d(c_out)
        self.down = Residual(c_in, c_out, 1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = sum(conv(x, self.A[k], self.alpha) for k, conv in enumerate(self.convs))
        return self.relu(self.bn(y) + self.down(x))


class MultiScaleTCN(nn.Module):
    """Branches: dilated temporal convs (one per dilation), 3x1 max-pool, strided 1x1; concat."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int,
                 dilations: tuple[int, ...]) -> None:
        super().__init__()
        n_branch = len(dilations) + 2
        if c_out % n_branch:
            raise ValueError(f"CTR-GCN: width {c_out} not divisible by {n_branch} TCN branches")
        cb = c_out // n_branch

        def reduce() -> list[nn.Module]:
            return [nn.Conv2d(c_in, cb, 1), nn.BatchNorm2d(cb), nn.ReLU(inplace=True)]

        branches = [nn.Sequential(*reduce(), conv_bn(cb, cb, kernel, stride, d))
                    for d in dilations]
        branches.append(nn.Sequential(*reduce(), nn.MaxPool2d((3, 1), (stride, 1), (1, 0)),
                                      nn.BatchNorm2d(cb)))
        branches.append(conv_bn(c_in, cb, 1, stride))
        self.branches = nn.ModuleList(branches)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([b(x) for b in self.branches], dim=1)


class CTRGCNBlock(nn.Module):
    def __init__(self, cfg: CTRGCNConfig, c_in: int, c_out: int, stride: int, residual: bool,
                 A: torch.Tensor) -> None:
        super().__init__()
        self.gcn = CTRGraphConv(c_in, c_out, A, cfg.rel_reduction)
        self.tcn = MultiScaleTCN(c_out, c_out, cfg.temporal_kernel, stride, cfg.dilations)
        self.residual = Residual(c_in, c_out, stride, enabled=residual)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.tcn(self.gcn(x)) + self.residual(x))


class CTRGCN(SkeletonNet):
    """CTR-GCN recogniser. ``A`` is the (3, V, V) spatial partition from ``graph.py``."""

    def __init__(self, cfg: CTRGCNConfig, A: np.ndarray) -> None:
        super().__init__(cfg, A, lambda ci, co, s, r, a: CTRGCNBlock(cfg, ci, co, s, r, a))
