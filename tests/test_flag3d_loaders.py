"""FLAG3D loaders: skeleton pickles (good and bad input), SMPL parameters, instructions."""

from __future__ import annotations

import json
import pickle
import zipfile

import numpy as np
import pytest

from flag3d_core.datasets.flag3d import skeleton as skeleton_mod
from flag3d_core.datasets.flag3d.errors import (
    FileFormatError,
    InstructionFileError,
    PickleFormatError,
    SkeletonFileError,
    SmplFileError,
    UnsafePickleError,
)
from flag3d_core.datasets.flag3d.instructions import (
    ActivityInstruction,
    load_instructions,
    write_instructions_zip,
)
from flag3d_core.datasets.flag3d.names import parse_sequence_name
from flag3d_core.datasets.flag3d.skeleton import (
    SkeletonRecord,
    SkippedRecord,
    iter_skeleton_pkl,
    read_split,
)
from flag3d_core.datasets.flag3d.smpl import (
    EasyMocapParams,
    easymocap_to_smpl,
    load_easymocap_smpl,
    rest_pelvis,
    save_easymocap_npz,
    smpl_to_easymocap,
)
from flag3d_core.layouts.smpl24 import PARENTS

RNG = np.random.default_rng(7)


def ann3d(name: str, frames: int = 8, persons: int = 1, joints: int = 25, **over) -> dict:
    kp = RNG.normal(size=(persons, frames, joints, 3)).astype(np.float32)
    ann = {"frame_dir": name, "label": parse_sequence_name(name).label if "A0" in name else 0,
           "keypoint": kp, "total_frames": frames, "img_shape": (480, 854),
           "original_shape": (480, 854)}
    ann.update(over)
    return ann


def ann2d(name: str, frames: int = 6) -> dict:
    ann = ann3d(name, frames)
    ann["keypoint"] = (RNG.random((1, frames, 17, 2)) * 800).astype(np.float16)
    ann["keypoint_score"] = RNG.random((1, frames, 17)).astype(np.float16)
    return ann


def write_pkl(path, obj):
    path.write_bytes(pickle.dumps(obj, protocol=4))
    return path


# ----------------------------------------------------------------------------- skeletons


def test_3d_round_trip_with_split(tmp_path):
    names = ["S001C001M001P001A001R001", "S001C001M001P002A030R002", "M002P003A060R003"]
    anns = [ann3d(n, frames=5 + i) for i, n in enumerate(names)]
    split = {"train": names[1:], "val": names[:1]}
    path = write_pkl(tmp_path / "flag3d_keypoint.pkl", {"split": split, "annotations": anns})
    recs = list(iter_skeleton_pkl(path, kind="3d"))
    assert [type(r) for r in recs] == [SkeletonRecord] * 3
    for rec, ann in zip(recs, anns, strict=True):
        assert rec.name == ann["frame_dir"] and rec.label == ann["label"]
        assert rec.keypoint.dtype == np.float32 and rec.keypoint.shape == (rec.total_frames, 25, 3)
        np.testing.assert_array_equal(rec.keypoint, ann["keypoint"][0])
        assert rec.score is None and rec.img_shape == (480, 854)
    assert [r.split for r in recs] == ["val", "train", "train"]
    assert [r.sequence.activity for r in recs] == [1, 30, 60]
    assert read_split(path) == {"train": set(names[1:]), "val": {names[0]}}


def test_2d_round_trip_converts_float16(tmp_path):
    anns = [ann2d("S001C002M001P004A010R001"), ann2d("PLAY_A002_V001_R001_S001", frames=3)]
    path = write_pkl(tmp_path / "flag3d_2d.pkl", {"annotations": anns})
    recs = list(iter_skeleton_pkl(path, kind="2d"))
    assert all(isinstance(r, SkeletonRecord) for r in recs)
    for rec, ann in zip(recs, anns, strict=True):
        assert rec.keypoint.dtype == np.float32 and rec.keypoint.shape == (rec.total_frames, 17, 2)
        assert rec.score.dtype == np.float32 and rec.score.shape == (rec.total_frames, 17)
        np.testing.assert_array_equal(rec.keypoint, ann["keypoint"][0].astype(np.float32))
        np.testing.assert_array_equal(rec.score, ann["keypoint_score"][0].astype(np.float32))
        assert rec.split is None
    assert recs[1].sequence.scheme == "natural" and recs[1].label == 1
    assert read_split(path) == {}


