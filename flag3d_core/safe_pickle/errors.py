"""The safe unpickler's errors (both :class:`~flag3d_core.errors.FileFormatError`)."""

from __future__ import annotations

import os

from flag3d_core.errors import FileFormatError


class PickleFormatError(FileFormatError):
    """The file is empty, truncated or not a pickle at all."""


class UnsafePickleError(FileFormatError):
    """The pickle names a global outside the allow-list; nothing was imported or called."""

    def __init__(self, path: str | os.PathLike[str], global_name: str) -> None:
        self.global_name = global_name
        FileFormatError.__init__(
            self,
            path,
            f"refused to unpickle global {global_name!r}: only numpy arrays, scalars, dtypes "
            "and builtin containers may appear in a data pickle",
        )

    def __reduce__(self) -> tuple:
        return (type(self), (self.path, self.global_name))

