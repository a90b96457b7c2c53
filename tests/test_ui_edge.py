"""The UI edge (pages/_ui): the legacy-routing workaround, and one load per array per run."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


class _Rerun(Exception):
    pass


def test_ensure_navigation_leaves_legacy_mode_once(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    from pages._ui import routing

    calls = []

    def fake_rerun() -> None:
        calls.append(1)
        raise _Rerun

    monkeypatch.setattr(st, "rerun", fake_rerun)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True, raising=False)
    with pytest.raises(_Rerun):
        routing.ensure_navigation()
    assert PagesManager.uses_pages_directory is False
    routing.ensure_navigation()  # already switched off: no second rerun
    assert calls == [1]


def test_ensure_navigation_is_a_no_op_without_the_private_flag(monkeypatch):
    from pages._ui import routing

    monkeypatch.setattr(routing, "_pages_manager", lambda: None)
    monkeypatch.setattr(st, "rerun", lambda: pytest.fail("must not rerun"))
    routing.ensure_navigation()


def _count_loads(monkeypatch) -> Counter:
    """Count every array-file read by path (the record's loaders are the only readers)."""
    from flag3d_core.catalog import arrays, record

    counts: Counter = Counter()

    def counting(fn):
        def wrapper(arrays_dir, rel_path, *a, **k):
            counts[rel_path] += 1
            return fn(arrays_dir, rel_path, *a, **k)
        return wrapper

    monkeypatch.setattr(record, "load_array", counting(arrays.load_array))
    monkeypatch.setattr(record, "load_arrays", counting(arrays.load_arrays))
    return counts


def test_sequence_page_loads_each_array_once_per_run(use_small_env, monkeypatch):
    st.cache_data.clear()
    st.cache_resource.clear()
    counts = _count_loads(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/sequence.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # the default view is the mesh: the skeleton (joint angles) and the SMPL file are read
    assert len(counts) == 2, counts
    assert set(counts.values()) == {1}, counts
    # a rerun (the view now switches in the browser; a comparison pick reruns) reads nothing
    # of the first sequence again
    counts.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not counts, counts


def test_uncaught_errors_show_no_traceback_in_the_browser():
    import tomllib

    cfg = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    # "type": exception type and a generic message; the traceback only in the server log
    assert cfg["client"]["showErrorDetails"] == "type"
