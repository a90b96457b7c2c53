"""Upload limits and memory: the limit is named, agrees with Streamlit's, is shown on the page and
checked before parsing; parsing needs about one file size; numpy's messages never reach users."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pytest

from flag3d_core.errors import UploadError
from flag3d_core.recognition import upload
from flag3d_core.recognition.upload import (
    DEFAULT_MAX_UPLOAD_MB,
    max_upload_mb,
    parse_uploaded_skeleton,
    parse_uploaded_stream,
)

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def _npy(arr: np.ndarray, **kw) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, **kw)
    return buf.getvalue()


class _Unreadable(io.RawIOBase):
    """A file object that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, _b) -> int:
        raise AssertionError("the upload was read although it is too large")


# ----------------------------------------------------------------------------- the limit


def test_config_toml_agrees_with_the_library():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_UPLOAD_MB


def test_env_override():
    assert max_upload_mb({}) == DEFAULT_MAX_UPLOAD_MB
    assert max_upload_mb({"FLAG3D_MAX_UPLOAD_MB": " 512 "}) == 512
    for bad in ("lots", "0", "-3", "1.5"):
        with pytest.raises(ValueError, match="FLAG3D_MAX_UPLOAD_MB"):
            max_upload_mb({"FLAG3D_MAX_UPLOAD_MB": bad})


@pytest.mark.parametrize("name", ["big.npy", "big.pkl"])
def test_too_large_upload_is_refused_before_parsing(monkeypatch, name):
    def parser_called(*_a, **_k):
        raise AssertionError("the parser ran on a too-large upload")

    monkeypatch.delenv("FLAG3D_MAX_UPLOAD_MB", raising=False)
    monkeypatch.setattr(upload, "_parse_npy", parser_called)
    monkeypatch.setattr(upload, "_parse_pickle", parser_called)
    size = (DEFAULT_MAX_UPLOAD_MB + 1) * 1_000_000 + 123
    with pytest.raises(UploadError) as err:
        parse_uploaded_stream(name, _Unreadable(), size)
    msg = str(err.value)
    assert msg.startswith(f"{name}: ") and f"{size / 1e6:.1f} MB" in msg
    assert f"limited to {DEFAULT_MAX_UPLOAD_MB} MB" in msg
    with pytest.raises(UploadError, match="limited to 1 MB"):
        parse_uploaded_stream(name, _Unreadable(), 2_000_000, limit_mb=1)


def test_bytes_wrapper_checks_the_length(monkeypatch):
    monkeypatch.setenv("FLAG3D_MAX_UPLOAD_MB", "1")
    data = _npy(np.zeros((10_000, 25, 3), np.float32))  # 3 MB
    with pytest.raises(UploadError, match=r"is 3\.0 MB; uploads are limited to 1 MB"):
        parse_uploaded_skeleton("x.npy", data)


# ----------------------------------------------------------------------------- parsing


def test_npy_float64_and_fortran_order_read_right():
    rng = np.random.default_rng(0)
    arr = rng.normal(size=(40, 25, 3))
    for data in (_npy(arr), _npy(np.asfortranarray(arr)), _npy(arr.astype(">f4")),
                 _npy(arr[None].astype(np.float32))):
        (got,) = parse_uploaded_stream("a.npy", io.BytesIO(data), len(data))
        assert got.joints.dtype == np.float32 and got.joints.flags.c_contiguous
        np.testing.assert_allclose(got.joints, arr.astype(np.float32), rtol=1e-6)


def test_npy_header_is_checked_against_the_size():
    # a header declaring 300 GB of data in a small file: refused without allocating it
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "<f4", "fortran_order": False, "shape": (10**9, 25, 3)})
    huge = buf.getvalue() + b"\0" * 3000
    with pytest.raises(UploadError, match="truncated"):
        parse_uploaded_stream("h.npy", io.BytesIO(huge), len(huge))
    cut = _npy(np.zeros((100, 25, 3), np.float32))[:-10]
    with pytest.raises(UploadError, match="truncated"):
        parse_uploaded_stream("c.npy", io.BytesIO(cut), len(cut))
    with pytest.raises(UploadError, match=r"shape \(T, 25, 3\)"):
        d = _npy(np.zeros((100, 17, 3), np.float32))
        parse_uploaded_stream("j.npy", io.BytesIO(d), len(d))


