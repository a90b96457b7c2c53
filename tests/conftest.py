"""Shared fixtures: a small catalog built once per test session, and a live app server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEST_OUTPUT = ROOT / "test-output"


@pytest.fixture(scope="session")
def small_env(tmp_path_factory) -> dict[str, str]:
    """Environment pointing at a small catalog (FLAG3D-Synth small profile) and a stand-in body."""
    from tests.build_small import build_small_catalog

    base = tmp_path_factory.mktemp("flag3d")
    env = build_small_catalog(base)
    return env


@pytest.fixture()
def use_small_env(small_env, monkeypatch):
    for k, v in small_env.items():
        monkeypatch.setenv(k, v)
    return small_env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_server(small_env):
    """A real Streamlit server on a free localhost port, serving app.py on the small catalog."""
    port = _free_port()
    env = {**os.environ, **small_env, "PYTHONUNBUFFERED": "1"}
    TEST_OUTPUT.mkdir(exist_ok=True)
    log = open(TEST_OUTPUT / "app_server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError("streamlit server did not become healthy; see test-output/app_server.log")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (skips when chromium is not installed)."""
    import shutil

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
        yield b
        b.close()
