"""AppTest smoke over every page of the app, on the small catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _pages() -> list[str]:
    import ast

    tree = ast.parse(Path(APP).read_text())
    return [n.args[0].value for n in ast.walk(tree)
            if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "Page"]


@pytest.mark.parametrize("page", _pages())
def test_page_renders_without_exception(page, use_small_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title or at.header or at.subheader  # the page put something on the screen


def test_home_shows_catalog_content(use_small_env):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Activities"]) == 60
    assert int(metrics["Sequences"].replace(",", "")) > 0
    text = " ".join(x.body for x in [*at.info, *at.success, *at.warning])
    assert "Stand-in body" in text
    assert "CPU in use" in text


def test_recognition_top5_names_the_truth_and_warns_on_training_sequences(use_small_env):
    from flag3d_core.catalog import queries

    con = queries.connect(Path(use_small_env["FLAG3D_CATALOG"]))
    split = dict(con.execute("SELECT sequence_id, split FROM splits WHERE protocol = "
                             "'in-domain'").fetchall())
    con.close()
    train = next(s for s, v in split.items() if v == "train")
    test = next(s for s, v in split.items() if v == "test")
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("pages/recognition.py").run()
    assert not at.exception, [e.value for e in at.exception]
    import re  # the inspected cell is in the URL, as A###-A###
    assert re.fullmatch(r"\['?A\d{3}-A\d{3}'?\]|A\d{3}-A\d{3}", str(at.query_params["cell"]))
    at.selectbox(key="try_seq").set_value(train).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("training" in w.value for w in at.warning), [w.value for w in at.warning]
    assert any("Ground truth of" in m.value for m in at.markdown)
    at.selectbox(key="try_seq").set_value(test).run()
    assert not any("training" in w.value for w in at.warning)
