"""The 60 FLAG3D activities as motion scripts (data, not code).

A :class:`~flag3d_core.synth.script.Script` is a posture, a list of key poses at phases of one
exercise cycle, and how the cycle repeats (see :mod:`.script`). The scripts themselves live
in :mod:`.scripts_upper` (A001-A029) and :mod:`.scripts_lower` (A030-A060); activity names
come from the packaged FLAG3D taxonomy.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

from flag3d_core.synth.script import ANCHORS, PATTERNS, POSTURES, Script

__all__ = ["ANCHORS", "PATTERNS", "POSTURES", "Script", "activity_names", "scripts"]

_TAXONOMY = files("flag3d_core.datasets") / "flag3d_taxonomy.csv"  # package data


@cache
def activity_names() -> dict[int, str]:
    """Activity number (1-60) -> name, read from the packaged FLAG3D taxonomy."""
    try:
        with open(_TAXONOMY, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise FileNotFoundError(f"FLAG3D taxonomy not found at {_TAXONOMY}: {exc}") from exc
    names = {int(r["label"]) + 1: r["activity"].strip() for r in rows}
    if sorted(names) != list(range(1, 61)):
        raise ValueError(f"{_TAXONOMY}: expected labels 0-59, got {sorted(names)}")
    return names


@cache
def scripts() -> dict[int, Script]:
    """Activity number (1-60) -> its motion script."""
    from flag3d_core.synth.scripts_lower import LOWER
    from flag3d_core.synth.scripts_upper import UPPER

    table = {**UPPER, **LOWER}
    if sorted(table) != list(range(1, 61)):
        missing = sorted(set(range(1, 61)) - set(table))
        raise RuntimeError(f"motion scripts missing for activities {missing}")
    return table
