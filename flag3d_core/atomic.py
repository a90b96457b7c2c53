"""Atomic file output: every file the project writes appears whole, or not at all.

A file is written to a temporary file BESIDE its target (same folder, so the final rename never
crosses file systems), flushed and fsync'ed, then ``os.replace``d over the target; on any failure
the temporary file is removed and a previous target is left as it was. A reader (the app, a
second process, a crash-restarted job) therefore never sees a half-written export, checkpoint,
video or release file.

Three ways in, one implementation (:class:`PendingFile`):

* ``with atomic_write(path) as fh: fh.write(...)``: a file object (binary or text);
* ``with atomic_path(path) as tmp: torch.save(obj, tmp)``: a temporary *path*, for writers that
  want a file name (ffmpeg, ``cv2.imwrite``, ``np.savez`` by name). Its name ends in the
  target's suffix (``.mp4``, ``.npz``), so writers that pick a format by extension, or append
  one when it is missing, do the right thing;
* ``atomic_write_bytes(path, data)`` / ``atomic_write_text(path, text)``.

A bad target (a folder, a missing folder, a file where a folder should be, no permission, a
read-only file system) raises :class:`~flag3d_core.errors.OutputPathError` naming the target
and the problem, before anything is written. :func:`check_output_path` runs the same checks up
front, so a command can refuse a bad ``--out`` before a long render.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from flag3d_core.errors import OutputPathError

__all__ = [
    "PendingFile",
    "atomic_path",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_output_path",
    "check_writable_dir",
]

_PROBLEMS = {
    errno.EACCES: "no permission to write in {folder}",
    errno.EPERM: "no permission to write in {folder}",
    errno.EROFS: "{folder} is on a read-only file system",
    errno.ENOSPC: "no space left on the device of {folder}",
    errno.EDQUOT: "disk quota exceeded in {folder}",
    errno.EISDIR: "is a folder; give a file name inside it",
    errno.ENOTDIR: "a part of its folder {folder} is a file, not a folder",
    errno.ENOENT: "the folder {folder} does not exist",
    errno.ENAMETOOLONG: "the file name is too long",
}


def _problem(exc: OSError, folder: Path) -> str:
    """A sentence for an OSError met while creating, syncing or renaming an output file."""
    template = _PROBLEMS.get(exc.errno or -1)
    if template is None:
        return f"cannot write in {folder} ({exc.strerror or exc})"
    return template.format(folder=folder)


def check_output_path(path: str | os.PathLike[str], *, make_parents: bool = False) -> Path:
    """The target as a Path, after checking that a file can be created there.

    Args:
        path: the file to write.
        make_parents: create missing folders (internal outputs: caches, checkpoints, release
            trees); otherwise a missing folder is an error (a user's ``--out`` with a typo).

    Raises:
        OutputPathError: the target is a folder, its folder is missing (without
            ``make_parents``) or is a file, or the folder is not writable.
    """
    target = Path(path)
    if target.name in ("", ".", ".."):
        raise OutputPathError(target, "is a folder; give a file name inside it")
    if target.is_dir():
        raise OutputPathError(target, "is a folder; give a file name inside it")
    folder = target.parent
    if not folder.is_dir():
        if folder.exists() or any(p.exists() and not p.is_dir() for p in folder.parents):
            raise OutputPathError(target, f"a part of its folder {folder} is a file, not a folder")
        if not make_parents:
            raise OutputPathError(target, f"the folder {folder} does not exist")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputPathError(target, _problem(exc, folder)) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(target, _problem(OSError(errno.EACCES, "denied"), folder))
    return target


def check_writable_dir(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` if needed and prove a file can be created in it (a probe file is made
    and removed), e.g. before a training run whose checkpoint goes there.

    Raises:
        OutputPathError: the folder cannot be created or written.
    """
    folder = Path(folder)
    probe = PendingFile.create(folder / ".write-probe", make_parents=True)
    probe.discard()
    return folder


class PendingFile:
    """A temporary file beside ``target``: :meth:`commit` puts it in place, :meth:`discard`
    removes it. Made by :meth:`create`; the context managers below wrap it."""

    def __init__(self, target: Path, tmp: Path) -> None:
        self.target = target
        self.tmp = tmp

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, make_parents: bool = False,
               suffix: str | None = None) -> PendingFile:
        """Check the target and create an empty temporary file beside it.

        ``suffix`` ends the temporary name (default: ``.tmp`` plus the target's suffix).
        """
        target = check_output_path(path, make_parents=make_parents)
        end = f".tmp{target.suffix}" if suffix is None else suffix
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=end, dir=target.parent)
        except OSError as exc:
            raise OutputPathError(target, _problem(exc, target.parent)) from None
        os.close(fd)
        return cls(target, Path(name))

    def commit(self, *, durable: bool = True) -> Path:
        """fsync the temporary file, rename it over the target (and fsync the folder so the
        rename survives a crash); on failure remove it. Returns the target."""
        try:
            if durable:
                _fsync_path(self.tmp)
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            raise OutputPathError(self.target, _problem(exc, self.target.parent)) from None
        except BaseException:
            self.discard()
            raise
        if durable:
            _fsync_dir(self.target.parent)
        return self.target

    def discard(self) -> None:
        """Remove the temporary file (the target is untouched)."""
        try:
            self.tmp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - the folder vanished or became unwritable
            pass


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    # Not every platform or file system can open or sync a folder; the data itself is synced.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike[str], *, make_parents: bool = False,
                suffix: str | None = None, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds it replaces ``path``.

    The temporary file exists (empty) when the block starts; writers may overwrite or replace
    it. If the block raises, or leaves no file at the temporary path, nothing changes at
    ``path`` and the temporary file is removed.
    """
    pending = PendingFile.create(path, make_parents=make_parents, suffix=suffix)
    try:
        yield pending.tmp
        if not pending.tmp.is_file():
            raise OutputPathError(pending.target, "the writer produced no file")
    except BaseException:
        pending.discard()
        raise
    pending.commit(durable=durable)


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb", *,
                 encoding: str | None = None, make_parents: bool = False,
                 durable: bool = True) -> Iterator[IO[Any]]:
    """Yield a file object (``mode`` ``wb`` or ``w``) on a temporary file beside ``path``;
    when the block succeeds the file replaces ``path``."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write mode must be 'wb' or 'w', got {mode!r}")
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    with atomic_path(path, make_parents=make_parents, durable=durable) as tmp:
        with open(tmp, mode, encoding=encoding) as fh:
            yield fh


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *,
                       make_parents: bool = False, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_write(path, "wb", make_parents=make_parents, durable=durable) as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8",
                      make_parents: bool = False, durable: bool = True) -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    with atomic_write(path, "w", encoding=encoding, make_parents=make_parents,
                      durable=durable) as fh:
        fh.write(text)
    return Path(path)
