"""Script + performer -> SMPL parameters over time (EasyMocap layout, z-up world).

Steps for one sequence:
1. a timeline: lead-in hold, ``n`` exercise cycles of jittered length, tail hold;
2. the script's key poses interpolated along it (eased segments or a periodic spline);
3. the performer's range of motion, side bias, habits and a smooth wobble applied;
4. channels turned into SMPL joint rotations (directions by shortest swing, angles by Euler);
5. the body placed in the world: posture frame and facing through ``Rh``, floor contact and
   the anchored stance through ``Th`` (lowest body point on z = 0 unless airborne).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.ndimage import gaussian_filter1d

from flag3d_core.body.kinematics import forward_kinematics_np
from flag3d_core.layouts.smpl24 import PARENTS
from flag3d_core.synth.kinematics import Rig, skin_probes
from flag3d_core.synth.performers import Performer
from flag3d_core.synth.poses import CHANNEL_SIZES, DIRECTION_CHANNELS
from flag3d_core.synth.rotations import axis_rot, body_euler, mirror_rot, swing, to_rotvec
from flag3d_core.synth.script import Script

# World-from-posture rotations; columns are where the body's x (left), y (up), z (front) go.
# The world is z up; a standing performer faces -y (towards camera C001), lying bodies lie
# along the x axis.
POSTURE_FRAMES: dict[str, np.ndarray] = {
    "stand": np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], dtype=np.float64).T,
    "supine": np.array([[0, -1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float64).T,
    "prone": np.array([[0, 1, 0], [1, 0, 0], [0, 0, -1]], dtype=np.float64).T,
    "side_right": np.array([[0, 0, 1], [-1, 0, 0], [0, -1, 0]], dtype=np.float64).T,
    "side_left": np.array([[0, 0, -1], [1, 0, 0], [0, -1, 0]], dtype=np.float64).T,
}
CLEARANCE = 0.003  # metres: the probes sample the surface, so keep the lowest one just above
ANCHOR_JOINTS = {"feet": (7, 8), "knees": (4, 5), "hands": (20, 21), "pelvis": (0, 0)}
# Limb segments aimed by direction channels: (joint, child, channel). The upper segments
# (shoulders, hips) come first; the lower ones (elbows, knees) hang from them.
_UPPER_SEGMENTS = ((16, 18, "l_upper"), (17, 19, "r_upper"), (1, 4, "l_thigh"), (2, 5, "r_thigh"))
_LOWER_SEGMENTS = ((18, 20, "l_fore"), (19, 21, "r_fore"), (4, 7, "l_shin"), (5, 8, "r_shin"))
_PLAIN = ("lift", "shift", "support")  # channels that take no range/noise treatment
# Wobble size per channel family, relative to the performer's noise level (trunk steadier
# than arms, legs steadiest: feet must not slide).
_NOISE_SCALE = {"pelvis": 0.4, "spine": 0.6, "thigh": 0.35, "shin": 0.35, "ankle": 0.35}


@dataclass(frozen=True)
class Timing:
    """How a sequence is laid out in time."""

    n_cycles: int
    fps: float = 30.0
    lead_s: tuple[float, float] = (0.4, 0.8)
    tail_s: tuple[float, float] = (0.3, 0.6)
    max_frames: int = 600
    min_frames: int = 0


@dataclass
class Motion:
    """One generated sequence.

    Attributes:
        poses: (T, 72) axis-angle, ``poses[:, :3]`` zero (EasyMocap layout).
        betas: (10,).
        Rh: (T, 3) world orientation (axis-angle); Th: (T, 3) world translation, metres.
        joints: (T, 24, 3) SMPL joints in the world (z up, metres).
        probes: (T, P, 3) the rig's probe vertices in the world.
        phase: (T,) cycle phase (cycles completed, fractional).
    """

    poses: np.ndarray
    betas: np.ndarray
    Rh: np.ndarray
    Th: np.ndarray
    joints: np.ndarray
    probes: np.ndarray
    phase: np.ndarray


def timeline(period_s: float, timing: Timing, rng: np.random.Generator) -> np.ndarray:
    """Cycle phase (T,) of each frame: holds at 0, rises through ``n`` cycles, holds at n."""
    lead = rng.uniform(*timing.lead_s)
    tail = rng.uniform(*timing.tail_s)
    budget = timing.max_frames / timing.fps - lead - tail
    n = int(max(1, min(timing.n_cycles, budget // (period_s * 1.08))))
    while (lead + tail + (n + 1) * period_s * 1.08) * timing.fps <= timing.max_frames and (
            lead + tail + n * period_s) * timing.fps < timing.min_frames:
        n += 1  # quick exercises: more cycles to reach a moderate length
    periods = period_s * np.clip(1.0 + 0.04 * rng.standard_normal(n), 0.9, 1.1)
    bounds = lead + np.concatenate([[0.0], np.cumsum(periods)])
    total = bounds[-1] + tail
    t = np.arange(int(np.ceil(total * timing.fps))) / timing.fps
    knots_t = np.concatenate([[0.0], bounds, [total + 1.0]])
    knots_p = np.concatenate([[0.0], np.arange(n + 1.0), [float(n)]])
    return np.interp(t, knots_t, knots_p)


def slerp(a: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Spherical interpolation of unit vectors a, b (T, 3) with weights w (T, 1): constant
    angular speed, well defined even for nearly opposite directions (arm swings)."""
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    cos = np.clip(np.sum(a * b, axis=1, keepdims=True), -1.0, 1.0)
    theta = np.arccos(cos)
    sin = np.sin(theta)
    safe = sin > 1e-6
    wa = np.where(safe, np.sin((1.0 - w) * theta) / np.where(safe, sin, 1.0), 1.0 - w)
    wb = np.where(safe, np.sin(w * theta) / np.where(safe, sin, 1.0), w)
    return wa * a + wb * b


