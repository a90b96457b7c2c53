"""Exporters: standard SMPL ``.npz``, BVH (FK from SMPL rotations), catalog CSV, MP4.

The MP4 exporter imports the render module (and so pyrender, lazily) only when used:
``from flag3d_core.export.mp4 import export_mp4``.
"""

from flag3d_core.export.bvh import BvhMotion, bvh_fk, bvh_string, read_bvh, write_bvh
from flag3d_core.export.csv import catalog_csv_bytes, write_catalog_csv
from flag3d_core.export.npz import read_smpl_npz, smpl_npz_bytes, write_smpl_npz

__all__ = [
    "BvhMotion", "bvh_fk", "bvh_string", "read_bvh", "write_bvh", "catalog_csv_bytes",
    "write_catalog_csv", "read_smpl_npz", "smpl_npz_bytes", "write_smpl_npz",
]
