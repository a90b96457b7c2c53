"""The library works from its wheel: package data (schema.sql, the taxonomy CSV) travels with it.

Builds the wheel from a copy of the package sources (so the checkout gets no build/ folder),
installs it into a temporary directory and runs the CLI from there in a subprocess that cannot
see the checkout: ``python -S`` skips site-packages and with it the ``.pth`` file of the editable
install (whose finder would map ``flag3d_core`` to the checkout); ``PYTHONPATH`` lists the
wheel's directory first and then this environment's site-packages for the dependencies; the
working directory lies outside the checkout. Nothing is downloaded (``--no-index``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from flag3d_core.body import write_standin
from tests.helpers import make_tiny_flag3d

ROOT = Path(__file__).resolve().parents[1]

_WHERE = """
import json
from importlib.resources import files
import flag3d_core
print(json.dumps({
    "package": flag3d_core.__file__,
    "schema": str(files("flag3d_core.catalog") / "schema.sql"),
    "taxonomy": str(files("flag3d_core.datasets") / "flag3d_taxonomy.csv"),
}))
"""


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
                   check=True, capture_output=True, timeout=300)


def _build_and_install(tmp: Path) -> Path:
    """Wheel built from a copy of pyproject.toml + README.md + flag3d_core; its install dir."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "flag3d_core", src / "flag3d_core",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp / "dist"),
         str(src))
    (wheel,) = (tmp / "dist").glob("flag3d_explorer-*.whl")
    site = tmp / "site"
    _pip("install", "--no-deps", "--no-index", "--target", str(site), str(wheel))
    return site


def _run(site: Path, cwd: Path, env: dict[str, str], *args: str) -> str:
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    env = {**os.environ, **env, "PYTHONPATH": os.pathsep.join([str(site), *deps])}
    proc = subprocess.run([sys.executable, "-S", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_wheel_builds_a_catalog_without_the_checkout(tmp_path: Path) -> None:
    site = _build_and_install(tmp_path)
    release = tmp_path / "release"
    make_tiny_flag3d(release, performers=(1, 2, 5), activities=(1, 8, 45), reps=(1,))
    write_standin(tmp_path / "body")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    catalog = tmp_path / "cat" / "catalog.duckdb"
    env = {"FLAG3D_BODY_MODELS": str(tmp_path / "body"), "FLAG3D_DATA": str(release),
           "FLAG3D_CATALOG": str(catalog)}

    where = _last_json(_run(site, run_dir, env, "-c", _WHERE))
    for key in ("package", "schema", "taxonomy"):
        assert Path(where[key]).is_relative_to(site), (key, where[key])
        assert Path(where[key]).is_file(), (key, where[key])

    cli = ("-m", "flag3d_core.cli", "--catalog", str(catalog))
    ingest = _last_json(_run(site, run_dir, env, *cli, "ingest", "flag3d", "--root", str(release),
                             "--json"))
    assert ingest["ingested"] == 9 + 18 + 9 and ingest["skipped"] == 0 and ingest["smpl"] == 9
    stats = _last_json(_run(site, run_dir, env, *cli, "catalog", "stats", "--json"))
    assert stats["sequences"] == 36
    assert stats["by_source"] == {"mocap": 9, "real": 9, "render": 18}
