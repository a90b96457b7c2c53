"""Id-like words of a search query: FLAG3D release names and A### / P### / R### / C### tokens.

``A017`` (or ``a17``) names activity 17, ``P002`` performer 2, ``R003`` repetition 3, ``C002``
camera 2; they may be run together as in release names (``P002A017``). A whole release name
(``S001C001M001P002A017R001``, ``PHR_A017_V001_R003_S001``) or a sequence id
(``flag3d/mocap/...``) is looked up as it is and also gives its fields. ``S###`` and ``M###``
(scene, avatar) are matched as text in the release names. Words that are not id-like stay in
:attr:`IdTokens.rest` for the keyword and semantic search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flag3d_core.datasets.flag3d.names import NUM_ACTIVITIES, try_parse_sequence_name

__all__ = ["IdTokens", "parse_id_tokens"]

# One run of id pieces: the whole word must be made of them.
_PIECE = re.compile(r"([SCMPAR])(\d{1,3})(?!\d)")
_PIECES = re.compile(r"(?:[SCMPAR]\d{1,3}(?!\d))+")
_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class IdTokens:
    """The id-like part of a query.

    Attributes:
        activity_ids: 'A017'-style ids, in query order.
        performer: 'P002' (the first one given), or None.
        repetition: repetition number, or None.
        camera: camera number, or None.
        name_like: text to find inside release names (a word with S### or M### pieces).
        exact: a whole release name or sequence id as typed, to look up.
        rest: the query without its id-like words.
    """

    activity_ids: tuple[str, ...] = ()
    performer: str | None = None
    repetition: int | None = None
    camera: int | None = None
    name_like: str | None = None
    exact: str | None = None
    rest: str = ""

    @property
    def any(self) -> bool:
        """Whether the query names sequences at all."""
        return bool(self.activity_ids or self.performer or self.repetition is not None
                    or self.camera is not None or self.name_like or self.exact)


def parse_id_tokens(query: str) -> IdTokens:
    """Split ``query`` into its id-like words (see the module docstring) and the rest."""
    acts: list[str] = []
    performer: str | None = None
    repetition: int | None = None
    camera: int | None = None
    name_like: str | None = None
    exact: str | None = None
    rest: list[str] = []
    for word in (w for w in _SPLIT.split(query.strip()) if w):
        name = word.rsplit("/", 1)[-1]
        parsed = try_parse_sequence_name(name)
        if parsed is not None:  # a release name: its own fields (any camera: its siblings)
            exact = exact or word
            acts.append(f"A{parsed.activity:03d}")
            performer = performer or parsed.performer
            repetition = repetition if repetition is not None else parsed.repetition
            continue
        upper = word.upper()
        if not _PIECES.fullmatch(upper):
            rest.append(word)
            continue
        pieces = [(k, int(n)) for k, n in _PIECE.findall(upper)]
        for kind, n in pieces:
            if kind == "A" and 1 <= n <= NUM_ACTIVITIES:
                acts.append(f"A{n:03d}")
            elif kind == "P" and performer is None:
                performer = f"P{n:03d}"
            elif kind == "R" and repetition is None:
                repetition = n
            elif kind == "C" and camera is None:
                camera = n
        if any(kind in "SM" for kind, _ in pieces) and name_like is None:
            name_like = "".join(f"{k}{n:03d}" for k, n in pieces)
    return IdTokens(tuple(dict.fromkeys(acts)), performer, repetition, camera, name_like, exact,
                    " ".join(rest))
