"""Motion scripts A030-A060: abdomen, waist, hip, leg and whole-body activities.

Directions are (out, up, fwd) per side (see :mod:`.poses`); angles in degrees; ``lift`` in
metres; ``support`` = (left, right) weight of the stance limb that keeps its floor position.
"""

from __future__ import annotations

from flag3d_core.synth.poses import (
    BENT_OVER,
    FLAT_HANDS,
    HALF_SQUAT,
    HANDS_ON_HIPS,
    PLANK,
    PLANK_LOW,
    PRONE_HANDS,
    QUADRUPED,
    SIDE_LYING,
    SQUAT,
    STAND,
    SUPINE,
    SUPINE_KNEES,
    TALL_KNEEL,
    mirror_pose,
    sph,
    vary,
)
from flag3d_core.synth.script import Script

PRESS_ARMS = dict(upper=(0.4, -1.0, 0.2), fore=(0.05, 0.4, 1.0), wrist=FLAT_HANDS)
SEATED = vary(SUPINE_KNEES, pelvis=(78, 0, 0), spine=(18, 0, 0), upper=sph(80, 85),
              fore=sph(80, 85), thigh=(0.12, -0.75, 0.65), shin=(0.0, -0.65, -0.75))
LUNGE_R_BACK = vary(STAND, pelvis=(8, 0, 0), l_thigh=(0.07, -0.25, 1.0), l_shin=(0.0, -1.0, -0.08),
                    l_ankle=-8, r_thigh=(0.06, -1.0, -0.55), r_shin=(0.0, -0.25, -1.0),
                    r_ankle=45, support=(1.0, 0.0), **HANDS_ON_HIPS)
STEP_R_BACK = vary(STAND, r_thigh=(0.06, -1.0, -0.25), r_shin=(0.0, -0.55, -0.85), r_ankle=30,
                   support=(1.0, 0.0), **HANDS_ON_HIPS)
STAND_HIPS = vary(STAND, **HANDS_ON_HIPS)
KNEE_UP_L = dict(l_thigh=(0.06, 0.05, 1.0), l_shin=(0.0, -1.0, -0.05), l_ankle=20,
                 support=(0.0, 1.0))
SUMO = dict(thigh=(0.45, -1.0, 0.0), shin=(0.1, -1.0, 0.0), upper=(0.25, -0.7, 0.6),
            fore=(-0.95, 0.15, 0.3))
JACK_IN = vary(STAND, upper=sph(12, 0), fore=sph(12, 0), ankle=8)
JACK_AIR = vary(STAND, upper=sph(90, 0), fore=sph(95, 0), thigh=(0.2, -1.0, 0.0), ankle=25,
                lift=0.11)
JACK_OUT = vary(STAND, upper=sph(165, 0), fore=sph(170, 0), thigh=(0.38, -1.0, 0.05),
                shin=(0.25, -1.0, 0.0), ankle=8)
RUN_ARMS_L = dict(l_upper=sph(30, -60), l_fore=(0.05, 0.1, 1.0), r_upper=sph(35, 80),
                  r_fore=(-0.2, 0.9, 0.6))


