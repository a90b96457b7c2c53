"""A body shaped for its betas and reduced to what skinning needs (numpy; no torch at import).

The in-browser player and the renderers receive a body as a :class:`BodyTemplate` once per
shape and pose it with joint rotations; :meth:`flag3d_core.body.forward.BodyModel.template`
and :func:`template_from_arrays` make one from a loaded model or from the model file's arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["BodyTemplate", "template_from_arrays"]


@dataclass(frozen=True)
class BodyTemplate:
    """One body shape, ready for linear blend skinning (numpy, float32 / int64).

    Attributes:
        template: (V, 3) rest vertices for the betas.
        faces: (F, 3) vertex indices.
        weights: (V, 24) skinning weights.
        parents: (24,) parent joint, -1 for the root.
        rest_joints: (24, 3) rest joints for the betas.
    """

    template: np.ndarray
    faces: np.ndarray
    weights: np.ndarray
    parents: np.ndarray
    rest_joints: np.ndarray


def template_from_arrays(arrays: Mapping[str, Any],
                         betas: ArrayLike | None = None) -> BodyTemplate:
    """The :class:`BodyTemplate` of a body-model file's arrays (smplx's keys: v_template (V, 3),
    shapedirs (V, 3, B'), J_regressor (24, V), weights (V, 24), kintree_table (2, 24),
    f (F, 3)) for ``betas`` (B,), B <= B' (None: the mean shape)."""
    from flag3d_core.body.kinematics import shaped_rest_np  # torch: loaded on first use

    shapedirs = np.asarray(arrays["shapedirs"])
    b = np.zeros(0) if betas is None else np.asarray(betas, dtype=np.float64).reshape(-1)
    rest = shaped_rest_np(arrays["v_template"], shapedirs, arrays["J_regressor"], b)
    parents = np.asarray(arrays["kintree_table"])[0].astype(np.int64)
    parents[0] = -1  # SMPL files store the root's parent as 2**32 - 1
    return BodyTemplate(template=rest.vertices.astype(np.float32),
                        faces=np.asarray(arrays["f"], dtype=np.int64),
                        weights=np.asarray(arrays["weights"], dtype=np.float32),
                        parents=parents, rest_joints=rest.joints.astype(np.float32))
