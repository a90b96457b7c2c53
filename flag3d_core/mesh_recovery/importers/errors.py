"""The importers' error (a :class:`~flag3d_core.errors.FileFormatError`)."""

from __future__ import annotations

from flag3d_core.errors import FileFormatError

__all__ = ["HmrFileError"]


class HmrFileError(FileFormatError):
    """Another HMR method's output file that cannot be imported: not the format asked for, a
    missing key, a wrong shape, frame counts that disagree, NaN/inf values."""
