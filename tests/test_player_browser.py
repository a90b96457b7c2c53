"""The 3D player in a real browser: headless Chromium (SwiftShader WebGL) on the demo app."""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from flag3d_core.devtools.server import StreamlitServer

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "pages" / "_ui" / "player" / "demo_app.py"
THREE = REPO / "pages" / "_ui" / "player" / "frontend" / "node_modules" / "three"
OUT = REPO / "test-output"
IFRAME = 'iframe[title*="flag3d_player"]'

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None:
    pytest.skip("chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
if not THREE.is_dir():
    pytest.skip("three.js missing: npm ci --prefix pages/_ui/player/frontend",
                allow_module_level=True)


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    """The player's demo app served on a free port (demo_app.py imports ``pages``)."""
    server = StreamlitServer(DEMO, env={"PYTHONPATH": str(REPO)}, cwd=REPO,
                             log_path=OUT / "player_demo.log")
    with server as url:
        yield url + "/"


@pytest.fixture(scope="module")
def page(demo_url, browser):
    # one Playwright instance per test session: the shared ``browser`` fixture (conftest.py)
    pg = browser.new_page(viewport={"width": 1100, "height": 900})
    pg.goto(demo_url)
    yield pg
    pg.close()


def pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def body_data(frame, name: str) -> str | None:
    return frame.locator("body").get_attribute(f"data-{name}")


def camera_xyz(text: str | None) -> np.ndarray:
    assert text, "the player reported no camera position"
    return np.array([float(v) for v in text.split(",")])


def settled_camera(page, frame, timeout_s: float = 15.0) -> str | None:
    """The camera once the orbit damping has stopped moving it."""
    deadline = time.monotonic() + timeout_s
    last = body_data(frame, "camera")
    while time.monotonic() < deadline:
        page.wait_for_timeout(400)
        now = body_data(frame, "camera")
        if now == last:
            return now
        last = now
    raise AssertionError("the camera kept moving")


def test_player_animates_keeps_camera_and_shows_mesh(page):
    OUT.mkdir(exist_ok=True)
    frame = page.frame_locator(IFRAME)
    canvas = frame.locator("#view > canvas")
    canvas.wait_for(timeout=30_000)
    frame.locator("body[data-payload-id]").wait_for(timeout=30_000)
    assert body_data(frame, "webgl") in ("ok", "software")
    assert body_data(frame, "playing") == "true"

    # 1. it animates: two screenshots half a second apart differ
    first = canvas.screenshot(path=str(OUT / "player_skeleton_a.png"))
    frame_a = int(body_data(frame, "frame"))
    page.wait_for_timeout(500)
    second = canvas.screenshot(path=str(OUT / "player_skeleton_b.png"))
    a, b = pixels(first), pixels(second)
    assert a.shape == b.shape and a.std() > 5  # not a blank canvas
    changed = (np.abs(a - b).sum(-1) > 30).mean()
    assert changed > 0.002, f"only {changed:.4%} of the canvas changed in 0.5 s"
    assert int(body_data(frame, "frame")) != frame_a

    # 2. the user orbits the camera; switching to the mesh (a rerun with new args) keeps it
    box = canvas.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 160, cy - 40, steps=8)
    page.mouse.up()
    camera = settled_camera(page, frame)
    assert camera, "the camera never moved"
    old_id = body_data(frame, "payload-id")
    page.get_by_text("mesh", exact=True).click()
    frame.locator(f"body:not([data-payload-id='{old_id}'])").wait_for(timeout=30_000)
    page.wait_for_timeout(300)
    # unchanged up to the last steps of the orbit damping; a reset would move it by metres
    np.testing.assert_allclose(camera_xyz(body_data(frame, "camera")), camera_xyz(camera),
                               atol=0.05)

    # 3. the mesh shows and moves
    mesh_a = pixels(canvas.screenshot(path=str(OUT / "player_mesh_a.png")))
    page.wait_for_timeout(500)
    mesh_b = pixels(canvas.screenshot(path=str(OUT / "player_mesh_b.png")))
    assert mesh_a.std() > 5
    assert (np.abs(mesh_a - mesh_b).sum(-1) > 30).mean() > 0.002

    # 4. pause stops it; the scrub slider sets the frame
    frame.locator("#play").click()
    assert body_data(frame, "playing") == "false"
    paused_at = body_data(frame, "frame")
    page.wait_for_timeout(300)
    assert body_data(frame, "frame") == paused_at
    frame.locator("#scrub").fill("10")
    assert body_data(frame, "frame") == "10"


def test_two_sequences_side_by_side(page):
    frame = page.frame_locator(IFRAME)
    old_id = body_data(frame, "payload-id")
    page.get_by_role("combobox", name="Sequence").click()
    page.get_by_role("option", name="squat + arm raise").click()
    frame.locator(f"body:not([data-payload-id='{old_id}'])").wait_for(timeout=30_000)
    assert frame.locator("#legend span").count() == 2
    frame.locator("#fit").click()
    page.wait_for_timeout(600)
    frame.locator("#view > canvas").screenshot(path=str(OUT / "player_two_tracks.png"))
    # "both": each sequence as a translucent mesh with its skeleton inside (wrists highlighted)
    old_id = body_data(frame, "payload-id")
    page.get_by_text("both", exact=True).click()
    frame.locator(f"body:not([data-payload-id='{old_id}'])").wait_for(timeout=30_000)
    assert frame.locator("#legend span").count() == 4
    page.wait_for_timeout(300)
    both = pixels(frame.locator("#view > canvas").screenshot(path=str(OUT / "player_both.png")))
    signal = np.array([0xE1, 0x1D, 0x48])  # the highlight colour, under some shading
    reddish = (both[..., 0] > 150) & (both[..., 1] < 60) & (both[..., 2] < 110)
    assert reddish.sum() > 20, f"no highlighted joints drawn (colour near {signal})"
