"""Build the small test catalog: stand-in body model, FLAG3D-Synth small profile, ingest, and a
quickly trained recognition run (so the Recognition page has something to show)."""

from __future__ import annotations

from pathlib import Path


def build_small_catalog(base: Path, *, train: bool = True) -> dict[str, str]:
    from flag3d_core.body import write_standin
    from flag3d_core.catalog import queries
    from flag3d_core.catalog.ingest_flag3d import find_parts
    from flag3d_core.cli.data_cmds import ingest_parts
    from flag3d_core.recognition.runs import train_run
    from flag3d_core.settings import load_settings
    from flag3d_core.synth.generate import generate

    env = {"FLAG3D_CATALOG": str(base / "catalog.duckdb"), "FLAG3D_BODY_MODELS": str(base / "body"),
           "FLAG3D_DATA": str(base / "raw"), "FLAG3D_DEVICE": "cpu"}
    s = load_settings(env)
    write_standin(s.body_models)
    root = s.data_dir / "flag3d_synth"
    generate("small", 0, root, body_dir=s.body_models)
    ingest_parts(find_parts(root), s)
    if train:
        con = queries.connect(s.catalog)
        try:
            train_run(con, s.catalog, s.arrays_dir, s.checkpoints_dir, "stgcn", "in-domain",
                      epochs=2, num_clips=1, model_options={"base_channels": 16})
        finally:
            con.close()
    return env
