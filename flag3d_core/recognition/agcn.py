"""2s-AGCN (Shi, Zhang, Cheng, Lu, CVPR 2019): adaptive graph convolution
``sum_k W_k x (A_k + B_k + C_k)`` where A_k is the fixed partition, B_k a free learnable
matrix and C_k a data-dependent similarity graph (embedded Gaussian, softmax over senders).
Two streams, joints and bones, are separate networks whose scores are summed.

Input (N, C, T, V, M); the bone stream computes bones from the joints internally.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from flag3d_core.recognition.blocks import GraphModelConfig, Residual, SkeletonNet, conv_bn
from flag3d_core.recognition.graph import NUM_SUBSETS

STREAMS = ("joint", "bone")


@dataclass(frozen=True)
class AGCNConfig(GraphModelConfig):
    """2s-AGCN settings. ``embed_ratio`` 4 gives C_e = C_out / 4 as in the paper."""

    temporal_kernel: int = 9
    embed_ratio: int = 4
    streams: tuple[str, ...] = STREAMS


def data_graph(theta: torch.Tensor, phi: torch.Tensor) -> torch.Tensor:
    """C_k of the paper: normalised embedded-Gaussian similarity, Eq. (4).

    theta, phi: (N, C_e, T, V) embeddings. Returns (N, V, V), rows = receivers, each row a
    softmax over the sending joints.
    """
    n, ce, t, v = theta.shape
    recv = phi.reshape(n, ce * t, v)  # (N, C_e*T, V)
    send = theta.reshape(n, ce * t, v)
    scores = torch.einsum("nci,ncj->nij", recv, send) / (ce * t)
    return scores.softmax(dim=-1)


class AdaptiveGraphConv(nn.Module):
    """One adaptive GCN unit with its own residual, BN and ReLU (2s-AGCN ``unit_gcn``)."""

    def __init__(self, c_in: int, c_out: int, A: torch.Tensor, embed_ratio: int) -> None:
        super().__init__()
        k = A.shape[0]
        c_e = max(c_out // embed_ratio, 1)
        self.register_buffer("A", A.clone())
        self.B = nn.Parameter(torch.full_like(A, 1e-6))
        self.theta = nn.ModuleList(nn.Conv2d(c_in, c_e, 1) for _ in range(k))
        self.phi = nn.ModuleList(nn.Conv2d(c_in, c_e, 1) for _ in range(k))
        self.out = nn.ModuleList(nn.Conv2d(c_in, c_out, 1) for _ in range(k))
        self.bn = nn.BatchNorm2d(c_out)
        self.down = Residual(c_in, c_out, 1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, T, V) -> (N, C_out, T, V)."""
        y = 0.0
        for k in range(self.A.shape[0]):
            graph = self.A[k] + self.B[k] + data_graph(self.theta[k](x), self.phi[k](x))
            y = y + self.out[k](torch.einsum("nctv,nwv->nctw", x, graph))
        return self.relu(self.bn(y) + self.down(x))


class AGCNBlock(nn.Module):
    """Adaptive GCN -> temporal conv + BN, plus residual, then ReLU."""

    def __init__(self, cfg: AGCNConfig, c_in: int, c_out: int, stride: int, residual: bool,
                 A: torch.Tensor) -> None:
        super().__init__()
        self.gcn = AdaptiveGraphConv(c_in, c_out, A, cfg.embed_ratio)
        self.tcn = conv_bn(c_out, c_out, cfg.temporal_kernel, stride)
        self.residual = Residual(c_in, c_out, stride, enabled=residual)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.tcn(self.gcn(x)) + self.residual(x))


def bone_tensor(x: torch.Tensor, parents: torch.Tensor) -> torch.Tensor:
    """Bones ``x[child] - x[parent]`` at the child, zero at the centre.

    x: (N, C, T, V, M); parents: (V,) long with -1 for the centre. Returns (N, C, T, V, M).
    For 2D input with a score channel, pass only the coordinate channels or accept that the
    score channel becomes a score difference, as pyskl does.
    """
    idx = torch.where(parents < 0, torch.arange(len(parents), device=parents.device), parents)
    return x - x[:, :, :, idx, :]


class AGCN(nn.Module):
    """Two-stream (configurable) adaptive GCN; ``forward`` returns the summed stream logits."""

    def __init__(self, cfg: AGCNConfig, A: np.ndarray, parents: np.ndarray) -> None:
        super().__init__()
        unknown = set(cfg.streams) - set(STREAMS)
        if unknown or not cfg.streams:
            raise ValueError(f"AGCNConfig.streams must be a non-empty subset of {STREAMS}, "
                             f"got {cfg.streams}")
        if np.asarray(A).shape[0] != NUM_SUBSETS:
            raise ValueError(f"2s-AGCN expects a ({NUM_SUBSETS}, V, V) partition")
        self.cfg = cfg
        self.register_buffer("parents", torch.as_tensor(np.asarray(parents), dtype=torch.long))

        def make(ci: int, co: int, s: int, r: bool, a: torch.Tensor) -> nn.Module:
            return AGCNBlock(cfg, ci, co, s, r, a)

        self.nets = nn.ModuleDict({name: SkeletonNet(cfg, A, make) for name in cfg.streams})

    def stream_logits(self, x: torch.Tensor) -> list[torch.Tensor]:
        """(N, C, T, V, M) -> one (N, K) logit tensor per stream, in ``cfg.streams`` order."""
        first = self.nets[self.cfg.streams[0]]
        first.check_input(x)
        out = []
        for name in self.cfg.streams:
            inp = x if name == "joint" else bone_tensor(x, self.parents)
            out.append(self.nets[name](inp))
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, T, V, M) -> fused logits (N, K), the sum over streams."""
        return torch.stack(self.stream_logits(x)).sum(dim=0)
