"""Mesh Recovery page logic: leaderboard, category roll-ups, run comparison, exports, payload."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from flag3d_core.mesh_recovery.exports import errors_csv, smpl_npz
from flag3d_core.mesh_recovery.leaderboard import (
    PAPER_ROWS,
    category_table,
    compare_runs,
    leaderboard,
    sequences_of,
)
from flag3d_core.player.hmr import error_curves, worst_joints


def _per_seq() -> pd.DataFrame:
    return pd.DataFrame({
        "sequence_id": ["a", "b", "c"], "name": ["a", "b", "c"],
        "activity_id": ["A001", "A001", "A002"], "activity": ["Svend Press"] * 2 + ["Kneel"],
        "body_part": ["chest", "chest", "chest"], "n_frames_used": [100, 300, 50],
        "mpjpe": [10.0, 20.0, 40.0], "pa_mpjpe": [5.0, 10.0, 30.0], "pve": [1.0, 2.0, 3.0],
        "accel": [0.5, 0.5, 1.0]})


def test_category_means_are_frame_weighted_and_gap_is_mpjpe_minus_pa():
    t = category_table(_per_seq()).set_index("activity_id")
    assert t.loc["A001", "mpjpe"] == pytest.approx((10 * 100 + 20 * 300) / 400)
    assert t.loc["A001", "gap"] == pytest.approx(t.loc["A001", "mpjpe"] - t.loc["A001", "pa_mpjpe"])
    assert t.loc["A001", "sequences"] == 2 and t.loc["A001", "frames"] == 400
    parts = category_table(_per_seq(), "body_part")
    assert parts.iloc[0]["mpjpe"] == pytest.approx((1000 + 6000 + 2000) / 450)
    assert sequences_of(_per_seq(), "A001").sequence_id.tolist() == ["b", "a"]


def test_compare_runs_and_leaderboard_rows():
    a, b = _per_seq(), _per_seq().assign(mpjpe=lambda d: d.mpjpe - 1)
    diff = compare_runs(a, b).set_index("activity_id")
    assert diff.loc["A002", "MPJPE B - A"] == pytest.approx(-1.0)
    runs = pd.DataFrame([{"run_id": "r1", "model": "fit3d", "protocol": "in-domain/test",
                          "metrics": json.dumps({"mpjpe": 6.0, "pa_mpjpe": 5.0,
                                                 "num_sequences": 3})}])
    board = leaderboard(runs)
    assert board.iloc[0]["method"] == "fit3d" and board.iloc[0]["MPJPE"] == 6.0
    assert len(board) == 1 + len(PAPER_ROWS)
    assert (board["data"].str.contains("from the paper")).sum() == len(PAPER_ROWS)


def test_exports_round_trip():
    rng = np.random.default_rng(0)
    err = {"mpjpe": rng.random((5, 24)) * 10, "pa_mpjpe": rng.random((5, 24)),
           "accel": rng.random((3, 24)), "pve": rng.random(5)}
    df = pd.read_csv(io.BytesIO(errors_csv(err, np.arange(10, 15), 30.0)))
    assert df.frame.tolist() == list(range(10, 15)) and len(df.columns) == 6 + 24
    np.testing.assert_allclose(df.mpjpe_mm, err["mpjpe"].mean(1), atol=1e-3)
    assert np.isnan(df.accel_mm_per_frame2.iloc[0]) and not np.isnan(df.accel_mm_per_frame2[2])
    arrays = {"frames": np.arange(5), "global_orient": np.zeros((5, 3), np.float32)}
    z = np.load(io.BytesIO(smpl_npz(arrays, 30.0, method="fit3d", sequence="s")))
    assert str(z["method"]) == "fit3d" and z["global_orient"].shape == (5, 3)


def test_error_curves_name_the_worst_joints():
    mp = np.zeros((4, 24))
    mp[:, 7] = 50.0
    mp[:, 3] = 20.0
    assert worst_joints(mp, 2) == [7, 3]
    c = error_curves({"mpjpe": mp, "pa_mpjpe": mp / 2, "pve": np.ones(4)}, 30.0,
                     tuple(f"j{i}" for i in range(24)))
    assert c["unit"] == "mm" and [g["name"] for g in c["groups"]] == ["error", "worst joints"]
    assert [s["label"] for s in c["groups"][1]["series"]][:2] == ["j7", "j3"]


def test_conditions_name_postures_and_views():
    from flag3d_core.mesh_recovery.leaderboard import with_conditions

    df = _per_seq().assign(source=["mocap", "render", "real"], camera=[1, 2, None],
                           phone_view=[None, None, 2],
                           activity_id=["A001", "A042", "A030"])
    c = with_conditions(df)
    assert c.view.tolist() == ["3D skeleton", "camera C002", "phone V002"]
    assert c.posture.tolist()[0] == "standing" and "lying" in c.posture.tolist()[2]


def test_error_colours_run_green_to_red():
    from flag3d_core.player.hmr import error_colors

    assert error_colors(np.array([0.0, 5.0, 10.0])) == ["#16a34a", "#eab308", "#dc2626"]
