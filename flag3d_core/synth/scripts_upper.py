"""Motion scripts A001-A029: chest, back, shoulder, arm and neck activities.

Each entry reads as the exercise: posture, key poses at cycle phases, rhythm. Directions are
(out, up, fwd) per side (see :mod:`.poses`); angles in degrees.
"""

from __future__ import annotations

from flag3d_core.synth.poses import (
    BENT_OVER,
    HANDS_ON_HIPS,
    PLANK,
    PLANK_LOW,
    PRONE,
    SQUAT,
    STAND,
    SUPINE_KNEES,
    sph,
    vary,
)
from flag3d_core.synth.script import Script

# Standing bases for the arm exercises.
CHEST_HANDS = vary(STAND, upper=(0.25, -0.7, 0.6), fore=(-0.95, 0.15, 0.3))
STAGGER = vary(STAND, l_thigh=(0.06, -1.0, 0.28), l_shin=(0.0, -1.0, 0.0),
               r_thigh=(0.06, -1.0, -0.25), r_shin=(0.0, -1.0, -0.15), r_ankle=20)
KNEE_PUSH_UP = vary(PLANK, pelvis=(-25, 0, 0), thigh=(0.06, -1.0, 0.5), shin=(0.0, -0.55, -0.85),
                    ankle=30)
KNEE_PUSH_DOWN = vary(PLANK_LOW, pelvis=(-10, 0, 0), thigh=(0.06, -1.0, 0.25),
                      shin=(0.0, -0.55, -0.85), ankle=30)
BENT_DEEP = vary(BENT_OVER, pelvis=(62, 0, 0), spine=(12, 0, 0))
# Hanging arms expressed in the torso frame of BENT_DEEP (74 degrees of forward flexion).
HANG_T = dict(upper=(0.1, -0.28, 0.96), fore=(0.05, -0.28, 0.96))
ROW_BASE = vary(BENT_OVER, l_thigh=(0.08, -1.0, 0.45), l_shin=(0.0, -1.0, -0.05),
                r_thigh=(0.06, -1.0, -0.15), r_shin=(0.0, -1.0, -0.1),
                l_upper=(0.1, -0.75, 0.65), l_fore=(-0.05, -1.0, 0.2))
CIRCLE = 17.0  # degrees of the small arm circles


def _circle(order: tuple[int, ...], **extra: object) -> tuple:
    """Four keys of a small arm circle around the T position, visited in ``order``
    (0 up, 1 front, 2 down, 3 back)."""
    dirs = [sph(90 + CIRCLE, 0), sph(90, CIRCLE), sph(90 - CIRCLE, 0), sph(90, -CIRCLE)]
    return tuple((i / 4, vary(STAND, upper=dirs[o], fore=dirs[o], **extra))
                 for i, o in enumerate(order))


def _shoulder_round(order: tuple[int, ...]) -> tuple:
    """Lying (supine) shoulder rounds: arms to the ceiling, the shoulder girdle travels round
    (0 protract, 1 elevate towards the head, 2 retract, 3 depress), visited in ``order``."""
    rounds = [dict(collar=(0, 22), upper=(0.1, 0.0, 1.0)),
              dict(collar=(22, 0), upper=(0.1, 0.3, 1.0)),
              dict(collar=(0, -15), upper=(0.1, 0.0, 1.0)),
              dict(collar=(-15, 0), upper=(0.1, -0.3, 1.0))]
    return tuple((i / 4, vary(SUPINE_KNEES, fore=rounds[o]["upper"], **rounds[o]))
                 for i, o in enumerate(order))


