"""Catalog: ingest of the release formats, queries, atomic swap on failure."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_array, load_arrays, store_array
from flag3d_core.catalog.ingest_flag3d import Flag3DParts, find_parts, ingest_flag3d
from flag3d_core.safe_pickle import FileFormatError
from tests.helpers import make_tiny_flag3d

PELVIS = np.array([0.0, -0.2, 0.02])


def _pelvis(_betas):
    return PELVIS


@pytest.fixture()
def tiny(tmp_path: Path):
    root = tmp_path / "release"
    counts = make_tiny_flag3d(root, performers=(1, 2, 5), activities=(1, 2, 8, 45), reps=(1, 2))
    catalog = tmp_path / "cat" / "catalog.duckdb"
    arrays = tmp_path / "cat" / "arrays"
    summary = ingest_flag3d(find_parts(root), catalog, arrays, pelvis_fn=_pelvis)
    return root, catalog, arrays, counts, summary


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_find_parts_by_name(tiny):
    root = tiny[0]
    parts = find_parts(root)
    assert parts.skeleton.name == "flag3d_keypoint.pkl"
    assert sorted(p.name for p in parts.skeleton_2d) == ["flag3d_2d_natural.pkl",
                                                         "flag3d_2d_render.pkl"]
    assert parts.smpl_dir.name == "smpl"
    assert parts.instructions.name == "instructions.json"


def test_ingest_counts_and_sources(tiny):
    _, catalog, _, counts, summary = tiny
    assert summary.skipped == []
    assert summary.by_source == counts
    assert summary.smpl == counts["mocap"]
    con = queries.connect(catalog)
    st = queries.stats(con)
    assert st["sequences"] == sum(counts.values())
    assert st["by_source"] == counts
    assert st["activities"] == 60
    by_bp = queries.counts_by(con, "body_part", queries.SequenceFilter(source="mocap"))
    assert dict(zip(by_bp.body_part, by_bp.n, strict=True)) == {"back": 6, "chest": 12, "hip": 6}


def test_splits_follow_protocols(tiny):
    con = queries.connect(tiny[1])
    df = queries.sequences(con, queries.SequenceFilter(source="mocap"))
    for _, row in df.iterrows():
        assert row.split == ("test" if row.performer in ("P001", "P005") else "train")
    cd = queries.counts_by(con, ["source", "split"],
                           queries.SequenceFilter(protocol="cross-domain"))
    got = {(r.source, r.split): r.n for r in cd.itertuples()}
    assert got[("render", "train")] == tiny[3]["render"]
    assert got[("real", "test")] == tiny[3]["real"]


def test_filters_and_instruction_join(tiny):
    con = queries.connect(tiny[1])
    f = queries.SequenceFilter(body_part="chest", source="mocap", split="test", performer="P005")
    df = queries.sequences(con, f)
    assert len(df) == 4 and set(df.activity_id) == {"A001", "A002"}
    one = queries.sequence(con, df.sequence_id.iloc[0])
    assert one["description"].startswith("Do activity")
    assert one["up_axis"] == "z" and one["joint_layout"] == "ntu25"
    assert queries.resolve_sequence_id(con, "S001C001M001P001A001R001") == \
        "flag3d/mocap/S001C001M001P001A001R001"
    with pytest.raises(KeyError):
        queries.resolve_sequence_id(con, "S009C001M001P001A001R001")
    # bound parameters: a hostile value is just a value
    assert queries.sequences(con, queries.SequenceFilter(body_part="chest' OR 1=1 --")).empty


def test_arrays_roundtrip_and_smpl_conversion(tiny):
    root, catalog, arrays, _, _ = tiny
    con = queries.connect(catalog)
    sid = "flag3d/mocap/S001C001M001P002A008R002"
    refs = queries.sequence_arrays(con, sid).set_index("kind")
    joints = load_array(arrays, refs.loc["joints3d_ntu25", "path"])
    assert joints.shape == (40, 25, 3) and joints.dtype == np.float32
    smpl = load_arrays(arrays, refs.loc["smpl", "path"])
    raw = np.load(root / "smpl" / "S001C001M001P002A008R002.npz")
    np.testing.assert_allclose(smpl["global_orient"], raw["Rh"], atol=1e-6)
    np.testing.assert_allclose(smpl["body_pose"], raw["poses"][:, 3:], atol=1e-6)
    # transl = Th + R(Rh) J0 - J0 with Rh = 90 deg about x
    R = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]])
    np.testing.assert_allclose(smpl["transl"], raw["Th"] + R @ PELVIS - PELVIS, atol=1e-5)
    assert json.loads(refs.loc["joints3d_ntu25", "shape"]) == [40, 25, 3]


def test_content_addressed_store_is_idempotent(tmp_path):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    s1, s2 = store_array(tmp_path, a), store_array(tmp_path, a.copy())
    assert s1 == s2 and (tmp_path / s1.path).exists()
    assert store_array(tmp_path, a + 1).path != s1.path


def test_failed_ingest_leaves_catalog_untouched(tiny, tmp_path):
    _, catalog, arrays, _, _ = tiny
    before = _digest(catalog)
    bad = tmp_path / "bad.pkl"
    good = (tiny[0] / "flag3d_keypoint.pkl").read_bytes()
    bad.write_bytes(good[: len(good) // 2])  # truncated
    with pytest.raises(FileFormatError, match="bad.pkl"):
        ingest_flag3d(Flag3DParts(skeleton=bad), catalog, arrays)
    assert _digest(catalog) == before
    assert not list(catalog.parent.glob("*.tmp-*"))


def test_failure_inside_transaction_rolls_back(tiny, monkeypatch):
    _, catalog, arrays, _, _ = tiny
    before = _digest(catalog)

    def boom(*_a, **_k):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(queries, "insert_splits", boom)
    with pytest.raises(RuntimeError, match="simulated"):
        ingest_flag3d(find_parts(tiny[0]), catalog, arrays, pelvis_fn=_pelvis)
    assert _digest(catalog) == before


def test_reader_keeps_working_across_swap(tiny):
    """A reader holding the old catalog open is not disturbed by a swap;
    new readers see the new one."""
    root, catalog, arrays, counts, _ = tiny
    old = queries.connect(catalog)
    n_old = queries.stats(old)["sequences"]
    make_tiny_flag3d(root, performers=(1, 2, 3, 5), activities=(1, 2, 8, 45), reps=(1, 2))
    ingest_flag3d(find_parts(root), catalog, arrays, pelvis_fn=_pelvis)
    assert queries.stats(old)["sequences"] == n_old
    # a new read-only connection sees the new file even while the old one is open (DuckDB's
    # per-path instance cache would hand back the old catalog: connect() attaches instead)
    new = queries.connect(catalog)
    assert queries.stats(new)["sequences"] > n_old
    assert queries.stats(queries.cursor(new))["sequences"] > n_old
    assert queries.stats(old)["sequences"] == n_old
    old.close()
    new.close()


def test_cursor_per_thread(tiny):
    con = queries.connect(tiny[1])
    results, errors = [], []

    def work():
        try:
            cur = queries.cursor(con)
            for _ in range(20):
                results.append(len(queries.sequences(
                    cur, queries.SequenceFilter(body_part="chest"))))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(results) == {
        len(queries.sequences(con, queries.SequenceFilter(body_part="chest")))}


def test_missing_catalog_message(tmp_path):
    with pytest.raises(queries.CatalogMissingError, match="make app"):
        queries.connect(tmp_path / "nope.duckdb")


def test_load_smpl_rederives_transl_for_another_body_model(tiny):
    from flag3d_core.catalog.load import load_joints, load_smpl

    root, catalog, arrays, _, _ = tiny
    con = queries.connect(catalog)
    sid = "flag3d/mocap/S001C001M001P005A045R001"
    raw = np.load(root / "smpl" / "S001C001M001P005A045R001.npz")
    R = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]])
    same = load_smpl(con, arrays, sid, pelvis_rest=PELVIS)
    np.testing.assert_allclose(same.transl, raw["Th"] + R @ PELVIS - PELVIS, atol=1e-5)
    other = np.array([0.01, -0.25, 0.0])
    moved = load_smpl(con, arrays, sid, pelvis_rest=other)
    np.testing.assert_allclose(moved.transl, raw["Th"] + R @ other - other, atol=1e-5)
    assert load_joints(con, arrays, sid).shape == (40, 25, 3)
    with pytest.raises(KeyError, match="no SMPL"):
        load_smpl(con, arrays, "flag3d/render/S001C001M001P005A045R001")


def test_rendered_videos_are_ingested_and_found_from_the_mocap_sequence(tmp_path):
    from flag3d_core.render.video import write_mp4

    root = tmp_path / "release"
    make_tiny_flag3d(root, performers=(1,), activities=(1,), reps=(1,))
    (root / "videos").mkdir()
    frames = [np.full((48, 64, 3), 40 * i, np.uint8) for i in range(5)]
    write_mp4(root / "videos" / "S001C002M001P001A001R001.mp4", frames, fps=30)
    write_mp4(root / "videos" / "not_a_name.mp4", frames, fps=30)
    catalog, arrays = tmp_path / "catalog.duckdb", tmp_path / "arrays"
    summary = ingest_flag3d(find_parts(root), catalog, arrays, pelvis_fn=_pelvis)
    assert summary.videos == 1
    assert [s["name"] for s in summary.skipped] == ["not_a_name.mp4"]
    con = queries.connect(catalog)
    vids = queries.related_videos(con, "flag3d/mocap/S001C001M001P001A001R001")
    assert vids.name.tolist() == ["S001C002M001P001A001R001"] and vids.camera.tolist() == [2]
    assert ((arrays / vids.path.iloc[0]).read_bytes()
            == (root / "videos" / "S001C002M001P001A001R001.mp4").read_bytes())


def test_reingest_keeps_model_results_of_sequences_that_remain(tiny):
    import pandas as pd

    from flag3d_core.catalog.writer import catalog_transaction

    root, catalog, arrays, _, _ = tiny
    kept, gone = "flag3d/mocap/S001C001M001P001A001R001", "flag3d/mocap/S001C001M001P002A001R002"
    with catalog_transaction(catalog) as con:
        queries.insert_model_run(con, "run1", "recognition", "stgcn", "in-domain", {},
                                 {"top1": 1.0}, None)
        queries.insert_predictions(con, pd.DataFrame({
            "run_id": "run1", "sequence_id": [kept, gone], "label_true": 0, "label_pred": 0,
            "top5": "[]", "probs": "[]"}))
    make_tiny_flag3d(root, performers=(1, 2, 5), activities=(1, 2, 8, 45), reps=(1,))  # R002 gone
    (root / "smpl" / "S001C001M001P002A001R002.npz").unlink()
    ingest_flag3d(find_parts(root), catalog, arrays, pelvis_fn=_pelvis)
    con = queries.connect(catalog)
    assert queries.predictions(con, "run1").sequence_id.tolist() == [kept]
    assert queries.model_run(con, "run1") is not None
