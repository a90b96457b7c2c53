"""The one demo body and its motions, for the player demo, render tests, reference images and
benchmarks.

Independent of any body-model file: an SMPL24-shaped skeleton (z up, metres, facing -y, the
figure's left on +x) with a capsule mesh rigidly skinned to the bones (one weight per vertex)
and padded to SMPL's 6,890 vertices (the padding vertices ride on the pelvis and are referenced
by no face). Posing goes through the shared kinematics (``flag3d_core.body.kinematics``), like
every other body in the project.

Two kinds of motion:

* :func:`demo_motion` poses the figure directly (joints and vertices), for the offscreen
  renderer: arm raises, elbow bends, half squats and a slow turn.
* :func:`demo_smpl_motion` gives SMPL parameters of named looping exercises ("squat",
  "arm raise") for the in-browser player, for this body (z up) or for an SMPL-format body in
  SMPL's native y-up frame such as the stand-in (``up="y"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flag3d_core.body.kinematics import forward_kinematics_np, skin_np, smpl_joints_np
from flag3d_core.body.template import BodyTemplate
from flag3d_core.geometry.rotations import axis_angle_to_matrix_np
from flag3d_core.layouts.smpl24 import PARENTS, SMPL24

SMPL_NUM_VERTICES = 6890

# Rest joints of the figure, T-pose, z up, facing -y, the figure's left on +x.
REST_JOINTS_Z_UP = np.array([
    [0.00, 0.00, 0.95], [0.09, 0.00, 0.88], [-0.09, 0.00, 0.88], [0.00, 0.00, 1.05],
    [0.10, 0.00, 0.50], [-0.10, 0.00, 0.50], [0.00, 0.00, 1.18], [0.10, 0.02, 0.09],
    [-0.10, 0.02, 0.09], [0.00, 0.00, 1.30], [0.10, -0.10, 0.03], [-0.10, -0.10, 0.03],
    [0.00, 0.00, 1.48], [0.08, 0.00, 1.42], [-0.08, 0.00, 1.42], [0.00, -0.02, 1.62],
    [0.19, 0.00, 1.42], [-0.19, 0.00, 1.42], [0.45, 0.00, 1.42], [-0.45, 0.00, 1.42],
    [0.70, 0.00, 1.42], [-0.70, 0.00, 1.42], [0.78, 0.00, 1.42], [-0.78, 0.00, 1.42],
])
# Capsule radius of the bone ending at each joint (index = child joint).
_BONE_RADIUS = np.array([
    0.0, 0.08, 0.08, 0.11, 0.065, 0.065, 0.12, 0.05, 0.05, 0.13, 0.04, 0.04, 0.05,
    0.06, 0.06, 0.045, 0.06, 0.06, 0.05, 0.05, 0.04, 0.04, 0.035, 0.035,
])
# SMPL's native frame (y up, facing +z) -> the demo's z-up world: +90 degrees about x.
Y_UP_TO_Z_UP = np.array([np.pi / 2, 0.0, 0.0])
MOTIONS = ("squat", "arm raise")
_J = {name: i for i, name in enumerate(SMPL24.joint_names)}


@dataclass(frozen=True, eq=False)
class DemoMotion:
    """joints (T, 24, 3), vertices (T, 6890, 3), faces (F, 3); z up, metres."""

    joints: np.ndarray
    vertices: np.ndarray
    faces: np.ndarray
    edges: tuple[tuple[int, int], ...] = SMPL24.edges


def _capsule_mesh() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rest vertices (N, 3), faces (F, 3), owning joint per vertex (N,)."""
    import trimesh  # lazy: only demo geometry needs it

    verts, faces, owner = [], [], []
    offset = 0
    for child, parent in enumerate(PARENTS):
        if parent < 0:
            continue
        a, b = REST_JOINTS_Z_UP[parent], REST_JOINTS_Z_UP[child]
        length = float(np.linalg.norm(b - a))
        cap = trimesh.creation.capsule(height=length, radius=float(_BONE_RADIUS[child]),
                                       count=[16, 16])
        z = (b - a) / length
        x = np.cross([0.0, 1.0, 0.0] if abs(z[1]) < 0.9 else [1.0, 0.0, 0.0], z)
        x /= np.linalg.norm(x)
        basis = np.stack([x, np.cross(z, x), z], axis=1)  # columns: local axes in world
        verts.append(cap.vertices @ basis.T + (a + b) / 2)
        faces.append(cap.faces + offset)
        owner.append(np.full(len(cap.vertices), parent))
        offset += len(cap.vertices)
    head = trimesh.creation.icosphere(subdivisions=3, radius=0.11)
    verts.append(head.vertices + REST_JOINTS_Z_UP[15] + [0.0, 0.0, 0.06])
    faces.append(head.faces + offset)
    owner.append(np.full(len(head.vertices), 15))
    v, f, o = np.concatenate(verts), np.concatenate(faces), np.concatenate(owner)
    if len(v) > SMPL_NUM_VERTICES:
        raise AssertionError(f"demo mesh has {len(v)} vertices, more than SMPL's")
    pad = SMPL_NUM_VERTICES - len(v)  # unreferenced vertices riding on the pelvis
    v = np.concatenate([v, np.repeat(REST_JOINTS_Z_UP[:1], pad, axis=0)])
    return v, f, np.concatenate([o, np.zeros(pad, dtype=o.dtype)])