def sample_channels(script: Script, phase: np.ndarray) -> dict[str, np.ndarray]:
    """The script's pose channels at cycle phases ``phase`` (T,) -> {channel: (T, size)}."""
    keys = script.cycle_keys()
    ph = np.array([p for p, _ in keys])
    frac = np.mod(phase, 1.0)
    out = {}
    for name in CHANNEL_SIZES:
        vals = np.stack([k[name] for _, k in keys])  # (K, size)
        if len(keys) == 1:
            v = np.repeat(vals, len(frac), axis=0)
        elif script.smooth:
            spline = CubicSpline(np.append(ph, 1.0 + ph[0]), np.vstack([vals, vals[:1]]),
                                 bc_type="periodic", axis=0)
            v = spline(frac)
        else:
            seg = np.searchsorted(ph, frac, side="right") - 1  # (T,)
            nxt = (seg + 1) % len(keys)
            span = np.where(nxt == 0, 1.0 + ph[0] - ph[seg], ph[nxt] - ph[seg])
            s = np.clip((frac - ph[seg]) / span, 0.0, 1.0)
            w = (0.5 - 0.5 * np.cos(np.pi * s))[:, None]
            if name in DIRECTION_CHANNELS:
                v = slerp(vals[seg], vals[nxt], w)
            else:
                v = (1.0 - w) * vals[seg] + w * vals[nxt]
        if name in DIRECTION_CHANNELS:
            v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        out[name] = v
    return out


