"""How the command line reports a failure: one line on stderr, never a traceback.

Errors a user can cause or fix (the project's own errors, missing or unreadable files, bad
paths, values a command cannot take, memory) print ``flag3d: error: <message>`` and exit 2.
Anything else is a bug: its traceback goes to a log file (``$FLAG3D_LOG``, else
``<cache dir>/logs/cli.log``, else the temp folder) and the line says where.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

import duckdb

from flag3d_core.errors import Flag3dError

__all__ = ["EXIT_INTERRUPTED", "EXIT_UNEXPECTED", "EXIT_USER_ERROR", "USER_ERRORS",
           "log_unexpected", "print_error", "report_unexpected", "user_message"]

EXIT_USER_ERROR = 2  # what argparse uses for a bad command line
EXIT_UNEXPECTED = 1
EXIT_INTERRUPTED = 130

# Library code raises ValueError/KeyError/RuntimeError with messages written for the user
# (bad ids, bad option values, a model that does not fit); they predate the project errors.
# duckdb's IOException is a catalog file that cannot be opened (a folder, not a database,
# locked by a writer); other duckdb errors are bugs and get a traceback in the log.
USER_ERRORS: tuple[type[BaseException], ...] = (
    Flag3dError, OSError, MemoryError, ValueError, KeyError, RuntimeError, duckdb.IOException,
)

_MAX_CHARS = 600
_crash_log = logging.getLogger("flag3d.cli.crash")
_crash_log.propagate = False  # the traceback goes to the file only, never to stderr


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_CHARS else line[: _MAX_CHARS - 3] + "..."


def user_message(exc: BaseException) -> str:
    """The message of a user error, on one line, naming the file where there is one."""
    if isinstance(exc, Flag3dError):
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    elif isinstance(exc, MemoryError):
        detail = f" ({exc})" if str(exc) else ""
        text = (f"out of memory{detail}; try a smaller input, or a machine with more memory")
    elif isinstance(exc, OSError) and exc.strerror:
        names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
        text = f"{' -> '.join(names)}: {exc.strerror}" if names else exc.strerror
    elif isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    else:
        text = str(exc) or type(exc).__name__
    return _one_line(text)


def print_error(message: str) -> None:
    print(f"flag3d: error: {message}", file=sys.stderr)


def _log_candidates() -> list[Path]:
    paths = []
    if os.environ.get("FLAG3D_LOG"):
        paths.append(Path(os.environ["FLAG3D_LOG"]))
    try:
        from flag3d_core.settings import load_settings

        paths.append(load_settings().cache_dir / "logs" / "cli.log")
    except Exception:  # bad settings must not hide the original error
        pass
    paths.append(Path(tempfile.gettempdir()) / "flag3d-cli.log")
    return paths


def log_unexpected(exc: BaseException, argv: list[str]) -> Path | None:
    """Append the traceback of ``exc`` to the first writable log file; return its path (None
    when no log file could be written)."""
    for path in _log_candidates():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            continue
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _crash_log.addHandler(handler)
        try:
            _crash_log.error("flag3d %s failed", " ".join(argv), exc_info=exc)
        finally:
            _crash_log.removeHandler(handler)
            handler.close()
        return path
    return None


def report_unexpected(exc: BaseException, argv: list[str]) -> None:
    """The one line for an unexpected error (a bug), with where its traceback went."""
    where = log_unexpected(exc, argv)
    what = _one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if where is None:
        print_error(f"unexpected {what} (the traceback could not be logged)")
    else:
        print_error(f"unexpected {what}; the full traceback is in {where}")
