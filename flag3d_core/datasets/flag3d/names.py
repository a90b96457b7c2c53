"""FLAG3D sequence names, parsed into typed fields.

Two schemes exist in the release (``FORMATS.md``):

* ``mocap`` -- MoCap and rendered videos, ``S###C###M###P###A###R###`` (scene, camera, avatar,
  performer, activity, repetition); some consumers drop scene and camera (``M###P###A###R###``).
* ``natural`` -- smartphone videos, ``P<initials>_A###_V###_R###_S###``. The initials name the
  performer (:data:`NATURAL_PERFORMER_INITIALS`, P001..P010 in order). ``V`` and ``S`` are
  undocumented (probably view and scene) and are stored under those neutral names.

A trailing file extension (``.npy``, ``.npz``, ``.json``, ``.mp4`` ...) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from flag3d_core.datasets.flag3d.errors import NameParseError

__all__ = [
    "NUM_ACTIVITIES",
    "NATURAL_PERFORMER_INITIALS",
    "SequenceName",
    "parse_sequence_name",
    "try_parse_sequence_name",
    "format_mocap_name",
    "format_natural_name",
]

NUM_ACTIVITIES = 60
# Performer initials of the natural-scene videos; position + 1 is the performer number.
NATURAL_PERFORMER_INITIALS: tuple[str, ...] = (
    "PLAY", "PHR", "PLJP", "PLRH", "PCSH", "PCYJ", "PWYQ", "PZYX", "PTYZ", "PLZH",
)
_INITIALS_TO_INDEX = {tok: i + 1 for i, tok in enumerate(NATURAL_PERFORMER_INITIALS)}

_EXT = r"(?:\.[A-Za-z0-9]{1,5})?"
_MOCAP_RE = re.compile(
    r"(?:S(?P<scene>\d{3})C(?P<camera>\d{3}))?"
    r"M(?P<avatar>\d{3})P(?P<performer>\d{3})A(?P<activity>\d{3})R(?P<repetition>\d{3})" + _EXT
)
_NATURAL_RE = re.compile(
    r"(?P<performer>P[A-Z]+)_A(?P<activity>\d{3})_V(?P<view>\d{3})"
    r"_R(?P<repetition>\d{3})_S(?P<scene>\d{3})" + _EXT
)

Scheme = Literal["mocap", "natural"]


@dataclass(frozen=True)
class SequenceName:
    """One parsed sequence name.

    Attributes:
        raw: the string as given (extension included, if any).
        scheme: ``mocap`` or ``natural``.
        scene: ``S###`` number, None for the short mocap form.
        camera: ``C###`` number (mocap scheme only, None otherwise).
        avatar: ``M###`` number (mocap scheme only).
        performer: ``P001``-style id; for natural names with unknown initials, the token as
            written (e.g. ``PXYZ``).
        activity: 1..60.
        repetition: ``R###`` number.
        view: ``V###`` number (natural scheme only).
        performer_index: performer number 1..; None when the initials are unknown.
    """

    raw: str
    scheme: Scheme
    scene: int | None
    camera: int | None
    avatar: int | None
    performer: str
    activity: int
    repetition: int
    view: int | None
    performer_index: int | None

    @property
    def label(self) -> int:
        """0-based class label (``activity - 1``)."""
        return self.activity - 1

    @property
    def stem(self) -> str:
        """The name without a file extension."""
        return self.raw.rsplit(".", 1)[0] if "." in self.raw else self.raw


def _performer_id(index: int) -> str:
    return f"P{index:03d}"


def parse_sequence_name(name: str) -> SequenceName:
    """Parse a FLAG3D sequence name of either scheme.

    Raises:
        NameParseError: the string matches no scheme, or the activity is outside 1..60.
    """
    if not isinstance(name, str):
        raise NameParseError(repr(name), f"expected a string, got {type(name).__name__}")
    m = _MOCAP_RE.fullmatch(name)
    if m is not None:
        performer_index = int(m["performer"])
        seq = SequenceName(
            raw=name,
            scheme="mocap",
            scene=int(m["scene"]) if m["scene"] is not None else None,
            camera=int(m["camera"]) if m["camera"] is not None else None,
            avatar=int(m["avatar"]),
            performer=_performer_id(performer_index),
            activity=int(m["activity"]),
            repetition=int(m["repetition"]),
            view=None,
            performer_index=performer_index,
        )
    else:
        m = _NATURAL_RE.fullmatch(name)
        if m is None:
            raise NameParseError(name)
        token = m["performer"]
        performer_index = _INITIALS_TO_INDEX.get(token)
        seq = SequenceName(
            raw=name,
            scheme="natural",
            scene=int(m["scene"]),
            camera=None,
            avatar=None,
            performer=_performer_id(performer_index) if performer_index else token,
            activity=int(m["activity"]),
            repetition=int(m["repetition"]),
            view=int(m["view"]),
            performer_index=performer_index,
        )
    if not 1 <= seq.activity <= NUM_ACTIVITIES:
        raise NameParseError(name, f"activity A{seq.activity:03d} is outside A001..A060")
    return seq


def try_parse_sequence_name(name: str) -> SequenceName | None:
    """:func:`parse_sequence_name`, returning None instead of raising."""
    try:
        return parse_sequence_name(name)
    except NameParseError:
        return None


def format_mocap_name(
    *, avatar: int, performer: int, activity: int, repetition: int,
    scene: int | None = None, camera: int | None = None,
) -> str:
    """``S###C###M###P###A###R###`` (or ``M###P###A###R###`` when scene/camera are None)."""
    if (scene is None) != (camera is None):
        raise ValueError("give both scene and camera, or neither")
    prefix = "" if scene is None else f"S{scene:03d}C{camera:03d}"
    return f"{prefix}M{avatar:03d}P{performer:03d}A{activity:03d}R{repetition:03d}"


def format_natural_name(
    *, performer: int, activity: int, view: int, repetition: int, scene: int
) -> str:
    """``P<initials>_A###_V###_R###_S###`` for performer 1..10."""
    if not 1 <= performer <= len(NATURAL_PERFORMER_INITIALS):
        raise ValueError(f"natural-scene performer must be 1..10, got {performer}")
    initials = NATURAL_PERFORMER_INITIALS[performer - 1]
    return f"{initials}_A{activity:03d}_V{view:03d}_R{repetition:03d}_S{scene:03d}"
