"""Original language instructions for the 60 FLAG3D activities (FLAG3D-Synth).

The real FLAG3D instruction texts ship only in the licensed ``instruction.zip``; the texts here
were written for this project from general coaching knowledge and describe the motions that
FLAG3D-Synth generates. Each activity has a name (exactly as in the FLAG3D taxonomy), its body
part, a 2-4 sentence description (starting posture, movement, return), a few key points and
common mistakes. ``as_release_fields`` maps a text onto the release fields ``I001``-``I004``.

Sides ("right", "left") are always the performer's own.
"""

from __future__ import annotations

from flag3d_core.synth.activity_text import ActivityText, as_release_fields
from flag3d_core.synth.instructions_lower import TEXTS as _LOWER
from flag3d_core.synth.instructions_upper import TEXTS as _UPPER

__all__ = ["INSTRUCTIONS", "ActivityText", "as_release_fields"]

INSTRUCTIONS: dict[int, ActivityText] = {text.activity: text for text in (*_UPPER, *_LOWER)}
"""Instruction texts keyed by activity number 1..60 (= taxonomy label + 1)."""
