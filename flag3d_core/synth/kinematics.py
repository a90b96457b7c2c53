"""The generator's rig: a shaped body reduced to probe vertices, posed by the shared kinematics.

The generator poses hundreds of thousands of frames, so it skins only a *probe* subset of the
body's vertices (named landmarks for the skeleton joints, plus a spread of surface points for the
floor contact test). Shaping, forward kinematics and skinning are
:mod:`flag3d_core.body.kinematics` (numpy entries, float64); the full body goes through the body
model in the tests, which check that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from flag3d_core.body.kinematics import FKOutput, shaped_rest_np, skin_np


@dataclass(frozen=True)
class Rig:
    """The shaped rest body of one performer, reduced to what the generator needs.

    Attributes:
        betas: (10,) shape coefficients.
        rest_joints: (24, 3) rest-pose joints of the shaped body (SMPL frame, y up).
        probes: (P, 3) rest positions of the probe vertices.
        probe_ids: (P,) their vertex indices in the full body.
        probe_weights: (P, 24) their skinning weights.
        landmarks: name -> row in ``probes`` (head top, nose, hand tips, ...).
    """

    betas: np.ndarray
    rest_joints: np.ndarray
    probes: np.ndarray
    probe_ids: np.ndarray
    probe_weights: np.ndarray
    landmarks: dict[str, int]

    def bone_dir(self, child: int, parent: int) -> np.ndarray:
        """Unit rest direction from joint ``parent`` to joint ``child``, (3,)."""
        d = self.rest_joints[child] - self.rest_joints[parent]
        return d / np.linalg.norm(d)


def choose_probes(weights: np.ndarray, landmark_ids: dict[str, int], stride: int = 9) -> np.ndarray:
    """Probe vertex ids: every landmark, every vertex driven mostly by an ankle or foot joint
    (soles carry standing bodies), and every ``stride``-th vertex elsewhere. Sorted, unique."""
    dominant = np.argmax(weights, axis=1)
    feet = np.flatnonzero(np.isin(dominant, (7, 8, 10, 11)))
    spread = np.arange(0, weights.shape[0], stride)
    return np.unique(np.concatenate([feet, spread, np.array(sorted(landmark_ids.values()))]))


def build_rig(arrays: dict[str, Any], betas: np.ndarray,
              landmark_ids: dict[str, int], stride: int = 9) -> Rig:
    """Shape the body model's rest mesh with ``betas`` and reduce it to a :class:`Rig`.

    ``arrays`` holds smplx's keys: v_template (V, 3), shapedirs (V, 3, >=10), J_regressor
    (24, V), weights (V, 24).
    """
    betas = np.asarray(betas, dtype=np.float64)
    v_shaped, joints = shaped_rest_np(arrays["v_template"], arrays["shapedirs"],
                                      arrays["J_regressor"], betas)  # (V, 3), (24, 3)
    weights = np.asarray(arrays["weights"], dtype=np.float64)
    ids = choose_probes(weights, landmark_ids, stride)
    row = {int(v): i for i, v in enumerate(ids)}
    return Rig(betas=betas, rest_joints=joints, probes=v_shaped[ids], probe_ids=ids,
               probe_weights=weights[ids],
               landmarks={name: row[int(v)] for name, v in landmark_ids.items()})


def skin_probes(rig: Rig, fk: FKOutput[np.ndarray]) -> np.ndarray:
    """Posed probe vertices (T, P, 3) of the rig posed by ``fk`` (joints (T, 24, 3), global
    rotations (T, 24, 3, 3)): linear blend skinning, SMPL without pose blend shapes."""
    return skin_np(rig.probes, rig.probe_weights, rig.rest_joints, fk.joints, fk.rotations)
