"""A procedural animated figure for render tests, reference images and benchmarks.

Independent of any body model: an SMPL24-shaped skeleton (z up, metres, facing -y) doing arm
raises and half squats, with a capsule mesh rigidly attached to the bones and padded to
SMPL's 6,890 vertices (the padding vertices are not referenced by any face).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

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


@dataclass(frozen=True, eq=False)
class DemoMotion:
    """joints (T, 24, 3), vertices (T, 6890, 3), faces (F, 3); z up, metres."""

    joints: np.ndarray
    vertices: np.ndarray
    faces: np.ndarray
    edges: tuple[tuple[int, int], ...] = SMPL24.edges


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
    return Rotation.from_rotvec(rv.reshape(-1, 3)).as_matrix().reshape(num_frames, 24, 3, 3)


def forward_kinematics(
    local: np.ndarray, rest: np.ndarray, transl: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """local (T, J, 3, 3), rest (J, 3), transl (T, 3) -> positions (T, J, 3), rotations."""
    t, n = local.shape[:2]
    pos = np.zeros((t, n, 3))
    rot = np.zeros((t, n, 3, 3))
    for j in range(n):
        p = PARENTS[j]
        if p < 0:
            rot[:, j], pos[:, j] = local[:, j], rest[j] + transl
        else:
            rot[:, j] = rot[:, p] @ local[:, j]
            pos[:, j] = pos[:, p] + rot[:, p] @ (rest[j] - rest[p])
    return pos, rot


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


def demo_motion(num_frames: int = 60, travel: float = 0.0) -> DemoMotion:
    """The animated figure; ``travel`` metres of walk along +x over the sequence."""
    local = demo_local_rotations(num_frames)
    s = np.linspace(0.0, 1.0, num_frames)
    squat = 0.5 * (1 - np.cos(2 * np.pi * np.arange(num_frames) / max(num_frames, 2)))
    transl = np.stack([travel * s, np.zeros(num_frames), -0.18 * squat], axis=1)
    joints, rot = forward_kinematics(local, REST_JOINTS_Z_UP, transl)
    rest_v, faces, owner = _capsule_mesh()
    rel = rest_v - REST_JOINTS_Z_UP[owner]  # (V, 3)
    verts = np.einsum("tvij,vj->tvi", rot[:, owner], rel) + joints[:, owner]
    return DemoMotion(joints.astype(np.float32), verts.astype(np.float32), faces.astype(np.int64))
