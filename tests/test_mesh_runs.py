"""Mesh-recovery runs through the CLI: fit, record, evaluate; a failed fit leaves the catalog as
it was."""

from __future__ import annotations

import json

import pytest

from flag3d_core.cli import main


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.fixture()
def mocap_id(use_small_env):
    from flag3d_core.catalog import queries
    from flag3d_core.settings import load_settings

    con = queries.connect(load_settings().catalog)
    try:
        return queries.fit_candidates(con, per_activity=1)[0]
    finally:
        con.close()


def test_fit_smpl_records_a_run_that_eval_reads_back(mocap_id, capsys):
    assert main(["fit", "smpl", "--sequence", mocap_id, "--max-frames", "24", "--json"]) == 0
    fit = _json(capsys)
    m = fit["metrics"]
    assert m["num_sequences"] == 1 and m["num_frames"] == 24
    assert 0 < m["mpjpe"] < 25 and 0 < m["pa_mpjpe"] < 25 and m["pve"] > 0
    assert m["conventions"]["joint_set"] == "smpl24"
    assert main(["eval", "hmr", "--run", fit["run_id"], "--json"]) == 0
    ev = _json(capsys)
    assert ev["run_id"] == fit["run_id"] and len(ev["sequences"]) == 1
    row = ev["sequences"][0]
    assert row["sequence_id"] == mocap_id and row["n_frames_used"] == 24
    assert row["mpjpe"] == pytest.approx(m["mpjpe"], rel=1e-6)
    assert set(ev["per_body_part"]) == {row["body_part"]}
    # the per-frame arrays are there and agree with the stored means
    from flag3d_core.catalog import queries
    from flag3d_core.mesh_recovery.runs import run_errors, run_smpl
    from flag3d_core.settings import load_settings

    s = load_settings()
    con = queries.connect(s.catalog)
    try:
        err = run_errors(con, s.arrays_dir, fit["run_id"], mocap_id)
        smpl = run_smpl(con, s.arrays_dir, fit["run_id"], mocap_id)
    finally:
        con.close()
    assert err["mpjpe"].shape == (24, 24) and err["pve"].shape == (24,)
    assert float(err["mpjpe"].mean()) == pytest.approx(m["mpjpe"], rel=1e-4)
    assert smpl.body_pose.shape == (24, 69) and list(smpl.frames) == list(range(24))
    # eval recognition still finds the recognition run, not this newer one
    assert main(["eval", "recognition", "--json"]) == 0
    assert "top1" in _json(capsys)


def test_a_failed_fit_leaves_the_catalog_unchanged(use_small_env, capsys):
    import hashlib

    from flag3d_core.settings import load_settings

    catalog = load_settings().catalog
    before = hashlib.sha256(catalog.read_bytes()).hexdigest()
    assert main(["fit", "smpl", "--sequence", "no-such-sequence"]) == 2
    assert "no-such-sequence" in capsys.readouterr().err
    assert hashlib.sha256(catalog.read_bytes()).hexdigest() == before


def test_fit2d_refines_kp2smpl_on_the_detections_and_records_a_run(use_small_env, capsys):
    from flag3d_core.catalog import queries
    from flag3d_core.settings import load_settings

    con = queries.connect(load_settings().catalog)
    try:
        sid = queries.view_candidates(con, 2, per_activity=1)[0]
    finally:
        con.close()
    assert main(["fit", "smpl", "--from", "keypoints2d", "--sequence", sid, "--max-frames", "20",
                 "--json"]) == 0
    out = _json(capsys)
    m = out["metrics"]
    assert out["run_id"].startswith("fit2d-") and m["num_frames"] == 20
    assert 0 < m["pa_mpjpe"] < m["mpjpe"] < 400
    assert main(["eval", "hmr", "--run", out["run_id"], "--json"]) == 0
    row = _json(capsys)["sequences"][0]
    assert row["sequence_id"] == sid and row["source"] == "render" and row["camera"] == 2
    # the fit moved the body towards the detections
    assert row["reprojection_px"] < row["start_reprojection_px"]
