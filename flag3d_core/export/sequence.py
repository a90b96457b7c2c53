"""A catalog sequence to files: SMPL .npz, BVH, MP4 render, joint positions and 2D keypoints
(CSV, .npy), its catalog metadata (CSV).

Shared by the CLI (``flag3d render`` / ``flag3d export``) and the Sequence page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flag3d_core.catalog.record import SequenceRecord, SequenceSmpl
from flag3d_core.errors import IncompatibleInputError, NotInCatalogError
from flag3d_core.export.formats import ALIASES, FORMATS, NEEDS
from flag3d_core.layouts import SMPL24
from flag3d_core.render.scene import MotionLayer

log = logging.getLogger(__name__)


def available_formats(record: SequenceRecord) -> list[str]:
    """The export formats this sequence has the data for."""
    has = {"smpl": record.has_smpl, "joints3d": record.has_joints3d,
           "keypoints2d": record.has_keypoints2d, None: True}
    return [f for f in FORMATS if has[NEEDS[f]] and (f != "mp4" or record.has_joints3d)]


def export_bytes(record: SequenceRecord, fmt: str) -> bytes:
    """The file content of a skeleton or metadata export (no body model, no render)."""
    from flag3d_core.export import skeleton as sk
    from flag3d_core.export.csv import catalog_csv_bytes

    fmt = ALIASES.get(fmt, fmt)
    if fmt == "metadata-csv":
        return catalog_csv_bytes(pd.DataFrame([record.meta]))
    if fmt == "joints-csv":
        return sk.joints_csv_bytes(record.joints3d(), record.layout, record.fps)
    if fmt == "joints-npy":
        return sk.npy_bytes(record.joints3d())
    if fmt in ("keypoints-csv", "keypoints-npy"):
        kp, scores = record.keypoints2d()
        if fmt == "keypoints-csv":
            return sk.keypoints_csv_bytes(kp, scores, record.layout, record.fps)
        return sk.npy_bytes(sk.keypoints_array(kp, scores))
    raise IncompatibleInputError(f"{fmt} is not a skeleton or metadata export")
WHATS = ("mesh", "skeleton", "both")


def smpl_for(record: SequenceRecord, body_model: Any) -> tuple[SequenceSmpl, np.ndarray]:
    """SMPL parameters placed for the active body model, and its (24, 3) rest joints for the
    betas."""
    p = record.smpl(body_model)
    return p, body_model.rest_joints(p.betas)


def motion_layer(record: SequenceRecord, what: str, body_model: Any = None,
                 color: tuple | None = None) -> MotionLayer:
    """What to draw for a sequence: body mesh (needs SMPL + body model), skeleton, or both."""
    if what not in WHATS:
        raise IncompatibleInputError(f"--what must be one of {WHATS}, got {what!r}")
    kwargs = {} if color is None else {"color": color}
    vertices = faces = joints = None
    edges: tuple = ()
    if what in ("mesh", "both"):
        if not record.has_smpl:
            raise NotInCatalogError(f"sequence {record.sequence_id!r} has no SMPL parameters; "
                                    "use --what skeleton")
        if body_model is None:
            raise IncompatibleInputError("rendering a mesh needs a body model")
        s = record.smpl(body_model)
        out = body_model.pose(s.global_orient, s.body_pose, s.betas, s.transl)
        vertices, faces = out.vertices, body_model.faces
        if what == "both":
            joints, edges = out.joints[:, :24], SMPL24.edges
    if what == "skeleton":
        joints, edges = record.joints3d(), record.layout.edges
    return MotionLayer(vertices=vertices, faces=faces, joints=joints, edges=edges, **kwargs)


def render_mp4(record: SequenceRecord, cache_dir: Path, *, what: str = "mesh",
               camera: str = "front", body_model: Any = None, out: Path | None = None,
               second: SequenceRecord | None = None,
               progress: Callable[[int, int], None] | None = None,
               max_frames: int | None = None) -> Any:
    """Render a sequence (optionally a second one in another colour) to a cached H.264 MP4."""
    from flag3d_core.render.sequence import RenderOptions, render_sequence

    layer = motion_layer(record, what, body_model)
    other = motion_layer(second, what, body_model) if second is not None else None
    opts = RenderOptions(fps=record.fps, max_frames=max_frames)
    return render_sequence(layer, other, camera=camera, options=opts,
                           cache_dir=cache_dir / "renders", out_path=out,
                           cameras_dir=record.cameras_dir, progress=progress)


def export_sequence(record: SequenceRecord, cache_dir: Path, fmt: str, out: Path, *,
                    body_model: Any = None, camera: str = "front", what: str = "mesh",
                    progress: Callable[[int, int], None] | None = None) -> Path:
    """Write one sequence in ``fmt`` (one of :data:`FORMATS`) to ``out``."""
    from flag3d_core.export.bvh import write_bvh
    from flag3d_core.export.npz import write_smpl_npz
    from flag3d_core.export.skeleton import write_bytes

    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise IncompatibleInputError(f"--format must be one of {FORMATS}, got {fmt!r}")
    if fmt.startswith(("joints-", "keypoints-", "metadata-")):
        return write_bytes(out, export_bytes(record, fmt))
    if fmt == "mp4":
        return render_mp4(record, cache_dir, what=what, camera=camera, body_model=body_model,
                          out=out, progress=progress).path
    if not record.has_smpl:
        raise NotInCatalogError(f"sequence {record.sequence_id!r} has no SMPL parameters to "
                                f"export as {fmt}")
    s, rest_joints = smpl_for(record, body_model)
    if fmt == "npz":
        return write_smpl_npz(out, s.global_orient, s.body_pose, s.betas, s.transl, s.fps)
    return write_bvh(out, s.global_orient, s.body_pose, s.transl, rest_joints, s.fps,
                     world_up="z")
