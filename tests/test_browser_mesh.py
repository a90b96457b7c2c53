"""Mesh Recovery in headless Chromium: click a category on the heatmap, see its sequence's
predicted mesh move over the ground truth with the error curve under it."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.conftest import TEST_OUTPUT
from tests.test_browser_flows import IFRAME, _changed, _pixels, page  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def mesh_run(small_env):
    """A small fit3d run on the test catalog (two activities, 60 frames each)."""
    from flag3d_core.body import load_body_model
    from flag3d_core.catalog import queries
    from flag3d_core.mesh_recovery.runs import fit3d_run
    from flag3d_core.settings import load_settings

    s = load_settings(small_env)
    con = queries.connect(s.catalog)
    try:
        ids = queries.fit_candidates(con, per_activity=1)[:2]
    finally:
        con.close()
    res = fit3d_run(s.catalog, s.arrays_dir, load_body_model(s.body_models), ids,
                    max_frames=60)
    return res.run_id, ids


def _activity_at(pg, x: float, y: float) -> str:
    pg.mouse.move(x, y)
    tip = pg.locator("#vg-tooltip-element")
    tip.wait_for(state="visible", timeout=10_000)
    pg.wait_for_timeout(150)
    return re.findall(r"A\d{3}", tip.inner_text())[0]


def test_click_a_category_and_see_the_meshes_move(app_server, page, mesh_run):  # noqa: F811
    run_id, ids = mesh_run
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.goto(f"{app_server}/mesh_recovery?run={run_id}")
    page.get_by_text("Leaderboard").first.wait_for(timeout=60_000)
    page.get_by_text("from the paper (Table 4)").first.wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    shown = re.search(r"(A\d{3}) · ", page.locator("strong", has_text=re.compile(r"^A\d{3} · "))
                      .first.inner_text()).group(1)
    # find the heatmap row of the other activity and click it
    target = None
    for _attempt in range(3):  # a loaded machine may still be drawing the chart
        box = chart.bounding_box()
        for f in np.linspace(0.15, 0.95, 9):
            x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * f
            try:
                act = _activity_at(page, x, y)
            except Exception:  # noqa: BLE001 - not over a cell
                continue
            if act != shown:
                target = (act, x, y)
                break
        if target:
            break
        page.wait_for_timeout(2000)
    assert target, "no second activity row found on the heatmap"
    act, x, y = target
    page.mouse.click(x, y)
    page.locator("strong", has_text=re.compile(rf"^{act} · ")).first.wait_for(timeout=60_000)
    assert f"act={act}" in page.url

    frame = page.frame_locator(IFRAME).last
    frame.locator("body[data-payload-id]").wait_for(timeout=60_000)
    legend = frame.locator("#legend").inner_text()
    assert "ground truth" in legend and "fit3d" in legend
    assert frame.locator("body").get_attribute("data-chart") == "shown"
    assert "mm" in (frame.locator("#chartvalues").text_content() or "")
    canvas = frame.locator("#view > canvas")
    body = frame.locator("body")
    first = int(body.get_attribute("data-frame") or 0)
    page.wait_for_timeout(700)
    assert int(body.get_attribute("data-frame") or 0) != first, "the player does not play"
    # paused, seek near the start and near the end through the error curve: the bodies differ
    frame.locator("#play").click()
    curves = frame.locator("#curves")
    bb = curves.bounding_box()
    shots = []
    for f in (0.1, 0.9):
        curves.click(position={"x": 38 + (bb["width"] - 46) * f, "y": bb["height"] / 2})
        page.wait_for_timeout(400)
        shots.append(canvas.screenshot(path=str(TEST_OUTPUT / f"flow_mesh_{f}.png")))
    a, b = shots
    assert _pixels(a).std() > 5, "blank player canvas"
    assert _changed(a, b) > 0.002, "the meshes do not move"
    page.screenshot(path=str(TEST_OUTPUT / "flow_mesh_recovery.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
