"""FLAG3D evaluation protocols as data (``FORMATS.md``).

* ``in-domain``: 3D skeletons; performers P001, P005, P010 are the test set, the rest train.
* ``cross-domain``: 2D keypoints; train on the rendered-camera domain (mocap-scheme names),
  test on the natural-scene smartphone domain (natural-scheme names). The paper's train set
  uses scene S001, cameras C001/C002/C006 and avatars M001-M004 only; ``strict=True`` applies
  that filter and returns None for rendered sequences outside it.
"""

from __future__ import annotations

from typing import Literal

from flag3d_core.datasets.flag3d.names import SequenceName

__all__ = [
    "PROTOCOLS",
    "IN_DOMAIN_TEST_PERFORMERS",
    "CROSS_DOMAIN_TRAIN_SCENES",
    "CROSS_DOMAIN_TRAIN_CAMERAS",
    "CROSS_DOMAIN_TRAIN_AVATARS",
    "in_domain_split",
    "cross_domain_split",
    "protocol_split",
]

Split = Literal["train", "test"]

PROTOCOLS: tuple[str, ...] = ("in-domain", "cross-domain")
IN_DOMAIN_TEST_PERFORMERS: tuple[int, ...] = (1, 5, 10)
CROSS_DOMAIN_TRAIN_SCENES: tuple[int, ...] = (1,)
CROSS_DOMAIN_TRAIN_CAMERAS: tuple[int, ...] = (1, 2, 6)
CROSS_DOMAIN_TRAIN_AVATARS: tuple[int, ...] = (1, 2, 3, 4)


def in_domain_split(name: SequenceName) -> Split:
    """``test`` for performers 1, 5, 10, ``train`` otherwise.

    Raises:
        ValueError: the performer is unknown (natural name with unrecognised initials).
    """
    if name.performer_index is None:
        raise ValueError(f"{name.raw}: unknown performer {name.performer!r}, no in-domain split")
    return "test" if name.performer_index in IN_DOMAIN_TEST_PERFORMERS else "train"


def cross_domain_split(name: SequenceName, *, strict: bool = False) -> Split | None:
    """``train`` for the rendered domain (mocap scheme), ``test`` for natural-scene names.

    With ``strict=True`` a rendered sequence outside the paper's train cameras/scenes/avatars
    (or a short name without scene/camera) gets None: not part of the protocol.
    """
    if name.scheme == "natural":
        return "test"
    if not strict:
        return "train"
    ok = (
        name.scene in CROSS_DOMAIN_TRAIN_SCENES
        and name.camera in CROSS_DOMAIN_TRAIN_CAMERAS
        and name.avatar in CROSS_DOMAIN_TRAIN_AVATARS
    )
    return "train" if ok else None


def protocol_split(protocol: str, name: SequenceName) -> Split | None:
    """Dispatch by protocol id (``in-domain`` | ``cross-domain``)."""
    if protocol == "in-domain":
        return in_domain_split(name)
    if protocol == "cross-domain":
        return cross_domain_split(name)
    raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
