"""What a generation request may ask for: checked before any model runs, with a message that
says what to change."""

from __future__ import annotations

import unicodedata

from flag3d_core.errors import Flag3dError

__all__ = ["MAX_PROMPT_CHARS", "MAX_SAMPLES", "MAX_SECONDS", "MIN_SECONDS", "PromptError",
           "check_length", "check_prompt", "check_samples"]

MAX_PROMPT_CHARS = 500
MIN_SECONDS = 1.0
MAX_SECONDS = 120.0
MAX_SAMPLES = 8
_MIN_LATIN_SHARE = 0.6  # of the letters: all-MiniLM-L6-v2 was trained on English text


class PromptError(Flag3dError, ValueError):
    """A prompt, length or sample count the generators cannot take."""


def check_prompt(text: str) -> str:
    """The prompt with whitespace collapsed; raises :class:`PromptError` for an empty one, one
    over :data:`MAX_PROMPT_CHARS` characters, or one mostly in a non-Latin script."""
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise PromptError("the prompt is empty: describe a motion, e.g. 'raise both arms out "
                          "to the sides and lower them slowly'")
    if len(cleaned) > MAX_PROMPT_CHARS:
        raise PromptError(f"the prompt has {len(cleaned):,} characters; at most "
                          f"{MAX_PROMPT_CHARS} are used (one or two sentences work best)")
    letters = [c for c in cleaned if c.isalpha()]
    if not letters:
        raise PromptError("the prompt has no words: describe a motion in English")
    latin = sum("LATIN" in unicodedata.name(c, "") for c in letters)
    if latin < _MIN_LATIN_SHARE * len(letters):
        raise PromptError("the prompt is mostly in a non-Latin script; the text encoder "
                          "(all-MiniLM-L6-v2) understands English: please write it in English")
    return cleaned


def check_length(seconds: float) -> float:
    """``seconds`` as a float; raises :class:`PromptError` outside [MIN_SECONDS, MAX_SECONDS]."""
    try:
        s = float(seconds)
    except (TypeError, ValueError):
        raise PromptError(f"the length must be a number of seconds, got {seconds!r}") from None
    if not MIN_SECONDS <= s <= MAX_SECONDS:
        raise PromptError(f"the length must be between {MIN_SECONDS:g} and {MAX_SECONDS:g} s, "
                          f"got {s:g} s")
    return s


def check_samples(n: int) -> int:
    """``n`` as an int; raises :class:`PromptError` outside [1, MAX_SAMPLES]."""
    if not 1 <= int(n) <= MAX_SAMPLES:
        raise PromptError(f"between 1 and {MAX_SAMPLES} samples per request, got {n}")
    return int(n)