def test_wrong_kind_skips_every_record_and_warns(tmp_path, caplog):
    path = write_pkl(tmp_path / "flag3d_2d.pkl", {"annotations": [ann2d("M001P001A001R001")]})
    out = list(iter_skeleton_pkl(path, kind="3d"))
    assert [r.reason for r in out] == ["keypoint has 17 joints, expected 25 (shape (1, 6, 17, 2))"]
    assert "every annotation was skipped" in caplog.text


def test_first_person_is_kept(tmp_path):
    ann = ann3d("S001C001M001P001A001R001", persons=2)
    path = write_pkl(tmp_path / "two.pkl", {"annotations": [ann]})
    (rec,) = iter_skeleton_pkl(path, kind="3d")
    np.testing.assert_array_equal(rec.keypoint, ann["keypoint"][0])
    assert not np.shares_memory(rec.keypoint, ann["keypoint"])


@pytest.mark.parametrize("drop", [True, False])
def test_drop_releases_annotations_as_yielded(monkeypatch, drop):
    data = {"annotations": [ann3d(f"S001C001M001P001A001R00{i}") for i in (1, 2, 3)]}
    monkeypatch.setattr(skeleton_mod, "safe_load", lambda path, **_limits: data)
    it = iter_skeleton_pkl("mem.pkl", kind="3d", drop=drop)
    first = next(it)
    assert first.name == "S001C001M001P001A001R001"
    assert (data["annotations"][0] is None) is drop
    assert data["annotations"][1] is not None
    assert len(list(it)) == 2
    assert all(a is None for a in data["annotations"]) is drop


def test_bad_records_are_skipped_with_reasons(tmp_path):
    good = "S001C001M001P001A001R001"
    nan_kp = RNG.normal(size=(1, 4, 25, 3)).astype(np.float32)
    nan_kp[0, 2, 3, 1] = np.nan
    inf_kp = nan_kp.copy()
    inf_kp[0, 2, 3, 1] = np.inf
    cases = [  # (annotation, expected name, expected reason fragment); None = yielded
        (ann3d(good), good, None),
        (ann3d("S001C001M001P001A002R001", joints=24), None, "24 joints, expected 25"),
        (ann3d("S001C001M001P001A003R001", keypoint=np.zeros((4, 25, 3), np.float32)),
         None, "ndim 3, expected 4"),
        (ann3d("S001C001M001P001A004R001", keypoint=nan_kp), None, "NaN or inf"),
        (ann3d("S001C001M001P001A005R001", keypoint=inf_kp), None, "NaN or inf"),
        ({"frame_dir": "S001C001M001P001A006R001", "label": 5}, None,
         "missing key(s) 'keypoint'"),
        ({"label": 0, "keypoint": np.zeros((1, 2, 25, 3))}, "<annotation 6>",
         "missing key 'frame_dir'"),
        (ann3d("S001C001M001P001A007R001", label=60), None, "outside 0..59"),
        (ann3d("S001C001M001P001A008R001", label=-1), None, "outside 0..59"),
        (ann3d("S001C001M001P001A009R001", label=3), None, "disagrees with the name"),
        (ann3d("video_0001", label=0), None, "not a FLAG3D sequence name"),
        (ann3d("S001C001M001P001A010R001", frames=0, total_frames=0), None, "0 frames"),
        (ann3d("S001C001M001P001A011R001", total_frames=99), None, "total_frames=99"),
        (ann3d(good), good, "duplicate name (first seen at annotation 0)"),
        ("not a dict", "<annotation 14>", "not a dict"),
        (ann3d("S001C001M001P001A012R001", label=True), None, "not an integer"),
        (ann3d("S001C001M001P002A001R001"), "S001C001M001P002A001R001", None),
    ]
    path = write_pkl(tmp_path / "mixed.pkl", {"annotations": [c[0] for c in cases]})
    out = list(iter_skeleton_pkl(path, kind="3d"))
    assert len(out) == len(cases)
    for i, (rec, (ann, name, reason)) in enumerate(zip(out, cases, strict=True)):
        expected_name = name or ann["frame_dir"]
        assert rec.name == expected_name, i
        if reason is None:
            assert isinstance(rec, SkeletonRecord), (i, rec)
        else:
            assert isinstance(rec, SkippedRecord), (i, rec)
            assert reason in rec.reason, (i, rec.reason)
            assert rec.index == i