def personalise(script: Script, ch: dict[str, np.ndarray], performer: Performer,
                rng: np.random.Generator, fps: float) -> dict[str, np.ndarray]:
    """Apply the performer's range of motion, side bias, habits and a smooth wobble."""
    mean = sample_channels(script, np.linspace(0.0, 1.0, 48, endpoint=False))
    out = {}
    sigma = 0.3 * fps
    for name in sorted(CHANNEL_SIZES):
        v = ch[name]
        if name in _PLAIN:
            out[name] = v * (performer.jump if name == "lift" else 1.0)
            continue
        side = 1.0 + performer.side_bias * (1 if name.startswith("l_") else
                                            -1 if name.startswith("r_") else 0)
        m = mean[name].mean(axis=0)
        v = m + performer.rom * side * (v - m)
        wobble = gaussian_filter1d(rng.standard_normal(v.shape), sigma, axis=0, mode="nearest")
        # unit standard deviation in expectation (not per sequence: short clips stay calm)
        wobble *= performer.noise * _NOISE_SCALE.get(name[2:] if name[1] == "_" else name, 1.0)
        wobble *= np.sqrt(2.0 * np.sqrt(np.pi) * sigma)
        if name in DIRECTION_CHANNELS:
            v = v + performer.habits[name] + np.radians(wobble)
            v = v / np.linalg.norm(v, axis=1, keepdims=True)
        else:
            v = v + performer.habits.get(name, 0.0) + wobble
        out[name] = v
    return out


def _side_dir(d: np.ndarray, side: str) -> np.ndarray:
    """Per-side (out, up, fwd) -> body (x, y, z)."""
    return d * np.array([-1.0, 1.0, 1.0]) if side == "r" else d


def _swing_segments(rig: Rig, segments: tuple[tuple[int, int, str], ...],
                    parents: list[np.ndarray], directions: list[np.ndarray]) -> list[np.ndarray]:
    """Local rotations (T, 3, 3) of limb segments aimed along target directions, in one swing.

    Args:
        rig: the rest skeleton (bone directions).
        segments: (joint, child, channel) of each segment.
        parents: (T, 3, 3) global rotation of each segment joint's parent.
        directions: (T, 3) target direction of each segment in the frame ``parents`` map from.
    """
    t = directions[0].shape[0]
    src = np.concatenate([np.broadcast_to(rig.bone_dir(c, j), (t, 3)) for j, c, _ in segments])
    dst = np.concatenate([np.einsum("tba,tb->ta", g, d)
                          for g, d in zip(parents, directions, strict=True)])
    return np.split(swing(src, dst), len(segments))


def channels_to_rotations(ch: dict[str, np.ndarray], script: Script,
                          rig: Rig) -> tuple[np.ndarray, np.ndarray]:
    """Pose channels -> (pelvis rotation in the posture frame (T, 3, 3),
    local joint rotations (T, 24, 3, 3) with the root's left as identity).

    Each rotation helper runs once for several joints stacked along the frame axis (fewer,
    larger calls): the trunk and head, both collars, both wrists, both ankles, the upper limb
    segments (shoulders, hips), then the lower ones (elbows, knees) that hang from them.
    """
    t = ch["pelvis"].shape[0]
    eye = np.broadcast_to(np.eye(3), (t, 3, 3))
    local = np.tile(np.eye(3), (t, 24, 1, 1))
    pelvis, spine, neck, head = np.split(body_euler(np.concatenate(
        [ch["pelvis"], ch["spine"] / 3.0, ch["neck"] * 0.4, ch["neck"] * 0.6])), 4)
    glob = {0: pelvis}
    for j, p in ((3, 0), (6, 3), (9, 6)):
        local[:, j] = spine
        glob[j] = glob[p] @ spine
    local[:, 12], local[:, 15] = neck, head
    # collars, wrists, ankles: left rows then right rows; the right side is the mirror image
    c = np.concatenate([ch["l_collar"], ch["r_collar"]])  # (2T, 2)
    w = np.concatenate([ch["l_wrist"], ch["r_wrist"]])
    a = np.concatenate([ch["l_ankle"], ch["r_ankle"]])
    collars = np.split(axis_rot(2, c[:, 0]) @ axis_rot(1, -c[:, 1]), 2)
    wrists = np.split(axis_rot(2, -w[:, 0]) @ axis_rot(1, w[:, 1]), 2)
    ankles = np.split(axis_rot(0, a[:, 0]), 2)
    above: dict[int, np.ndarray] = {}  # joint -> global rotation of its parent
    for k, (collar, shoulder, wrist, hip, ankle) in enumerate(((13, 16, 20, 1, 7),
                                                               (14, 17, 21, 2, 8))):
        rc, rw = (collars[k], wrists[k]) if k == 0 else (mirror_rot(collars[k]),
                                                         mirror_rot(wrists[k]))
        local[:, collar], local[:, wrist], local[:, ankle] = rc, rw, ankles[k]
        above[shoulder], above[hip] = glob[9] @ rc, glob[0]
    arm_frame = glob[9] if script.arm_frame == "torso" else eye

    def direction(name: str) -> np.ndarray:
        d = _side_dir(ch[name], name[0])  # arms in the arm frame, legs in the posture frame
        return np.einsum("tab,tb->ta", arm_frame, d) if name[2:] in ("upper", "fore") else d

    for segments in (_UPPER_SEGMENTS, _LOWER_SEGMENTS):
        rots = _swing_segments(rig, segments, [above[j] for j, _, _ in segments],
                               [direction(name) for _, _, name in segments])
        for (j, child, _), r in zip(segments, rots, strict=True):
            local[:, j] = r
            above[child] = above[j] @ r
    return glob[0], local


