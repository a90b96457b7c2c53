"""Main flows in headless Chromium on the app served from the small FLAG3D-Synth catalog:
Browse -> Sequence player (animates, mesh, comparison), and Recognition (click a confusion cell,
see the side-by-side player). Screenshots go to test-output/ for a person to look at."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest

from tests.conftest import TEST_OUTPUT

pytestmark = pytest.mark.browser
IFRAME = 'iframe[title*="flag3d_player"]'


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _changed(a: bytes, b: bytes) -> float:
    pa, pb = _pixels(a), _pixels(b)
    return float((np.abs(pa - pb).sum(-1) > 30).mean())


def _pick(page, label: str, option: str) -> None:
    """Choose an option of a Streamlit selectbox/multiselect by its label and option text."""
    box = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(
        has_text=label)
    box.first.locator("input").click()
    page.get_by_role("option", name=option).first.click()


def _payload_id(frame) -> str | None:
    return frame.locator("body").get_attribute("data-payload-id")


def _wait_new_payload(frame, old: str | None) -> None:
    frame.locator(f"body[data-payload-id]:not([data-payload-id='{old}'])").wait_for(timeout=60_000)


@pytest.fixture()
def page(browser):
    pg = browser.new_page(viewport={"width": 1400, "height": 1800})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    pg.close()
    assert not errors, errors


def test_browse_to_sequence_player(app_server, page):
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.goto(app_server + "/browse")
    page.get_by_text("matching sequences").first.wait_for(timeout=60_000)
    _pick(page, "Body part", "chest")
    page.get_by_text("Svend Press").first.wait_for(timeout=30_000)
    _pick(page, "Activity", "A001 · Svend Press")
    page.locator("h3", has_text="A001 · Svend Press").wait_for(timeout=30_000)
    page.get_by_text("Key points.").first.wait_for()
    assert "bp=chest" in page.url and "act=" in page.url  # the view lives in the URL
    page.screenshot(path=str(TEST_OUTPUT / "flow_browse.png"))

    # select the first row of the sequence table (the last grid on the page; the grid is a
    # canvas: click its row-selection cell)
    page.wait_for_timeout(1000)
    box = page.locator('[data-testid="stDataFrame"]').last.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    link = page.get_by_role("link", name="in the player")
    link.wait_for(timeout=30_000)
    link.click()

    frame = page.frame_locator(IFRAME).last
    canvas = frame.locator("#view > canvas")
    canvas.wait_for(timeout=60_000)
    frame.locator("body[data-payload-id]").wait_for(timeout=60_000)
    page.locator("h3", has_text="A001 · Svend Press").wait_for(timeout=30_000)  # the row we chose
    a = canvas.screenshot(path=str(TEST_OUTPUT / "flow_player_a.png"))
    page.wait_for_timeout(700)
    b = canvas.screenshot(path=str(TEST_OUTPUT / "flow_player_b.png"))
    assert _pixels(a).std() > 5, "blank player canvas"
    assert _changed(a, b) > 0.002, "the player does not animate"

    # skeleton / mesh / both switch inside the player: no rerun, no new payload
    old = _payload_id(frame)
    assert frame.locator("body").get_attribute("data-view") == "mesh"
    frame.get_by_role("button", name="skeleton", exact=True).click()
    assert frame.locator("body").get_attribute("data-view") == "skeleton"
    page.wait_for_timeout(300)
    canvas.screenshot(path=str(TEST_OUTPUT / "flow_player_skeleton.png"))
    frame.get_by_role("button", name="both", exact=True).click()
    page.wait_for_timeout(300)
    canvas.screenshot(path=str(TEST_OUTPUT / "flow_player_both.png"))
    frame.get_by_role("button", name="mesh", exact=True).click()
    assert _payload_id(frame) == old
    assert page.locator('[data-testid="stStatusWidget"]').count() == 0  # nothing ran
    # the joint-angle chart under the player follows playback and seeks on a click
    assert frame.locator("body").get_attribute("data-chart") == "shown"
    assert "repetition" in (frame.locator("#chartreps").text_content() or "")
    frame.locator("#play").click()
    curves = frame.locator("#curves")
    bb = curves.bounding_box()
    curves.click(position={"x": 38 + (bb["width"] - 46) / 2, "y": bb["height"] / 2})
    mid = int(frame.locator("body").get_attribute("data-frame"))
    n = int(frame.locator("#scrub").get_attribute("max")) + 1
    assert abs(mid - n / 2) <= max(3, n * 0.05), (mid, n)
    frame.locator("#play").click()
    page.wait_for_timeout(500)
    canvas.screenshot(path=str(TEST_OUTPUT / "flow_player_mesh.png"))

    old = _payload_id(frame)
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Compare side by side")
    box.locator("input").click()
    page.get_by_role("option").first.click()
    _wait_new_payload(frame, old)
    assert frame.locator("#legend span").count() >= 2
    page.keyboard.press("Escape")
    page.wait_for_timeout(600)
    page.screenshot(path=str(TEST_OUTPUT / "flow_sequence_compare.png"))
    assert frame.locator("#group").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0


def _hovered_cell(page, x: float, y: float, order) -> tuple[int, int]:
    """(row, col) of the heatmap cell under (x, y), in the chart's class order, read from the
    tooltip the chart shows there (its rows name the ground truth and the prediction)."""
    page.mouse.move(x, y)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible", timeout=10_000)
    page.wait_for_timeout(150)
    ids = re.findall(r"A(\d{3}) ", tip.inner_text())
    true, pred = int(ids[0]) - 1, int(ids[1]) - 1
    return int(np.where(order == true)[0][0]), int(np.where(order == pred)[0][0])


def _cell_position(page, chart, row: int, col: int, order) -> tuple[float, float]:
    """Screen position of a heatmap cell: two probes inside the plot give the cell pitch."""
    box = chart.bounding_box()
    (x1, y1), (x2, y2) = [(box["x"] + box["width"] * f, box["y"] + box["height"] * f)
                          for f in (0.4, 0.7)]
    r1, c1 = _hovered_cell(page, x1, y1, order)
    r2, c2 = _hovered_cell(page, x2, y2, order)
    px, py = (x2 - x1) / (c2 - c1), (y2 - y1) / (r2 - r1)
    x, y = x1 + (col - c1) * px, y1 + (row - r1) * py
    for _ in range(6):  # the probes sat anywhere inside their cells: step onto the target
        r, c = _hovered_cell(page, x, y, order)
        if (r, c) == (row, col):
            return x, y
        x, y = x + (col - c) * px * 0.5, y + (row - r) * py * 0.5
    raise AssertionError(f"could not find cell {(row, col)} on the heatmap")


def test_recognition_cell_click_opens_side_by_side(app_server, page, small_env):
    from flag3d_core.catalog import queries
    from flag3d_core.catalog.taxonomy import flag3d_activities
    from flag3d_core.viz.confusion import group_order

    con = queries.connect(small_env["FLAG3D_CATALOG"])
    run = queries.model_run(con, "latest")
    preds = queries.predictions(con, run["run_id"])
    con.close()
    # the most frequent (true, predicted) cell of the run: it has sequences to list
    t, p = preds.groupby(["label_true", "label_pred"]).size().idxmax()
    names = [a.name for a in flag3d_activities()]
    order, _ = group_order([a.body_part for a in flag3d_activities()])
    row, col = int(np.where(order == t)[0][0]), int(np.where(order == p)[0][0])

    page.goto(app_server + "/recognition")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    x, y = _cell_position(page, chart, row, col, order)
    page.mouse.click(x, y)
    page.get_by_text(f"of {names[t]} predicted as {names[p]}").first.wait_for(timeout=60_000)
    frame = page.frame_locator(IFRAME).last
    frame.locator("body[data-payload-id]").wait_for(timeout=60_000)
    assert frame.locator("#legend span").count() == 2
    page.get_by_text("Joints whose motion differs most").first.wait_for()
    page.wait_for_timeout(800)
    page.screenshot(path=str(TEST_OUTPUT / "flow_recognition.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert json.loads(run["metrics"])["num_samples"] == len(preds)


def test_sunburst_click_sets_the_taxonomy_filter(app_server, page):
    page.goto(app_server + "/browse")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for(timeout=60_000)
    page.locator("h3", has_text="matching sequences").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    # the body-part slice whose label is exactly "back" (activity names contain "Back" too)
    back = plot.locator("g.slice").filter(has=page.locator("text", has_text=re.compile(r"^back$")))
    back.first.click()
    # small profile: 6 back activities (A007-A012) x 3 performers x 1 repetition, MoCap source
    page.locator("h3", has_text="18 matching sequences").wait_for(timeout=30_000)
    assert "bp=back" in page.url  # the click's filter is in the link too


def test_render_row_opens_its_own_2d_view_and_unknown_ids_say_so(app_server, page, small_env):
    from flag3d_core.catalog import queries

    con = queries.connect(small_env["FLAG3D_CATALOG"])
    render = con.execute("""SELECT s.sequence_id, s.name, a.name FROM sequences s
                            JOIN activities a USING (activity_id)
                            WHERE s.source = 'render' ORDER BY s.sequence_id LIMIT 1""").fetchone()
    mocap = queries.mocap_of(con, render[0])
    con.close()
    page.goto(f"{app_server}/sequence?seq={render[0]}")
    frame = page.frame_locator(IFRAME).last
    frame.locator("body[data-mode='2d']").wait_for(timeout=60_000)
    assert render[2] in page.locator("h3").first.inner_text()  # its own activity
    assert render[1] in (frame.locator("#legend").text_content() or "")
    f0 = frame.locator("body").get_attribute("data-frame")
    page.wait_for_timeout(600)
    assert frame.locator("body").get_attribute("data-frame") != f0  # it plays
    page.screenshot(path=str(TEST_OUTPUT / "flow_sequence_2d.png"))
    assert mocap is not None
    page.get_by_role("link", name="Open the MoCap sequence").click()
    page.frame_locator(IFRAME).last.locator("body[data-mode='3d']").wait_for(timeout=60_000)
    assert f"seq={mocap.replace('/', '%2F')}" in page.url or f"seq={mocap}" in page.url

    # an unknown id: a message and the closest real ids, never another sequence silently
    wrong = mocap[:-1] + ("9" if mocap[-1] != "9" else "8")
    page.goto(f"{app_server}/sequence?seq={wrong}")
    page.get_by_text("There is no sequence").wait_for(timeout=60_000)
    page.get_by_role("link").filter(has_text=mocap).first.wait_for(timeout=30_000)
    page.screenshot(path=str(TEST_OUTPUT / "flow_sequence_unknown.png"))
    assert page.locator(IFRAME).count() == 0


def test_joints_csv_download_is_well_formed(app_server, page, tmp_path):
    import pandas as pd

    page.goto(f"{app_server}/sequence")
    button = page.get_by_role("button", name="Joints CSV")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.endswith("_joints_ntu25.csv")
    df = pd.read_csv(path)
    assert list(df.columns) == ["frame", "time_s", "joint_index", "joint", "x", "y", "z"]
    n_frames = df.frame.nunique()
    assert len(df) == n_frames * 25 and df.joint_index.max() == 24
    assert df.frame.min() == 0 and df.groupby("frame").size().eq(25).all()
    assert df[["x", "y", "z"]].abs().max().max() < 5  # metres, not millimetres
    assert 0.5 < df.z.max() < 2.5  # z up: a standing person's head
    assert page.locator('[data-testid="stException"]').count() == 0


def test_skeleton_view_asks_for_the_mesh_once(app_server, page):
    """A skeleton view is sent without the mesh; choosing the mesh in the player fetches it
    (one rerun) and later switches stay in the browser."""
    page.goto(f"{app_server}/sequence?view=skeleton")
    frame = page.frame_locator(IFRAME).last
    frame.locator("body[data-view='skeleton']").wait_for(timeout=60_000)
    light = _payload_id(frame)
    frame.get_by_role("button", name="mesh", exact=True).click()
    _wait_new_payload(frame, light)
    frame.locator("body[data-view='mesh']").wait_for(timeout=30_000)
    assert "view=mesh" in page.url
    full = _payload_id(frame)
    frame.get_by_role("button", name="skeleton", exact=True).click()
    frame.get_by_role("button", name="both", exact=True).click()
    frame.locator("body[data-view='both']").wait_for(timeout=10_000)
    assert _payload_id(frame) == full  # no new payload: the data was there
    assert page.locator('[data-testid="stException"]').count() == 0
