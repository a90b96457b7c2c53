"""Shared fixtures: a small catalog built once per test session, and a live app server."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="session")
def app_server(small_env: dict[str, str]) -> Iterator[str]:
    """A real Streamlit server on a free localhost port, serving app.py on the small catalog."""
    from flag3d_core.devtools.server import StreamlitServer

    log = TEST_OUTPUT / "app_server.log"
    with StreamlitServer(ROOT / "app.py", env=small_env, log_path=log, cwd=ROOT) as url:
        yield url


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
