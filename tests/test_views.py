"""Library views behind the pages (catalog views, sequence records, recognition summaries),
tested on a tiny FLAG3D release without Streamlit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flag3d_core.catalog import queries, views
from flag3d_core.catalog.ingest_flag3d import find_parts, ingest_flag3d
from flag3d_core.catalog.record import load_sequence
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.errors import NotInCatalogError
from flag3d_core.layouts import COCO17, NTU25
from flag3d_core.recognition import summary
from tests.helpers import make_tiny_flag3d, mocap_name

PELVIS = np.array([0.0, -0.2, 0.02])
PERFORMERS, ACTIVITIES, REPS = (1, 2, 5), (1, 2, 8, 45), (1, 2)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("views")
    make_tiny_flag3d(base / "release", performers=PERFORMERS, activities=ACTIVITIES, reps=REPS)
    catalog, arrays = base / "catalog.duckdb", base / "arrays"
    ingest_flag3d(find_parts(base / "release"), catalog, arrays, pelvis_fn=lambda _b: PELVIS)
    return catalog, arrays


@pytest.fixture()
def con(tiny):
    c = queries.connect(tiny[0])
    yield c
    c.close()


def sid(p: int, a: int, r: int) -> str:
    return f"flag3d/mocap/{mocap_name(p, a, r)}"


def test_split_counts_name_each_protocol(con):
    df = views.split_counts(con)
    mocap = df[df.source == "mocap"]
    assert set(mocap.split) == {"in-domain train", "in-domain test"}
    assert mocap.n.sum() == len(PERFORMERS) * len(ACTIVITIES) * len(REPS)
    # P001 and P005 are test performers in-domain
    assert int(mocap[mocap.split == "in-domain test"].n.sum()) == 2 * len(ACTIVITIES) * len(REPS)
    assert set(df[df.source != "mocap"].split) <= {"cross-domain train", "cross-domain test"}


def test_mocap_lengths_and_distinct_values(con):
    df = views.mocap_lengths(con)
    assert list(df.columns) == ["activity_id", "activity", "body_part", "n_frames", "fps"]
    assert len(df) == len(PERFORMERS) * len(ACTIVITIES) * len(REPS)
    assert (df.n_frames == 40).all()
    assert views.distinct_values(con, "repetition") == [1, 2]
    assert all(isinstance(v, int) for v in views.distinct_values(con, "repetition"))


def test_taxonomy_counts_ignore_the_taxonomy_filters(con):
    f = queries.SequenceFilter(source="mocap", activity_id="A001", body_part="back")
    tax = views.taxonomy_counts(con, f)
    by_node = dict(zip(tax.node_id, tax.n_sequences, strict=True))
    per_activity = len(PERFORMERS) * len(REPS)
    assert by_node["A001"] == by_node["A002"] == by_node["A045"] == per_activity
    assert by_node["A003"] == 0


def test_activity_grid_is_performer_by_repetition(con):
    grid = views.activity_grid(con, "A008", "mocap")
    assert list(grid.columns) == ["R001", "R002"]
    assert sorted(grid.index) == ["P001", "P002", "P005"]
    assert (grid.to_numpy() == 40).all()
    assert views.activity_grid(con, "A003", "mocap").empty


def test_playable_ids_and_the_other_performer(con):
    ids = views.playable_ids(con)
    assert len(ids) == len(PERFORMERS) * len(ACTIVITIES) * len(REPS)
    assert all(i.startswith("flag3d/mocap/") for i in ids)
    other = views.same_activity_other_performer(con, sid(1, 8, 2))
    assert other is not None and other != sid(1, 8, 2)
    assert "A008R002" in other and "P001" not in other
    assert views.same_activity_other_performer(con, "flag3d/mocap/nope") is None


def test_sequence_label_through_the_name_parser():
    assert views.sequence_label(sid(2, 17, 1)) == "P002 · A017 · R001  (S001C001M001P002A017R001)"
    assert views.sequence_label("flag3d/real/PHR_A017_V001_R002_S001") == (
        "P002 · A017 · R002  (PHR_A017_V001_R002_S001)")
    assert views.sequence_label("x/y/not-a-name") == "not-a-name"


def test_record_takes_its_layout_from_the_row_and_loads_lazily(tiny, con):
    rec = load_sequence(con, tiny[1], sid(2, 8, 1))
    assert rec.layout is NTU25 and rec.has_joints3d and rec.has_smpl
    assert rec.loaded() == ()
    joints = rec.joints3d()
    assert joints.shape == (40, 25, 3) and rec.joints3d() is joints  # read once, kept
    assert rec.splits == {"in-domain": "train"}
    placed = rec.smpl(pelvis_rest=PELVIS)
    np.testing.assert_allclose(placed.transl, rec.smpl().transl, atol=1e-6)
    assert rec.loaded() == ("joints3d_ntu25", "smpl")
    rend = load_sequence(con, tiny[1], f"flag3d/render/{mocap_name(2, 8, 1, c=2)}")
    assert rend.layout is COCO17 and not rend.has_joints3d
    kp, scores = rend.keypoints2d()
    assert kp.shape == (40, 17, 2) and scores.shape == (40, 17)
    with pytest.raises(NotInCatalogError, match="no 3D skeleton"):
        rend.joints3d()
    with pytest.raises(NotInCatalogError, match="no sequence"):
        load_sequence(con, tiny[1], "flag3d/mocap/S001C001M001P009A001R001")
    with pytest.raises(KeyError):  # still a KeyError for older callers
        load_sequence(con, tiny[1], "nope")


# ----------------------------------------------------------------------------- recognition
@pytest.fixture(scope="module")
def with_run(tiny) -> str:
    """A recorded run over the in-domain test sequences: A008 is twice predicted as A045."""
    catalog = tiny[0]
    rows = []
    for p in (1, 5):
        for a in ACTIVITIES:
            for r in REPS:
                pred = 44 if (a == 8 and r == 1) else a - 1
                conf = 0.9 if p == 5 else 0.6
                rows.append({"run_id": "r1", "sequence_id": sid(p, a, r), "label_true": a - 1,
                             "label_pred": pred, "top5": json.dumps([[pred, conf]]),
                             "probs": json.dumps([])})
    metrics = {"top1": 0.75, "top5": 1.0, "mean_class_accuracy": 0.75, "num_samples": len(rows),
               "per_group": {"back": 0.5}}
    with catalog_transaction(catalog) as c:
        queries.insert_model_run(c, "r1", "recognition", "stgcn", "in-domain", {}, metrics, None)
        queries.insert_predictions(c, pd.DataFrame(rows))
    return "r1"


def test_runs_table_rows(tiny, with_run):
    c = queries.connect(tiny[0])
    table = summary.runs_table(c, [with_run])
    row = table.iloc[0]
    assert (row["run"], row["model"], row["protocol"]) == ("r1", "stgcn", "in-domain")
    assert row["top-1"] == 0.75 and row["back"] == 0.5 and row["test sequences"] == 16
    with pytest.raises(NotInCatalogError):
        summary.runs_table(c, ["nope"])
    c.close()


def test_confused_pairs_hand_checked():
    cm = np.array([[5, 3, 0], [1, 4, 0], [0, 3, 2]])
    df = summary.confused_pairs(cm, ["a", "b", "c"], n=2)
    assert df[["true_label", "pred_label", "sequences"]].values.tolist() == [[0, 1, 3], [2, 1, 3]]
    assert df["share of the class"].tolist() == [0.375, 0.6]
    assert df["ground truth"].tolist() == ["A001 · a", "A003 · c"]
    assert df["predicted"].tolist() == ["A002 · b", "A002 · b"]
    assert summary.confused_pairs(np.eye(3, dtype=int), ["a", "b", "c"]).empty


def test_cell_sequences_and_typical_sequence(tiny, with_run):
    c = queries.connect(tiny[0])
    cell = summary.cell_sequences(c, with_run, 7, 44)
    assert sorted(cell.sequence_id) == [sid(1, 8, 1), sid(5, 8, 1)]
    # most confident correct A045: performer P005 (0.9 > 0.6)
    assert "P005A045" in summary.typical_sequence(c, with_run, 44)
    # a class without predictions falls back to any MoCap sequence of it, or None
    assert summary.typical_sequence(c, with_run, 2) is None  # no A003 in the catalog
    assert summary.typical_sequence(c, "no-such-run", 0).startswith("flag3d/mocap/")
    c.close()


def test_check_layout_and_labels():
    summary.check_layout("r", "ntu25", "ntu25")
    with pytest.raises(ValueError, match="coco17 \\(2D\\) model"):
        summary.check_layout("r", "coco17", "ntu25")
    assert summary.activity_label(16, [f"n{i}" for i in range(60)]) == "A017 · n16"


def test_playable_labels_mocap_of_and_nearest_ids(con):
    labels = views.playable_labels(con)
    assert list(labels) == views.playable_ids(con)
    first = labels[sid(2, 8, 1)]
    assert first.startswith("A008 ") and "· P002 · R001" in first
    render = f"flag3d/render/{mocap_name(2, 8, 1, c=2)}"
    assert queries.mocap_of(con, render) == sid(2, 8, 1)
    assert queries.mocap_of(con, sid(2, 8, 1)) == sid(2, 8, 1)
    assert queries.mocap_of(con, "nope") is None
    # one digit off: the closest id first, MoCap before the rendered copy of the same name
    typo = sid(2, 8, 1)[:-1] + "9"
    assert queries.nearest_sequence_ids(con, typo)[0] == sid(2, 8, 1)
    assert queries.nearest_sequence_ids(con, mocap_name(2, 8, 1), limit=1) == [sid(2, 8, 1)]


def test_cell_param_round_trip():
    assert summary.cell_param(7, 44) == "A008-A045"
    assert summary.parse_cell_param("A008-A045") == (7, 44)
    for bad in (None, "", "A000-A001", "A061-A001", "8-45", "A008A045"):
        assert summary.parse_cell_param(bad) is None
