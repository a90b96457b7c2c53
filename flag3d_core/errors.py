"""The project's error types, in one place.

Every error a user can cause (a bad file, an id that is not in the catalog, an unusable upload,
no catalog yet) derives from :class:`Flag3dError`, so the app and the CLI show its message and
nothing else: the message always says what to fix. Each also derives from the built-in exception
that older callers caught (``ValueError``, ``KeyError``, ``FileNotFoundError``), so catching those
keeps working.
"""

from __future__ import annotations

import os

__all__ = [
    "CatalogMissingError",
    "FileFormatError",
    "Flag3dError",
    "IncompatibleInputError",
    "NotInCatalogError",
    "OutputPathError",
    "UploadError",
]


class Flag3dError(Exception):
    """Base of every error whose message is meant for the user as it is."""


class FileFormatError(Flag3dError, ValueError):
    """A data file is unreadable or does not have the expected structure.

    The base of every file-level loader error in the project (the dataset loaders, the safe
    unpickler and the body model subclass it). The message always starts with the file so that
    a user sees which file to fix.
    """

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple:  # keep the exception picklable (multiprocessing workers)
        return (type(self), (self.path, self.problem))


class NotInCatalogError(Flag3dError, KeyError):
    """A sequence (or one of its arrays, or a run) that the catalog does not hold."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message

    def __reduce__(self) -> tuple:
        return (type(self), (self.message,))


class UploadError(Flag3dError, ValueError):
    """An uploaded file that cannot be used; the message names the file and the problem."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")

    def __reduce__(self) -> tuple:
        return (type(self), (self.name, self.problem))


class IncompatibleInputError(Flag3dError, ValueError):
    """An operation that cannot take this input: a model trained on another joint layout, a
    mesh render without a body model, an unknown format or view."""


class CatalogMissingError(Flag3dError, FileNotFoundError):
    """The catalog file does not exist (run ``make app`` or ``flag3d setup``)."""


class OutputPathError(Flag3dError, OSError):
    """A file cannot be written where asked: the target is a folder, its folder is missing or
    is a file, or the folder is not writable (permissions, a read-only file system, no space).
    The message starts with the target, then the problem."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __str__(self) -> str:  # OSError would format (errno, strerror) pairs
        return f"{self.path}: {self.problem}"

    def __reduce__(self) -> tuple:
        return (type(self), (self.path, self.problem))
