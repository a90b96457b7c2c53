"""Build the small test catalog: stand-in body model, FLAG3D-Synth small profile, ingest."""

from __future__ import annotations

from pathlib import Path


def build_small_catalog(base: Path) -> dict[str, str]:
    from flag3d_core.body import write_standin
    from flag3d_core.catalog.ingest_flag3d import find_parts
    from flag3d_core.cli.data_cmds import ingest_parts
    from flag3d_core.settings import load_settings
    from flag3d_core.synth.generate import generate

    env = {"FLAG3D_CATALOG": str(base / "catalog.duckdb"), "FLAG3D_BODY_MODELS": str(base / "body"),
           "FLAG3D_DATA": str(base / "raw"), "FLAG3D_DEVICE": "cpu"}
    settings = load_settings(env)
    write_standin(settings.body_models)
    root = settings.data_dir / "flag3d_synth"
    generate("small", 0, root, body_dir=settings.body_models)
    ingest_parts(find_parts(root), settings)
    return env