def animate(script: Script, performer: Performer, rig: Rig, timing: Timing,
            rng: np.random.Generator, place_xy: np.ndarray | None = None,
            yaw_deg: float = 0.0) -> Motion:
    """Generate one sequence of ``script`` performed by ``performer``."""
    phase = timeline(script.period * performer.tempo, timing, rng)
    ch = personalise(script, sample_channels(script, phase), performer, rng, timing.fps)
    pelvis, local = channels_to_rotations(ch, script, rig)
    world_from_base = axis_rot(2, np.array([yaw_deg]))[0] @ POSTURE_FRAMES[script.posture]
    rot = world_from_base @ pelvis  # (T, 3, 3) = R(Rh)
    # EasyMocap turns the zero-root body about the origin by R(Rh): that is SMPL with
    # global_orient = Rh and transl = R(Rh) J0 - J0 (see easymocap_to_smpl), Th still to come.
    j0 = rig.rest_joints[0]
    root_local = np.concatenate([rot[:, None], local[:, 1:]], axis=1)  # (T, 24, 3, 3)
    world = forward_kinematics_np(root_local, rig.rest_joints, PARENTS, transl=rot @ j0 - j0)
    joints, probes = world.joints, skin_probes(rig, world)  # (T, 24, 3), (T, P, 3)
    # Floor: the lowest probe touches z = 0, plus the airborne height.
    th = np.zeros((len(phase), 3))
    th[:, 2] = -probes[..., 2].min(axis=1) + CLEARANCE + np.maximum(ch["lift"][:, 0], 0.0)
    # Stance: the anchored limb keeps its place on the floor; ``shift`` moves the body sideways.
    a, b = ANCHOR_JOINTS[script.anchor]
    wts = np.maximum(ch["support"], 0.0) + 1e-6
    wts = wts / wts.sum(axis=1, keepdims=True)
    anchor = wts[:, :1] * joints[:, a, :2] + wts[:, 1:] * joints[:, b, :2]
    left = world_from_base[:2, 0]
    th[:, :2] = -anchor + ch["shift"] * left[None, :]
    if place_xy is not None:
        th[:, :2] += place_xy
    joints = joints + th[:, None, :]
    probes = probes + th[:, None, :]
    poses = np.zeros((len(phase), 72))
    poses[:, 3:] = to_rotvec(local[:, 1:]).reshape(len(phase), 69)
    return Motion(poses=poses, betas=rig.betas.copy(), Rh=to_rotvec(rot), Th=th, joints=joints,
                  probes=probes, phase=phase)
