"""Forward kinematics and sparse linear blend skinning on SMPL's 24-joint tree (pure numpy).

The generator poses hundreds of thousands of frames, so it skins only a *probe* subset of the
body's vertices (named landmarks for the skeleton joints, plus a spread of surface points for the
floor contact test). The full body goes through the body model (smplx) in the tests, which
check that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flag3d_core.layouts.smpl24 import PARENTS

N_JOINTS = 24


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


def build_rig(arrays: dict[str, np.ndarray], betas: np.ndarray,
              landmark_ids: dict[str, int], stride: int = 9) -> Rig:
    """Shape the body model's rest mesh with ``betas`` and reduce it to a :class:`Rig`.

    ``arrays`` holds smplx's keys: v_template (V, 3), shapedirs (V, 3, >=10), J_regressor
    (24, V), weights (V, 24).
    """
    betas = np.asarray(betas, dtype=np.float64)
    shapedirs = np.asarray(arrays["shapedirs"], dtype=np.float64)[:, :, : betas.shape[0]]
    v_shaped = np.asarray(arrays["v_template"], dtype=np.float64) + shapedirs @ betas  # (V, 3)
    regressor = arrays["J_regressor"]
    regressor = regressor.toarray() if hasattr(regressor, "toarray") else np.asarray(regressor)
    joints = regressor.astype(np.float64) @ v_shaped  # (24, 3)
    weights = np.asarray(arrays["weights"], dtype=np.float64)
    ids = choose_probes(weights, landmark_ids, stride)
    row = {int(v): i for i, v in enumerate(ids)}
    return Rig(betas=betas, rest_joints=joints, probes=v_shaped[ids], probe_ids=ids,
               probe_weights=weights[ids],
               landmarks={name: row[int(v)] for name, v in landmark_ids.items()})


def global_rotations(local: np.ndarray) -> np.ndarray:
    """Chain local joint rotations (T, 24, 3, 3) down the tree -> global rotations (T, 24, 3, 3)."""
    out = np.empty_like(local)
    out[:, 0] = local[:, 0]
    for j in range(1, N_JOINTS):
        out[:, j] = out[:, PARENTS[j]] @ local[:, j]
    return out


def posed_joints(glob: np.ndarray, rest_joints: np.ndarray) -> np.ndarray:
    """Joint positions (T, 24, 3) of global rotations (T, 24, 3, 3); the root stays at its
    rest position (SMPL with zero translation)."""
    t = glob.shape[0]
    out = np.empty((t, N_JOINTS, 3))
    out[:, 0] = rest_joints[0]
    for j in range(1, N_JOINTS):
        p = PARENTS[j]
        out[:, j] = out[:, p] + glob[:, p] @ (rest_joints[j] - rest_joints[p])
    return out


def skin_probes(rig: Rig, glob: np.ndarray, joints: np.ndarray) -> np.ndarray:
    """Posed probe vertices (T, P, 3) by linear blend skinning (SMPL without pose blend shapes).

    1. per joint, the rigid transform taking rest space to posed space: x -> G_j x + (p_j - G_j J_j)
    2. blend the (3, 4) transforms with each probe's weights
    3. apply the blended transform to the probe's rest position
    """
    t = glob.shape[0]
    offset = joints - np.einsum("tjab,jb->tja", glob, rig.rest_joints)  # (T, 24, 3)
    rigid = np.concatenate([glob, offset[..., None]], axis=-1).reshape(t, N_JOINTS, 12)
    blended = (rigid.transpose(0, 2, 1) @ rig.probe_weights.T).transpose(0, 2, 1)  # (T, P, 12)
    blended = blended.reshape(t, -1, 3, 4)
    return np.einsum("tpab,pb->tpa", blended[..., :3], rig.probes) + blended[..., 3]
