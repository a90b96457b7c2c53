"""Search by words in headless Chromium on the small FLAG3D-Synth catalog: a paraphrase typed
into Browse's search box gives the right activity first, and clicking it opens that activity;
an id-like query lists sequences that open in the player."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT

pytestmark = pytest.mark.browser
RESULTS = ".st-key-search_results"


@pytest.fixture()
def page(browser):
    pg = browser.new_page(viewport={"width": 1400, "height": 1400})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    pg.close()
    assert not errors, errors


def _search(page, text: str) -> None:
    box = page.get_by_label("Search activities and sequences")
    box.fill(text)
    box.press("Enter")
    page.locator(RESULTS).get_by_text(f"for “{text}”").wait_for(timeout=90_000)


def test_text_search_opens_the_right_activity(app_server, page):
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.goto(app_server + "/browse")
    page.get_by_text("matching sequences").first.wait_for(timeout=60_000)
    _search(page, "twisting the waist")  # a paraphrase of A032 (and of the waist rotations)
    first = page.locator(f'{RESULTS} [data-testid="stButton"]').first
    assert "A032 · Kneeling Right-side Torso Twist" in first.inner_text()
    assert "q=twisting+the+waist" in page.url  # the search lives in the URL
    page.screenshot(path=str(TEST_OUTPUT / "search_results.png"))

    first.click()
    page.locator("h3", has_text="A032 · Kneeling Right-side Torso Twist").wait_for(
        timeout=30_000)
    page.get_by_text("Key points.").first.wait_for()
    assert "act=A032" in page.url and "bp=abdomen" in page.url
    page.screenshot(path=str(TEST_OUTPUT / "search_opened_activity.png"))


def test_id_search_lists_sequences_that_open_in_the_player(app_server, page):
    page.goto(app_server + "/browse?q=A017+P002")
    page.locator(RESULTS).wait_for(timeout=90_000)
    link = page.locator(RESULTS).get_by_role("link", name="S001C001M001P002A017R001")
    link.wait_for(timeout=30_000)
    link.click()
    page.locator("h3", has_text="A017").first.wait_for(timeout=60_000)
    assert "seq=flag3d" in page.url and "A017" in page.url
