"""What every part of the catalog's SQL shares: the connection type, the schema file, the
columns of a sequence listing."""

from __future__ import annotations

from importlib.resources import files

import duckdb

# Packaged with the library (package data), so a wheel install can create catalogs too.
SCHEMA_SQL = files("flag3d_core.catalog") / "schema.sql"
SCHEMA_VERSION = "1"

Con = duckdb.DuckDBPyConnection

# Columns a sequence listing returns (joined with its activity and split).
_SEQUENCE_COLUMNS = """
    s.sequence_id, s.dataset, s.name, s.source, s.scene, s.camera, s.view, s.avatar, s.performer,
    s.activity_id, s.label, a.name AS activity, a.body_part, s.repetition, s.n_frames, s.fps,
    s.joint_layout, s.img_width, s.img_height
"""

