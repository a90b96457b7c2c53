"""Batched Levenberg-Marquardt: many small independent least-squares problems at once.

A mesh fit is one small problem per frame (75 unknowns, a few hundred residuals) once the
frames are decoupled; solving them as one big L-BFGS problem converges slowly, because one
curvature history must serve every frame. Here each frame gets its own Gauss-Newton step
``(J^T J + lambda diag(J^T J)) delta = -J^T r`` and its own damping ``lambda``, all frames in one
batched solve; the per-frame Jacobians come from forward-mode autodiff (``torch.func.jacfwd``
under ``vmap``), so the residual function is written for ONE frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.func import jacfwd, vmap

__all__ = ["LMConfig", "LMResult", "levenberg_marquardt"]

Residuals = Callable[..., torch.Tensor]  # (P,), *per-frame args -> (R,)


@dataclass(frozen=True)
class LMConfig:
    """``iters`` steps at most; ``damping`` the starting lambda (relative to diag(J^T J)),
    multiplied by ``down`` after a step that lowers a frame's cost and ``up`` after one that
    does not (the step is then not taken); frames stop when the relative cost change is below
    ``tol``."""

    iters: int = 20
    damping: float = 1e-2
    down: float = 0.3
    up: float = 4.0
    tol: float = 1e-9


@dataclass
class LMResult:
    """x: (N, P) solutions; cost: (N,) final sums of squared residuals; iterations run."""

    x: torch.Tensor
    cost: torch.Tensor
    iterations: int


def levenberg_marquardt(residuals: Residuals, x0: torch.Tensor, args: tuple = (),
                        config: LMConfig | None = None,
                        on_step: Callable[[int, torch.Tensor], tuple] | None = None) -> LMResult:
    """Minimise ``sum(residuals(x_n, *args_n) ** 2)`` for every row n of ``x0`` (N, P).

    Args:
        residuals: one frame's residual vector (R,) from its unknowns (P,) and its own slices
            of ``args`` (each arg has N rows).
        x0: (N, P) starting points.
        args: per-frame constants, each (N, ...).
        config: iteration settings.
        on_step: called after each step with (iteration, x); returns new ``args`` (e.g.
            neighbours for a smoothness term that couples frames), or () to keep them.
    """
    cfg = config or LMConfig()
    batched = vmap(residuals)
    jac = vmap(jacfwd(residuals))
    x = x0.detach().clone()
    lam = torch.full((len(x), 1), cfg.damping, dtype=x.dtype, device=x.device)
    r = batched(x, *args)
    cost = (r ** 2).sum(-1)
    it = 0
    for it in range(1, cfg.iters + 1):
        j = jac(x, *args)  # (N, R, P)
        a = j.transpose(1, 2) @ j  # (N, P, P)
        g = (j.transpose(1, 2) @ r[..., None])[..., 0]  # (N, P)
        diag = torch.diagonal(a, dim1=1, dim2=2)
        damp = torch.diag_embed(lam * (diag + 1e-9))
        step = torch.linalg.solve(a + damp, -g)
        x_new = x + step
        r_new = batched(x_new, *args)
        cost_new = (r_new ** 2).sum(-1)
        better = cost_new < cost
        converged = (cost - cost_new).abs() <= cfg.tol * cost.clamp(min=1e-30)
        x = torch.where(better[:, None], x_new, x)
        r = torch.where(better[:, None], r_new, r)
        cost = torch.where(better, cost_new, cost)
        lam = torch.where(better[:, None], lam * cfg.down, lam * cfg.up).clamp(1e-12, 1e12)
        if on_step is not None:
            new_args = on_step(it, x)
            if new_args:
                args = new_args
                r = batched(x, *args)
                cost = (r ** 2).sum(-1)
        if bool(converged.all()):
            break
    return LMResult(x=x, cost=cost, iterations=it)
