"""Crafted files through every loader in a memory-capped subprocess (``tests/crafted_files.py``):
no crash, no hang, no command run, an error that names the file and the problem (the limit and
its setting for limits), and a catalog left byte-identical by a failed ingest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.crafted_files import (
    Case,
    ingest_corpus,
    pickle_corpus,
    run_batch,
    upload_corpus,
    zip_corpus,
)
from tests.helpers import make_tiny_flag3d


def _check(cases: list[Case], batch) -> list[str]:
    """Every way each case may have gone wrong, as lines to print."""
    problems = []
    if batch.returncode != 0:
        problems.append(f"driver exited {batch.returncode} (a signal if negative) while running "
                        f"{batch.last_started!r}: {batch.stderr}")
    for case in cases:
        res = batch.results.get(case.id)
        if res is None:
            problems.append(f"{case.id}: no result")
            continue
        status, message = res["status"], res.get("message", "")
        if res.get("marker"):
            problems.append(f"{case.id}: the crafted command ran (marker file exists)")
        if status in ("unexpected", "hang"):
            problems.append(f"{case.id}: {status} {res.get('type')}: {message}\n"
                            f"{res.get('traceback', '')}")
            continue
        detail = res.get("detail", {})
        if case.loader in ("ingest", "cli_ingest") and detail.get("before") is not None:
            failed = status == "error" or detail.get("rc", 0) != 0
            if failed and detail["before"] != detail["after"]:
                problems.append(f"{case.id}: a failed ingest changed the catalog")
            if case.loader == "cli_ingest":  # the CLI reports the error on stderr, rc 2
                message, status = detail.get("stderr", ""), "error" if failed else "ok"
        if case.expect == "error":
            if status != "error":
                problems.append(f"{case.id}: expected an error, got {status} {detail}")
                continue
            for fragment in (case.name, *case.fragments):
                if fragment not in message:
                    problems.append(f"{case.id}: {fragment!r} not in the message {message!r}")
        elif case.expect in ("ok", "skip"):
            if status != "ok":
                problems.append(f"{case.id}: expected {case.expect}, got {status}: {message}")
            elif case.expect == "skip":
                reasons = " | ".join(detail.get("skipped", []))
                if not all(f in reasons for f in case.fragments):
                    problems.append(f"{case.id}: skip reasons {reasons!r} lack {case.fragments}")
                if detail.get("records", 2) < 2:
                    problems.append(f"{case.id}: the valid records were not read: {detail}")
    return problems


def _run(cases: list[Case], tmp_path: Path, **kw) -> None:
    batch = run_batch(cases, tmp_path / "cases", **kw)
    problems = _check(cases, batch)
    assert not problems, f"{len(problems)} of {len(cases)} cases failed:\n" + "\n".join(problems)


def test_crafted_pickles_through_every_pickle_loader(tmp_path):
    cases = pickle_corpus(tmp_path / "markers")
    assert len(cases) > 250
    _run(cases, tmp_path, timeout=240)


def test_crafted_zips_npz_json_and_npy(tmp_path):
    cases = zip_corpus() + upload_corpus()
    _run(cases, tmp_path, timeout=240)


@pytest.fixture()
def catalog(tmp_path):
    from flag3d_core.catalog.ingest_flag3d import find_parts, ingest_flag3d

    root = tmp_path / "release"
    make_tiny_flag3d(root, performers=(1, 2), activities=(1, 2), with_smpl=False, with_2d=False)
    cat = tmp_path / "cat" / "catalog.duckdb"
    ingest_flag3d(find_parts(root), cat, cat.parent / "arrays", pelvis_fn=lambda _b: np.zeros(3))
    return cat


def test_crafted_files_through_ingest_and_cli_leave_the_catalog_identical(tmp_path, catalog):
    cases = ingest_corpus(tmp_path / "markers")
    _run(cases, tmp_path, timeout=240, catalog=catalog,
         env={"FLAG3D_BODY_MODELS": str(tmp_path / "body"), "FLAG3D_DATA": str(tmp_path)})
