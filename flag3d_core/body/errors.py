"""Errors of the body-model package."""

from __future__ import annotations

from flag3d_core.safe_pickle import FileFormatError

__all__ = ["BodyModelError", "BodyModelNotFoundError"]


class BodyModelError(FileFormatError):
    """A body-model file is unusable; the message names the file and what is wrong with it."""


class BodyModelNotFoundError(BodyModelError):
    """No body-model file in the body-model directory."""
