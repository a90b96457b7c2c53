"""Body-model arrays for the generator: a user's model from ``body_dir`` or the stand-in."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from flag3d_core.synth.kinematics import Rig, build_rig
from flag3d_core.synth.skeleton import LANDMARKS_NEEDED

PROBE_STRIDE = 10


def load_body_arrays(body_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """smplx-keyed arrays of the body model in ``body_dir`` (``smpl/SMPL_NEUTRAL.pkl``), or of
    the built-in stand-in when ``body_dir`` is None or holds no model."""
    from flag3d_core.body.errors import BodyModelNotFoundError
    from flag3d_core.body.model import model_file, read_model_arrays, validate_model_arrays
    from flag3d_core.body.standin import build_standin

    if body_dir is not None:
        try:
            path = model_file(body_dir)
        except BodyModelNotFoundError:
            path = None
        if path is not None and path.exists():
            return validate_model_arrays(path, read_model_arrays(path))
    return build_standin()


def performer_rig(arrays: dict[str, Any], betas: np.ndarray) -> Rig:
    """The generator's :class:`Rig` of a body with shape ``betas``."""
    from flag3d_core.body.standin import VERTEX_LANDMARKS

    ids = {name: VERTEX_LANDMARKS[name] for name in LANDMARKS_NEEDED}
    return build_rig(arrays, betas, ids, stride=PROBE_STRIDE)