def test_bad_2d_records(tmp_path):
    no_score = ann2d("S001C001M001P001A001R001")
    del no_score["keypoint_score"]
    bad_score = ann2d("S001C001M001P001A002R001")
    bad_score["keypoint_score"] = bad_score["keypoint_score"] * 3
    short_score = ann2d("S001C001M001P001A003R001")
    short_score["keypoint_score"] = short_score["keypoint_score"][:, :2]
    three_ch = ann2d("S001C001M001P001A004R001")
    three_ch["keypoint"] = np.zeros((1, 6, 17, 3), np.float16)
    path = write_pkl(tmp_path / "bad2d.pkl",
                     {"annotations": [no_score, bad_score, short_score, three_ch]})
    reasons = [r.reason for r in iter_skeleton_pkl(path, kind="2d")]
    assert "missing key(s) 'keypoint_score'" in reasons[0]
    assert "outside [0, 1]" in reasons[1]
    assert "keypoint_score has 2 frames" in reasons[2]
    assert "3 channels, expected 2" in reasons[3]


def test_file_level_errors_name_the_file(tmp_path):
    good = {"annotations": [ann3d("S001C001M001P001A001R001")]}
    trunc = tmp_path / "trunc.pkl"
    trunc.write_bytes(pickle.dumps(good, protocol=4)[:-40])
    empty = tmp_path / "empty.pkl"
    empty.write_bytes(b"")
    text = tmp_path / "text.pkl"
    text.write_text("hello")
    cases = [
        (trunc, PickleFormatError, "truncated"),
        (empty, PickleFormatError, "empty"),
        (text, PickleFormatError, "not a valid pickle"),
        (write_pkl(tmp_path / "list.pkl", [1, 2]), SkeletonFileError, "top level is a list"),
        (write_pkl(tmp_path / "noann.pkl", {"split": {}}), SkeletonFileError, "'annotations'"),
        (write_pkl(tmp_path / "annd.pkl", {"annotations": {}}), SkeletonFileError, "not a list"),
        (write_pkl(tmp_path / "badsplit.pkl", {"annotations": [], "split": [1]}),
         SkeletonFileError, "'split'"),
    ]
    for path, exc_type, fragment in cases:
        with pytest.raises(exc_type) as info:
            list(iter_skeleton_pkl(path, kind="3d"))
        assert isinstance(info.value, FileFormatError)
        assert str(path) in str(info.value) and fragment in str(info.value), str(info.value)
    with pytest.raises(SkeletonFileError):
        read_split(tmp_path / "list.pkl")


def test_malicious_skeleton_pickle(tmp_path):
    import os

    class Touch:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'X'}",))

    path = write_pkl(tmp_path / "evil.pkl", {"annotations": [ann3d("S001C001M001P001A001R001",
                                                                   extra=Touch())]})
    with pytest.raises(UnsafePickleError) as info:
        iter_skeleton_pkl(path, kind="3d")
    assert not (tmp_path / "X").exists()
    assert str(path) in str(info.value) and "system" in info.value.global_name


