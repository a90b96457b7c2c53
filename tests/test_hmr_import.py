"""Importing other HMR methods' outputs: each format written the way the method writes it, read
back exactly; malformed and malicious files refused with a FileFormatError that says why."""

from __future__ import annotations

import os
import random
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from flag3d_core.errors import FileFormatError, IncompatibleInputError
from flag3d_core.mesh_recovery.importers import (
    FORMATS,
    ImportedTrack,
    find_outputs,
    read_hmr_output,
    select_person,
)
from flag3d_core.safe_pickle import UnsafePickleError, safe_joblib_load

SEQ = "S001C002P001A001R001"
N = 6


class _Touch:
    """Unpickling this under a plain pickle.load runs ``os.system('touch <target>')``."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _poses(n: int = N, seed: int = 0) -> np.ndarray:
    return _rng(seed).uniform(-0.8, 0.8, size=(n, 72)).astype(np.float32)


def _romp_results(method: str = "romp", n: int = N) -> dict:
    rng = _rng(1)
    return {
        "smpl_thetas": _poses(n),
        "smpl_betas": rng.normal(size=(n, 11 if method == "bev" else 10)).astype(np.float32),
        "cam": rng.normal(size=(n, 3)).astype(np.float32),
        "cam_trans": rng.normal(size=(n, 3)).astype(np.float32),
        "verts": rng.normal(size=(n, 6890, 3)).astype(np.float32),
        "joints": rng.normal(size=(n, 71, 3)).astype(np.float32),
        "pj2d_org": rng.normal(size=(n, 71, 2)).astype(np.float32),
    }


def _write_romp(tmp_path: Path, results: dict, name: str = SEQ) -> Path:
    path = tmp_path / f"{name}.npz"
    np.savez(path, results=results)  # a 0-d object array, pickled, as ROMP's np.savez does
    return path


def _vibe_person(n: int = N, seed: int = 0, start: int = 10) -> dict:
    rng = _rng(seed)
    return {
        "pred_cam": rng.normal(size=(n, 3)).astype(np.float32),
        "orig_cam": rng.normal(size=(n, 4)).astype(np.float32),
        "verts": rng.normal(size=(n, 6890, 3)).astype(np.float32),
        "pose": _poses(n, seed),
        "betas": rng.normal(size=(n, 10)).astype(np.float32),
        "joints3d": rng.normal(size=(n, 49, 3)).astype(np.float32),
        "bboxes": rng.uniform(size=(n, 4)).astype(np.float32),
        "frame_ids": np.arange(start, start + n),
    }


def _write_joblib(folder: Path, name: str, content: object, **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    joblib.dump(content, path, **kwargs)
    return path


def _phalp_frames(n: int = N) -> tuple[dict, dict[int, np.ndarray]]:
    """PHALP's per-frame dict (two tracks; track 7 undetected in frame 2) and the rotation
    vectors (frames, 24, 3) of each track it encodes as matrices."""
    rng = _rng(3)
    rotvecs = {tid: rng.uniform(-1.2, 1.2, size=(n, 24, 3)) for tid in (7, 9)}
    frames = {}
    for t in range(n):
        frame = {"time": t, "shot": 0, "tid": [], "smpl": [], "camera": [], "tracked_time": [],
                 "bbox": [], "appe": [], "img_name": f"{t:06d}.jpg"}
        for tid, rv in rotvecs.items():
            mats = Rotation.from_rotvec(rv[t]).as_matrix().astype(np.float32)
            frame["tid"].append(tid)
            frame["smpl"].append({"global_orient": mats[:1], "body_pose": mats[1:],
                                  "betas": np.full(10, tid / 10, np.float32)})
            frame["camera"].append(np.array([0.1 * t, 0.0, 5.0], np.float32))
            frame["tracked_time"].append(1 if (tid == 7 and t == 2) else 0)
            frame["bbox"].append(np.array([0, 0, 10, 10], np.float32))
            frame["appe"].append(rng.normal(size=16).astype(np.float32))
        frames[f"{t:06d}.jpg"] = frame
    return frames, rotvecs


def _gvhmr_params(n: int = N, seed: int = 4) -> dict[str, torch.Tensor]:
    rng = _rng(seed)
    return {"body_pose": torch.from_numpy(rng.normal(size=(n, 63)).astype(np.float32)),
            "betas": torch.from_numpy(rng.normal(size=(n, 10)).astype(np.float32)),
            "global_orient": torch.from_numpy(rng.normal(size=(n, 3)).astype(np.float32)),
            "transl": torch.from_numpy(rng.normal(size=(n, 3)).astype(np.float32))}


def _write_gvhmr(folder: Path, content: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(content, folder / "hmr4d_results.pt")
    return folder / "hmr4d_results.pt"


def _gvhmr_content() -> dict:
    return {"smpl_params_global": _gvhmr_params(), "smpl_params_incam": _gvhmr_params(seed=5),
            "K_fullimg": torch.eye(3).repeat(N, 1, 1)}


# ---------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("method", ["romp", "bev"])
def test_romp_and_bev_round_trip(tmp_path, method):
    res = _romp_results(method)
    (track,) = read_hmr_output(_write_romp(tmp_path, res), method)
    assert isinstance(track, ImportedTrack)
    assert (track.method, track.name, track.person, track.coords) == (method, SEQ, "0", "camera")
    np.testing.assert_array_equal(track.frame_ids, np.arange(N))
    np.testing.assert_array_equal(track.global_orient, res["smpl_thetas"][:, :3])
    np.testing.assert_array_equal(track.body_pose, res["smpl_thetas"][:, 3:])
    np.testing.assert_array_equal(track.betas, res["smpl_betas"][:, :10])
    np.testing.assert_array_equal(track.transl, res["cam_trans"])
    np.testing.assert_array_equal(track.joints3d, res["joints"][:, :24])
    np.testing.assert_array_equal(track.vertices, res["verts"])
    assert track.body_pose.dtype == np.float32 and track.frame_ids.dtype == np.int64
    assert track.betas.shape == (N, 10) and track.joints3d.shape == (N, 24, 3)


def test_romp_groups_track_ids_and_orders_frame_ids(tmp_path):
    res = {k: v for k, v in _romp_results().items() if k not in ("verts", "joints", "cam_trans")}
    res["track_ids"] = np.array([3, 5, 3, 5, 3, 3])
    res["frame_ids"] = np.array([4, 0, 0, 1, 2, 9])  # unordered within track 3
    tracks = read_hmr_output(_write_romp(tmp_path, res), "romp")
    assert [t.person for t in tracks] == ["3", "5"]
    np.testing.assert_array_equal(tracks[0].frame_ids, [0, 2, 4, 9])
    np.testing.assert_array_equal(tracks[0].body_pose, res["smpl_thetas"][[2, 4, 0, 5], 3:])
    assert tracks[0].transl is None and tracks[0].vertices is None
    assert tracks[0].joints3d is None
    assert select_person(tracks) is tracks[0]


def test_vibe_round_trip(tmp_path):
    people = {1: _vibe_person(), 4: _vibe_person(n=3, seed=2, start=0)}
    path = _write_joblib(tmp_path / SEQ, "vibe_output.pkl", people)
    tracks = read_hmr_output(path, "vibe")
    assert [(t.person, t.name, t.coords) for t in tracks] == [("1", SEQ, "camera"),
                                                              ("4", SEQ, "camera")]
    t = tracks[0]
    np.testing.assert_array_equal(t.frame_ids, np.arange(10, 10 + N))
    np.testing.assert_array_equal(t.global_orient, people[1]["pose"][:, :3])
    np.testing.assert_array_equal(t.body_pose, people[1]["pose"][:, 3:])
    np.testing.assert_array_equal(t.betas, people[1]["betas"])
    np.testing.assert_array_equal(t.vertices, people[1]["verts"])
    assert t.transl is None and t.joints3d is None  # weak-perspective; 49 non-SMPL joints
    assert select_person(tracks) is t


def test_wham_prefers_the_world_frame(tmp_path):
    rng = _rng(6)
    person = {"pose": _poses(seed=1), "trans": rng.normal(size=(N, 3)),
              "pose_world": _poses(seed=2), "trans_world": rng.normal(size=(N, 3)),
              "betas": rng.normal(size=(N, 10)), "frame_ids": np.arange(N)}
    path = _write_joblib(tmp_path / SEQ, "wham_output.pkl", {0: person})
    (world,) = read_hmr_output(path, "wham")
    assert world.coords == "world"
    np.testing.assert_allclose(world.body_pose, person["pose_world"][:, 3:])
    np.testing.assert_allclose(world.transl, person["trans_world"], rtol=1e-6)
    del person["pose_world"], person["trans_world"]
    (cam,) = read_hmr_output(_write_joblib(tmp_path / SEQ, "wham_output.pkl", {0: person}),
                             "wham")
    assert cam.coords == "camera"
    np.testing.assert_allclose(cam.global_orient, person["pose"][:, :3])
    np.testing.assert_allclose(cam.transl, person["trans"], rtol=1e-6)


def test_phalp_rotation_matrices_become_axis_angle(tmp_path):
    frames, rotvecs = _phalp_frames()
    path = _write_joblib(tmp_path / "results", f"demo_{SEQ}.pkl", frames, compress=3)
    assert path.read_bytes()[:1] == b"\x78"  # zlib, as PHALP writes it
    tracks = read_hmr_output(path, "4dhumans")
    assert [(t.person, t.name) for t in tracks] == [("7", SEQ), ("9", SEQ)]
    seven, nine = tracks
    np.testing.assert_array_equal(seven.frame_ids, [0, 1, 3, 4, 5])  # frame 2: not detected
    np.testing.assert_array_equal(nine.frame_ids, np.arange(N))
    # the independent reference: scipy's matrix -> rotation vector
    for track, rv in ((seven, rotvecs[7][[0, 1, 3, 4, 5]]), (nine, rotvecs[9])):
        mats = Rotation.from_rotvec(rv.reshape(-1, 3)).as_matrix().astype(np.float32)
        expected = Rotation.from_matrix(mats).as_rotvec().reshape(len(rv), 72)
        np.testing.assert_allclose(track.global_orient, expected[:, :3], atol=1e-5)
        np.testing.assert_allclose(track.body_pose, expected[:, 3:], atol=1e-5)
    np.testing.assert_allclose(nine.betas, np.full((N, 10), 0.9), rtol=1e-6)
    np.testing.assert_allclose(nine.transl[:, 0], 0.1 * np.arange(N), rtol=1e-6)
    assert nine.coords == "camera" and nine.joints3d is None and nine.vertices is None
    assert select_person(tracks) is nine


def test_gvhmr_pads_smplx_body_pose_to_smpl(tmp_path):
    content = _gvhmr_content()
    (track,) = read_hmr_output(_write_gvhmr(tmp_path / SEQ, content), "gvhmr")
    g = content["smpl_params_global"]
    assert (track.name, track.person, track.coords) == (SEQ, "0", "world")
    assert track.body_pose.shape == (N, 69)
    np.testing.assert_array_equal(track.body_pose[:, :63], g["body_pose"].numpy())
    np.testing.assert_array_equal(track.body_pose[:, 63:], 0.0)  # SMPL's two hand joints
    np.testing.assert_array_equal(track.global_orient, g["global_orient"].numpy())
    np.testing.assert_array_equal(track.transl, g["transl"].numpy())
    np.testing.assert_array_equal(track.betas, g["betas"].numpy())
    np.testing.assert_array_equal(track.frame_ids, np.arange(N))
    del content["smpl_params_global"]
    (cam,) = read_hmr_output(_write_gvhmr(tmp_path / "x", content), "gvhmr")
    assert cam.coords == "camera" and cam.name == "x"


def test_safe_joblib_load_matches_joblib(tmp_path):
    data = {"a": np.asfortranarray(_rng().normal(size=(4, 5))), "b": np.arange(7, dtype=">i4"),
            "c": [np.float32(2.5), "text", (1, None)], "d": np.array([{"k": 1}, "x"], object)}
    for compress in (0, 3, ("gzip", 3), ("xz", 1)):
        path = _write_joblib(tmp_path, "d.pkl", data, compress=compress)
        ours, theirs = safe_joblib_load(path), joblib.load(path)
        for key in ("a", "b"):
            np.testing.assert_array_equal(ours[key], theirs[key])
            assert ours[key].flags.writeable
        assert ours["c"] == theirs["c"] and list(ours["d"]) == list(theirs["d"])


# ---------------------------------------------------------------------------- bad files


def test_a_crafted_array_shape_allocates_nothing(tmp_path):
    """A joblib wrapper declaring 8 TB of data in a tiny file is truncation, not an allocation."""
    import pickle

    from joblib.numpy_pickle import NumpyArrayWrapper

    wrapper = NumpyArrayWrapper(np.ndarray, (10**12,), "C", np.dtype("f8"))
    path = tmp_path / "vibe_output.pkl"
    path.write_bytes(pickle.dumps({1: {"pose": wrapper}}, protocol=2))  # no frames
    with pytest.raises(FileFormatError, match="truncated"):
        read_hmr_output(path, "vibe")


def test_a_pickled_os_system_is_refused_and_not_run(tmp_path):
    marker = tmp_path / "pwned"
    person = _vibe_person() | {"extra": _Touch(marker)}
    vibe = _write_joblib(tmp_path / SEQ, "vibe_output.pkl", {1: person})
    with pytest.raises(UnsafePickleError, match="system") as info:
        read_hmr_output(vibe, "vibe")
    assert info.value.global_name.endswith(".system")
    phalp = _write_joblib(tmp_path, "p.pkl", {"0.jpg": {"tid": [_Touch(marker)]}}, compress=3)
    with pytest.raises(UnsafePickleError, match="system"):
        read_hmr_output(phalp, "4dhumans")
    romp = _write_romp(tmp_path, _romp_results() | {"extra": _Touch(marker)})
    with pytest.raises(UnsafePickleError, match="system"):
        read_hmr_output(romp, "romp")
    gvhmr = _write_gvhmr(tmp_path / "g", {"smpl_params_global": _Touch(marker)})
    with pytest.raises(FileFormatError, match="refused to load global '.*system'"):
        read_hmr_output(gvhmr, "gvhmr")
    assert not marker.exists()


def test_nan_is_named_with_its_array_and_frame(tmp_path):
    person = _vibe_person(start=10)
    person["pose"][3, 20] = np.nan
    path = _write_joblib(tmp_path / SEQ, "vibe_output.pkl", {1: person})
    with pytest.raises(FileFormatError, match=r"person 1: 'pose' has NaN at frame 13"):
        read_hmr_output(path, "vibe")
    content = _gvhmr_content()
    content["smpl_params_global"]["transl"][2, 0] = float("inf")
    with pytest.raises(FileFormatError, match=r"'smpl_params_global.transl' has inf at frame 2"):
        read_hmr_output(_write_gvhmr(tmp_path / "g", content), "gvhmr")


def test_frame_counts_that_disagree_are_named(tmp_path):
    person = _vibe_person()
    person["betas"] = person["betas"][:-1]
    path = _write_joblib(tmp_path / SEQ, "vibe_output.pkl", {1: person})
    with pytest.raises(FileFormatError, match=rf"frame counts disagree: 'pose' {N}, "
                                              rf"'betas' {N - 1}"):
        read_hmr_output(path, "vibe")
    res = _romp_results()
    res["cam_trans"] = res["cam_trans"][:2]
    with pytest.raises(FileFormatError, match=r"'cam_trans' 2"):
        read_hmr_output(_write_romp(tmp_path, res), "romp")


def test_missing_keys_wrong_shapes_and_wrong_formats(tmp_path):
    person = _vibe_person()
    del person["betas"]
    path = _write_joblib(tmp_path / SEQ, "vibe_output.pkl", {1: person})
    with pytest.raises(FileFormatError, match=r"lacks key\(s\) \['betas'\]"):
        read_hmr_output(path, "vibe")
    person = _vibe_person() | {"pose": np.zeros((N, 71))}
    path = _write_joblib(tmp_path / SEQ, "vibe_output.pkl", {1: person})
    with pytest.raises(FileFormatError, match=r"'pose' has shape \(6, 71\), expected \(N, 72\)"):
        read_hmr_output(path, "vibe")
    bev = _write_romp(tmp_path, _romp_results("bev"))
    with pytest.raises(FileFormatError, match="read this file as 'bev'"):
        read_hmr_output(bev, "romp")
    with pytest.raises(FileFormatError, match="not an .npz"):
        read_hmr_output(path, "romp")
    with pytest.raises(FileFormatError, match="not a torch .pt file"):
        read_hmr_output(path, "gvhmr")
    with pytest.raises(FileFormatError, match="not the dict frame -> detections"):
        read_hmr_output(_write_joblib(tmp_path, "l.pkl", [1, 2]), "4dhumans")
    frames, _ = _phalp_frames()
    frames["000001.jpg"]["smpl"][0]["body_pose"] *= 2.0
    with pytest.raises(FileFormatError, match="'smpl.body_pose' at frame 1 is not a rotation"):
        read_hmr_output(_write_joblib(tmp_path, "p.pkl", frames, compress=3), "4dhumans")


def test_unknown_format_name():
    with pytest.raises(IncompatibleInputError, match="unknown HMR output format 'hmr2'"):
        read_hmr_output(Path("x.pkl"), "hmr2")
    with pytest.raises(IncompatibleInputError):
        find_outputs(Path("."), "smplify")
    assert set(FORMATS) == {"romp", "bev", "vibe", "wham", "4dhumans", "gvhmr"}


def _fixtures(tmp_path: Path) -> dict[str, Path]:
    return {
        "romp": _write_romp(tmp_path, _romp_results(n=2)),
        "vibe": _write_joblib(tmp_path / "v", "vibe_output.pkl", {1: _vibe_person(n=2)}),
        "4dhumans": _write_joblib(tmp_path, "p.pkl", _phalp_frames(n=2)[0], compress=3),
        "gvhmr": _write_gvhmr(tmp_path / "g", _gvhmr_content()),
    }


def test_truncated_files_are_refused(tmp_path):
    for fmt, path in _fixtures(tmp_path).items():
        data = path.read_bytes()
        for cut in (0, 1, len(data) // 2, len(data) - 1):
            path.write_bytes(data[:cut])
            with pytest.raises(FileFormatError):
                read_hmr_output(path, fmt)


def test_fuzzed_files_raise_only_file_format_errors(tmp_path):
    """Random truncations and bit flips: each file reads, or raises a FileFormatError."""
    rng = random.Random(0)
    for fmt, path in _fixtures(tmp_path).items():
        data = path.read_bytes()
        for i in range(40):
            buf = bytearray(data[: rng.randrange(1, len(data))] if i % 4 == 0 else data)
            for _ in range(rng.randint(1, 4)):
                buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(buf))
            try:
                tracks = read_hmr_output(path, fmt)
            except FileFormatError:
                continue
            assert all(isinstance(t, ImportedTrack) for t in tracks)


# ---------------------------------------------------------------------------- matching


def test_find_outputs_names_files_after_their_video(tmp_path):
    (tmp_path / "romp").mkdir()
    for video in ("S001C002P001A001R001", "S002C001P003A010R002"):
        _write_joblib(tmp_path / "vibe" / video, "vibe_output.pkl", {1: _vibe_person(n=1)})
        _write_romp(tmp_path / "romp", _romp_results(n=1), name=video)
        _write_gvhmr(tmp_path / "gvhmr" / video, _gvhmr_content())
        torch.save({"bbx": torch.zeros(1)}, tmp_path / "gvhmr" / video / "bbx.pt")
    (tmp_path / "vibe" / "notes.pkl").write_bytes(b"")
    (tmp_path / "vibe" / ".cache").mkdir()
    _write_joblib(tmp_path / "vibe" / ".cache", "vibe_output.pkl", {})
    phalp = _write_joblib(tmp_path / "4d" / "results", f"demo_{SEQ}.pkl", {})
    names = ["S001C002P001A001R001", "S002C001P003A010R002"]
    for fmt in ("vibe", "romp", "gvhmr"):
        found = find_outputs(tmp_path / fmt, fmt)
        assert [n for n, _ in found] == names, fmt
        assert all(p.is_file() for _, p in found)
    found = find_outputs(tmp_path / "gvhmr", "gvhmr")
    assert {p.name for _, p in found} == {"hmr4d_results.pt"}
    assert find_outputs(tmp_path / "4d", "4dhumans") == [(SEQ, phalp)]
    assert read_hmr_output(phalp, "4dhumans") == []
    with pytest.raises(FileNotFoundError):
        find_outputs(tmp_path / "missing", "vibe")


def test_select_person_takes_the_longest_track_first_on_ties(tmp_path):
    people = {2: _vibe_person(n=3), 5: _vibe_person(n=4, seed=1), 8: _vibe_person(n=4, seed=2)}
    tracks = read_hmr_output(_write_joblib(tmp_path / SEQ, "vibe_output.pkl", people), "vibe")
    assert select_person(tracks).person == "5"
    with pytest.raises(IncompatibleInputError):
        select_person([])
