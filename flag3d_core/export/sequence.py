"""A catalog sequence to files: SMPL .npz, BVH, MP4 render, metadata CSV.

Shared by the CLI (``flag3d render`` / ``flag3d export``) and the Sequence page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.load import SequenceSmpl, available_kinds, load_joints, load_smpl
from flag3d_core.layouts import NTU25, SMPL24
from flag3d_core.render.scene import MotionLayer

log = logging.getLogger(__name__)
FORMATS = ("npz", "bvh", "mp4", "csv")
WHATS = ("mesh", "skeleton", "both")


def smpl_for(con, arrays_dir: Path, sequence_id: str, body_model) -> tuple[SequenceSmpl, np.ndarray]:
    """SMPL parameters placed for the active body model, and its (24, 3) rest joints for the betas."""
    meta = queries.sequence(con, sequence_id)
    p = load_smpl(con, arrays_dir, sequence_id, fps=float(meta["fps"]), pelvis_fn=body_model.rest_pelvis)
    return p, body_model.rest_joints(p.betas)


def motion_layer(con, arrays_dir: Path, sequence_id: str, what: str, body_model=None,
                 color=None) -> MotionLayer:
    """What to draw for a sequence: body mesh (needs SMPL + body model), skeleton, or both."""
    if what not in WHATS:
        raise ValueError(f"--what must be one of {WHATS}, got {what!r}")
    kinds = available_kinds(con, sequence_id)
    kwargs = {} if color is None else {"color": color}
    vertices = faces = joints = None
    edges: tuple = ()
    if what in ("mesh", "both"):
        if "smpl" not in kinds:
            raise KeyError(f"sequence {sequence_id!r} has no SMPL parameters; use --what skeleton")
        if body_model is None:
            raise ValueError("rendering a mesh needs a body model")
        s, _ = smpl_for(con, arrays_dir, sequence_id, body_model)
        out = body_model.forward(s.global_orient, s.body_pose, s.betas, s.transl)
        vertices, faces = out.vertices, body_model.faces
        if what == "both":
            joints, edges = out.joints[:, :24], SMPL24.edges
    if what == "skeleton":
        joints, edges = load_joints(con, arrays_dir, sequence_id), NTU25.edges
    return MotionLayer(vertices=vertices, faces=faces, joints=joints, edges=edges, **kwargs)


def cameras_dir_of(con) -> Path | None:
    """The ``cameras/`` folder of the ingested FLAG3D root, when it has one."""
    ds = queries.datasets(con)
    for root in ds.loc[ds.dataset == "flag3d", "root"].dropna():
        cams = Path(root) / "cameras"
        if cams.is_dir():
            return cams
    return None


def render_mp4(con, arrays_dir: Path, cache_dir: Path, sequence_id: str, *, what: str = "mesh",
               camera: str = "front", body_model=None, out: Path | None = None,
               second_id: str | None = None, progress: Callable[[int, int], None] | None = None,
               max_frames: int | None = None):
    """Render a sequence (optionally a second one in another colour) to a cached H.264 MP4."""
    from flag3d_core.render.sequence import RenderOptions, render_sequence

    meta = queries.sequence(con, sequence_id)
    layer = motion_layer(con, arrays_dir, sequence_id, what, body_model)
    second = motion_layer(con, arrays_dir, second_id, what, body_model) if second_id else None
    opts = RenderOptions(fps=float(meta["fps"]), max_frames=max_frames)
    return render_sequence(layer, second, camera=camera, options=opts, cache_dir=cache_dir / "renders",
                           out_path=out, cameras_dir=cameras_dir_of(con), progress=progress)


def export_sequence(con, arrays_dir: Path, cache_dir: Path, sequence_id: str, fmt: str, out: Path, *,
                    body_model=None, camera: str = "front", what: str = "mesh",
                    progress: Callable[[int, int], None] | None = None) -> Path:
    """Write one sequence in ``fmt`` (npz | bvh | mp4 | csv) to ``out``."""
    from flag3d_core.export.bvh import write_bvh
    from flag3d_core.export.csv import write_catalog_csv
    from flag3d_core.export.npz import write_smpl_npz

    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {FORMATS}, got {fmt!r}")
    if fmt == "csv":
        meta = queries.sequence(con, sequence_id)
        return write_catalog_csv(pd.DataFrame([meta]), out)
    if fmt == "mp4":
        return render_mp4(con, arrays_dir, cache_dir, sequence_id, what=what, camera=camera,
                          body_model=body_model, out=out, progress=progress).path
    if "smpl" not in available_kinds(con, sequence_id):
        raise KeyError(f"sequence {sequence_id!r} has no SMPL parameters to export as {fmt}")
    s, rest_joints = smpl_for(con, arrays_dir, sequence_id, body_model)
    if fmt == "npz":
        return write_smpl_npz(out, s.global_orient, s.body_pose, s.betas, s.transl, s.fps)
    return write_bvh(out, s.global_orient, s.body_pose, s.transl, rest_joints, s.fps, world_up="z")
