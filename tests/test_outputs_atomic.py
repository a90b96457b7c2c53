"""Every output is written atomically (a temporary file beside the target, then a rename), a bad
target raises OutputPathError naming it, and the CLI reports any failure in one line."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flag3d_core import atomic
from flag3d_core.atomic import (
    atomic_path,
    atomic_write,
    atomic_write_bytes,
    check_output_path,
    check_writable_dir,
)
from flag3d_core.errors import Flag3dError, OutputPathError
from flag3d_core.export import write_bvh, write_catalog_csv, write_smpl_npz

ROOT = Path(__file__).resolve().parent.parent
T = 12


def _smpl() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(0)
    return (rng.normal(0, 0.1, (T, 3)), rng.normal(0, 0.1, (T, 69)), np.zeros(10),
            rng.normal(0, 0.1, (T, 3)))


def _rest() -> np.ndarray:
    from flag3d_core.layouts.smpl24 import PARENTS

    rest = np.zeros((24, 3))
    for j, p in enumerate(PARENTS):
        if p >= 0:
            rest[j] = rest[p] + [0.0, 0.1, 0.0]
    return rest


def _write_npz(path: Path) -> Path:
    go, bp, betas, tr = _smpl()
    return write_smpl_npz(path, go, bp, betas, tr, 30.0)


def _write_bvh(path: Path) -> Path:
    go, bp, _, tr = _smpl()
    return write_bvh(path, go, bp, tr, _rest(), 30.0)


def _write_csv(path: Path) -> Path:
    return write_catalog_csv(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), path)


def _write_mp4(path: Path) -> Path:
    from flag3d_core.render.video import write_mp4

    return write_mp4(path, [np.zeros((16, 16, 3), np.uint8)] * 2, fps=10)


def _write_annotations(path: Path) -> Path:
    from flag3d_core.synth.writer import write_annotation_pkl

    return write_annotation_pkl(path, [{"frame_dir": "x", "label": 0}], {"train": ["x"]})


def _write_checkpoint(path: Path) -> Path:
    from flag3d_core.recognition.checkpoint import save_checkpoint
    from flag3d_core.recognition.registry import build_model
    from flag3d_core.recognition.train import TrainConfig

    cfg = TrainConfig(model="stgcn", num_classes=3, model_options=dict(
        base_channels=4, num_stages=2, inflate_stages=(), down_stages=()))
    return save_checkpoint(path, build_model("stgcn", cfg.model_config()), cfg,
                           label_map={0: "a", 1: "b", 2: "c"})


WRITERS = {"npz": _write_npz, "bvh": _write_bvh, "csv": _write_csv, "mp4": _write_mp4,
           "pkl": _write_annotations, "pt": _write_checkpoint}


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ----------------------------------------------------------------------------- bad targets


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_target_is_a_directory(tmp_path, kind):
    target = tmp_path / f"out.{kind}"
    target.mkdir()
    with pytest.raises(OutputPathError, match="is a folder") as err:
        WRITERS[kind](target)
    assert str(target) in str(err.value) and isinstance(err.value, Flag3dError)
    assert _listing(tmp_path) == [target.name] and _listing(target) == []


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_writers_work_and_leave_no_temporary(tmp_path, kind):
    path = WRITERS[kind](tmp_path / "sub" / f"out.{kind}")  # library writers make folders
    assert path.is_file() and path.stat().st_size > 0
    assert _listing(tmp_path / "sub") == [f"out.{kind}"]


def test_missing_parent_is_refused_without_make_parents(tmp_path):
    target = tmp_path / "nope" / "x.npz"
    with pytest.raises(OutputPathError, match="does not exist") as err:
        atomic_write_bytes(target, b"data")
    assert str(target) in str(err.value) and not (tmp_path / "nope").exists()
    with pytest.raises(OutputPathError, match="does not exist"):
        check_output_path(target)


def test_parent_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    for make_parents in (False, True):
        with pytest.raises(OutputPathError, match="is a file, not a folder"):
            atomic_write_bytes(tmp_path / "file" / "x.csv", b"x", make_parents=make_parents)
    with pytest.raises(OutputPathError, match="is a file, not a folder"):
        _write_csv(tmp_path / "file" / "deeper" / "x.csv")


def test_read_only_directory(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("running as root: a read-only mode does not stop writes")
        with pytest.raises(OutputPathError, match="no permission") as err:
            _write_npz(ro / "x.npz")
        assert str(ro / "x.npz") in str(err.value) and _listing(ro) == []
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize(("code", "words"), [(errno.EACCES, "no permission"),
                                             (errno.EROFS, "read-only file system"),
                                             (errno.ENOSPC, "no space left")])
def test_os_refusals_become_project_errors(tmp_path, monkeypatch, code, words):
    def refuse(*_a, **_k):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(OutputPathError, match=words) as err:
        _write_bvh(tmp_path / "x.bvh")
    assert str(tmp_path / "x.bvh") in str(err.value)
    assert _listing(tmp_path) == []


def test_check_writable_dir(tmp_path):
    assert check_writable_dir(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert _listing(tmp_path / "a" / "b") == []  # the probe is gone
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputPathError):
        check_writable_dir(tmp_path / "f")


# ----------------------------------------------------------------------------- failures mid-write


def _partial_then_fail(*args, **_k):
    """A writer that writes half a file (to its file or path argument), then fails."""
    for arg in args:
        if hasattr(arg, "write"):
            arg.write(b"half")
            break
        if isinstance(arg, (str, os.PathLike)):
            Path(arg).write_bytes(b"half")
            break
    raise RuntimeError("disk pulled out")


def _sync_fails(*_a):
    raise OSError(errno.EIO, "Input/output error")


@pytest.mark.parametrize(("kind", "target", "fake"), [
    ("npz", "flag3d_core.export.npz.np.savez", _partial_then_fail),  # a writer dies mid-file
    ("pt", "torch.save", _partial_then_fail),
    ("mp4", "flag3d_core.atomic._fsync_path", _sync_fails),  # ffmpeg's file, then fsync fails
    ("pkl", "flag3d_core.atomic._fsync_path", _sync_fails),  # the file is written, fsync fails
    ("bvh", "flag3d_core.atomic._fsync_path", _sync_fails),
    ("csv", "flag3d_core.atomic._fsync_path", _sync_fails),
])
def test_failure_mid_write_keeps_previous_content(tmp_path, monkeypatch, kind, target, fake):
    path = tmp_path / f"out.{kind}"
    WRITERS[kind](path)
    before = path.read_bytes()
    monkeypatch.setattr(target, fake)
    with pytest.raises((RuntimeError, OutputPathError)):
        WRITERS[kind](path)
    assert path.read_bytes() == before
    assert _listing(tmp_path) == [path.name]


def test_failing_rename_removes_the_temporary(tmp_path, monkeypatch):
    target = tmp_path / "x.csv"
    target.write_text("old")

    def cross_device(*_a):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(atomic.os, "replace", cross_device)
    with pytest.raises(OutputPathError, match="x.csv"):
        atomic_write_bytes(target, b"new")
    assert target.read_text() == "old" and _listing(tmp_path) == ["x.csv"]


def test_atomic_path_and_write_basics(tmp_path):
    with atomic_path(tmp_path / "a.npz") as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(".npz") and tmp.exists()
        np.savez(tmp, x=np.arange(3))  # a name ending in .npz: numpy adds no suffix
    with np.load(tmp_path / "a.npz") as z:
        assert z["x"].tolist() == [0, 1, 2]
    with atomic_write(tmp_path / "b.txt", "w") as fh:
        fh.write("héllo\n")
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "héllo\n"
    with pytest.raises(OutputPathError, match="produced no file"):
        with atomic_path(tmp_path / "c.bin") as tmp:
            tmp.unlink()
    assert _listing(tmp_path) == ["a.npz", "b.txt"]


def test_mp4_writer_failure_leaves_nothing(tmp_path):
    from flag3d_core.render.video import Mp4Writer

    target = tmp_path / "clip.mp4"
    _write_mp4(target)
    before = target.read_bytes()
    with pytest.raises(RuntimeError, match="renderer died"):
        with Mp4Writer(target, 16, 16, 10) as writer:
            writer.append(np.full((16, 16, 3), 200, np.uint8))
            raise RuntimeError("renderer died")
    assert target.read_bytes() == before and _listing(tmp_path) == ["clip.mp4"]


def test_render_export_copy_is_atomic(tmp_path, monkeypatch):
    from flag3d_core.render import sequence as render_sequence_module
    from flag3d_core.render.scene import MotionLayer
    from flag3d_core.render.sequence import RenderOptions, render_sequence

    joints = np.zeros((4, 2, 3)) + np.array([0.0, 0.0, 1.0])
    joints[:, 1, 2] = 1.5
    layer = MotionLayer(joints=joints, edges=((0, 1),))
    opts = RenderOptions(width=32, height=32, fps=10)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(OutputPathError, match="is a folder"):  # refused before rendering
        render_sequence(layer, options=opts, cache_dir=tmp_path / "cache", out_path=out_dir)
    assert not (tmp_path / "cache").exists()
    out = out_dir / "clip.mp4"
    out.write_bytes(b"previous")
    monkeypatch.setattr(render_sequence_module.shutil, "copyfile", _partial_then_fail)
    with pytest.raises(RuntimeError):
        render_sequence(layer, options=opts, cache_dir=tmp_path / "cache", out_path=out)
    assert out.read_bytes() == b"previous" and _listing(out_dir) == ["clip.mp4"]


# ----------------------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    from flag3d_core.body import write_standin
    from flag3d_core.cli import main
    from tests.helpers import make_tiny_flag3d

    base = tmp_path_factory.mktemp("cli_atomic")
    make_tiny_flag3d(base / "release", performers=(1,), activities=(1,), reps=(1,),
                     with_2d=False, with_instructions=False)
    write_standin(base / "body")
    env = {"FLAG3D_BODY_MODELS": str(base / "body"),
           "FLAG3D_CATALOG": str(base / "cat" / "catalog.duckdb"),
           "FLAG3D_LOG": str(base / "cli.log")}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        assert main(["ingest", "flag3d", "--root", str(base / "release"), "--json"]) == 0
    return env


def _run_main(monkeypatch, capsys, env: dict[str, str], argv: list[str]) -> tuple[int, str]:
    from flag3d_core.cli import main

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    capsys.readouterr()
    rc = main(argv)
    return rc, capsys.readouterr().err


SEQ = "S001C001M001P001A001R001"


@pytest.mark.parametrize("case", ["dir", "missing_parent", "unknown_seq", "bad_catalog",
                                  "render_dir", "parent_is_file"])
def test_cli_prints_one_line_for_bad_paths_and_inputs(tmp_path, monkeypatch, capsys, cli_env,
                                                      case):
    out = {"dir": tmp_path, "missing_parent": tmp_path / "nope" / "x.npz",
           "parent_is_file": tmp_path / "f" / "x.npz"}.get(case, tmp_path / "x.npz")
    (tmp_path / "f").write_text("x")
    env = dict(cli_env)
    argv = ["export", SEQ, "--format", "npz", "--out", str(out)]
    if case == "unknown_seq":
        argv[1] = "S009C001M001P001A001R001"
    if case == "bad_catalog":
        env["FLAG3D_CATALOG"] = str(tmp_path)  # a folder, not a database
    if case == "render_dir":
        out = tmp_path
        argv = ["render", SEQ, "--what", "skeleton", "--out", str(out)]
    before = _listing(tmp_path)
    rc, err = _run_main(monkeypatch, capsys, env, argv)
    lines = err.strip().splitlines()
    assert rc != 0 and len(lines) == 1, err
    assert lines[0].startswith("flag3d: error: ") and "Traceback" not in err
    if case in ("dir", "missing_parent", "render_dir", "parent_is_file"):
        assert str(out) in lines[0]
    assert _listing(tmp_path) == before  # nothing written, no temporary file


def test_cli_export_still_writes(tmp_path, monkeypatch, capsys, cli_env):
    rc, err = _run_main(monkeypatch, capsys, cli_env,
                        ["export", SEQ, "--format", "bvh", "--out", str(tmp_path / "x.bvh")])
    assert rc == 0, err
    assert _listing(tmp_path) == ["x.bvh"]


def test_cli_unexpected_error_is_one_line_and_logged(tmp_path, monkeypatch, capsys, cli_env):
    from flag3d_core.cli import media_cmds

    def boom(*_a, **_k):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(media_cmds, "load_sequence", boom)
    rc, err = _run_main(monkeypatch, capsys, cli_env,
                        ["export", SEQ, "--format", "npz", "--out", str(tmp_path / "x.npz")])
    lines = err.strip().splitlines()
    assert rc == 1 and len(lines) == 1, err
    assert "ZeroDivisionError" in lines[0] and cli_env["FLAG3D_LOG"] in lines[0]
    log = Path(cli_env["FLAG3D_LOG"]).read_text()
    assert "Traceback" in log and "a bug" in log


@pytest.mark.parametrize("exc", [MemoryError(), PermissionError(13, "Permission denied", "/x/y"),
                                 IsADirectoryError(21, "Is a directory", "/x")])
def test_cli_one_line_for_os_and_memory_errors(tmp_path, monkeypatch, capsys, cli_env, exc):
    from flag3d_core.cli import media_cmds

    def fail(*_a, **_k):
        raise exc

    monkeypatch.setattr(media_cmds, "load_sequence", fail)
    rc, err = _run_main(monkeypatch, capsys, cli_env,
                        ["export", SEQ, "--format", "npz", "--out", str(tmp_path / "x.npz")])
    lines = err.strip().splitlines()
    assert rc == 2 and len(lines) == 1 and lines[0].startswith("flag3d: error: "), err
    if isinstance(exc, OSError):
        assert exc.filename in lines[0]
    else:
        assert "out of memory" in lines[0]


def test_cli_entry_point_one_line(tmp_path, cli_env):
    exe = Path(sys.executable).parent / "flag3d"
    env = {**os.environ, **cli_env}
    proc = subprocess.run([str(exe), "export", SEQ, "--format", "npz", "--out", str(tmp_path)],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"flag3d: error: {tmp_path}: is a folder; give a file name inside it"]
    assert _listing(tmp_path) == []
