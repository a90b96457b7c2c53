"""Key-pose vocabulary of FLAG3D-Synth.

A pose is a small dict of named *channels* (all floats, so poses interpolate channel by channel):

==============  =====  ==========================================================================
channel         size   meaning
==============  =====  ==========================================================================
``pelvis``      3      pelvis tilt in the posture frame, degrees: (flex fwd, bend left, twist left)
``spine``       3      whole-spine rotation, degrees, spread over spine1..3: (flex, bend, twist)
``neck``        3      head rotation, degrees, over neck and head: (nod, tilt left, turn left)
``l_collar``    2      shoulder girdle, degrees: (elevate, protract); ``r_collar`` likewise
``l_upper``     3      upper-arm direction (out, up, fwd) in the arm frame; ``r_upper`` likewise
``l_fore``      3      forearm direction (out, up, fwd) in the arm frame; ``r_fore`` likewise
``l_wrist``     2      wrist, degrees: (flex, deviate); ``r_wrist`` likewise
``l_thigh``     3      thigh direction (out, up, fwd) in the posture frame; ``r_thigh`` likewise
``l_shin``      3      shin direction (out, up, fwd) in the posture frame; ``r_shin`` likewise
``l_ankle``     1      plantar flexion, degrees; ``r_ankle`` likewise
``lift``        1      airborne height above the floor contact, metres (jumps)
``shift``       1      sideways displacement of the whole body to the performer's left, metres
``support``     2      weight of the left / right limb in the floor anchor (stance foot, knee...)
==============  =====  ==========================================================================

Directions are given per side with ``out`` pointing away from the body's midline, so a
symmetric pose uses the same numbers for both sides and :func:`mirror_pose` only swaps sides and
negates the lateral angles. The *posture frame* is the body frame before pelvis tilt (x left,
y up towards the head, z forward); the *arm frame* is the chest frame or the posture frame, as
the activity script says.
"""

from __future__ import annotations

import numpy as np

Pose = dict[str, np.ndarray]

CHANNEL_SIZES: dict[str, int] = {
    "pelvis": 3, "spine": 3, "neck": 3,
    "l_collar": 2, "r_collar": 2,
    "l_upper": 3, "r_upper": 3, "l_fore": 3, "r_fore": 3,
    "l_wrist": 2, "r_wrist": 2,
    "l_thigh": 3, "r_thigh": 3, "l_shin": 3, "r_shin": 3,
    "l_ankle": 1, "r_ankle": 1,
    "lift": 1, "shift": 1, "support": 2,
}
DIRECTION_CHANNELS = frozenset(
    f"{s}_{seg}" for s in "lr" for seg in ("upper", "fore", "thigh", "shin")
)
# Channels whose 2nd and 3rd components are lateral (bend, twist) and flip sign in a mirror.
_LATERAL_ANGLES = ("pelvis", "spine", "neck")

# Named unit-ish directions (out, up, fwd); normalised when the pose is built.
DOWN = (0.0, -1.0, 0.0)
UP = (0.0, 1.0, 0.0)
FWD = (0.0, 0.0, 1.0)
BACK = (0.0, 0.0, -1.0)
OUT = (1.0, 0.0, 0.0)
IN = (-1.0, 0.0, 0.0)

NEUTRAL: Pose = {
    "pelvis": np.zeros(3), "spine": np.zeros(3), "neck": np.zeros(3),
    "l_collar": np.zeros(2), "r_collar": np.zeros(2),
    "l_upper": np.array([0.22, -1.0, 0.02]), "r_upper": np.array([0.22, -1.0, 0.02]),
    "l_fore": np.array([0.12, -1.0, 0.12]), "r_fore": np.array([0.12, -1.0, 0.12]),
    "l_wrist": np.zeros(2), "r_wrist": np.zeros(2),
    "l_thigh": np.array([0.06, -1.0, 0.0]), "r_thigh": np.array([0.06, -1.0, 0.0]),
    "l_shin": np.array([0.0, -1.0, 0.0]), "r_shin": np.array([0.0, -1.0, 0.0]),
    "l_ankle": np.zeros(1), "r_ankle": np.zeros(1),
    "lift": np.zeros(1), "shift": np.zeros(1), "support": np.ones(2),
}


def unit(v: tuple[float, float, float] | np.ndarray) -> np.ndarray:
    """Normalised copy of a 3-vector."""
    a = np.asarray(v, dtype=np.float64)
    n = float(np.linalg.norm(a))
    if n < 1e-9:
        raise ValueError(f"direction {v!r} has zero length")
    return a / n


def sph(elev: float, azim: float = 0.0) -> np.ndarray:
    """Direction of a limb raised from hanging straight down, degrees.

    ``elev`` 0 = down, 90 = horizontal, 180 = straight up; ``azim`` 0 = out to the side,
    90 = forward, -90 = backward (``sph(90, 0)`` is a T-pose arm, ``sph(90, 90)`` points
    forward, ``sph(150, 0)`` is a Y-shape arm).
    """
    e, a = np.radians([elev, azim])
    return unit((np.sin(e) * np.cos(a), -np.cos(e), np.sin(e) * np.sin(a)))


def pose(**channels: object) -> Pose:
    """A full pose: :data:`NEUTRAL` with the given channels replaced.

    Extra keyword shortcuts set both sides at once: ``upper``, ``fore``, ``wrist``, ``collar``,
    ``thigh``, ``shin``, ``ankle`` (``thigh=DOWN`` sets ``l_thigh`` and ``r_thigh``).
    """
    out = {k: v.copy() for k, v in NEUTRAL.items()}
    for key, value in channels.items():
        keys = [key] if key in CHANNEL_SIZES else [f"l_{key}", f"r_{key}"]
        for k in keys:
            if k not in CHANNEL_SIZES:
                raise KeyError(f"unknown pose channel {key!r}; known: {sorted(CHANNEL_SIZES)}")
            arr = np.atleast_1d(np.asarray(value, dtype=np.float64))
            if arr.shape != (CHANNEL_SIZES[k],):
                raise ValueError(f"pose channel {k!r} needs {CHANNEL_SIZES[k]} values, got {arr}")
            out[k] = unit(arr) if k in DIRECTION_CHANNELS else arr
    return out


