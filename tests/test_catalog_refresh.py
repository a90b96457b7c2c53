"""A running app sees each new catalog on the next rerun, in every session, without a restart,
and closes its connection to the old catalog once no run uses it (real server, real browser,
the ingest in another process)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from flag3d_core.catalog.pool import CatalogConnections, catalog_version
from tests.conftest import ROOT, TEST_OUTPUT
from tests.helpers import make_tiny_flag3d

pytestmark = pytest.mark.browser


def _ingest(env: dict[str, str], root: Path, performers: tuple[int, ...]) -> None:
    make_tiny_flag3d(root, performers=performers, activities=(1, 2), reps=(1,), with_2d=False)
    cmd = [str(Path(sys.executable).parent / "flag3d"), "ingest", "flag3d", "--root", str(root)]
    subprocess.run(cmd, env={**os.environ, **env}, check=True, capture_output=True, timeout=300)


def _sequences(page) -> int:
    value = page.locator('[data-testid="stMetric"]').filter(has_text="Sequences").locator(
        '[data-testid="stMetricValue"]')
    return int(value.inner_text().replace(",", ""))


def _rerun(page, expect: int, timeout_s: float = 60.0) -> None:
    """Rerun the page the way a person does (the sidebar link back to it) and wait until its
    Sequences metric shows ``expect`` (or fail with what it shows)."""
    page.get_by_role("link", name="Home").first.click()
    deadline = time.monotonic() + timeout_s
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = _sequences(page)
        except (ValueError, PlaywrightError):  # mid-rerun: the metric is being replaced
            seen = None
        if seen == expect:
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"after the rerun the page shows {seen} sequences, not {expect}")


def _open_deleted_catalogs(pid: int) -> list[str]:
    """Catalog files the server process still holds open although they were replaced."""
    out = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if "catalog.duckdb" in target and target.endswith("(deleted)"):
            out.append(target)
    return out


def test_running_app_sees_each_new_catalog_in_every_session(tmp_path, browser):
    from flag3d_core.body import write_standin
    from flag3d_core.devtools.server import StreamlitServer

    env = {"FLAG3D_CATALOG": str(tmp_path / "catalog.duckdb"),
           "FLAG3D_BODY_MODELS": str(tmp_path / "body"), "FLAG3D_DATA": str(tmp_path / "raw"),
           "FLAG3D_DEVICE": "cpu", "FLAG3D_CATALOG_GRACE_S": "0"}
    write_standin(tmp_path / "body")
    release = tmp_path / "release"
    _ingest(env, release, (1,))  # 2 activities x 1 rep x 1 performer, mocap + smpl-less
    server = StreamlitServer(ROOT / "app.py", env=env, cwd=ROOT,
                             log_path=TEST_OUTPUT / "refresh_server.log")
    with server as url:
        a, b = browser.new_page(), browser.new_page()
        for p in (a, b):
            p.goto(url)
            p.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
        first = _sequences(a)
        assert _sequences(b) == first > 0

        _ingest(env, release, (1, 2))  # another process swaps in a bigger catalog
        second = _sequences(a)  # nothing reran yet: the page still shows what it showed
        assert second == first
        _rerun(a, expect=2 * first)
        assert _sequences(a) == 2 * first
        assert _sequences(b) == first  # B still holds the old page, untouched

        _ingest(env, release, (1, 2, 5))  # again, while B holds the oldest page
        _rerun(a, expect=3 * first)
        _rerun(b, expect=3 * first)
        assert _sequences(b) == 3 * first
        fresh = browser.new_page()
        fresh.goto(url)
        fresh.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
        assert _sequences(fresh) == 3 * first
        # no connection to a replaced catalog is left open (grace 0: closed on the next run)
        assert _open_deleted_catalogs(server.process.pid) == []
        for p in (a, b, fresh):
            p.close()


def test_pool_closes_old_versions_after_their_grace(tmp_path):
    import duckdb

    path = tmp_path / "c.duckdb"

    def write(n: int) -> None:
        tmp = tmp_path / "new.duckdb"
        con = duckdb.connect(str(tmp))
        con.execute(f"CREATE TABLE t AS SELECT range AS x FROM range({n})")
        con.close()
        os.replace(tmp, path)

    now = [0.0]
    pool = CatalogConnections(grace_s=10.0, clock=lambda: now[0])
    write(1)
    v1 = catalog_version(path)
    old = pool.cursor(v1)
    write(2)
    v2 = catalog_version(path)
    assert v2 != v1
    assert pool.cursor(v2).execute("SELECT count(*) FROM t").fetchone() == (2,)
    assert old.execute("SELECT count(*) FROM t").fetchone() == (1,)  # an old run finishes
    assert pool.open_versions() == [v1, v2]
    now[0] = 5.0
    pool.cursor(v2)
    assert pool.open_versions() == [v1, v2]  # within its grace
    now[0] = 11.0
    pool.cursor(v2)
    assert pool.open_versions() == [v2]
    with pytest.raises(duckdb.Error):
        old.execute("SELECT 1").fetchone()
    pool.close()
    assert pool.open_versions() == []
