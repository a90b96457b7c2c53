"""The player's chart strip (joint-angle curves on its timeline) and the Sequence page payload
with the view switch in the browser."""

from __future__ import annotations

import numpy as np
import pytest

from flag3d_core.analysis.joint_angles import ANGLE_GROUPS, ANGLE_NOTES, joint_angles
from flag3d_core.analysis.repetitions import Repetitions, count_repetitions_in_joints
from flag3d_core.catalog import queries
from flag3d_core.catalog.ingest_flag3d import find_parts, ingest_flag3d
from flag3d_core.catalog.record import load_sequence
from flag3d_core.layouts import NTU25
from flag3d_core.player.curves import MIN_SPAN_DEG, angle_curves, most_moving_group
from flag3d_core.player.sequence import sequence_payload, side_by_side_payload
from flag3d_core.player.tracks import PALETTE, player_payload, skeleton_track
from flag3d_core.player.wire import decode_array
from tests.helpers import make_tiny_flag3d, mocap_name

PELVIS = np.array([0.0, -0.2, 0.02])


def _angles(t: int = 90, knee_swing: float = 60.0) -> dict[str, np.ndarray]:
    x = np.linspace(0, 4 * np.pi, t)
    out = {n: np.full(t, 170.0, np.float32) + np.float32(0.3) * np.sin(7 * x).astype(np.float32)
           for names in ANGLE_GROUPS.values() for n in names}
    out["left knee"] = (150 - knee_swing * (1 + np.sin(x)) / 2).astype(np.float32)
    out["right knee"] = (150 - knee_swing * (1 + np.sin(x + 0.2)) / 2).astype(np.float32)
    return out


def test_curves_carry_every_group_in_tenths_of_a_degree():
    a, b = _angles(), _angles(60, 20.0)
    reps = Repetitions(2, np.array([20, 65]), [(0, 45), (45, 89)], 45.0, np.zeros(90))
    c = angle_curves([a, b], 30.0, reps)
    assert [g["name"] for g in c["groups"]] == list(ANGLE_GROUPS)
    knees = c["groups"][0]
    assert knees["note"] == ANGLE_NOTES["knees"] and c["unit"] == "°"
    assert [(s["seq"], s["label"], s["side"]) for s in knees["series"]] == [
        (0, "left knee", "left"), (0, "right knee", "right"),
        (1, "left knee", "left"), (1, "right knee", "right")]
    back = decode_array(knees["series"][2]["values"])
    assert back.shape == (60,)
    np.testing.assert_allclose(back, b["left knee"], atol=0.051)
    assert c["groups"][-1]["series"][0]["side"] == "centre"  # the trunk has no side
    assert c["repetitions"] == {"seq": 0, "count": 2, "period_frames": 45.0,
                                "segments": [[0, 45], [45, 89]], "peaks": [20, 65]}
    assert c["min_span"] == MIN_SPAN_DEG and c["fps"] == 30.0
    assert angle_curves([a], 30.0)["repetitions"] is None


def test_default_group_is_the_one_that_moves_most():
    a = _angles()
    assert most_moving_group(a) == "knees"
    a["trunk"] = np.linspace(0, 90, 90).astype(np.float32)  # lying down: trunk moves 90°
    assert most_moving_group(a) == "trunk"
    with pytest.raises(ValueError):
        angle_curves([], 30.0)


def test_player_payload_view_and_curves_are_optional():
    track = skeleton_track(np.zeros((5, 25, 3)), NTU25, 30)
    plain = player_payload([track], 30)
    assert "view" not in plain and "curves" not in plain
    with_view = player_payload([track], 30, view="skeleton")
    assert with_view["view"] == "skeleton" and with_view["id"] != plain["id"]
    with pytest.raises(ValueError, match="view"):
        player_payload([track], 30, view="wireframe")


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    base = tmp_path_factory.mktemp("curves")
    make_tiny_flag3d(base / "release", performers=(1, 2), activities=(1, 8), reps=(1,))
    catalog, arrays = base / "catalog.duckdb", base / "arrays"
    ingest_flag3d(find_parts(base / "release"), catalog, arrays, pelvis_fn=lambda _b: PELVIS)
    con = queries.connect(catalog)
    recs = [load_sequence(con, arrays, f"flag3d/mocap/{mocap_name(p, 8, 1)}") for p in (1, 2)]
    con.close()
    return recs