def test_pickle_upload_is_capped_and_read_from_a_stream():
    rng = np.random.default_rng(0)
    anns = [{"frame_dir": f"S001C001M001P001A{a:03d}R001", "label": a - 1,
             "keypoint": rng.normal(size=(1, 20, 25, 3)).astype(np.float32), "total_frames": 20,
             "img_shape": (480, 854), "original_shape": (480, 854)} for a in range(1, 31)]
    data = pickle.dumps({"split": {}, "annotations": anns})
    out = parse_uploaded_stream("p.pkl", io.BytesIO(data), len(data), max_sequences=5)
    assert [u.label for u in out] == [0, 1, 2, 3, 4]
    assert all(u.joints.shape == (20, 25, 3) for u in out)
    assert len(parse_uploaded_skeleton("p.pkl", data)) == 30  # the wrapper keeps them all
    with pytest.raises(UploadError, match="more than its declared"):
        parse_uploaded_stream("p.pkl", io.BytesIO(data), len(data) - 100)


# ----------------------------------------------------------------------------- messages


def _messages_for_bad_npys() -> dict[str, bytes]:
    obj = io.BytesIO()
    np.save(obj, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    return {
        "object array": obj.getvalue(),
        "a pickle named .npy": pickle.dumps({"annotations": []}),
        "text": b"frame,joint,x,y,z\n0,0,1,2,3\n",
        "structured": _npy(np.zeros(10, dtype=[("x", "f4"), ("y", "f4")])),
        "strings": _npy(np.array(["a", "b"])),
        "damaged header": b"\x93NUMPY\x01\x00\x10\x00{'descr': nonsense",
    }


@pytest.mark.parametrize("case", sorted(_messages_for_bad_npys()))
def test_numpy_advice_never_reaches_the_user(case):
    data = _messages_for_bad_npys()[case]
    with pytest.raises(UploadError) as err:
        parse_uploaded_stream("x.npy", io.BytesIO(data), len(data))
    msg = str(err.value)
    assert msg.startswith("x.npy: ")
    assert "allow_pickle" not in msg and "pickle=True" not in msg, msg


def test_sanitise_rewrites_numpys_pickle_advice(monkeypatch):
    def numpy_says(*_a, **_k):
        raise ValueError("Object arrays cannot be loaded when allow_pickle=False")

    monkeypatch.setattr(upload, "_parse_npy", numpy_says)
    with pytest.raises(UploadError) as err:
        parse_uploaded_stream("x.npy", io.BytesIO(b"x"), 1)
    assert "allow_pickle" not in str(err.value) and "Python objects" in str(err.value)


# ----------------------------------------------------------------------------- memory

_MEASURE = textwrap.dedent("""
    import io, json, sys
    from pathlib import Path

    def status_kb(field):
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])

    from flag3d_core.recognition.upload import parse_uploaded_stream
    base = status_kb("VmHWM")
    data = Path(sys.argv[1]).read_bytes()
    up = io.BytesIO(data)  # what Streamlit's UploadedFile is
    del data
    (out,) = parse_uploaded_stream("u.npy", up, up.getbuffer().nbytes)
    print(json.dumps({"peak_kb": status_kb("VmHWM") - base, "size": out.joints.nbytes}))
""")


def test_parsing_a_60mb_npy_stays_within_2x(tmp_path):
    """Upload bytes + parsed array: ~2x the file. The peak is VmHWM: a child's ru_maxrss starts
    at its parent's (pytest's) RSS on Linux, which would hide the parse entirely."""
    frames = 60_000_000 // 300
    path = tmp_path / "u.npy"
    np.save(path, np.full((frames, 25, 3), 0.5, np.float32))
    proc = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True,
                          text=True, timeout=120, check=True, cwd=ROOT)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    ratio = r["peak_kb"] * 1024 / path.stat().st_size
    assert r["size"] == frames * 300
    assert ratio < 2.2, f"parsing took {ratio:.2f}x the file size"