def demo_body() -> BodyTemplate:
    """The demo figure as a body template: capsules rigidly skinned (one-hot weights) to the
    24 joints, 6,890 vertices, z up."""
    verts, faces, owner = _capsule_mesh()
    weights = np.zeros((len(verts), 24), np.float32)
    weights[np.arange(len(verts)), owner] = 1.0
    parents = np.array(PARENTS, dtype=np.int64)
    return BodyTemplate(template=verts.astype(np.float32), faces=faces.astype(np.int64),
                        weights=weights, parents=parents,
                        rest_joints=REST_JOINTS_Z_UP.astype(np.float32))


def standin_body() -> BodyTemplate:
    """The project's stand-in SMPL body (6,890 vertices, mean shape, y up), built in memory."""
    from flag3d_core.body import build_standin  # ~1.5 s; only the benchmarks need it
    from flag3d_core.body.template import template_from_arrays

    return template_from_arrays(build_standin())


def demo_local_rotations(num_frames: int) -> np.ndarray:
    """(T, 24, 3, 3) local joint rotations: arm raises, elbow bends, half squats, a slow turn."""
    phase = np.sin(2 * np.pi * np.arange(num_frames) / max(num_frames, 2))  # (T,)
    lift = 0.5 * (1 - np.cos(2 * np.pi * np.arange(num_frames) / max(num_frames, 2)))
    rv = np.zeros((num_frames, 24, 3))
    rv[:, 0, 2] = 0.4 * phase                      # root yaw about z
    rv[:, 16, 1] = -1.0 * lift - 0.2               # left shoulder up (about y)
    rv[:, 17, 1] = 1.0 * lift + 0.2                # right shoulder up
    rv[:, 18, 2] = 0.9 * lift                      # elbows bend forward-ish
    rv[:, 19, 2] = -0.9 * lift
    rv[:, 1, 0] = rv[:, 2, 0] = -0.7 * lift        # hips flex (thighs forward, -y)
    rv[:, 4, 0] = rv[:, 5, 0] = 1.3 * lift         # knees bend
    rv[:, 7, 0] = rv[:, 8, 0] = -0.6 * lift        # ankles
    rv[:, 3, 0] = 0.35 * lift                      # lean forward
    return axis_angle_to_matrix_np(rv)


def demo_motion(num_frames: int = 60, travel: float = 0.0) -> DemoMotion:
    """The animated figure; ``travel`` metres of walk along +x over the sequence."""
    local = demo_local_rotations(num_frames)
    s = np.linspace(0.0, 1.0, num_frames)
    squat = 0.5 * (1 - np.cos(2 * np.pi * np.arange(num_frames) / max(num_frames, 2)))
    transl = np.stack([travel * s, np.zeros(num_frames), -0.18 * squat], axis=1)
    body = demo_body()
    rest = REST_JOINTS_Z_UP
    fk = forward_kinematics_np(local, rest, np.array(PARENTS), transl)
    verts = skin_np(body.template.astype(np.float64), body.weights.astype(np.float64), rest,
                    fk.joints, fk.rotations)
    return DemoMotion(fk.joints.astype(np.float32), verts.astype(np.float32), body.faces)


def _exercise_pose(name: str, n_frames: int, fps: float) -> np.ndarray:
    """(T, 24, 3) axis-angle of a looping exercise in SMPL's native frame (y up, facing +z)."""
    t = np.arange(n_frames) / fps
    phase = 0.5 - 0.5 * np.cos(2 * np.pi * t / 2.0)  # 0 -> 1 -> 0 every 2 s
    pose = np.zeros((n_frames, 24, 3))
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
    return pose


def demo_smpl_motion(name: str, seconds: float = 4.0, fps: float = 30.0,
                     body: BodyTemplate | None = None, up: str = "z") -> dict[str, np.ndarray]:
    """SMPL parameters of a looping exercise for ``body`` (default :func:`demo_body`):
    ``global_orient (T,3)``, ``body_pose (T,69)``, ``transl (T,3)``, with the body's lowest
    joint posed just above the floor (z = 0) of the z-up world.

    ``up`` is the body's own up axis: ``"z"`` for the demo body, ``"y"`` for an SMPL-format body
    in SMPL's native frame (its root then turns it upright, as FLAG3D's files do). The exercises
    are written in SMPL's frame; for a z-up body each joint's axis-angle is re-expressed in the
    rotated frame (a rotation R conjugated by Q has axis-angle Q @ axis-angle).
    """
    if up not in ("y", "z"):
        raise ValueError(f"up must be 'y' or 'z', got {up!r}")
    body = body or demo_body()
    n = int(round(seconds * fps))
    pose = _exercise_pose(name, n, fps)
    if up == "y":
        pose[:, 0] = Y_UP_TO_Z_UP
    else:
        pose = pose @ axis_angle_to_matrix_np(Y_UP_TO_Z_UP).T  # (x, y, z) -> (x, -z, y)
    global_orient, body_pose = pose[:, 0], pose[:, 1:].reshape(n, 69)
    transl = np.zeros((n, 3))
    joints = smpl_joints_np(global_orient, body_pose, body.rest_joints, body.parents, transl)
    transl[:, 2] = 0.06 - joints[..., 2].min(axis=1)
    return {"global_orient": global_orient, "body_pose": body_pose, "transl": transl}
