"""Real browser: the app starts, Home renders its real content in headless Chromium."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT

pytestmark = pytest.mark.browser


def test_home_in_chromium(app_server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(app_server, wait_until="domcontentloaded")
    page.get_by_text("FLAG3D Explorer").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
    page.get_by_text("Stand-in body").wait_for(timeout=60_000)
    metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert any("Activities" in m and "60" in m for m in metrics), metrics
    page.wait_for_function(  # three charts drawn (Vega-Lite draws into a canvas or an svg)
        "document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
        "[data-testid=stVegaLiteChart] svg.marks').length >= 3", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(TEST_OUTPUT / "home.png"))
    assert not errors, errors
    page.close()
