"""The motion playground in headless Chromium on the small catalog: type a prompt, generate, see
the samples play beside their nearest real motion, read what the evaluators say; a bad prompt
gets a message; the link reopens the stored samples; text search lists real motions."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_OUTPUT
from tests.test_browser_flows import IFRAME, _changed, _pixels

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser):
    pg = browser.new_page(viewport={"width": 1400, "height": 1600})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    pg.close()
    assert not errors, errors


def _generate(page) -> None:
    page.get_by_role("button", name="Generate").click()


def test_prompt_to_playing_samples_beside_the_nearest_real_motion(app_server, page):
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.goto(app_server + "/playground")
    page.get_by_role("button", name="Generate").wait_for(timeout=120_000)

    # an empty prompt: a clear message, nothing generated
    page.get_by_text("Text prompt", exact=True).click()
    _generate(page)
    page.get_by_text("the prompt is empty").wait_for(timeout=60_000)

    page.locator("textarea").fill("raise both arms out to the sides, then lower them slowly")
    page.get_by_label("Samples").fill("2")
    _generate(page)
    frame = page.frame_locator(IFRAME).last
    canvas = frame.locator("#view > canvas")
    canvas.wait_for(timeout=180_000)
    frame.locator("body[data-payload-id]").wait_for(timeout=120_000, state="attached")
    labels = frame.locator("#legend").inner_text()
    a = canvas.screenshot(path=str(TEST_OUTPUT / "playground_a.png"))
    page.wait_for_timeout(700)
    b = canvas.screenshot(path=str(TEST_OUTPUT / "playground_b.png"))
    assert _pixels(a).std() > 5, "blank player canvas"
    assert _changed(a, b) > 0.002, "the generated motions do not play"
    assert "sample 1" in labels and "sample 2" in labels and "real" in labels, labels

    # the evaluators' table and the nearest real motions' links
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    page.get_by_text("Text match: cosine similarity").wait_for(timeout=30_000)
    near = page.get_by_role("link").filter(has_text="(0.")
    assert near.count() + page.get_by_role("link").filter(has_text="(-0.").count() >= 1
    page.get_by_role("button", name="Sample 1 · BVH").wait_for(timeout=30_000)
    page.screenshot(path=str(TEST_OUTPUT / "playground_page.png"), full_page=True)
    assert page.url.count("gen=") == 2  # the link names the stored samples

    # the link reopens the same samples from the catalog
    link = page.url
    page.goto(link)
    page.frame_locator(IFRAME).last.locator("body[data-payload-id]").wait_for(
        timeout=120_000, state="attached")
    page.get_by_text("sample(s) of").first.wait_for(timeout=30_000)

    # text search over the real motions
    page.get_by_text("Search the real motions by text").click()
    page.get_by_label("Find real motions").fill("squat")
    page.get_by_label("Find real motions").press("Enter")
    page.get_by_text("Ranked by cosine similarity").wait_for(timeout=60_000)
