"""The instruction record of one activity and its mapping onto FLAG3D's release fields.

The texts themselves are data in ``instructions_upper.py`` / ``instructions_lower.py``;
``instructions_text.INSTRUCTIONS`` collects them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActivityText:
    """Instruction text of one activity (activity number = taxonomy label + 1)."""

    activity: int
    name: str
    body_part: str
    description: str
    key_points: tuple[str, ...]
    mistakes: tuple[str, ...]


def _as_sentence(text: str) -> str:
    """Strip ``text`` and end it with a full stop unless it already ends a sentence."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def as_release_fields(text: ActivityText) -> dict[str, str]:
    """FLAG3D instruction fields of one activity.

    Returns ``{"I001": name, "I002": description, "I003": key points, "I004": mistakes}``,
    key points and mistakes each joined into one paragraph of sentences.
    """
    return {
        "I001": text.name,
        "I002": text.description,
        "I003": " ".join(_as_sentence(point) for point in text.key_points),
        "I004": " ".join(_as_sentence(mistake) for mistake in text.mistakes),
    }
