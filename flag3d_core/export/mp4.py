"""MP4 export: a cached render (see :func:`flag3d_core.render.render_sequence`) copied out."""

from __future__ import annotations

import os
from typing import Any

from flag3d_core.render.scene import MotionLayer
from flag3d_core.render.sequence import RenderResult, render_sequence


def export_mp4(
    path: str | os.PathLike, motion: MotionLayer, second: MotionLayer | None = None,
    **render_kwargs: Any,
) -> RenderResult:
    """Render ``motion`` (and ``second``) to an H.264 MP4 at ``path``.

    ``render_kwargs`` go to :func:`~flag3d_core.render.render_sequence` (``camera``,
    ``options``, ``cache_dir``, ``cameras_dir``, ``progress``); a render already in the cache
    is copied, not redone.
    """
    return render_sequence(motion, second, out_path=path, **render_kwargs)
