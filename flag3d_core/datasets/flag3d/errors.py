"""Errors of the FLAG3D loaders.

File-level problems raise a :class:`FileFormatError` subclass whose message starts with the file;
problems with one record inside a file are not exceptions (the skeleton reader yields a
``SkippedRecord`` instead) so that one bad sequence never stops an ingest.
"""

from __future__ import annotations

from flag3d_core.errors import FileFormatError
from flag3d_core.safe_pickle import PickleFormatError, UnsafePickleError

__all__ = [
    "FileFormatError",
    "PickleFormatError",
    "UnsafePickleError",
    "SkeletonFileError",
    "SmplFileError",
    "InstructionFileError",
    "NameParseError",
]


class SkeletonFileError(FileFormatError):
    """A pyskl skeleton pickle has the wrong top-level structure."""


class SmplFileError(FileFormatError):
    """An EasyMocap SMPL parameter file is missing keys or has wrong shapes/values."""


class InstructionFileError(FileFormatError):
    """An instruction zip/JSON is unreadable or lacks a required field."""


class NameParseError(ValueError):
    """A string is not a FLAG3D sequence name in any known scheme."""

    def __init__(self, name: str, problem: str = "") -> None:
        self.name = name
        detail = f": {problem}" if problem else ""
        super().__init__(
            f"not a FLAG3D sequence name: {name!r}{detail} (expected S###C###M###P###A###R###, "
            "M###P###A###R### or P<initials>_A###_V###_R###_S###)"
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.name,))