def vary(base: Pose, **channels: object) -> Pose:
    """Copy of ``base`` with some channels replaced (same shortcuts as :func:`pose`)."""
    changed = pose(**channels)
    out = {k: v.copy() for k, v in base.items()}
    for key in channels:
        for k in ([key] if key in CHANNEL_SIZES else [f"l_{key}", f"r_{key}"]):
            out[k] = changed[k]
    return out


def mirror_pose(p: Pose) -> Pose:
    """Left-right mirror image of a pose: sides swap, lateral angles and ``shift`` change sign."""
    out: Pose = {}
    for k, v in p.items():
        if k.startswith("l_"):
            out["r_" + k[2:]] = v.copy()
        elif k.startswith("r_"):
            out["l_" + k[2:]] = v.copy()
        elif k in _LATERAL_ANGLES:
            out[k] = v * np.array([1.0, -1.0, -1.0])
        elif k == "shift":
            out[k] = -v
        elif k == "support":
            out[k] = v[::-1].copy()
        else:
            out[k] = v.copy()
    return out


def blend(a: Pose, b: Pose, w: np.ndarray) -> dict[str, np.ndarray]:
    """Per-frame blend of two poses, ``w`` (T,) in [0, 1]; returns channels (T, size).

    Directions are blended linearly and re-normalised (key poses never hold opposite
    directions for the same segment, so the result stays well defined).
    """
    w = np.asarray(w, dtype=np.float64)[:, None]
    out = {}
    for k in CHANNEL_SIZES:
        v = (1.0 - w) * a[k][None, :] + w * b[k][None, :]
        if k in DIRECTION_CHANNELS:
            v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
        out[k] = v
    return out


# --- Named base poses shared by several activities ------------------------------------------
# Posture frames (see :mod:`flag3d_core.synth.motion`): ``stand`` upright; ``prone`` torso
# horizontal, front (+z) towards the floor, head (+y) along the floor; ``supine`` back on the
# floor, front (+z) to the ceiling; ``side_right`` / ``side_left`` lying on that side.
STAND = pose()
HANDS_ON_HIPS = dict(upper=sph(35, -55), fore=(-0.7, 0.1, 0.25))
SQUAT = pose(pelvis=(38, 0, 0), spine=(8, 0, 0), thigh=(0.2, -0.3, 1.0), shin=(0.05, -1.0, -0.45),
             ankle=-22)
HALF_SQUAT = pose(pelvis=(20, 0, 0), spine=(5, 0, 0), thigh=(0.12, -0.75, 0.7),
                  shin=(0.03, -1.0, -0.3), ankle=-15)
BENT_OVER = pose(pelvis=(55, 0, 0), spine=(18, 0, 0), neck=(-20, 0, 0), thigh=(0.08, -1.0, 0.22),
                 shin=(0.0, -1.0, -0.12), upper=(0.05, -1.0, 0.1), fore=(0.0, -1.0, 0.08))
# Prone-frame poses: +z (fwd) is the floor direction, -y runs towards the feet.
FLAT_HANDS = (-75.0, 0.0)  # wrist extension that puts the palm flat with the arm vertical
QUADRUPED = pose(pelvis=(-8, 0, 0), thigh=(0.08, -0.05, 1.0), shin=(0.02, -1.0, 0.02), ankle=35,
                 upper=(0.12, 0.05, 1.0), fore=(0.0, 0.0, 1.0), neck=(-15, 0, 0),
                 wrist=FLAT_HANDS)
PLANK = pose(pelvis=(-14, 0, 0), thigh=(0.05, -1.0, 0.25), shin=(0.0, -1.0, 0.25), ankle=-10,
             upper=(0.15, 0.0, 1.0), fore=(0.0, 0.0, 1.0), neck=(-10, 0, 0), wrist=FLAT_HANDS)
PLANK_LOW = pose(pelvis=(-1, 0, 0), thigh=(0.05, -1.0, 0.06), shin=(0.0, -1.0, 0.06), ankle=-10,
                 upper=(0.6, -0.8, 0.05), fore=(-0.05, 0.1, 1.0), neck=(-12, 0, 0),
                 wrist=FLAT_HANDS)
PRONE = pose(upper=(0.25, 1.0, 0.1), fore=(0.2, 1.0, 0.1), ankle=80, neck=(-10, 0, 0))
PRONE_HANDS = pose(upper=(0.55, -0.8, 0.2), fore=(0.0, 1.0, 0.12), ankle=80, neck=(-15, 0, 0))
# Supine-frame poses: +z (fwd) points to the ceiling, -y towards the feet.
SUPINE = pose(upper=(0.18, -1.0, 0.0), fore=(0.1, -1.0, 0.0), ankle=15)
SUPINE_KNEES = vary(SUPINE, thigh=(0.1, -0.7, 0.7), shin=(0.0, -0.7, -0.75), ankle=-5)
TALL_KNEEL = pose(thigh=(0.08, -1.0, 0.0), shin=(0.0, -0.1, -1.0), ankle=55)
SIDE_LYING = pose(thigh=(0.02, -1.0, 0.2), shin=(0.0, -1.0, -0.2), upper=(0.3, -1.0, 0.1))