UPPER: dict[int, Script] = {
    # --- chest -------------------------------------------------------------------------
    1: Script("stand", (  # Svend Press: palms pressed at the chest, pushed straight forward
        (0.0, CHEST_HANDS),
        (0.5, vary(STAND, upper=(-0.1, -0.05, 1.0), fore=(-0.2, 0.0, 1.0))),
    ), period=2.6),
    2: Script("prone", ((0.0, KNEE_PUSH_UP), (0.5, KNEE_PUSH_DOWN)), period=2.4,
              arm_frame="base", anchor="knees"),  # Kneeling Push-ups
    3: Script("stand", (  # Straight-arm chest press with band: straight arms sweep to the front
        (0.0, vary(STAGGER, upper=sph(75, -15), fore=sph(75, -15))),
        (0.5, vary(STAGGER, upper=sph(75, 85), fore=sph(75, 85))),
    ), period=2.8),
    4: Script("supine", (  # Small Dumbbell Floor Flies: arms open from the ceiling to the floor
        (0.0, vary(SUPINE_KNEES, upper=(-0.12, 0.0, 1.0), fore=(-0.12, 0.0, 1.0))),
        (0.5, vary(SUPINE_KNEES, upper=(1.0, 0.05, 0.18), fore=(0.8, 0.05, 0.6))),
    ), period=3.0, lying=True, anchor="pelvis"),
    5: Script("stand", (  # Chest Fly: bent elbows hug forward at shoulder height
        (0.0, vary(STAND, upper=sph(90, -10), fore=sph(90, 30))),
        (0.5, vary(STAND, upper=sph(90, 72), fore=(-0.6, 0.0, 0.8))),
    ), period=2.8),
    6: Script("prone", ((0.0, PLANK), (0.5, PLANK_LOW)), period=2.2, arm_frame="base",
              anchor="feet"),  # Push-ups
    # --- back --------------------------------------------------------------------------
    7: Script("stand", (  # Bent-over W: elbows bent, forearms point to the head
        (0.0, vary(BENT_DEEP, **HANG_T)),
        (0.5, vary(BENT_DEEP, upper=sph(70, -25), fore=sph(160, -15), collar=(0, -12))),
    ), period=3.0),
    8: Script("stand", (  # Bent-over Y: straight arms reach diagonally beyond the head
        (0.0, vary(BENT_DEEP, **HANG_T)),
        (0.5, vary(BENT_DEEP, upper=sph(145, -12), fore=sph(145, -12), collar=(8, -10))),
    ), period=3.0),
    9: Script("stand", (  # Bent-over A: straight arms sweep back along the hips
        (0.0, vary(BENT_DEEP, **HANG_T)),
        (0.5, vary(BENT_DEEP, upper=sph(35, -55), fore=sph(35, -55), collar=(-5, -12))),
    ), period=3.0),
    10: Script("stand", (  # Squat With Arm Lift: squat down while the arms rise overhead
        (0.0, STAND),
        (0.5, vary(SQUAT, upper=sph(165, 60), fore=sph(170, 60))),
    ), period=3.2),
    11: Script("stand", (  # Breaststroke Arm Pull: reach, sweep out, elbows in, reach again
        (0.0, vary(STAND, upper=sph(95, 88), fore=sph(95, 88))),
        (0.3, vary(STAND, upper=sph(95, 25), fore=sph(90, 45))),
        (0.6, vary(STAND, upper=sph(40, -25), fore=(-0.55, 0.45, 0.7))),
    ), period=2.8),
    12: Script("prone", (  # Prone Y-shape Stretch: arms in a Y lift off the floor with the chest
        (0.0, vary(PRONE, upper=sph(150, 0), fore=sph(150, 0))),
        (0.5, vary(PRONE, upper=sph(150, -14), fore=sph(150, -16), spine=(-14, 0, 0),
                   neck=(-20, 0, 0))),
    ), period=3.0, lying=True, anchor="pelvis"),
    # --- shoulder ------------------------------------------------------------------------
    13: Script("stand", _circle((0, 1, 2, 3)), period=1.2, smooth=True),  # forward circles
    14: Script("stand", _circle((0, 3, 2, 1)), period=1.2, smooth=True),  # backward circles
    15: Script("supine", _shoulder_round((3, 0, 1, 2)), period=2.4, smooth=True, lying=True,
               anchor="pelvis"),  # upward round: depress -> protract -> elevate -> retract
    16: Script("supine", _shoulder_round((1, 0, 3, 2)), period=2.4, smooth=True, lying=True,
               anchor="pelvis"),  # downward round: the same circle the other way
    17: Script("stand", (  # Full lateral raise: straight arms from the hips to overhead
        (0.0, vary(STAND, upper=sph(12, 0), fore=sph(12, 0))),
        (0.5, vary(STAND, upper=sph(172, 0), fore=sph(175, 0), collar=(10, 0))),
    ), period=3.2),
    18: Script("stand", (  # Cuban Press: upright row, rotate up, press, and back
        (0.0, STAND),
        (0.2, vary(STAND, upper=sph(85, -5), fore=(0.1, -1.0, 0.25))),
        (0.35, vary(STAND, upper=sph(85, -5), fore=(0.1, 1.0, 0.1))),
        (0.55, vary(STAND, upper=sph(165, 5), fore=sph(172, 5))),
        (0.7, vary(STAND, upper=sph(85, -5), fore=(0.1, 1.0, 0.1))),
        (0.85, vary(STAND, upper=sph(85, -5), fore=(0.1, -1.0, 0.25))),
    ), period=4.2),
    19: Script("stand", (  # Fortune Cat: elbows at shoulder height, one forearm up, one down
        (0.0, vary(STAND, upper=sph(85, 0), l_fore=(0.1, 1.0, 0.15), r_fore=(0.1, -1.0, 0.3))),
    ), period=2.0, pattern="alternating"),
    # --- arm ---------------------------------------------------------------------------
    20: Script("stand", (  # Dumbbell Curls: both elbows flex together
        (0.0, vary(STAND, upper=(0.1, -1.0, 0.05), fore=(0.08, -1.0, 0.15))),
        (0.5, vary(STAND, upper=(0.1, -1.0, 0.12), fore=(0.05, 0.8, 0.6))),
    ), period=2.6),
    21: Script("stand", (  # Alternate Dumbbell Curls
        (0.0, vary(STAND, upper=(0.1, -1.0, 0.05), fore=(0.08, -1.0, 0.15))),
        (0.25, vary(STAND, upper=(0.1, -1.0, 0.05), l_upper=(0.1, -1.0, 0.12),
                    l_fore=(0.05, 0.8, 0.6), r_fore=(0.08, -1.0, 0.15))),
    ), period=4.0, pattern="alternating"),
    22: Script("stand", (  # Right-side Kettlebell Bent-over Row: left hand on the knee
        (0.0, vary(ROW_BASE, r_upper=(0.05, -1.0, 0.12), r_fore=(0.0, -1.0, 0.05))),
        (0.5, vary(ROW_BASE, r_upper=(0.2, -0.15, -1.0), r_fore=(0.0, -1.0, -0.05),
                   r_collar=(0, -15))),
    ), period=2.6, pattern="unilateral", arm_frame="base"),
    23: Script("stand", tuple(  # Wrist Joint Warm-up: clasped hands circle at the wrists
        (i / 4, vary(CHEST_HANDS, upper=(0.15, -1.0, 0.35), fore=(-0.6, 0.4, 0.7), wrist=w))
        for i, w in enumerate(((40, 0), (0, 30), (-40, 0), (0, -30)))
    ), period=1.6, smooth=True),
    24: Script("stand", (  # Right-side band tricep extension: upper arm pinned back, forearm
        (0.0, vary(ROW_BASE, r_upper=(0.15, -0.25, -1.0), r_fore=(0.0, -1.0, 0.0))),
        (0.5, vary(ROW_BASE, r_upper=(0.15, -0.2, -1.0), r_fore=(0.1, -0.15, -1.0))),
    ), period=2.4, pattern="unilateral", arm_frame="base"),
    25: Script("stand", (  # Bent-over Dumbbell Tricep Extension: both arms
        (0.0, vary(BENT_OVER, upper=(0.12, -0.25, -1.0), fore=(0.0, -1.0, 0.0))),
        (0.5, vary(BENT_OVER, upper=(0.12, -0.2, -1.0), fore=(0.1, -0.15, -1.0))),
    ), period=2.4, arm_frame="base"),
    # --- neck --------------------------------------------------------------------------
    26: Script("stand", ((0.0, vary(STAND, neck=(38, 0, 0), **HANDS_ON_HIPS)),
                         (0.5, vary(STAND, neck=(-40, 0, 0), **HANDS_ON_HIPS))),
               period=3.2),  # Nod And Raise Head
    27: Script("stand", ((0.0, vary(STAND, **HANDS_ON_HIPS)),
                         (0.2, vary(STAND, neck=(0, 0, 65), **HANDS_ON_HIPS)),
                         (0.3, vary(STAND, neck=(0, 0, 65), **HANDS_ON_HIPS))),
               period=4.0, pattern="alternating"),  # Two-way Head Turn
    28: Script("stand", ((0.0, vary(STAND, collar=(-6, 0))),
                         (0.45, vary(STAND, collar=(28, 0), upper=(0.2, -1.0, 0.02))),
                         (0.55, vary(STAND, collar=(28, 0), upper=(0.2, -1.0, 0.02)))),
               period=2.4),  # Shrug And Sink The Shoulders
    29: Script("stand", tuple((i / 8, vary(STAND, neck=n, **HANDS_ON_HIPS)) for i, n in enumerate(
        ((0, 0, 0), (38, 0, 0), (0, 0, 0), (-38, 0, 0),
         (0, 0, 0), (0, 35, 0), (0, 0, 0), (0, -35, 0)))),
        period=6.4),  # Four-way Nod Head: forward, back, left, right
}
