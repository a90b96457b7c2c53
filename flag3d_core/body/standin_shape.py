"""Where the stand-in body's segments go, as a function of ten named shape parameters.

:func:`design` returns the 24 SMPL joint centres and the segment specs of one body. The mean
body (all parameters 0) is an adult of about 1.72 m in SMPL's rest frame: T-pose, y up, z to the
front, +x to the body's left, metres, pelvis joint at y = -0.22, soles at y = -1.20 (close to
the real SMPL template). The stand-in's ``shapedirs[:, :, k]`` is the change of the vertices when
parameter k moves by one (roughly one standard deviation of adults), in this order:

== ================  =========================================================================
 0 ``height``        overall scale about the origin, +4 % (about +7 cm of stature)
 1 ``girth``         weight: torso and limb radii +10 % (waist circumference +10 %)
 2 ``leg_length``    legs +3 % longer, torso and head 3 % shorter (stature roughly unchanged)
 3 ``shoulder_width`` shoulders and arms 1.5 cm further out on each side
 4 ``hip_width``     hip joints 1.2 cm further out on each side, pelvis and hips wider
 5 ``arm_length``    arms (shoulder to fingertip) +3 % longer
 6 ``chest_depth``   chest front-to-back +10 %
 7 ``head_size``     head +4.5 %
 8 ``belly``         belly +2.5 cm forward at the waist
 9 ``muscle``        limb mid-segments (biceps, forearm, thigh, calf) +8 % radius
== ================  =========================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields, replace

import numpy as np

from flag3d_core.body.standin_geometry import Knot, SegmentSpec

# SMPL joint ids (flag3d_core.layouts.smpl24 names them); left joint j has right joint j + 1.
PELVIS, L_HIP, SPINE1, L_KNEE, SPINE2, L_ANKLE, SPINE3, L_FOOT = 0, 1, 3, 4, 6, 7, 9, 10
NECK, L_COLLAR, HEAD, L_SHOULDER, L_ELBOW, L_WRIST, L_HAND = 12, 13, 15, 16, 18, 20, 22
LEFT_JOINTS = (1, 4, 7, 10, 13, 16, 18, 20, 22)
N_JOINTS = 24


@dataclass(frozen=True)
class ShapeParams:
    """The ten shape parameters, in shapedirs order (see the module docstring)."""

    height: float = 0.0
    girth: float = 0.0
    leg_length: float = 0.0
    shoulder_width: float = 0.0
    hip_width: float = 0.0
    arm_length: float = 0.0
    chest_depth: float = 0.0
    head_size: float = 0.0
    belly: float = 0.0
    muscle: float = 0.0

    @classmethod
    def unit(cls, k: int) -> ShapeParams:
        """Parameter ``k`` set to 1, the others 0."""
        return cls(**{f.name: float(i == k) for i, f in enumerate(fields(cls))})

    def as_betas(self) -> np.ndarray:
        return np.asarray(astuple(self), dtype=np.float64)


SHAPE_DIRECTIONS: tuple[str, ...] = tuple(f.name for f in fields(ShapeParams))


@dataclass(frozen=True)
class Design:
    """joints (24, 3) SMPL joint centres; segments in mesh order."""

    joints: np.ndarray
    segments: tuple[SegmentSpec, ...]


def _v(*xyz: float) -> np.ndarray:
    return np.asarray(xyz, dtype=np.float64)


def _knots(rows: Sequence[Knot], scale: float = 1.0, mid: float = 1.0) -> tuple[Knot, ...]:
    """Scale radii by ``scale``; interior knots (0 < t < 1) also by ``mid`` (muscle)."""
    out = []
    for t, a, bf, bb, c in rows:
        k = scale * (mid if 0.0 < t < 1.0 else 1.0)
        out.append((t, a * k, bf * k, bb * k, c))
    return tuple(out)


def _mirror(spec: SegmentSpec) -> SegmentSpec:
    """The right-side twin of a left segment (x negated, left joints mapped to right)."""

    def m(p: tuple[float, float, float]) -> tuple[float, float, float]:
        return (-p[0], p[1], p[2])

    return replace(
        spec,
        name=spec.name.replace("left_", "right_"),
        start=m(spec.start),
        end=m(spec.end),
        front=m(spec.front),
        anchors=tuple((t, j + 1 if j in LEFT_JOINTS else j) for t, j in spec.anchors),
        bumps=tuple((m(c), s, m(d)) for c, s, d in spec.bumps),
    )


def _tup(p: np.ndarray) -> tuple[float, float, float]:
    return (float(p[0]), float(p[1]), float(p[2]))


def design(p: ShapeParams = ShapeParams()) -> Design:  # noqa: B008 (frozen, immutable)
    """Joint centres and segment specs of the body with shape ``p``."""
    hip_y = -0.31
    k_up, k_leg = 1.0 - 0.032 * p.leg_length, 1.0 + 0.03 * p.leg_length

    def up(y: float) -> float:  # heights above the hips (torso, head, arms)
        return hip_y + (y - hip_y) * k_up

    def down(y: float) -> float:  # heights below the hips (legs)
        return hip_y + (y - hip_y) * k_leg

    g = 1.0 + 0.10 * p.girth
    mus = 1.0 + 0.08 * p.muscle
    hx = 0.075 + 0.012 * p.hip_width
    j = np.zeros((N_JOINTS, 3))
    j[PELVIS] = _v(0, up(-0.22), 0.02)
    j[SPINE1] = _v(0, up(-0.11), 0.0)
    j[SPINE2] = _v(0, up(0.02), 0.02)
    j[SPINE3] = _v(0, up(0.075), 0.03)
    j[NECK] = _v(0, up(0.28), -0.01)
    j[HEAD] = _v(0, up(0.36), 0.03)
    j[L_HIP] = _v(hx, hip_y, 0.02)
    j[L_KNEE] = _v(hx + 0.03, down(-0.70), 0.025)
    j[L_ANKLE] = _v(hx + 0.015, down(-1.105), -0.015)
    j[L_FOOT] = _v(hx + 0.045, down(-1.165), 0.11)
    dsh = 0.015 * p.shoulder_width
    j[L_COLLAR] = _v(0.08 + dsh / 3.0, up(0.195), 0.01)
    sho = _v(0.175 + dsh, up(0.23), 0.0)
    ka = 1.0 + 0.03 * p.arm_length
    j[L_SHOULDER] = sho
    j[L_ELBOW] = sho + ka * _v(0.255, -0.018, -0.015)
    j[L_WRIST] = sho + ka * _v(0.51, -0.01, -0.01)
    j[L_HAND] = sho + ka * _v(0.59, -0.017, -0.02)
    for lj in LEFT_JOINTS:
        j[lj + 1] = j[lj] * _v(-1, 1, 1)

    heel = _v(hx + 0.015, down(-1.165), -0.045)
    toe = _v(hx + 0.055, down(-1.165), 0.165)
    foot_axis = toe - heel
    foot_station = float(np.dot(j[L_FOOT] - heel, foot_axis) / np.dot(foot_axis, foot_axis))
    hand_tip = j[L_WRIST] + (j[L_HAND] - j[L_WRIST]) * (0.17 / 0.08)
    kh = 1.0 + 0.045 * p.head_size
    gh = 1.0 + 0.01 * p.girth
    head_c = j[HEAD]

    def ty(y: float) -> float:  # torso profile parameter of a (mean-body) height
        return (y + 0.36) / 0.61

    dh, bl, ch = 0.012 * p.hip_width, p.belly, 1.0 + 0.10 * p.chest_depth
    torso_rows = [  # y, half-width, front, back, centre shift
        (-0.36, 0.150 + dh, 0.085, 0.095, 0.01),
        (-0.30, 0.160 + dh, 0.090, 0.112, 0.01),
        (-0.22, 0.160 + dh, 0.090, 0.095, 0.01),
        (-0.11, 0.142, 0.092 + 0.012 * bl, 0.082, 0.01),
        (0.00, 0.130, 0.095 + 0.025 * bl, 0.080, 0.01),
        (0.08, 0.145, 0.105 * ch + 0.012 * bl, 0.085 * ch, 0.01),
        (0.17, 0.165, 0.115 * ch, 0.090 * ch, 0.0),
        (0.25, 0.150, 0.080, 0.080, -0.01),
    ]
    torso = SegmentSpec(
        name="torso", start=(0.0, up(-0.36), 0.0), end=(0.0, up(0.25), 0.0), front=(0, 0, 1),
        knots=_knots([(ty(y), a, f, b, c) for y, a, f, b, c in torso_rows], g),
        caps=(0.06 * g, 0.05), rings=(5, 30, 4), n_around=44,
        anchors=((ty(-0.20), PELVIS), (ty(-0.06), SPINE1), (ty(0.05), SPINE2),
                 (ty(0.14), SPINE3)),
        stations=tuple(ty(y) for y in (-0.22, -0.11, 0.02, 0.075)),
    )
    neck = SegmentSpec(
        name="neck", start=_tup(j[NECK]), end=_tup(j[HEAD]), front=(0, 0, 1),
        knots=_knots([(0, 0.058, 0.055, 0.055, 0), (1, 0.052, 0.05, 0.05, 0)],
                     1.0 + 0.06 * p.girth),
        caps=(0.06, 0.04), rings=(3, 4, 3), n_around=20,
        anchors=((-0.4, SPINE3), (0.1, NECK), (0.8, NECK), (1.3, HEAD)),
    )
    s = kh * gh
    head = SegmentSpec(
        name="head", start=_tup(head_c + _v(0, 0.01, 0) * kh),
        end=_tup(head_c + _v(0, 0.09, 0) * kh), front=(0, 0, 1),
        knots=_knots([(0, 0.062, 0.085, 0.080, 0), (0.5, 0.074, 0.092, 0.098, 0),
                      (1, 0.076, 0.088, 0.098, -0.005)], s),
        caps=(0.065 * s, 0.07 * s), rings=(8, 9, 10), n_around=32,
        anchors=((-0.8, NECK), (-0.5, HEAD)),
        bumps=tuple(
            (_tup(head_c + _v(*c) * kh), _tup(_v(*sg) * kh), _tup(_v(*d) * kh))
            for c, sg, d in (
                ((0, 0.04, 0.09), (0.011, 0.018, 0.03), (0, 0, 0.018)),  # nose
                ((0.032, 0.065, 0.085), (0.012, 0.008, 0.03), (0, 0, -0.006)),  # eyes
                ((-0.032, 0.065, 0.085), (0.012, 0.008, 0.03), (0, 0, -0.006)),
                ((0.075, 0.045, -0.01), (0.01, 0.02, 0.014), (0.012, 0, 0)),  # ears
                ((-0.075, 0.045, -0.01), (0.01, 0.02, 0.014), (-0.012, 0, 0)),
            )
        ),
    )
    left = [
        SegmentSpec(
            name="left_shoulder", start=_tup(j[L_COLLAR]), end=_tup(sho), front=(0, 0, 1),
            knots=_knots([(0, 0.055, 0.05, 0.055, 0), (1, 0.052, 0.052, 0.05, 0)],
                         g * (1.0 + 0.04 * p.muscle)),
            caps=(0.03, 0.045), rings=(3, 4, 3), n_around=20,
            anchors=((-0.3, SPINE3), (0.1, L_COLLAR), (0.7, L_COLLAR), (1.4, L_SHOULDER)),
        ),
        SegmentSpec(
            name="left_upper_arm", start=_tup(sho), end=_tup(j[L_ELBOW]), front=(0, 0, 1),
            knots=_knots([(0, 0.05, 0.05, 0.05, 0), (0.35, 0.045, 0.047, 0.047, 0),
                          (1, 0.036, 0.04, 0.038, 0)], g, mus),
            caps=(0.045, 0.035), rings=(3, 10, 3), n_around=20,
            anchors=((-0.2, L_COLLAR), (0.1, L_SHOULDER)),
        ),
        SegmentSpec(
            name="left_forearm", start=_tup(j[L_ELBOW]), end=_tup(j[L_WRIST]), front=(0, 0, 1),
            knots=_knots([(0, 0.036, 0.04, 0.038, 0), (0.25, 0.036, 0.043, 0.041, 0),
                          (1, 0.022, 0.03, 0.028, 0)], g, mus),
            caps=(0.03, 0.02), rings=(3, 10, 3), n_around=20,
            anchors=((-0.12, L_SHOULDER), (0.12, L_ELBOW)),
        ),
        SegmentSpec(
            name="left_hand", start=_tup(j[L_WRIST]), end=_tup(hand_tip), front=(0, 0, 1),
            knots=_knots([(0, 0.02, 0.032, 0.03, 0), (0.45, 0.019, 0.045, 0.043, 0),
                          (0.75, 0.014, 0.042, 0.04, 0), (1, 0.01, 0.032, 0.032, 0)],
                         1.0 + 0.04 * p.girth),
            caps=(0.015, 0.02), rings=(3, 8, 3), n_around=16,
            anchors=((-0.1, L_ELBOW), (0.08, L_WRIST), (0.4, L_WRIST), (0.6, L_HAND)),
            stations=(0.08 / 0.17,),
        ),
        SegmentSpec(
            name="left_thumb", start=_tup(j[L_WRIST] + ka * _v(0.02, -0.01, 0.03)),
            end=_tup(j[L_WRIST] + ka * _v(0.07, -0.02, 0.08)), front=(0, 1, 0),
            knots=((0, 0.013, 0.013, 0.013, 0), (1, 0.011, 0.011, 0.011, 0)),
            caps=(0.012, 0.011), rings=(2, 3, 2), n_around=8,
            anchors=((0.0, L_WRIST),),
        ),
        SegmentSpec(
            name="left_thigh", start=_tup(j[L_HIP]), end=_tup(j[L_KNEE]), front=(0, 0, 1),
            knots=_knots([(0, 0.085, 0.085, 0.09, 0), (0.3, 0.078, 0.08, 0.08, 0),
                          (0.7, 0.062, 0.065, 0.06, 0), (1, 0.052, 0.055, 0.05, 0)], g, mus),
            caps=(0.07, 0.04), rings=(4, 14, 3), n_around=28,
            anchors=((-0.25, PELVIS), (0.1, L_HIP)),
        ),
        SegmentSpec(
            name="left_shin", start=_tup(j[L_KNEE]), end=_tup(j[L_ANKLE]), front=(0, 0, 1),
            knots=_knots([(0, 0.05, 0.05, 0.055, 0), (0.3, 0.048, 0.048, 0.062, 0),
                          (0.7, 0.038, 0.036, 0.045, 0), (1, 0.03, 0.03, 0.033, 0)], g, mus),
            caps=(0.035, 0.03), rings=(3, 14, 3), n_around=22,
            anchors=((-0.12, L_HIP), (0.12, L_KNEE)),
        ),
        SegmentSpec(
            name="left_foot", start=_tup(heel), end=_tup(toe), front=(0, 1, 0),
            knots=_knots([(0, 0.032, 0.04, 0.035, 0), (0.25, 0.037, 0.05, 0.035, 0),
                          (0.5, 0.043, 0.036, 0.035, 0), (0.75, 0.047, 0.022, 0.035, 0),
                          (1, 0.04, 0.017, 0.035, 0)], 1.0 + 0.04 * p.girth),
            caps=(0.03, 0.025), rings=(3, 10, 3), n_around=18,
            anchors=((0.55, L_ANKLE), (0.85, L_FOOT)),
            stations=(foot_station,),
        ),
    ]
    segments = (torso, neck, head, *left, *(_mirror(sp) for sp in left))
    ks = 1.0 + 0.04 * p.height
    if ks != 1.0:
        segments = tuple(_scaled(sp, ks) for sp in segments)
    return Design(joints=j * ks, segments=segments)


def _scaled(spec: SegmentSpec, k: float) -> SegmentSpec:
    """The segment scaled by ``k`` about the origin (positions, radii, caps, bumps)."""

    def sc(p: tuple[float, float, float]) -> tuple[float, float, float]:
        return (p[0] * k, p[1] * k, p[2] * k)

    return replace(
        spec, start=sc(spec.start), end=sc(spec.end),
        knots=tuple((t, a * k, f * k, b * k, c * k) for t, a, f, b, c in spec.knots),
        caps=(spec.caps[0] * k, spec.caps[1] * k),
        bumps=tuple((sc(c), sc(s), sc(d)) for c, s, d in spec.bumps),
    )
