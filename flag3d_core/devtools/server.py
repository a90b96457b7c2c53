"""Serve a Streamlit script in a subprocess for tests and benchmarks.

:class:`StreamlitServer` runs ``python -m streamlit run SCRIPT`` on a free localhost port,
waits until ``/_stcore/health`` answers ``ok`` and stops the server on exit::

    with StreamlitServer("app.py", env={"FLAG3D_CATALOG": str(catalog)}) as url:
        page.goto(url + "/browse")

Streamlit is only ever started as a subprocess, never imported here, so this module keeps the
library's rule (``flag3d_core`` never imports streamlit).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["HOST", "StreamlitServer", "StreamlitServerError", "free_port"]

HOST = "127.0.0.1"
_POLL_S = 0.25
_STOP_TIMEOUT_S = 10.0
_LOG_TAIL_CHARS = 2000


class StreamlitServerError(RuntimeError):
    """The server exited or did not become healthy in time; the message names its log."""


def free_port(host: str = HOST) -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:  # refused while starting, or a timeout: not yet
        return False


def _tail(path: Path) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return text[-_LOG_TAIL_CHARS:]


class StreamlitServer:
    """``python -m streamlit run SCRIPT`` on localhost, as a context manager yielding its URL.

    Args:
        script: the Streamlit script (``app.py``, a demo app).
        env: variables set for the server on top of the current environment (a catalog path,
            ``PYTHONPATH`` for a script that imports ``pages``); ``PYTHONUNBUFFERED=1`` always.
        port: the port; a free one when None.
        log_path: where the server's stdout and stderr go; a temporary file when None (kept
            when the server fails, removed after a clean stop).
        timeout: seconds to wait for ``/_stcore/health``.
        cwd: the server's working directory (default: the current one).
        python: the interpreter that runs streamlit (default: this one).
        args: further ``streamlit run`` options, e.g. ``["--server.maxUploadSize", "10"]``.

    ``url`` is ``http://127.0.0.1:PORT`` without a trailing slash. On exit the server is
    terminated and waited for (killed if it does not stop within 10 s).
    """

    def __init__(
        self,
        script: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
        port: int | None = None,
        log_path: str | os.PathLike[str] | None = None,
        timeout: float = 60.0,
        *,
        cwd: str | os.PathLike[str] | None = None,
        python: str | os.PathLike[str] | None = None,
        args: Sequence[str] = (),
    ) -> None:
        self.script = Path(script)
        self.env = dict(env or {})
        self.port = port
        self.log_path = Path(log_path) if log_path is not None else None
        self.timeout = timeout
        self.cwd = Path(cwd) if cwd is not None else None
        self.python = str(python or sys.executable)
        self.args = list(args)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._temporary_log = False

    @property
    def url(self) -> str:
        if self.port is None:
            raise StreamlitServerError("the server has not been started")
        return f"http://{HOST}:{self.port}"

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        """The server process while it runs."""
        return self._proc

    def command(self) -> list[str]:
        """The command line that starts the server (port chosen)."""
        return [self.python, "-m", "streamlit", "run", str(self.script),
                "--server.headless", "true", "--server.port", str(self.port),
                "--server.address", HOST, "--browser.gatherUsageStats", "false", *self.args]

    def start(self) -> str:
        """Start the server and block until it is healthy. Returns its URL."""
        if self._proc is not None:
            raise StreamlitServerError(f"{self.script} is already being served at {self.url}")
        if self.port is None:
            self.port = free_port()
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix=f"streamlit-{self.script.stem}-", suffix=".log")
            os.close(fd)
            self.log_path, self._temporary_log = Path(name), True
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        self._proc = subprocess.Popen(self.command(), cwd=self.cwd, env=env, stdout=self._log,
                                      stderr=subprocess.STDOUT)
        try:
            self._wait_healthy()
        except BaseException:
            self._temporary_log = False  # keep the log that explains the failure
            self.stop()
            raise
        return self.url

    def _wait_healthy(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if code is not None:
                raise StreamlitServerError(
                    f"streamlit serving {self.script} exited with status {code} before it "
                    f"answered; log {self.log_path}:\n{_tail(self.log_path)}")
            if _healthy(self.url):
                return
            time.sleep(_POLL_S)
        raise StreamlitServerError(
            f"streamlit serving {self.script} did not answer {self.url}/_stcore/health within "
            f"{self.timeout:.0f} s; log {self.log_path}:\n{_tail(self.log_path)}")

    def stop(self) -> None:
        """Terminate the server and wait for it (kill after 10 s). Safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._temporary_log and self.log_path is not None:
            with contextlib.suppress(OSError):
                self.log_path.unlink()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
