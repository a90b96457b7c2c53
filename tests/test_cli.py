"""The flag3d command line: ingest summary and exit codes, --json output, catalog queries."""

from __future__ import annotations

import hashlib
import json

import pytest

from flag3d_core.body import write_standin
from flag3d_core.cli import main
from tests.helpers import make_tiny_flag3d


@pytest.fixture()
def env(tmp_path, monkeypatch):
    root = tmp_path / "release"
    make_tiny_flag3d(root, performers=(1, 2, 5), activities=(1, 8, 45), reps=(1,))
    write_standin(tmp_path / "body")
    monkeypatch.setenv("FLAG3D_BODY_MODELS", str(tmp_path / "body"))
    monkeypatch.setenv("FLAG3D_CATALOG", str(tmp_path / "cat" / "catalog.duckdb"))
    return tmp_path, root


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_ingest_root_then_query(env, capsys):
    tmp, root = env
    assert main(["ingest", "flag3d", "--root", str(root), "--json"]) == 0
    out = _json(capsys)
    assert out["ingested"] == 9 + 18 + 9 and out["skipped"] == 0 and out["smpl"] == 9
    assert main(["catalog", "stats", "--json"]) == 0
    st = _json(capsys)
    assert st["sequences"] == 36 and st["by_source"] == {"mocap": 9, "real": 9, "render": 18}
    assert main(["catalog", "sequences", "--body-part", "hip", "--split", "test",
                 "--source", "mocap", "--json"]) == 0
    seqs = _json(capsys)
    assert seqs["total"] == 2 and {s["performer"] for s in seqs["sequences"]} == {"P001", "P005"}
    assert main(["catalog", "sequences", "--activity", "A008", "--limit", "1", "--json"]) == 0
    one = _json(capsys)
    assert one["returned"] == 1 and one["total"] == 12  # 3 mocap + 6 render + 3 real
    assert main(["--catalog", str(tmp / "cat" / "catalog.duckdb"), "catalog", "stats"]) == 0
    assert "sequences: 36" in capsys.readouterr().out


