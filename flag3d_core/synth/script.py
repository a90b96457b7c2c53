"""A motion script: the data type of one activity (what :mod:`.scripts_upper` and
:mod:`.scripts_lower` are written in; :mod:`.activities` collects them).

A :class:`Script` is a posture, a list of key poses at phases of one exercise cycle, and how
the cycle repeats: ``bilateral`` (both sides together), ``unilateral`` (one side, as written),
or ``alternating`` (the keys make the first half-cycle; the second half is their mirror image).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flag3d_core.synth.poses import Pose, mirror_pose

POSTURES = ("stand", "prone", "supine", "side_right", "side_left")
PATTERNS = ("bilateral", "unilateral", "alternating")
ANCHORS = ("feet", "knees", "hands", "pelvis")


@dataclass(frozen=True)
class Script:
    """One activity's motion script.

    Attributes:
        posture: posture frame (``stand``, ``prone``, ``supine``, ``side_right``, ``side_left``).
        keys: ``(phase, pose)`` pairs, phases increasing in [0, 1) (in [0, 0.5) when
            ``pattern='alternating'``); the cycle wraps back to the first key.
        period: seconds of one full cycle at tempo 1.
        pattern: ``bilateral`` | ``unilateral`` | ``alternating``.
        arm_frame: ``torso`` (arm directions relative to the chest) or ``base`` (relative to
            the posture frame, e.g. arms hanging with gravity while bent over).
        anchor: which body part keeps its floor position (``feet``, ``knees``, ``hands``,
            ``pelvis``); the ``support`` channel weighs left against right.
        smooth: interpolate with a periodic spline (circles) instead of eased segments.
        lying: the torso rests on the floor (tests check it stays near z = 0).
        jumps: the body leaves the floor (``lift`` > 0 in some key).
    """

    posture: str
    keys: tuple[tuple[float, Pose], ...]
    period: float
    pattern: str = "bilateral"
    arm_frame: str = "torso"
    anchor: str = "feet"
    smooth: bool = False
    lying: bool = False
    jumps: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.posture not in POSTURES:
            raise ValueError(f"unknown posture {self.posture!r}; known: {POSTURES}")
        if self.pattern not in PATTERNS:
            raise ValueError(f"unknown pattern {self.pattern!r}; known: {PATTERNS}")
        if self.anchor not in ANCHORS:
            raise ValueError(f"unknown anchor {self.anchor!r}; known: {ANCHORS}")
        phases = [p for p, _ in self.keys]
        limit = 0.5 if self.pattern == "alternating" else 1.0
        if not phases or phases[0] != 0.0 or any(b <= a for a, b in zip(phases, phases[1:],
                                                                           strict=False)):
            raise ValueError(f"key phases must start at 0 and increase: {phases}")
        if phases[-1] >= limit:
            raise ValueError(f"key phases must stay below {limit} for {self.pattern}: {phases}")

    def cycle_keys(self) -> tuple[tuple[float, Pose], ...]:
        """Keys of one full cycle, phases in [0, 1) (alternating scripts get their mirror)."""
        if self.pattern != "alternating":
            return self.keys
        return self.keys + tuple((0.5 + p, mirror_pose(k)) for p, k in self.keys)

    def mirrored(self) -> Script:
        """The same exercise performed with the other side (a left-side variant of a
        right-side script)."""
        return Script(self.posture if self.posture not in ("side_right", "side_left") else
                      ("side_left" if self.posture == "side_right" else "side_right"),
                      tuple((p, mirror_pose(k)) for p, k in self.keys), self.period,
                      self.pattern, self.arm_frame, self.anchor, self.smooth, self.lying,
                      self.jumps, self.tags)