LOWER: dict[int, Script] = {
    # --- abdomen -----------------------------------------------------------------------
    30: Script("supine", (  # Lying Alternate Upper-half Leg Raise: straight legs, one at a time
        (0.0, SUPINE),
        (0.25, vary(SUPINE, l_thigh=(0.06, -0.5, 0.85), l_shin=(0.04, -0.5, 0.85))),
    ), period=3.6, pattern="alternating", lying=True, anchor="pelvis"),
    31: Script("supine", (  # Half Roll Back: seated, roll back halfway, return
        (0.0, SEATED),
        (0.5, vary(SEATED, pelvis=(38, 0, 0), spine=(35, 0, 0), neck=(20, 0, 0))),
    ), period=3.4, anchor="feet"),
    32: Script("stand", (  # Kneeling Right-side Torso Twist: tall kneel, arms out, twist right
        (0.0, vary(TALL_KNEEL, upper=sph(88, 15), fore=sph(88, 15))),
        (0.5, vary(TALL_KNEEL, upper=sph(88, 15), fore=sph(88, 15), spine=(0, 0, -50),
                   neck=(0, 0, -15))),
    ), period=2.8, pattern="unilateral", anchor="knees"),
    33: Script("stand", (  # Left-side Knee Raise And Abdominal Contract: arms pull down to knee
        (0.0, vary(STAND, upper=sph(160, 25), fore=sph(165, 25))),
        (0.5, vary(STAND, spine=(28, 0, 0), neck=(12, 0, 0), upper=sph(55, 50),
                   fore=(-0.4, -0.3, 0.85), **KNEE_UP_L)),
    ), period=2.4, pattern="unilateral"),
    34: Script("prone", (  # Kneeling Right Leg Backward Stretch: leg extends straight back
        (0.0, QUADRUPED),
        (0.5, vary(QUADRUPED, r_thigh=(0.05, -1.0, -0.12), r_shin=(0.0, -1.0, -0.12),
                   r_ankle=20, support=(1.0, 0.0))),
    ), period=3.0, pattern="unilateral", arm_frame="base", anchor="knees"),
    35: Script("prone", (  # Kneeling Right Arm Raise: right arm reaches forward to horizontal
        (0.0, QUADRUPED),
        (0.5, vary(QUADRUPED, r_upper=(0.08, 1.0, -0.1), r_fore=(0.05, 1.0, -0.1))),
    ), period=3.0, pattern="unilateral", arm_frame="base", anchor="knees"),
    # --- waist -------------------------------------------------------------------------
    36: Script("supine", (  # Shoulder Bridge: hips rise from the floor and lower
        (0.0, SUPINE_KNEES),
        (0.5, vary(SUPINE_KNEES, pelvis=(-26, 0, 0), spine=(-5, 0, 0), neck=(25, 0, 0),
                   thigh=(0.1, -1.0, 0.15), shin=(0.0, -0.35, -1.0), upper=(0.18, -1.0, -0.35),
                   fore=(0.1, -1.0, -0.1))),
    ), period=3.4, lying=True, anchor="feet"),
    37: Script("prone", (  # Prone Press-ups: arms press the chest up, hips stay down
        (0.0, PRONE_HANDS),
        (0.5, vary(PRONE_HANDS, spine=(-60, 0, 0), neck=(-15, 0, 0), **PRESS_ARMS)),
    ), period=3.2, arm_frame="base", lying=True, anchor="pelvis"),
    38: Script("stand", (  # Bent-over Torso Rotation: windmill twist, arms in a T
        (0.0, vary(BENT_OVER, pelvis=(75, 0, 0), spine=(10, 0, 40), thigh=(0.35, -1.0, 0.1),
                   upper=sph(90, 0), fore=sph(90, 0))),
    ), period=3.2, pattern="alternating"),
    39: Script("supine", (  # Lying Arm Pull: arms from overhead over the body to the thighs
        (0.0, vary(SUPINE_KNEES, upper=(0.2, 1.0, 0.12), fore=(0.15, 1.0, 0.12))),
        (0.25, vary(SUPINE_KNEES, upper=(0.12, 0.1, 1.0), fore=(0.12, 0.1, 1.0))),
        (0.5, vary(SUPINE_KNEES, upper=(0.18, -1.0, 0.3), fore=(0.12, -1.0, 0.35))),
        (0.75, vary(SUPINE_KNEES, upper=(0.12, -0.1, 1.0), fore=(0.12, -0.1, 1.0))),
    ), period=3.6, smooth=True, lying=True, anchor="pelvis"),
    40: Script("prone", (  # Prone Press Up With Torso Rotation: press, open one arm upward
        (0.0, PRONE_HANDS),
        (0.15, vary(PRONE_HANDS, spine=(-45, 0, 0), **PRESS_ARMS)),
        (0.3, vary(PRONE_HANDS, spine=(-35, 0, 35), r_upper=(0.6, -1.0, 0.1),
                   r_fore=(0.05, 0.2, 1.0), r_wrist=FLAT_HANDS, l_upper=(0.6, 0.0, -1.0),
                   l_fore=(0.6, 0.0, -1.0))),
        (0.4, vary(PRONE_HANDS, spine=(-45, 0, 0), **PRESS_ARMS)),
    ), period=5.0, pattern="alternating", arm_frame="base", lying=True, anchor="pelvis"),
    41: Script("prone", (  # Breaststroke Push-ups: pike, glide low, press to a cobra
        (0.0, vary(PLANK, pelvis=(35, 0, 0), thigh=(0.05, -0.7, 0.75), shin=(0.0, -0.7, 0.75),
                   upper=(0.15, 0.55, 0.85), fore=(0.05, 0.55, 0.85), neck=(10, 0, 0))),
        (0.35, vary(PLANK_LOW, pelvis=(-4, 0, 0))),
        (0.65, vary(PLANK, pelvis=(-12, 0, 0), spine=(-30, 0, 0), thigh=(0.05, -1.0, 0.2),
                    shin=(0.0, -1.0, 0.2), neck=(-20, 0, 0))),
    ), period=3.4, arm_frame="base", anchor="feet"),
    42: Script("supine", (  # Sit-ups: knees bent, arms crossed, torso rises to the knees
        (0.0, vary(SUPINE_KNEES, upper=(0.25, -0.5, 0.8), fore=(-0.95, 0.3, 0.1), neck=(10, 0, 0))),
        (0.5, vary(SUPINE_KNEES, pelvis=(52, 0, 0), spine=(30, 0, 0), neck=(15, 0, 0),
                   upper=(0.25, -0.5, 0.8), fore=(-0.95, 0.3, 0.1))),
    ), period=3.0, anchor="feet"),
    # --- hip ---------------------------------------------------------------------------
    43: Script("side_right", (  # Side-lying Left Leg Forward Raise: top leg swings forward
        (0.0, vary(SIDE_LYING, l_thigh=(0.05, -1.0, 0.05), l_shin=(0.0, -1.0, 0.05),
                   r_upper=(0.15, 1.0, 0.1), r_fore=(-0.3, 0.5, 0.8), l_upper=(0.1, -0.4, 0.9),
                   l_fore=(-0.7, -0.2, 0.7))),
        (0.5, vary(SIDE_LYING, l_thigh=(0.1, -0.5, 0.85), l_shin=(0.1, -0.5, 0.85),
                   r_upper=(0.15, 1.0, 0.1), r_fore=(-0.3, 0.5, 0.8), l_upper=(0.1, -0.4, 0.9),
                   l_fore=(-0.7, -0.2, 0.7))),
    ), period=2.6, pattern="unilateral", lying=True, anchor="pelvis"),
    44: Script("stand", ((0.0, vary(STAND_HIPS, support=(1.0, 0.0))), (0.22, STEP_R_BACK),
                         (0.45, LUNGE_R_BACK), (0.7, STEP_R_BACK)),
               period=3.2, pattern="unilateral"),  # Right Leg Reverse Lunge
    45: Script("prone", (  # Kneeling Left Knee Lift: bent left knee lifts out to the side
        (0.0, QUADRUPED),
        (0.5, vary(QUADRUPED, l_thigh=(1.0, -0.1, 0.25), l_shin=(0.25, -1.0, 0.0),
                   support=(0.0, 1.0))),
    ), period=2.4, pattern="unilateral", arm_frame="base", anchor="knees"),
    46: Script("stand", ((0.0, vary(STAND_HIPS, support=(1.0, 0.0))), (0.12, STEP_R_BACK),
                         (0.25, LUNGE_R_BACK), (0.38, STEP_R_BACK)),
               period=5.6, pattern="alternating"),  # Alternate Reverse Lunge
    47: Script("side_left", (  # Side-lying Right Leg Backward Kick: top leg kicks back
        (0.0, vary(SIDE_LYING, r_thigh=(0.05, -1.0, 0.2), r_shin=(0.0, -1.0, 0.2),
                   l_upper=(0.15, 1.0, 0.1), l_fore=(-0.3, 0.5, 0.8), r_upper=(0.1, -0.4, 0.9),
                   r_fore=(-0.7, -0.2, 0.7))),
        (0.5, vary(SIDE_LYING, r_thigh=(0.1, -0.7, -0.7), r_shin=(0.1, -0.75, -0.6),
                   r_ankle=30, l_upper=(0.15, 1.0, 0.1), l_fore=(-0.3, 0.5, 0.8),
                   r_upper=(0.1, -0.4, 0.9), r_fore=(-0.7, -0.2, 0.7))),
    ), period=2.4, pattern="unilateral", lying=True, anchor="pelvis"),
    48: Script("stand", (  # Left Leg Lunge With Knee Lift: step back, then drive the knee up
        (0.0, vary(STAND_HIPS, support=(0.0, 1.0))),
        (0.3, vary(mirror_pose(LUNGE_R_BACK), support=(0.0, 1.0))),
        (0.6, vary(STAND_HIPS, **KNEE_UP_L)),
    ), period=3.6, pattern="unilateral"),
    49: Script("stand", ((0.0, vary(STAND, **SUMO)),  # Sumo Squat: wide stance, knees out
                         (0.5, vary(STAND, pelvis=(25, 0, 0), spine=(5, 0, 0),
                                    thigh=(0.85, -0.55, 0.75), shin=(0.15, -1.0, -0.2),
                                    ankle=-12, upper=SUMO["upper"], fore=SUMO["fore"]))),
               period=3.2),
    50: Script("stand", ((0.0, STAND_HIPS), (0.4, vary(STAND_HIPS, ankle=38)),
                         (0.6, vary(STAND_HIPS, ankle=38))), period=2.2),  # Calf Raise
    51: Script("stand", (  # Squat Jump: squat, explode up, land softly
        (0.0, vary(SQUAT, upper=sph(40, -60), fore=sph(40, -60))),
        (0.3, vary(STAND, ankle=30, upper=sph(150, 80), fore=sph(155, 80))),
        (0.45, vary(STAND, ankle=35, lift=0.32, upper=sph(160, 70), fore=sph(160, 70))),
        (0.6, vary(STAND, ankle=25, upper=sph(120, 80), fore=sph(120, 80))),
        (0.8, vary(SQUAT, upper=sph(60, 70), fore=sph(70, 70))),
    ), period=2.4, jumps=True),
    52: Script("stand", (  # Squat With Alternate Knee Lift
        (0.0, vary(SQUAT, **{k: v for k, v in SUMO.items() if "thigh" not in k and
                             "shin" not in k})),
        (0.2, vary(STAND, upper=SUMO["upper"], fore=SUMO["fore"])),
        (0.3, vary(STAND, upper=SUMO["upper"], fore=SUMO["fore"], spine=(8, 0, 0),
                   **KNEE_UP_L)),
        (0.4, vary(STAND, upper=SUMO["upper"], fore=SUMO["fore"])),
    ), period=4.8, pattern="alternating"),
    53: Script("stand", (  # Standing Alternate Butt Kick: slow, heel to the glutes
        (0.0, STAND_HIPS),
        (0.25, vary(STAND_HIPS, l_thigh=(0.06, -1.0, -0.1), l_shin=(0.0, 0.6, -0.8),
                    l_ankle=35, support=(0.0, 1.0))),
    ), period=2.4, pattern="alternating"),
    54: Script("stand", tuple(  # Knee Warm-up: hands on knees, knees circle together
        (i / 4, vary(STAND, pelvis=(35, 0, 0), spine=(22, 0, 0), neck=(-20, 0, 0),
                     l_thigh=(0.05 + dx, -0.9, 0.35 + dz), r_thigh=(0.05 - dx, -0.9, 0.35 + dz),
                     shin=(0.0, -1.0, -0.3), ankle=-12, upper=(0.1, -1.0, 0.45),
                     fore=(0.0, -1.0, 0.35)))
        for i, (dx, dz) in enumerate(((0.0, 0.25), (0.22, 0.05), (0.0, -0.15), (-0.22, 0.05)))
    ), period=2.4, smooth=True),
    # --- whole body --------------------------------------------------------------------
    55: Script("stand", (  # Butt Kicks: jogging in place, heels kick up, arms swing
        (0.0, vary(STAND, spine=(8, 0, 0), l_thigh=(0.06, -1.0, -0.1), l_shin=(0.0, 0.4, -0.9),
                   l_ankle=40, lift=0.0, support=(0.0, 1.0), **RUN_ARMS_L)),
        (0.25, vary(STAND, spine=(8, 0, 0), r_ankle=25, lift=0.05, **RUN_ARMS_L)),
    ), period=1.2, pattern="alternating", jumps=True),
    56: Script("stand", (  # Jump Left and Right: feet together, hop side to side
        (0.0, vary(HALF_SQUAT, shift=0.25, upper=sph(30, 40), fore=sph(60, 80))),
        (0.15, vary(STAND, shift=0.25, ankle=30, upper=sph(45, 60), fore=sph(70, 80))),
        (0.25, vary(STAND, shift=0.0, ankle=30, lift=0.16, upper=sph(45, 60),
                    fore=sph(70, 80))),
        (0.35, vary(STAND, shift=-0.25, ankle=20, upper=sph(40, 50), fore=sph(65, 80))),
    ), period=1.8, pattern="alternating", jumps=True),
    57: Script("stand", ((0.0, JACK_IN), (0.25, JACK_AIR), (0.5, JACK_OUT),
                         (0.75, JACK_AIR)), period=1.1, jumps=True),  # Jumping Jacks
    58: Script("stand", (  # High Knee: running in place, thighs to horizontal
        (0.0, vary(STAND, **KNEE_UP_L, **RUN_ARMS_L)),
        (0.25, vary(STAND, r_ankle=25, lift=0.06, **RUN_ARMS_L)),
    ), period=1.0, pattern="alternating", jumps=True),
    59: Script("stand", (  # Clap Jacks: jacks with straight arms clapping in front
        (0.0, vary(JACK_IN, upper=sph(88, 86), fore=sph(88, 88))),
        (0.25, vary(JACK_AIR, upper=sph(88, 40), fore=sph(88, 40))),
        (0.5, vary(JACK_OUT, upper=sph(88, -12), fore=sph(88, -12))),
        (0.75, vary(JACK_AIR, upper=sph(88, 40), fore=sph(88, 40))),
    ), period=1.2, jumps=True),
    60: Script("stand", (  # Run In Place With Arm Swing: moderate knee lift, big arm swing
        (0.0, vary(STAND, l_thigh=(0.06, -1.0, 0.55), l_shin=(0.0, -0.6, -0.8), l_ankle=25,
                   support=(0.0, 1.0), l_upper=sph(35, -80), l_fore=(0.0, -0.6, -1.0),
                   r_upper=sph(45, 85), r_fore=(-0.1, 0.8, 0.6))),
        (0.25, vary(STAND, r_ankle=25, lift=0.05, upper=sph(15, 0), fore=(0.0, -0.3, 1.0))),
    ), period=1.1, pattern="alternating", jumps=True),
}