def test_explicit_parts_and_file_level_error_exits_nonzero(env, capsys):
    tmp, root = env
    assert main(["ingest", "flag3d", "--skeleton", str(root / "flag3d_keypoint.pkl"),
                 "--json"]) == 0
    catalog = tmp / "cat" / "catalog.duckdb"
    before = hashlib.sha256(catalog.read_bytes()).hexdigest()
    capsys.readouterr()
    bad = tmp / "empty.pkl"
    bad.write_bytes(b"")
    assert main(["ingest", "flag3d", "--skeleton", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "empty.pkl" in err and "error" in err
    assert hashlib.sha256(catalog.read_bytes()).hexdigest() == before
    assert main(["ingest", "flag3d", "--skeleton", str(tmp / "missing.pkl")]) == 2
    assert "missing.pkl" in capsys.readouterr().err


def test_per_sequence_problems_are_skipped_with_reason(env, capsys):
    import pickle

    import numpy as np

    tmp, root = env
    data = pickle.loads((root / "flag3d_keypoint.pkl").read_bytes())
    data["annotations"][0]["keypoint"] = np.zeros((1, 40, 24, 3), np.float32)  # wrong joint count
    data["annotations"][1]["label"] = 77  # out of range
    (tmp / "bad.pkl").write_bytes(pickle.dumps(data))
    assert main(["ingest", "flag3d", "--skeleton", str(tmp / "bad.pkl"), "--json"]) == 0
    out = _json(capsys)
    assert out["ingested"] == 7 and out["skipped"] == 2
    reasons = " ".join(r["reason"] for r in out["skipped_reasons"])
    assert "25" in reasons and "77" in reasons


def test_missing_catalog_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FLAG3D_CATALOG", str(tmp_path / "none.duckdb"))
    assert main(["catalog", "stats"]) == 2
    assert "make app" in capsys.readouterr().err


def test_export_to_a_folder_is_one_line_and_writes_nothing(env, capsys, tmp_path):
    tmp, root = env
    assert main(["ingest", "flag3d", "--root", str(root), "--json"]) == 0
    capsys.readouterr()
    out = tmp / "exports"
    out.mkdir()
    assert main(["export", "S001C001M001P001A001R001", "--format", "bvh", "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"flag3d: error: {out}: is a folder; give a file name inside it"]
    assert list(out.iterdir()) == [] and not list(tmp.glob(".exports*"))


def test_unexpected_error_names_the_log_with_the_traceback(env, capsys, monkeypatch, tmp_path):
    from flag3d_core.cli import catalog_cmds

    def bug(*_a, **_k):
        raise AttributeError("'NoneType' object has no attribute 'x'")

    monkeypatch.setenv("FLAG3D_LOG", str(tmp_path / "logs" / "cli.log"))
    monkeypatch.setattr(catalog_cmds.queries, "connect", bug)
    assert main(["catalog", "stats"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "AttributeError" in err[0] and str(tmp_path / "logs") in err[0]
    assert "Traceback" in (tmp_path / "logs" / "cli.log").read_text()


def test_export_joints_and_keypoints_csv_and_npy(env, capsys):
    """Skeleton exports parse back to the stored arrays (CSV via pandas, .npy via numpy)."""
    import numpy as np
    import pandas as pd

    from flag3d_core.catalog import queries
    from flag3d_core.catalog.record import load_sequence
    from flag3d_core.layouts import COCO17, NTU25
    from flag3d_core.settings import load_settings

    tmp, root = env
    assert main(["ingest", "flag3d", "--root", str(root), "--json"]) == 0
    s = load_settings()
    con = queries.connect(s.catalog)
    mocap = load_sequence(con, s.arrays_dir, "flag3d/mocap/S001C001M001P001A001R001")
    render_id = con.execute("SELECT sequence_id FROM sequences WHERE source = 'render' "
                            "ORDER BY sequence_id LIMIT 1").fetchone()[0]
    render = load_sequence(con, s.arrays_dir, render_id)
    con.close()
    joints = mocap.joints3d()
    kp, scores = render.keypoints2d()
    out = tmp / "out"
    out.mkdir()
    for fmt, seq in (("joints-csv", mocap.sequence_id), ("joints-npy", mocap.sequence_id),
                     ("keypoints-csv", render_id), ("keypoints-npy", render_id),
                     ("csv", mocap.sequence_id)):
        suffix = ".npy" if fmt.endswith("npy") else ".csv"
        assert main(["export", seq, "--format", fmt, "--out", str(out / f"{fmt}{suffix}"),
                     "--json"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    df = pd.read_csv(out / "joints-csv.csv")
    assert list(df.columns) == ["frame", "time_s", "joint_index", "joint", "x", "y", "z"]
    t, j, _ = joints.shape
    assert len(df) == t * j and df.joint.iloc[:j].tolist() == list(NTU25.joint_names)
    np.testing.assert_allclose(df[["x", "y", "z"]].to_numpy().reshape(t, j, 3), joints,
                               atol=6e-6)
    np.testing.assert_allclose(df.time_s.to_numpy()[::j], np.arange(t) / mocap.fps, atol=1e-5)
    np.testing.assert_array_equal(np.load(out / "joints-npy.npy", allow_pickle=False), joints)
    k2 = pd.read_csv(out / "keypoints-csv.csv")
    assert list(k2.columns) == ["frame", "time_s", "joint_index", "joint", "x", "y", "score"]
    assert k2.joint.iloc[:17].tolist() == list(COCO17.joint_names)
    np.testing.assert_allclose(k2[["x", "y"]].to_numpy().reshape(kp.shape), kp, atol=5e-4)
    np.testing.assert_allclose(k2.score.to_numpy().reshape(scores.shape), scores, atol=5e-4)
    both = np.load(out / "keypoints-npy.npy", allow_pickle=False)
    assert both.shape == (*kp.shape[:2], 3)
    np.testing.assert_array_equal(both[..., :2], kp)
    meta = pd.read_csv(out / "csv.csv")  # the old name: still the one-row catalog metadata
    assert len(meta) == 1 and meta.sequence_id.iloc[0] == mocap.sequence_id
    # a MoCap sequence has no 2D keypoints: one line saying so
    assert main(["export", mocap.sequence_id, "--format", "keypoints-csv", "--out",
                 str(out / "x.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2D keypoints" in err[0]
