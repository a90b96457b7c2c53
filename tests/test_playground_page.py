"""The Playground page without a browser (AppTest, small catalog): an activity request makes
samples that are judged, stored in the catalog and named in the URL; bad requests get a
message and store nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app_pages import APP


@pytest.fixture(autouse=True)
def _no_legacy_rerun(monkeypatch):
    """AppTest resets Streamlit's legacy pages-directory flag before every run, so the pages'
    ensure_navigation() reruns every run and a button's click is lost in that rerun (in a
    browser the rerun happens once per server). The pages then run as st.navigation runs them."""
    import pages._ui.routing as routing

    monkeypatch.setattr(routing, "ensure_navigation", lambda: None)


def _open() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page("pages/playground.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _stored(env: dict, ids: list[str]) -> int:
    from flag3d_core.catalog import queries

    con = queries.connect(Path(env["FLAG3D_CATALOG"]))
    try:
        return len(queries.generated(con, ids))
    finally:
        con.close()


def test_activity_request_is_generated_judged_and_stored(use_small_env):
    at = _open()
    at.radio(key="mode").set_value("Activity")
    at.selectbox(key="activity").set_value("A030")
    at.number_input[1].set_value(2)  # samples
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    ids = at.query_params["gen"]
    ids = ids if isinstance(ids, list) else [ids]
    assert len(ids) == 2 and len(set(ids)) == 2
    table = at.dataframe[0].value
    assert list(table["sample"]) == [1, 2]
    assert table["recognized as"].str.match(r"A\d{3} · ").all()
    assert table["text match"].between(-1, 1).all()
    assert any("A030" in m.value for m in at.markdown)  # "Asked for A030 · ..."
    assert _stored(use_small_env, ids) == 2


def test_bad_prompt_and_length_get_a_message_and_store_nothing(use_small_env):
    at = _open()
    at.radio(key="mode").set_value("Text prompt")
    at.text_area(key="prompt").set_value("x" * 10_000)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("10,000 characters" in e.value for e in at.error), [e.value for e in at.error]
    at.text_area(key="prompt").set_value("   ")
    at.button[0].click().run()
    assert any("the prompt is empty" in e.value for e in at.error)
    assert "gen" not in at.query_params
