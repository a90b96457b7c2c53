"""Synthetic motions and a box-mannequin body for the player's demo app and benchmark.

No streamlit and no body-model files: the rest skeleton is an SMPL-like 24-joint tree (y up,
SMPL's native frame) and ``global_orient`` turns it into the player's z-up world.
"""

from __future__ import annotations

import numpy as np

from flag3d_core.layouts.smpl24 import PARENTS
from flag3d_core.viz.player_data import BodyTemplate, joint_positions

# Approximate SMPL neutral rest joints, metres, y up, body facing +z, left = +x.
REST_JOINTS = np.array([
    [0.0, 0.0, 0.0], [0.07, -0.09, 0.0], [-0.07, -0.09, 0.0], [0.0, 0.11, -0.02],
    [0.10, -0.47, 0.0], [-0.10, -0.47, 0.0], [0.0, 0.24, 0.0], [0.09, -0.87, -0.04],
    [-0.09, -0.87, -0.04], [0.0, 0.30, 0.02], [0.12, -0.93, 0.08], [-0.12, -0.93, 0.08],
    [0.0, 0.52, 0.0], [0.08, 0.43, 0.0], [-0.08, 0.43, 0.0], [0.0, 0.61, 0.04],
    [0.18, 0.45, 0.0], [-0.18, 0.45, 0.0], [0.44, 0.45, 0.0], [-0.44, 0.45, 0.0],
    [0.69, 0.45, 0.0], [-0.69, 0.45, 0.0], [0.77, 0.45, 0.0], [-0.77, 0.45, 0.0],
], dtype=np.float32)
Y_UP_TO_Z_UP = np.array([np.pi / 2, 0.0, 0.0])  # axis-angle: +90 deg about x
MOTIONS = ("squat", "arm raise")
_J = {name: i for i, name in enumerate((
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar",
    "right_collar", "head", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_hand", "right_hand"))}


def demo_motion(name: str, seconds: float = 4.0, fps: float = 30.0,
                rest_joints: np.ndarray = REST_JOINTS) -> dict[str, np.ndarray]:
    """SMPL parameters of a looping exercise: ``global_orient (T,3)``, ``body_pose (T,69)``,
    ``transl (T,3)`` with the lowest of the body's ``rest_joints`` (24, 3) posed just above the
    floor (z = 0)."""
    t = np.arange(int(round(seconds * fps))) / fps
    phase = 0.5 - 0.5 * np.cos(2 * np.pi * t / 2.0)  # 0 -> 1 -> 0 every 2 s
    pose = np.zeros((t.size, 24, 3))
    if name == "squat":
        for side in ("left", "right"):
            pose[:, _J[f"{side}_hip"], 0] = -1.6 * phase
            pose[:, _J[f"{side}_knee"], 0] = 2.0 * phase
            pose[:, _J[f"{side}_ankle"], 0] = -0.5 * phase
        pose[:, _J["spine1"], 0] = 0.35 * phase
        pose[:, _J["left_shoulder"], 1] = -1.3 * phase  # arms forward
        pose[:, _J["right_shoulder"], 1] = 1.3 * phase
    elif name == "arm raise":
        pose[:, _J["left_shoulder"], 2] = 1.2 * phase
        pose[:, _J["right_shoulder"], 2] = -1.2 * phase
        pose[:, _J["left_elbow"], 1] = -0.6 * phase
        pose[:, _J["right_elbow"], 1] = 0.6 * phase
        pose[:, _J["spine3"], 1] = 0.2 * np.sin(2 * np.pi * t / 2.0)
    else:
        raise ValueError(f"unknown demo motion {name!r}; known: {MOTIONS}")
    pose[:, 0] = Y_UP_TO_Z_UP
    global_orient, body_pose = pose[:, 0], pose[:, 1:].reshape(t.size, 69)
    transl = np.zeros((t.size, 3))
    lowest = joint_positions(rest_joints, np.array(PARENTS), global_orient, body_pose,
                             transl)[..., 2].min(axis=1)
    transl[:, 2] = 0.06 - lowest
    return {"global_orient": global_orient, "body_pose": body_pose, "transl": transl}


def mannequin(n_segments: int = 6, n_around: int = 4) -> BodyTemplate:
    """A body of prisms, one per bone (parent -> child), each split into ``n_segments`` rings of
    ``n_around`` vertices so that vertices near a joint blend between the bones that meet there.
    ``mannequin(24, 12)`` has 6,900 vertices, about SMPL's 6,890 (for size benchmarks)."""
    ring = [(np.cos(a), np.sin(a)) for a in np.pi / 4 + 2 * np.pi * np.arange(n_around) / n_around]
    parents = np.array(PARENTS)
    verts, faces, weights = [], [], []
    for child, parent in enumerate(parents):
        if parent < 0:
            continue
        a, b = REST_JOINTS[parent].astype(np.float64), REST_JOINTS[child].astype(np.float64)
        axis = b - a
        length = float(np.linalg.norm(axis))
        u = axis / length
        side = np.cross(u, [0.0, 0.0, 1.0] if abs(u[2]) < 0.9 else [1.0, 0.0, 0.0])
        side /= np.linalg.norm(side)
        up = np.cross(u, side)
        radius = 0.05 if child in (_J["head"],) else 0.045 if length > 0.2 else 0.035
        base = len(verts)
        for s in range(n_segments + 1):
            f = s / n_segments
            centre = a + f * axis
            blend = np.clip((f - 0.75) / 0.25, 0.0, 1.0) * 0.5  # last quarter leans to child
            for cx, cy in ring:
                verts.append(centre + radius * 1.41 * (cx * side + cy * up))
                w = np.zeros(24)
                w[parent], w[child] = 1.0 - blend, blend
                weights.append(w)
        for s in range(n_segments):
            r0, r1 = base + n_around * s, base + n_around * (s + 1)
            for k in range(n_around):
                k1 = (k + 1) % n_around
                faces += [(r0 + k, r0 + k1, r1 + k1), (r0 + k, r1 + k1, r1 + k)]
        last = base + n_around * n_segments
        for k in range(1, n_around - 1):  # fan caps at both ends
            faces += [(base, base + k + 1, base + k), (last, last + k, last + k + 1)]
    return BodyTemplate(template=np.array(verts, np.float32), faces=np.array(faces, np.int64),
                        weights=np.array(weights, np.float32), parents=parents,
                        rest_joints=REST_JOINTS.copy())


def standin_body() -> BodyTemplate:
    """The project's stand-in SMPL body (6,890 vertices, mean shape), built in memory."""
    from flag3d_core.body import build_standin  # ~1.5 s; only the benchmark needs it

    a = build_standin()
    parents = a["kintree_table"][0].astype(np.int64)
    parents[0] = -1
    return BodyTemplate(template=a["v_template"].astype(np.float32),
                        faces=a["f"].astype(np.int64), weights=a["weights"].astype(np.float32),
                        parents=parents,
                        rest_joints=(a["J_regressor"] @ a["v_template"]).astype(np.float32))
