"""Batched Levenberg-Marquardt: many small independent least-squares problems at once.

A mesh fit is one small problem per frame (75 unknowns, a few hundred residuals) once the
frames are decoupled; solving them as one big L-BFGS problem converges slowly, because one
curvature history must serve every frame. Here each frame gets its own Gauss-Newton step
``(J^T J + lambda diag(J^T J)) delta = -J^T r`` and its own damping ``lambda``, all frames in one
batched solve; the per-frame Jacobians come from forward-mode autodiff (``torch.func.jacfwd``
under ``vmap``), so the residual function is written for ONE frame.

Unknowns may live on a manifold (rotations): :func:`levenberg_marquardt_on` takes the residuals
as a function of a tangent step at the current state and a ``retract`` that applies a step
exactly; the Jacobian is taken at a zero step, so it never differentiates through trigonometry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.func import jacfwd, vmap

__all__ = ["LMConfig", "LMResult", "levenberg_marquardt", "levenberg_marquardt_on"]

Residuals = Callable[..., torch.Tensor]  # (P,), *per-frame args -> (R,)
StepResiduals = Callable[..., torch.Tensor]  # step (D,), state (S,), *per-frame args -> (R,)
Retract = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (N, S), (N, D) -> (N, S)


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
    """Minimise ``sum(residuals(x_n, *args_n) ** 2)`` for every row n of ``x0`` (N, P)
    (Euclidean unknowns; see :func:`levenberg_marquardt_on`)."""
    return levenberg_marquardt_on(lambda step, x, *a: residuals(x + step, *a), x0,
                                  lambda x, step: x + step, x0.shape[1], args, config, on_step)


def levenberg_marquardt_on(residuals: StepResiduals, state0: torch.Tensor, retract: Retract,
                           step_dim: int, args: tuple = (), config: LMConfig | None = None,
                           on_step: Callable[[int, torch.Tensor], tuple] | None = None
                           ) -> LMResult:
    """Minimise ``sum(residuals(0, s_n, *args_n) ** 2)`` over states ``s_n`` for every row of
    ``state0`` (N, S), stepping in a ``step_dim``-dimensional tangent space.

    Args:
        residuals: one frame's residual vector (R,) at the state ``retract``-ed by a small step
            (D,); it is differentiated at step 0 (first order in the step is enough).
        state0: (N, S) starting states.
        retract: (N, S) states and (N, D) steps -> the exactly updated states.
        step_dim: D.
        args: per-frame constants, each (N, ...).
        config: iteration settings.
        on_step: called after each step with (iteration, states); returns new ``args`` (e.g.
            neighbours for a smoothness term that couples frames), or () to keep them.
    """
    cfg = config or LMConfig()
    state = state0.detach().clone()
    zero = state.new_zeros(len(state), step_dim)
    at = vmap(residuals)
    jac = vmap(jacfwd(residuals, argnums=0))
    lam = torch.full((len(state), 1), cfg.damping, dtype=state.dtype, device=state.device)
    r = at(zero, state, *args)
    cost = (r ** 2).sum(-1)
    it = 0
    for it in range(1, cfg.iters + 1):
        j = jac(zero, state, *args)  # (N, R, D)
        a = j.transpose(1, 2) @ j  # (N, D, D)
        g = (j.transpose(1, 2) @ r[..., None])[..., 0]  # (N, D)
        diag = torch.diagonal(a, dim1=1, dim2=2)
        step = torch.linalg.solve(a + torch.diag_embed(lam * (diag + 1e-9)), -g)
        new = retract(state, step)
        r_new = at(zero, new, *args)
        cost_new = (r_new ** 2).sum(-1)
        better = cost_new < cost
        converged = (cost - cost_new).abs() <= cfg.tol * cost.clamp(min=1e-30)
        state = torch.where(better[:, None], new, state)
        r = torch.where(better[:, None], r_new, r)
        cost = torch.where(better, cost_new, cost)
        lam = torch.where(better[:, None], lam * cfg.down, lam * cfg.up).clamp(1e-12, 1e12)
        if on_step is not None:
            new_args = on_step(it, state)
            if new_args:
                args = new_args
                r = at(zero, state, *args)
                cost = (r ** 2).sum(-1)
        if bool(converged.all()):
            break
    return LMResult(x=state, cost=cost, iterations=it)