def test_kind_must_be_known(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        iter_skeleton_pkl(tmp_path / "x.pkl", kind="4d")  # type: ignore[arg-type]


def test_many_sequences(tmp_path):
    kp = RNG.normal(size=(1, 30, 25, 3)).astype(np.float32)
    anns = [{"frame_dir": f"S001C001M{1 + i // 600:03d}P{1 + i % 10:03d}A{1 + (i // 10) % 60:03d}"
             "R001", "label": (i // 10) % 60, "keypoint": kp, "total_frames": 30}
            for i in range(2000)]
    path = write_pkl(tmp_path / "many.pkl", {"annotations": anns})
    out = list(iter_skeleton_pkl(path, kind="3d"))
    assert len(out) == 2000 and all(isinstance(r, SkeletonRecord) for r in out)


# ----------------------------------------------------------------------------- SMPL


def random_easymocap(frames: int = 5, root: bool = True, seed: int = 1) -> EasyMocapParams:
    rng = np.random.default_rng(seed)
    poses = rng.normal(scale=0.3, size=(frames, 72))
    if not root:
        poses[:, :3] = 0
    return EasyMocapParams(
        poses=poses.astype(np.float32), shapes=rng.normal(size=10).astype(np.float32),
        Rh=rng.normal(scale=1.0, size=(frames, 3)).astype(np.float32),
        Th=rng.normal(scale=0.5, size=(frames, 3)).astype(np.float32),
    )


@pytest.fixture(scope="module")
def tiny_smpl():
    """A random SMPL-format model (not a body; the kinematics are what is tested)."""
    import smplx
    import torch

    rng = np.random.default_rng(3)
    n_verts = 6890
    j_reg = rng.random((24, n_verts)) ** 8
    weights = rng.random((n_verts, 24)) ** 4
    arrays = {
        "v_template": rng.normal(scale=0.3, size=(n_verts, 3)) + [0.1, 0.9, -0.05],
        "shapedirs": rng.normal(scale=0.01, size=(n_verts, 3, 10)),
        "posedirs": rng.normal(scale=0.001, size=(n_verts, 3, 207)),
        "J_regressor": j_reg / j_reg.sum(axis=1, keepdims=True),
        "weights": weights / weights.sum(axis=1, keepdims=True),
        "kintree_table": np.array([PARENTS, range(24)], dtype=np.int64),
        "f": rng.integers(0, n_verts, size=(64, 3)),
    }
    model = smplx.SMPL("", data_struct=smplx.utils.Struct(**arrays), dtype=torch.float32)
    return model, arrays


def smplx_vertices(model, **params) -> np.ndarray:
    import torch

    t = {k: torch.as_tensor(np.asarray(v, np.float32)) for k, v in params.items()}
    with torch.no_grad():
        return model(**t).vertices.numpy().astype(np.float64)


@pytest.mark.parametrize("root", [True, False])
def test_easymocap_to_smpl_matches_forward_pass(tiny_smpl, root):
    import torch
    from scipy.spatial.transform import Rotation

    model, arrays = tiny_smpl
    p = random_easymocap(root=root)
    n = p.num_frames
    betas = np.repeat(p.shapes[None], n, axis=0)
    # EasyMocap's convention: SMPL with root poses[:, :3] and no translation, then Rh, Th.
    v_body = smplx_vertices(model, betas=betas, global_orient=p.poses[:, :3],
                            body_pose=p.poses[:, 3:], transl=np.zeros((n, 3)))
    rot = Rotation.from_rotvec(p.Rh.astype(np.float64)).as_matrix()  # (T, 3, 3)
    v_easymocap = np.einsum("tij,tvj->tvi", rot, v_body) + p.Th[:, None].astype(np.float64)

    j0 = rest_pelvis(arrays["v_template"], arrays["shapedirs"], arrays["J_regressor"], p.shapes)
    rest_joint0 = model(betas=torch.as_tensor(p.shapes[None])).joints[0, 0]
    np.testing.assert_allclose(j0, rest_joint0.detach().numpy(), atol=1e-5)

    s = easymocap_to_smpl(p, j0)
    assert s.global_orient.shape == (n, 3) and s.body_pose.shape == (n, 69)
    assert s.betas.shape == (10,) and s.transl.shape == (n, 3)
    v_smpl = smplx_vertices(model, betas=np.repeat(s.betas[None], n, axis=0),
                            global_orient=s.global_orient, body_pose=s.body_pose,
                            transl=s.transl)
    assert np.abs(v_smpl - v_easymocap).max() < 1e-5
    if not root:
        np.testing.assert_allclose(s.global_orient, p.Rh, atol=1e-6)
    # the naive conversion (transl = Th) is measurably wrong, so the test has teeth
    v_naive = smplx_vertices(model, betas=np.repeat(s.betas[None], n, axis=0),
                             global_orient=s.global_orient, body_pose=s.body_pose, transl=p.Th)
    assert np.abs(v_naive - v_easymocap).max() > 1e-2


def test_smpl_to_easymocap_inverts():
    p = random_easymocap(root=False)
    j0 = np.array([0.01, -0.2, 0.03])
    back = smpl_to_easymocap(easymocap_to_smpl(p, j0), j0)
    for key in ("poses", "shapes", "Rh", "Th"):
        np.testing.assert_allclose(getattr(back, key), getattr(p, key), atol=1e-5)


def _as_frames(p: EasyMocapParams) -> list[dict]:
    return [{"id": 0, "Rh": [p.Rh[t].tolist()], "Th": [p.Th[t].tolist()],
             "poses": [p.poses[t].tolist()], "shapes": [p.shapes.tolist()]}
            for t in range(p.num_frames)]


def test_load_all_formats(tmp_path):
    p = random_easymocap(frames=4)
    save_easymocap_npz(p, tmp_path / "a.npz")
    assert np.load(tmp_path / "a.npz")["shapes"].shape == (1, 10)
    as_lists = {"poses": p.poses.tolist(), "shapes": [p.shapes.tolist()],
                "Rh": p.Rh.tolist(), "Th": p.Th.tolist()}
    (tmp_path / "b.json").write_text(json.dumps(as_lists))
    (tmp_path / "c.json").write_text(json.dumps(_as_frames(p)))
    other = random_easymocap(frames=4, seed=9)
    people = [[dict(o, id=3), dict(f, id=1)]
              for f, o in zip(_as_frames(p), _as_frames(other), strict=True)]
    (tmp_path / "d.json").write_text(json.dumps(people))
    write_pkl(tmp_path / "e.pkl", {"poses": p.poses, "shapes": p.shapes, "Rh": p.Rh,
                                   "Th": p.Th, "id": 0})
    for name in ("a.npz", "b.json", "c.json", "e.pkl"):
        got = load_easymocap_smpl(tmp_path / name)
        for key in ("poses", "shapes", "Rh", "Th"):
            arr = getattr(got, key)
            assert arr.dtype == np.float32
            np.testing.assert_allclose(arr, getattr(p, key), atol=1e-6, err_msg=name)
    first = load_easymocap_smpl(tmp_path / "d.json")  # default: first person of frame 0 (id 3)
    np.testing.assert_allclose(first.poses, other.poses, atol=1e-6)
    picked = load_easymocap_smpl(tmp_path / "d.json", person_id=1)
    np.testing.assert_allclose(picked.poses, p.poses, atol=1e-6)


def test_smpl_errors_name_file_and_problem(tmp_path):
    p = random_easymocap(frames=4)
    good = {"poses": p.poses, "shapes": p.shapes, "Rh": p.Rh, "Th": p.Th}
    nan_rh = p.Rh.copy()
    nan_rh[1, 0] = np.nan
    bad = {
        "missing.npz": ({k: v for k, v in good.items() if k != "Th"}, "missing key(s) 'Th'"),
        "shape.npz": (dict(good, poses=p.poses[:, :69]), "'poses' has shape (4, 69)"),
        "nan.npz": (dict(good, Rh=nan_rh), "'Rh' contains NaN"),
        "tcount.npz": (dict(good, Th=p.Th[:3]), "frame counts disagree: poses 4, Rh 4, Th 3"),
        "betas.npz": (dict(good, shapes=np.zeros(16)), "'shapes' has shape (16,)"),
    }
    for name, (arrays, fragment) in bad.items():
        np.savez(tmp_path / name, **arrays)
        with pytest.raises(SmplFileError) as info:
            load_easymocap_smpl(tmp_path / name)
        assert str(tmp_path / name) in str(info.value) and fragment in str(info.value)
    (tmp_path / "x.txt").write_text("")
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "empty.json").write_text("[]")
    (tmp_path / "garbage.npz").write_bytes(b"nope")
    frames = _as_frames(p)
    frames[2]["poses"] = [[0.0] * 5]
    (tmp_path / "frame.json").write_text(json.dumps(frames))
    for name, fragment in [("x.txt", "unsupported extension"), ("broken.json", "not valid JSON"),
                           ("empty.json", "no frames"), ("garbage.npz", "not a readable .npz"),
                           ("frame.json", "frame 2: 'poses' has 5 values")]:
        with pytest.raises(SmplFileError, match=fragment):
            load_easymocap_smpl(tmp_path / name)


# ----------------------------------------------------------------------------- instructions


def _entries() -> dict[int, ActivityInstruction]:
    return {1: ActivityInstruction(1, "Svend Press", "Hold a plate.", "Elbows in.", "Arching.",
                                   {"I005": "Breathe out when pressing."}),
            60: ActivityInstruction(60, "Burpee", "Jump.")}


def test_instructions_zip_round_trip(tmp_path):
    write_instructions_zip(_entries(), tmp_path / "instruction.zip")
    with zipfile.ZipFile(tmp_path / "instruction.zip") as zf:
        assert sorted(zf.namelist()) == ["A001.json", "A060.json"]
        assert json.loads(zf.read("A001.json"))["I005"] == "Breathe out when pressing."
    assert load_instructions(tmp_path / "instruction.zip") == _entries()


def test_instructions_keyed_json_and_zip(tmp_path):
    keyed = {f"A{a:03d}": e.to_json() for a, e in _entries().items()}
    keyed["A001"]["I003"] = ["Elbows in."]  # list values are joined
    (tmp_path / "inst.json").write_text(json.dumps(keyed))
    assert load_instructions(tmp_path / "inst.json") == _entries()
    with zipfile.ZipFile(tmp_path / "one.zip", "w") as zf:
        zf.writestr("release/instructions.json", json.dumps(keyed))
    got = load_instructions(tmp_path / "one.zip")
    assert list(got) == [1, 60] and got[60].name == "Burpee" and got[60].key_points == ""


def test_instruction_errors(tmp_path):
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as zf:
        zf.writestr("A007.json", json.dumps({"I002": "no name"}))
    with pytest.raises(InstructionFileError) as info:
        load_instructions(tmp_path / "bad.zip")
    assert str(tmp_path / "bad.zip") in str(info.value) and "A007" in str(info.value)
    assert "I001" in str(info.value)
    (tmp_path / "keys.json").write_text(json.dumps({"B001": {"I001": "x"}}))
    with pytest.raises(InstructionFileError, match="not an activity id"):
        load_instructions(tmp_path / "keys.json")
    (tmp_path / "noname.json").write_text(json.dumps({"A003": {"I002": "d"}}))
    with pytest.raises(InstructionFileError, match=r"A003: missing 'I001'"):
        load_instructions(tmp_path / "noname.json")
    with pytest.raises(FileNotFoundError):
        load_instructions(tmp_path / "absent.zip")


# ---------------------------------------------------------------------- limits (issue 9)

from flag3d_core.io_limits import LoadLimits  # noqa: E402
from tests.crafted_files import (  # noqa: E402
    deep_dicts,
    deep_lists,
    json_text_member,
    npy_header,
    npz_with,
    patch_zip,
    valid_smpl_npz,
    with_deep_record,
    zip_of,
)


@pytest.mark.parametrize("inner", [deep_lists(3_000), b"N" + b"\x85" * 3_000, deep_dicts(3_000),
                                   deep_lists(101)], ids=["lists", "tuples", "dicts", "101"])
def test_a_deeply_nested_annotation_is_skipped_and_the_others_read(tmp_path, inner):
    path = tmp_path / "flag3d_keypoint.pkl"
    path.write_bytes(with_deep_record(inner))
    recs = list(iter_skeleton_pkl(path, kind="3d"))
    good = [r for r in recs if not isinstance(r, SkippedRecord)]
    (bad,) = [r for r in recs if isinstance(r, SkippedRecord)]
    assert len(good) == 2
    assert bad.name == "S001C001M001P003A003R001" and bad.index == 2
    assert bad.reason == (f"{path}: annotation nests deeper than 100 levels "
                          "(limit max_pickle_depth=100)")
    # a tighter limit from the caller
    recs = list(iter_skeleton_pkl(path, kind="3d", limits=LoadLimits(max_pickle_depth=10)))
    assert "limit max_pickle_depth=10" in recs[2].reason


def test_img_shape_beyond_32_bits_is_skipped(tmp_path):
    path = tmp_path / "s.pkl"
    write_pkl(path, {"annotations": [ann3d("S001C001M001P001A001R001", img_shape=(2**40, 5)),
                                     ann3d("S001C001M001P001A001R002", img_shape=(1.0, 1e400))]})
    reasons = [r.reason for r in iter_skeleton_pkl(path, kind="3d")]
    assert reasons == ["img_shape (1099511627776, 5) is outside 0..2147483647",
                       "img_shape (1.0, inf) is not (H, W)"]


def test_instruction_zip_caps_name_the_member_and_the_setting(tmp_path):
    path = tmp_path / "instruction.zip"
    path.write_bytes(zip_of([("A001.json", json_text_member(5_000)),
                             ("A002.json", json_text_member(5_000))]))
    assert len(load_instructions(path)) == 2
    with pytest.raises(InstructionFileError) as info:
        load_instructions(path, limits=LoadLimits(max_zip_entry_bytes=4_000))
    assert str(info.value) == (f"{path}!A001.json: inflates to 5000 bytes, more than 4000 "
                               "(limit max_zip_entry_bytes=4000)")
    with pytest.raises(InstructionFileError, match=r"A002.json: the archive inflates to more "
                       r"than 8000 bytes \(limit max_zip_total_bytes=8000\)"):
        load_instructions(path, limits=LoadLimits(max_zip_total_bytes=8_000))
    with pytest.raises(InstructionFileError, match=r"2 members, more than 1 \(limit "
                       r"max_zip_members=1\)"):
        load_instructions(path, limits=LoadLimits(max_zip_members=1))
    # a central directory that understates the size: the read stops there and fails its CRC
    path.write_bytes(patch_zip(zip_of([("A001.json", json_text_member(2_000_000))]),
                               file_size=100))
    with pytest.raises(InstructionFileError, match=r"A001.json: unreadable member .*CRC"):
        load_instructions(path)


def test_instruction_json_size_and_depth(tmp_path, monkeypatch):
    path = tmp_path / "instructions.json"
    path.write_text(json.dumps({"A001": {"I001": "x" * 500}}))
    monkeypatch.setenv("FLAG3D_MAX_JSON_BYTES", "100")
    with pytest.raises(InstructionFileError, match=r"larger than 100 bytes \(limit "
                       r"max_json_bytes=100\)"):
        load_instructions(path)
    monkeypatch.delenv("FLAG3D_MAX_JSON_BYTES")
    path.write_text("[" * 200 + "]" * 200)
    with pytest.raises(InstructionFileError, match=r"nesting deeper than 100 levels \(limit "
                       r"max_json_depth=100\)"):
        load_instructions(path)
    path.write_text("[" * 100_000 + "]" * 100_000)  # json itself would recurse too deep
    with pytest.raises(InstructionFileError, match="max_json_depth=100"):
        load_instructions(path)


def test_npz_members_are_checked_before_allocating(tmp_path):
    path = tmp_path / "S001C001M001P001A001R001.npz"
    path.write_bytes(valid_smpl_npz())
    assert load_easymocap_smpl(path).num_frames == 6
    path.write_bytes(npz_with("poses", npy_header((10**12, 72)) + b"\0" * 64))
    with pytest.raises(SmplFileError) as info:
        load_easymocap_smpl(path)
    assert str(info.value) == (f"{path}!poses.npy: header declares shape (1000000000000, 72) "
                               "of float32 (288000000000000 bytes) but the member holds 64")
    path.write_bytes(valid_smpl_npz(frames=2_000))  # poses: 576 kB
    with pytest.raises(SmplFileError, match=r"poses.npy: inflates to \d+ bytes, more than "
                       r"100000 \(limit max_zip_entry_bytes=100000\)"):
        load_easymocap_smpl(path, limits=LoadLimits(max_zip_entry_bytes=100_000))
    path.write_bytes(npz_with("poses", b"\x93NUMPY\x01\x00" + b"\xff" * 40))
    with pytest.raises(SmplFileError, match="poses.npy: not a readable .npy member"):
        load_easymocap_smpl(path)


def test_smpl_json_and_pickle_limits(tmp_path):
    path = tmp_path / "S001C001M001P001A001R001.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SmplFileError, match="max_json_depth=100"):
        load_easymocap_smpl(path)
    path.write_text(json.dumps([{"id": 0}, [{"id": 0}]]))  # mixed frames: no KeyError
    with pytest.raises(SmplFileError, match="frame 0"):
        load_easymocap_smpl(path)
    pkl = tmp_path / "S001C001M001P001A001R001.pkl"
    pkl.write_bytes(pickle.dumps({"poses": range(10**10), "shapes": np.zeros(10),
                                  "Rh": np.zeros((1, 3)), "Th": np.zeros((1, 3))}, protocol=2))
    with pytest.raises(FileFormatError, match="max_pickle_items=1000000"):
        load_easymocap_smpl(pkl)
