"""``fit3d``: SMPL fitted to a 3D keypoint sequence.

FLAG3D made its SMPL ground truth by fitting the body to the MoCap keypoints in two stages solved
with L-BFGS and a strong-Wolfe line search: the shape from limb lengths, then pose and translation
from joint positions with a pose penalty. This follows the same stages with the project's body
model and kinematics (torch, batched over frames, any device):

1. **shape** from limb lengths (L-BFGS, strong Wolfe): the betas whose rest body has the median
   lengths, over the sequence, of the limbs that stay rigid in every pose (keypoints that are
   single SMPL joints on one bone: hip-knee, knee-ankle, shoulder-elbow, ...), plus a shape L2;
   then refined (L-BFGS) together with the poses of the key frames of stage 3, since limb
   lengths leave some shape directions (torso, shoulders) unseen;
2. **global orientation and translation** per frame, in closed form: the rotation and
   translation taking the rest torso onto the observed torso keypoints (Kabsch);
3. **pose**, orientation and translation per frame by batched Levenberg-Marquardt
   (:mod:`.lm`; every frame its own Gauss-Newton step, all frames in one solve): first the key
   frames (every ``key_stride``-th) from the rest pose, then the frames halfway between solved
   ones, level after level (stride 8, 4, 2, 1), each warm-started from the pose of its nearest
   solved frame, with a pose L2 and soft joint-angle limits (knees and elbows do not bend
   backwards); last, all frames together with a temporal smoothness term (each frame's
   keypoints against the mean of its neighbours' at the current iterate).

The objective needs only the joints and the few landmark vertices that the keypoint layout uses
(:mod:`flag3d_core.layouts.correspondences`); the mesh is posed once at the end, by the caller.
Only priors that need no licensed files are used. L-BFGS on the pose (FLAG3D's choice) is kept
as the shape stages' solver; on the pose it needed several times the time for the same error.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from flag3d_core.body.kinematics import forward_kinematics, pose_blend_offsets, shaped_rest, skin
from flag3d_core.body.standin import VERTEX_LANDMARKS
from flag3d_core.geometry.procrustes import similarity_transform
from flag3d_core.geometry.rotations import (
    axis_angle_to_matrix,
    matrix_to_axis_angle,
    matrix_to_axis_angle_np,
    skew,
    skew_part,
)
from flag3d_core.layouts.correspondences import Correspondence, rigid_pairs
from flag3d_core.mesh_recovery.lm import LMConfig, levenberg_marquardt_on

__all__ = ["Fit3dConfig", "FitResult", "fit_joints3d"]

CM = 100.0  # residuals in cm: a 1 cm error costs 1
# Soft joint-angle limits as data: (body_pose index, sign, margin rad); a hinge on
# sign * angle - margin. SMPLify's directions: knee flexion is +x, left elbow -y, right elbow +y;
# the margins admit the slight hyperextension of straight knees and the elbows' twist coupling.
_LIMITS = ((3 * 3 + 0, -1.0, 0.25), (4 * 3 + 0, -1.0, 0.25),
           (17 * 3 + 1, 1.0, 1.0), (18 * 3 + 1, -1.0, 1.0))
_TORSO = (0, 1, 2, 6, 12, 16, 17)  # SMPL joints that move little with the body pose
N_POSE = 72  # root + 23 joints, axis-angle
N_ROT = 24 * 9  # the LM state: local rotation matrices, then the translation


@dataclass(frozen=True)
class Fit3dConfig:
    """Settings of :func:`fit_joints3d` (stored with every run).

    ``batched``: solve all frames in one batched step (False: one frame at a time, the
    per-frame baseline). ``warm_start``: start frames from their nearest key frame's pose
    (False: every frame from the rest pose with ``key_iters`` steps). Weights are relative to
    the data term in cm^2; ``w_pose`` per rad^2.
    """

    key_stride: int = 16
    key_iters: int = 100
    level_iters: int = 8
    iters: int = 4
    shape_iters: int = 60
    refine_iters: int = 40
    w_shape: float = 1e-2
    w_pose: float = 1e-3
    w_limits: float = 10.0
    w_smooth: float = 0.5
    batched: bool = True
    warm_start: bool = True
    device: str = "cpu"
    dtype: str = "float32"


@dataclass
class FitResult:
    """A fitted sequence: SMPL parameters in the keypoints' world frame (metres) and the body.

    Attributes:
        global_orient: (T, 3), body_pose: (T, 69) axis-angle; betas: (10,); transl: (T, 3).
        joints: (T, 24, 3) posed SMPL joints; keypoints: (T, K, 3) the fit's keypoints.
        residual_mm: (T, K) distance of each fitted keypoint to its target (NaN where invalid).
        seconds: wall time per stage; config: the settings used.
    """

    global_orient: np.ndarray
    body_pose: np.ndarray
    betas: np.ndarray
    transl: np.ndarray
    joints: np.ndarray
    keypoints: np.ndarray
    residual_mm: np.ndarray
    seconds: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def frames_per_second(self) -> float:
        return len(self.joints) / max(sum(self.seconds.values()), 1e-9)


class _Body:
    """The body model's buffers on the fit's device, reduced to joints and landmarks."""

    def __init__(self, body: Any, corr: Correspondence, dev: torch.device,
                 dtype: torch.dtype) -> None:
        smpl = body.smpl
        cast = dict(device=dev, dtype=dtype)
        self.parents = [int(p) for p in body.parents]
        self.num_betas = min(10, int(body.num_betas))
        self.v_template = smpl.v_template.detach().to(**cast)
        self.shapedirs = smpl.shapedirs.detach()[..., :self.num_betas].to(**cast)
        self.j_regressor = smpl.J_regressor.detach().to(**cast)
        n_verts = self.v_template.shape[0]
        self.ids = torch.tensor([VERTEX_LANDMARKS[n] for n in corr.landmarks],
                                dtype=torch.long, device=dev)
        self.weights = smpl.lbs_weights.detach().to(**cast)[self.ids]  # (L, 24)
        posedirs = smpl.posedirs.detach().T.reshape(n_verts, 3, -1).to(**cast)
        self.posedirs = posedirs[self.ids]  # (L, 3, 207)
        self.corr = corr

    def rest(self, betas: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Rest joints (24, 3) and rest landmark points (L, 3) of a shape."""
        r = shaped_rest(self.v_template, self.shapedirs, self.j_regressor, betas)
        return r.joints, r.vertices[self.ids]

    def keypoints(self, pose: torch.Tensor, transl: torch.Tensor, rest_joints: torch.Tensor,
                  rest_marks: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Posed joints (..., 24, 3) and the layout's keypoints (..., K, 3) from the pose
        (..., 72) axis-angle (root first) and the translation (..., 3)."""
        rot = axis_angle_to_matrix(pose.reshape(*pose.shape[:-1], 24, 3))
        return self.keypoints_rot(rot, transl, rest_joints, rest_marks)

    def keypoints_rot(self, rot: torch.Tensor, transl: torch.Tensor, rest_joints: torch.Tensor,
                      rest_marks: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`keypoints` from local rotation matrices (..., 24, 3, 3)."""
        fk = forward_kinematics(rot, rest_joints, self.parents, transl)
        marks = None
        if self.corr.landmarks:
            points = rest_marks + pose_blend_offsets(rot, self.posedirs)  # (..., L, 3)
            marks = skin(points, self.weights, rest_joints, fk.joints, fk.rotations)
        return fk.joints, self.corr.regress_torch(fk.joints, marks)


def _lbfgs(params: list[torch.Tensor], loss_fn: Callable[[], torch.Tensor], iters: int) -> None:
    opt = torch.optim.LBFGS(params, lr=1.0, max_iter=iters, history_size=30,
                            tolerance_grad=1e-10, tolerance_change=1e-12,
                            line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    opt.step(closure)


class _Limits:
    """:data:`_LIMITS` as tensors; :meth:`hinge` gives the limit residuals of body poses."""

    def __init__(self, dev: torch.device, dtype: torch.dtype) -> None:
        self.idx = torch.tensor([i for i, _, _ in _LIMITS], device=dev)
        self.sign = torch.tensor([s for _, s, _ in _LIMITS], dtype=dtype, device=dev)
        self.margin = torch.tensor([m for _, _, m in _LIMITS], dtype=dtype, device=dev)

    def hinge(self, body_pose: torch.Tensor) -> torch.Tensor:
        """(..., 4) how far each limited angle of body poses (..., 69) is past its limit."""
        return torch.relu(body_pose[..., self.idx] * self.sign - self.margin)


class _Problem:
    """One frame's residuals (cm): data, pose L2, joint limits, smoothness."""

    def __init__(self, bm: _Body, cfg: Fit3dConfig,
                 rest: tuple[torch.Tensor, torch.Tensor]) -> None:
        dev, dtype = rest[0].device, rest[0].dtype
        self.bm, self.rest = bm, rest
        self.limits = _Limits(dev, dtype)
        self.s_pose, self.s_limits = math.sqrt(cfg.w_pose), math.sqrt(cfg.w_limits)
        self.s_smooth = math.sqrt(cfg.w_smooth)

    def priors(self, body_pose: torch.Tensor) -> torch.Tensor:
        """(..., 69 + 4) pose L2 and joint-limit hinge residuals."""
        return torch.cat([self.s_pose * body_pose, self.s_limits * self.limits.hinge(body_pose)],
                         dim=-1)

    def residuals(self, step: torch.Tensor, state: torch.Tensor, target: torch.Tensor,
                  weight: torch.Tensor, neighbours: torch.Tensor,
                  has_neighbours: torch.Tensor) -> torch.Tensor:
        """One frame's residuals at ``state`` (219,) = 24 local rotation matrices and the
        translation, moved by ``step`` (75,) = a rotation increment per joint (to first order,
        ``R (I + skew(w))``) and a translation increment; target (K, 3); weight (K,);
        neighbours (K, 3) the mean of the adjacent frames' keypoints; has_neighbours () 0|1.
        The pose priors use each rotation's skew part (sin(angle) * axis)."""
        r0 = state[:N_ROT].reshape(24, 3, 3)
        rot = r0 + r0 @ skew(step[:N_POSE].reshape(24, 3))
        _, pk = self.bm.keypoints_rot(rot, state[N_ROT:] + step[N_POSE:], *self.rest)
        data = (CM * weight[:, None] * (pk - target)).reshape(-1)
        smooth = (CM * self.s_smooth * has_neighbours * (pk - neighbours)).reshape(-1)
        return torch.cat([data, self.priors(skew_part(rot[1:]).reshape(-1)), smooth])

    def keypoints(self, x: torch.Tensor) -> torch.Tensor:
        """Keypoints (N, K, 3) of axis-angle unknowns (N, 75)."""
        return self.bm.keypoints(x[..., :N_POSE], x[..., N_POSE:], *self.rest)[1]

    def state_keypoints(self, state: torch.Tensor) -> torch.Tensor:
        """Keypoints (N, K, 3) of LM states (N, 219)."""
        rot = state[:, :N_ROT].unflatten(-1, (24, 3, 3))
        return self.bm.keypoints_rot(rot, state[:, N_ROT:], *self.rest)[1]


def _to_state(x: torch.Tensor) -> torch.Tensor:
    """(N, 75) axis-angle pose and translation -> (N, 219) rotation matrices and translation."""
    rot = axis_angle_to_matrix(x[:, :N_POSE].unflatten(-1, (24, 3)))
    return torch.cat([rot.flatten(1), x[:, N_POSE:]], dim=1)


def _to_x(state: torch.Tensor) -> torch.Tensor:
    rot = state[:, :N_ROT].unflatten(-1, (24, 3, 3))
    return torch.cat([matrix_to_axis_angle(rot).flatten(1), state[:, N_ROT:]], dim=1)


def _retract(state: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
    """States (N, 219) moved exactly by steps (N, 75): ``R exp(w)``, ``t + dt``."""
    rot = state[:, :N_ROT].unflatten(-1, (24, 3, 3))
    turned = rot @ axis_angle_to_matrix(step[:, :N_POSE].unflatten(-1, (24, 3)))
    return torch.cat([turned.flatten(1), state[:, N_ROT:] + step[:, N_POSE:]], dim=1)


def _fit_shape(bm: _Body, kp: torch.Tensor, valid: torch.Tensor,
               cfg: Fit3dConfig) -> torch.Tensor:
    """Stage 1: betas from the median rigid limb lengths."""
    pairs = rigid_pairs(bm.corr)
    betas = torch.zeros(bm.num_betas, dtype=kp.dtype, device=kp.device, requires_grad=True)
    if not pairs:
        return betas.detach()
    ka, kb, ja, jb = (torch.tensor(x, device=kp.device) for x in zip(*pairs, strict=True))
    seen = valid[:, ka] & valid[:, kb]  # (T, P)
    lengths = torch.linalg.norm(kp[:, ka] - kp[:, kb], dim=-1)
    nan = torch.tensor(float("nan"), dtype=kp.dtype, device=kp.device)
    measured = torch.stack([lengths[seen[:, i], i].median() if seen[:, i].any() else nan
                            for i in range(len(pairs))])
    use = ~torch.isnan(measured)

    def loss() -> torch.Tensor:
        rj, _ = bm.rest(betas)
        model = torch.linalg.norm(rj[ja] - rj[jb], dim=-1)
        return CM ** 2 * ((model - measured)[use] ** 2).sum() + cfg.w_shape * (betas ** 2).sum()

    _lbfgs([betas], loss, cfg.shape_iters)
    return betas.detach()


def _refine_shape(bm: _Body, cfg: Fit3dConfig, betas: torch.Tensor, x: torch.Tensor,
                  target: torch.Tensor, weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Stage 1b: betas refined together with the (already solved) key frames' poses."""
    b = betas.clone().requires_grad_(True)
    xk = x.clone().requires_grad_(True)

    def loss() -> torch.Tensor:
        prob = _Problem(bm, cfg, bm.rest(b))
        pk = prob.keypoints(xk)
        data = (CM * weight[..., None] * (pk - target)) ** 2
        return data.sum() + (prob.priors(xk[:, 3:N_POSE]) ** 2).sum() + cfg.w_shape * (b ** 2).sum()

    _lbfgs([b, xk], loss, cfg.refine_iters)
    return b.detach(), xk.detach()


def _kabsch_start(rest_joints: np.ndarray, kp: np.ndarray, valid: np.ndarray,
                  corr: Correspondence) -> np.ndarray:
    """Stage 2, closed form: per frame, the rotation and translation taking the rest torso
    (zero body pose) onto the observed torso keypoints (Kabsch). Returns (T, 75) unknowns:
    root axis-angle, a zero body pose, the translation."""
    by_joint = {j: k for k, j in corr.pure_joints().items()}
    torso = [j for j in _TORSO if j in by_joint]
    if len(torso) < 3:
        raise ValueError(f"{corr.target.name}: too few torso keypoints to place the body")
    ks = [by_joint[j] for j in torso]
    # rest torso about the rest pelvis: posed root = rest_joints[0] + transl
    src = np.broadcast_to(rest_joints[torso] - rest_joints[0], (len(kp), len(torso), 3))
    dst = np.where(valid[:, ks, None], kp[:, ks], src + kp[:, ks].mean(1, keepdims=True))
    sim = similarity_transform(src, dst, with_scale=False)
    x = np.zeros((len(kp), N_POSE + 3))
    x[:, :3] = matrix_to_axis_angle_np(sim.rotation)
    x[:, N_POSE:] = sim.translation - rest_joints[0]
    return x


def _neighbours(prob: Any, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean keypoints of each frame's two neighbours (ends: their one neighbour) at the LM
    states (N, 219), from ``prob.state_keypoints`` (fit3d's and fit2d's problems)."""
    with torch.no_grad():
        pk = prob.state_keypoints(state)
    if len(pk) < 2:
        return torch.zeros_like(pk), pk.new_zeros(len(pk))
    prev = torch.cat([pk[1:2], pk[:-1]])
    nxt = torch.cat([pk[1:], pk[-2:-1]])
    return 0.5 * (prev + nxt), pk.new_ones(len(pk))


def _solve(prob: _Problem, x0: torch.Tensor, target: torch.Tensor, weight: torch.Tensor,
           iters: int, smooth: bool, batched: bool) -> torch.Tensor:
    """LM on frames ``x0`` (N, 75): all at once, or one frame at a time (batched=False)."""
    if not batched:
        return torch.cat([_solve(prob, x0[i:i + 1], target[i:i + 1], weight[i:i + 1], iters,
                                 False, True) for i in range(len(x0))])
    state = _to_state(x0)
    nb, has = (_neighbours(prob, state) if smooth
               else (torch.zeros_like(target), target.new_zeros(len(target))))
    on_step = (lambda _it, s: (target, weight, *_neighbours(prob, s))) if smooth else None
    res = levenberg_marquardt_on(prob.residuals, state, _retract, N_POSE + 3,
                                 (target, weight, nb, has), LMConfig(iters=iters),
                                 on_step=on_step)
    return _to_x(res.x)


def fit_joints3d(keypoints: np.ndarray, corr: Correspondence, body: Any,
                 config: Fit3dConfig | None = None,
                 progress: Callable[[int, int], None] | None = None) -> FitResult:
    """Fit SMPL to 3D keypoints.

    Args:
        keypoints: (T, K, 3) metres in ``corr.target``'s joint order (any up axis: the fit
            places the body's rest frame with the global orientation). NaN marks a missing
            keypoint.
        corr: how the keypoints sit on the body (:mod:`flag3d_core.layouts.correspondences`).
        body: a :class:`flag3d_core.body.forward.BodyModel`.
        config: stage settings (:class:`Fit3dConfig`).
        progress: called with (step done, steps) after each stage.
    """
    cfg = config or Fit3dConfig()
    kp_np = np.asarray(keypoints, dtype=np.float64)
    if kp_np.ndim != 3 or kp_np.shape[1:] != (corr.target.num_node, 3) or not len(kp_np):
        raise ValueError(f"keypoints must be (T, {corr.target.num_node}, 3) for "
                         f"{corr.target.name}, got {kp_np.shape}")
    valid_np = np.isfinite(kp_np).all(-1) & corr.valid[None]
    kp_np = np.where(valid_np[..., None], kp_np, 0.0)
    dev, dtype = torch.device(cfg.device), getattr(torch, cfg.dtype)
    bm = _Body(body, corr, dev, dtype)
    kp = torch.as_tensor(kp_np, dtype=dtype, device=dev)
    valid = torch.as_tensor(valid_np, device=dev)
    weight = valid.to(dtype)
    n_frames = len(kp_np)
    seconds: dict[str, float] = {}
    report = progress or (lambda done, total: None)

    def timed(name: str, t0: float) -> None:
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0

    t0 = time.perf_counter()
    betas = _fit_shape(bm, kp, valid, cfg)
    timed("shape", t0)
    report(1, 4)

    t0 = time.perf_counter()
    keys = np.unique(np.r_[np.arange(0, n_frames, max(1, cfg.key_stride)), n_frames - 1])
    rest_np = bm.rest(betas)[0].cpu().numpy()
    x_keys = torch.as_tensor(_kabsch_start(rest_np, kp_np[keys], valid_np[keys], corr),
                             dtype=dtype, device=dev)
    prob = _Problem(bm, cfg, bm.rest(betas))
    x_keys = _solve(prob, x_keys, kp[keys], weight[keys], cfg.key_iters, False, cfg.batched)
    timed("pose", t0)
    t0 = time.perf_counter()
    if cfg.refine_iters > 0:
        betas, x_keys = _refine_shape(bm, cfg, betas, x_keys, kp[keys], weight[keys])
    rest = tuple(r.detach() for r in bm.rest(betas))
    prob = _Problem(bm, cfg, rest)
    timed("shape", t0)
    report(2, 4)

    t0 = time.perf_counter()
    x = torch.as_tensor(_kabsch_start(rest[0].cpu().numpy(), kp_np, valid_np, corr),
                        dtype=dtype, device=dev)
    timed("global", t0)
    report(3, 4)

    t0 = time.perf_counter()
    if cfg.warm_start:
        x[keys, 3:N_POSE] = x_keys[:, 3:N_POSE]
        solved = np.zeros(n_frames, bool)
        solved[keys] = True
        stride = max(1, cfg.key_stride) // 2
        while not solved.all():  # halve the stride: each level starts from solved neighbours
            idx = np.flatnonzero(~solved & (np.arange(n_frames) % max(stride, 1) == 0))
            done = np.flatnonzero(solved)
            near = done[np.abs(idx[:, None] - done[None]).argmin(1)]
            x[idx, 3:N_POSE] = x[near, 3:N_POSE]
            x[idx] = _solve(prob, x[idx], kp[idx], weight[idx], cfg.level_iters, False,
                            cfg.batched)
            solved[idx] = True
            stride //= 2
        if cfg.iters > 0:  # all frames together, now with the smoothness term
            x = _solve(prob, x, kp, weight, cfg.iters, cfg.w_smooth > 0, cfg.batched)
    else:
        x = _solve(prob, x, kp, weight, cfg.key_iters, False, cfg.batched)
    timed("pose", t0)
    report(4, 4)

    with torch.no_grad():
        joints, pk = bm.keypoints(x[:, :N_POSE], x[:, N_POSE:], *rest)
    x_np, pk_np = x.cpu().numpy(), pk.cpu().numpy()
    resid = np.where(valid_np, np.linalg.norm(pk_np - kp_np, axis=-1) * 1000.0, np.nan)
    betas_out = np.zeros(10)
    betas_out[:bm.num_betas] = betas.cpu().numpy()
    return FitResult(global_orient=x_np[:, :3], body_pose=x_np[:, 3:N_POSE], betas=betas_out,
                     transl=x_np[:, N_POSE:], joints=joints.cpu().numpy(), keypoints=pk_np,
                     residual_mm=resid, seconds=seconds, config=asdict(cfg))
