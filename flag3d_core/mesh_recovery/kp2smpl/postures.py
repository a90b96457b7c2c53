"""FLAG3D's postures split (Table 5 of the paper) as data: each of the 60 activities is either
``kneel_lie`` (performed kneeling, lying, sitting on the floor or in a plank/push-up support) or
``stand``.

Decided from the activity names (``flag3d_core/datasets/flag3d_taxonomy.csv``) and the
FLAG3D-Synth motion scripts (:mod:`flag3d_core.synth.scripts_upper`, ``scripts_lower``): a
script whose posture frame is not ``stand`` (prone, supine, side-lying) or whose anchor is the
knees is ``kneel_lie``; bent-over, squatting, lunging and jumping activities stand on their feet.
A test checks this table against the scripts, so a changed script cannot drift silently.
"""

from __future__ import annotations

KNEEL_LIE = "kneel_lie"
STAND = "stand"
POSTURE_CLASSES = (KNEEL_LIE, STAND)

_KNEEL_LIE_ACTIVITIES = (
    2,   # Kneeling Push-ups
    4,   # Small Dumbbell Floor Flies (lying)
    6,   # Push-ups (plank support)
    12,  # Prone Y-shape Stretch
    15,  # Lying Shoulder Joint Upward Round
    16,  # Lying Shoulder Joint Downward Round
    30,  # Lying Alternate Upper-half Leg Raise
    31,  # Half Roll Back (seated on the floor)
    32,  # Kneeling Right-side Torso Twist (tall kneel)
    34,  # Kneeling Right Leg Backward Stretch
    35,  # Kneeling Right Arm Raise
    36,  # Shoulder Bridge
    37,  # Prone Press-ups
    39,  # Lying Arm Pull
    40,  # Prone Press Up With Torso Rotation
    41,  # Breaststroke Push-ups
    42,  # Sit-ups
    43,  # Side-lying Left Leg Forward Raise
    45,  # Kneeling Left Knee Lift
    47,  # Side-lying Right Leg Backward Kick
)

# activity id ("A001".."A060") -> posture class
POSTURES: dict[str, str] = {
    f"A{a:03d}": (KNEEL_LIE if a in _KNEEL_LIE_ACTIVITIES else STAND) for a in range(1, 61)
}


def posture_of(activity_id: str) -> str:
    """The posture class (``kneel_lie`` | ``stand``) of an activity id such as ``A036``."""
    try:
        return POSTURES[activity_id]
    except KeyError:
        raise KeyError(f"no posture class for activity {activity_id!r} (A001-A060)") from None