# ----------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def tiny_env(tmp_path_factory) -> dict[str, str]:
    """A catalog of 9 sequences and one tiny in-domain run: enough for the Recognition page."""
    from flag3d_core.body import write_standin
    from flag3d_core.catalog import queries
    from flag3d_core.catalog.ingest_flag3d import find_parts
    from flag3d_core.cli.data_cmds import ingest_parts
    from flag3d_core.recognition.runs import train_run
    from flag3d_core.settings import load_settings
    from tests.helpers import make_tiny_flag3d

    base = tmp_path_factory.mktemp("upload_page")
    make_tiny_flag3d(base / "release", performers=(1, 2, 5), activities=(1, 2, 3), reps=(1,),
                     with_2d=False, with_instructions=False, with_smpl=False)
    env = {"FLAG3D_CATALOG": str(base / "catalog.duckdb"), "FLAG3D_BODY_MODELS": str(base / "b"),
           "FLAG3D_DATA": str(base / "raw"), "FLAG3D_DEVICE": "cpu"}
    s = load_settings(env)
    write_standin(s.body_models)
    ingest_parts(find_parts(base / "release"), s)
    con = queries.connect(s.catalog)
    try:
        train_run(con, s.catalog, s.arrays_dir, s.checkpoints_dir, "stgcn", "in-domain",
                  epochs=1, num_clips=1, model_options={"base_channels": 4, "num_stages": 2,
                                                        "inflate_stages": (), "down_stages": ()})
    finally:
        con.close()
    return env


def _upload_page(monkeypatch, env: dict[str, str], limit_mb: int | None = None):
    from streamlit.testing.v1 import AppTest

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    if limit_mb is None:
        monkeypatch.delenv("FLAG3D_MAX_UPLOAD_MB", raising=False)
    else:
        monkeypatch.setenv("FLAG3D_MAX_UPLOAD_MB", str(limit_mb))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/recognition.py").run()
    at.radio(key="try_src").set_value("Upload a file").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_states_the_limit(monkeypatch, tiny_env):
    at = _upload_page(monkeypatch, tiny_env)
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == DEFAULT_MAX_UPLOAD_MB
    assert f"{DEFAULT_MAX_UPLOAD_MB} MB" in uploader.help
    assert any(f"Upload limit: {DEFAULT_MAX_UPLOAD_MB} MB" in c.value for c in at.caption)


def test_page_refuses_a_too_large_upload_before_parsing(monkeypatch, tiny_env):
    def parser_called(*_a, **_k):
        raise AssertionError("the parser ran on a too-large upload")

    at = _upload_page(monkeypatch, tiny_env, limit_mb=1)
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == 1
    monkeypatch.setattr(upload, "_parse_npy", parser_called)
    data = _npy(np.zeros((6_000, 25, 3), np.float32))  # 1.8 MB
    at.get("file_uploader")[0].upload("big.npy", data).run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = at.error
    assert "big.npy" in error.value and "1.8 MB" in error.value and "1 MB" in error.value


def test_page_recognises_a_valid_upload(monkeypatch, tiny_env):
    at = _upload_page(monkeypatch, tiny_env)
    rng = np.random.default_rng(0)
    data = _npy(rng.normal(0, 0.3, (60, 25, 3)).astype(np.float32))
    at.get("file_uploader")[0].upload("mine.npy", data).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]

    def top5_charts() -> int:
        return sum("Top-5 for mine" in c.proto.spec for c in at.get("vega_lite_chart"))

    assert top5_charts() == 1
    at.run()  # a rerun reads the same upload again (from its start)
    assert not at.error, [e.value for e in at.error]
    assert top5_charts() == 1