def test_sequence_payload_sends_both_kinds_for_the_switch(records, tmp_path):
    from flag3d_core.body import load_body_model
    from flag3d_core.body.standin import write_standin

    body_dir = tmp_path / "body"
    write_standin(body_dir)
    body = load_body_model(body_dir)
    reps = count_repetitions_in_joints(records[0].joints3d(), fps=records[0].fps)
    p = sequence_payload(records, view="mesh", body_model=body, reps=reps)
    assert p["view"] == "mesh" and p["mesh_sent"] and p["mesh_possible"]
    kinds = sorted((t["seq"], t["kind"]) for t in p["tracks"])
    assert kinds == [(0, "mesh"), (0, "skeleton"), (1, "mesh"), (1, "skeleton")]
    for t in p["tracks"]:  # one colour and one label per sequence, mesh and skeleton alike
        assert t["color"] == PALETTE[t["seq"]]
        m = records[t["seq"]].meta
        assert t["label"] == f"{m['activity_id']} · {m['performer']} · R{m['repetition']:03d}"
    knees = p["curves"]["groups"][0]["series"]
    assert {s["seq"] for s in knees} == {0, 1}
    ref = joint_angles(records[1].joints3d(), records[1].layout)["left knee"]
    np.testing.assert_allclose(decode_array(knees[2]["values"]), ref, atol=0.051)
    assert p["curves"]["repetitions"]["count"] == reps.count
    # mesh and both send the same tracks (the view only picks where the player starts)
    q = sequence_payload(records, view="both", body_model=body, reps=reps)
    assert q["tracks"] == p["tracks"] and q["id"] != p["id"]
    # a skeleton view is sent light: skeletons only, and the player knows a mesh can be asked
    light = sequence_payload(records, view="skeleton", body_model=body, reps=reps)
    assert [t["kind"] for t in light["tracks"]] == ["skeleton", "skeleton"]
    assert light["mesh_sent"] is False and light["mesh_possible"] is True
    assert light["curves"] == p["curves"]
    # without a body model the mesh falls back to the skeleton
    s = side_by_side_payload(records, view="mesh", body_model=None, switchable=True)
    assert sorted(t["kind"] for t in s["tracks"]) == ["skeleton", "skeleton"]


def test_keypoints_payload_quantises_and_bounds_the_video():
    from flag3d_core.layouts import COCO17
    from flag3d_core.player.keypoints import MAX_VIDEO_BYTES, keypoints_payload

    rng = np.random.default_rng(0)
    kp = rng.uniform(0, 1920, (12, 17, 2))
    kp[3, 4] = np.nan  # a missed detection
    sc = rng.uniform(0, 1, (12, 17))
    p = keypoints_payload(kp, sc, COCO17, 30.0, (1920, 1080), label="x", video=b"\0\1")
    assert p["mode"] == "2d" and p["image"] == [1920, 1080] and p["n_frames"] == 12
    back = decode_array(p["keypoints"])
    ok = np.isfinite(kp)
    np.testing.assert_allclose(back[ok], kp[ok], atol=0.051)
    assert back[3, 4].tolist() == [0.0, 0.0]
    np.testing.assert_allclose(decode_array(p["scores"]) / 255, sc, atol=0.5 / 255 + 1e-9)
    assert p["video"] == "data:video/mp4;base64,AAE="
    big = keypoints_payload(kp, sc, COCO17, 30.0, (1920, 1080), video=bytes(MAX_VIDEO_BYTES + 1))
    assert big["video"] is None
    with pytest.raises(ValueError, match="layout"):
        keypoints_payload(kp[:, :5], sc[:, :5], COCO17, 30.0, (10, 10))
