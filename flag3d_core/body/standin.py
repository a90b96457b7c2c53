"""A procedurally built stand-in for the licensed SMPL body model, in SMPL's own file format.

SMPL files cannot be shipped, so the app writes this body to ``<body_dir>/smpl/SMPL_NEUTRAL.pkl``
when the user has not placed a real one there. It has SMPL's 24-joint tree, 6890 vertices and
about 13,700 faces, so smplx loads and poses it exactly like the real model and costs the same.
The body is made of closed lofted segments (torso, head, neck, shoulders, arms, hands, thumbs,
thighs, shins, feet; see :mod:`~flag3d_core.body.standin_shape` for the layout and the meaning
of the ten shape directions). Skinning weights blend neighbouring joints smoothly across each
joint; each joint is regressed from the ring of vertices around it, so joints follow the shape.

Named vertices sit at **SMPL's own indices** (:data:`VERTEX_LANDMARKS`; the face, finger and foot
ones are the indices smplx uses for its 21 extra joints), so code that picks vertices by index
works unchanged with a real SMPL file.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path

import numpy as np

from flag3d_core.atomic import atomic_write_bytes
from flag3d_core.body.errors import BodyModelError
from flag3d_core.body.model import read_model_arrays
from flag3d_core.body.standin_geometry import SegmentMesh, anchor_weights, loft_segment, smoothstep
from flag3d_core.body.standin_shape import (
    L_COLLAR,
    L_HIP,
    N_JOINTS,
    NECK,
    SHAPE_DIRECTIONS,
    Design,
    ShapeParams,
    design,
)
from flag3d_core.layouts.smpl24 import PARENTS

__all__ = [
    "N_VERTICES",
    "SEGMENT_NAMES",
    "SHAPE_DIRECTIONS",
    "STANDIN_MARKER",
    "VERTEX_LANDMARKS",
    "build_standin",
    "standin_path",
    "write_standin",
]

log = logging.getLogger(__name__)

N_VERTICES = 6890
STANDIN_MARKER = "flag3d_standin"
SEGMENT_NAMES: tuple[str, ...] = tuple(s.name for s in design().segments)

# Vertex indices of named surface points; these are SMPL's indices for the same points
# (smplx's ``vertex_ids['smplh']`` plus the usual SMPL head-top vertex 411).
VERTEX_LANDMARKS: dict[str, int] = {
    "head_top": 411, "nose": 332,
    "left_eye": 2800, "right_eye": 6260, "left_ear": 583, "right_ear": 4071,
    "left_thumb": 2746, "left_index": 2319, "left_hand_tip": 2445, "left_ring": 2556,
    "left_pinky": 2673,
    "right_thumb": 6191, "right_index": 5782, "right_hand_tip": 5905, "right_ring": 6016,
    "right_pinky": 6133,
    "left_toe": 3216, "left_small_toe": 3226, "left_heel": 3387,
    "right_toe": 6617, "right_small_toe": 6624, "right_heel": 6787,
}

# The joint each segment's vertex ring regresses: joint -> (segment, which end or None = nearest).
_JOINT_SEGMENT = {
    0: "torso", 3: "torso", 6: "torso", 9: "torso", 12: "neck", 15: "neck",
    1: "left_thigh", 4: "left_shin", 7: "left_shin", 10: "left_foot", 13: "left_shoulder",
    16: "left_upper_arm", 18: "left_forearm", 20: "left_hand", 22: "left_hand",
}


def _assemble(d: Design) -> tuple[list[SegmentMesh], np.ndarray]:
    meshes = [loft_segment(s) for s in d.segments]
    offsets = np.cumsum([0] + [len(m.vertices) for m in meshes])
    if offsets[-1] != N_VERTICES:
        raise AssertionError(f"stand-in has {offsets[-1]} vertices, expected {N_VERTICES}")
    return meshes, offsets


def _vertices(p: ShapeParams) -> np.ndarray:
    meshes, _ = _assemble(design(p))
    return np.concatenate([m.vertices for m in meshes])


def _skinning(d: Design, meshes: list[SegmentMesh], v: np.ndarray) -> np.ndarray:
    """Weights (V, 24): anchor blends along each segment, plus shoulder/neck/hip blends on the
    torso so the trunk surface follows raised arms, a turned head and flexed hips a little."""
    w = np.concatenate(
        [anchor_weights(m.t, s.anchors, N_JOINTS) for s, m in zip(d.segments, meshes, strict=True)]
    )
    n_torso = len(meshes[0].vertices)
    x, y = v[:n_torso, 0], v[:n_torso, 1]
    ax = np.abs(x)
    side = (x < 0).astype(int)  # left joint j -> right joint j + 1
    y_sh, y_pelvis = d.joints[L_COLLAR, 1], d.joints[0, 1]
    blends = (
        (smoothstep((ax - 0.05) / 0.08) * smoothstep((y - y_sh + 0.1) / 0.1), L_COLLAR + side),
        (0.5 * smoothstep((y - y_sh - 0.03) / 0.06) * (1 - smoothstep((ax - 0.04) / 0.04)),
         np.full(n_torso, NECK)),
        (0.6 * smoothstep((y_pelvis - 0.02 - y) / 0.12) * smoothstep((ax - 0.02) / 0.06),
         L_HIP + side),
    )
    wt = w[:n_torso]
    for f, joint in blends:
        wt *= (1.0 - f)[:, None]
        wt[np.arange(n_torso), joint] += f
    return w


def _regressor(d: Design, meshes: list[SegmentMesh], offsets: np.ndarray) -> np.ndarray:
    """J_regressor (24, V): for each joint, weights on the nearest ring of its segment, as close
    to uniform as possible while reproducing the joint centre exactly (rows sum to 1)."""
    index = {s.name: i for i, s in enumerate(d.segments)}
    reg = np.zeros((N_JOINTS, N_VERTICES))
    for joint in range(N_JOINTS):
        name = _JOINT_SEGMENT.get(joint) or _JOINT_SEGMENT[joint - 1].replace("left_", "right_")
        i = index[name]
        spec, mesh = d.segments[i], meshes[i]
        start, end = np.asarray(spec.start), np.asarray(spec.end)
        axis = end - start
        t = float(np.dot(d.joints[joint] - start, axis) / np.dot(axis, axis))
        ring = int(np.argmin(np.abs(mesh.ring_t - t)))
        local = np.flatnonzero(mesh.ring == ring)
        pts = mesh.vertices[local]  # (S, 3)
        a = np.vstack([pts.T, np.ones(len(local))])  # (4, S)
        u = np.full(len(local), 1.0 / len(local))
        rhs = np.append(d.joints[joint], 1.0) - a @ u
        wts = u + np.linalg.pinv(a) @ rhs
        reg[joint, offsets[i] + local] = wts
    return reg


def _landmarks(d: Design, meshes: list[SegmentMesh], offsets: np.ndarray) -> dict[str, int]:
    """Natural (pre-permutation) vertex index of each landmark."""
    index = {s.name: i for i, s in enumerate(d.segments)}

    def nearest(seg: str, target: tuple[float, float, float] | np.ndarray) -> int:
        i = index[seg]
        dist = np.linalg.norm(meshes[i].vertices - np.asarray(target), axis=1)
        return int(offsets[i] + np.argmin(dist))

    def pole(seg: str) -> int:
        i = index[seg]
        return int(offsets[i + 1] - 1)

    head = d.joints[15]
    i_head = index["head"]
    nose = int(offsets[i_head] + np.argmax(meshes[i_head].vertices[:, 2]))
    out = {"head_top": pole("head"), "nose": nose}
    for side, sx in (("left", 1.0), ("right", -1.0)):
        hand, foot = d.segments[index[f"{side}_hand"]], d.segments[index[f"{side}_foot"]]
        tip, toe, heel = np.asarray(hand.end), np.asarray(foot.end), np.asarray(foot.start)
        out[f"{side}_eye"] = nearest("head", head + (sx * 0.035, 0.065, 0.09))
        out[f"{side}_ear"] = nearest("head", head + (sx * 0.2, 0.045, -0.01))
        out[f"{side}_thumb"] = pole(f"{side}_thumb")
        out[f"{side}_hand_tip"] = pole(f"{side}_hand")
        for name, off in (("index", 0.03), ("ring", -0.015), ("pinky", -0.035)):
            back = 0.005 if name != "pinky" else 0.015
            out[f"{side}_{name}"] = nearest(f"{side}_hand", tip + (sx * (0.02 - back), 0, off))
        out[f"{side}_toe"] = nearest(f"{side}_foot", toe + (-sx * 0.015, -0.015, 0.04))
        out[f"{side}_small_toe"] = nearest(f"{side}_foot", toe + (sx * 0.03, -0.02, 0.0))
        out[f"{side}_heel"] = nearest(f"{side}_foot", heel + (0, -0.03, -0.05))
    if len(set(out.values())) != len(out):
        raise AssertionError(f"stand-in landmarks collide: {out}")
    return out


def _permutation(natural: dict[str, int]) -> np.ndarray:
    """new_to_old (V,): puts each landmark at its SMPL index, other vertices in order."""
    new_to_old = np.full(N_VERTICES, -1, dtype=np.int64)
    for name, smpl_idx in VERTEX_LANDMARKS.items():
        new_to_old[smpl_idx] = natural[name]
    rest = np.setdiff1d(np.arange(N_VERTICES), list(natural.values()))
    new_to_old[new_to_old < 0] = rest
    return new_to_old


def build_standin() -> dict[str, np.ndarray]:
    """The stand-in model as smplx's pickle keys (plain numpy arrays; deterministic).

    Returns v_template (6890, 3), f (F, 3) int64, shapedirs (6890, 3, 10), posedirs
    (6890, 3, 207) float32 zeros, J_regressor (24, 6890), J (24, 3), weights (6890, 24),
    kintree_table (2, 24) uint32 (root parent 4294967295), vertex_segments (6890,) int32
    (index into :data:`SEGMENT_NAMES`) and the marker ``flag3d_standin: True``.
    """
    d = design()
    meshes, offsets = _assemble(d)
    v0 = np.concatenate([m.vertices for m in meshes])
    faces = np.concatenate([m.faces + o for m, o in zip(meshes, offsets[:-1], strict=True)])
    segments = np.repeat(np.arange(len(meshes)), np.diff(offsets)).astype(np.int32)
    weights = _skinning(d, meshes, v0)
    regressor = _regressor(d, meshes, offsets)
    shapedirs = np.stack(
        [_vertices(ShapeParams.unit(k)) - v0 for k in range(len(SHAPE_DIRECTIONS))], axis=-1
    )
    new_to_old = _permutation(_landmarks(d, meshes, offsets))
    old_to_new = np.empty_like(new_to_old)
    old_to_new[new_to_old] = np.arange(N_VERTICES)
    kintree = np.array([PARENTS, range(N_JOINTS)], dtype=np.int64)
    kintree[0, 0] = 4294967295
    return {
        "v_template": v0[new_to_old],
        "f": old_to_new[faces],
        "shapedirs": shapedirs[new_to_old],
        "posedirs": np.zeros((N_VERTICES, 3, 207), dtype=np.float32),  # no pose correctives
        "J_regressor": regressor[:, new_to_old],
        "J": regressor[:, new_to_old] @ v0[new_to_old],
        "weights": weights[new_to_old],
        "kintree_table": kintree.astype(np.uint32),
        "vertex_segments": segments[new_to_old],
        STANDIN_MARKER: True,
    }


def standin_path(body_dir: str | os.PathLike[str]) -> Path:
    """Where :func:`write_standin` writes: ``<body_dir>/smpl/SMPL_NEUTRAL.pkl``."""
    return Path(body_dir) / "smpl" / "SMPL_NEUTRAL.pkl"


def write_standin(body_dir: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write the stand-in to ``<body_dir>/smpl/SMPL_NEUTRAL.pkl`` (pickle protocol 4, atomic).

    An existing file is kept (a real SMPL file the user placed is never touched); with
    ``overwrite=True`` an existing *stand-in* is rewritten, a real model still raises.
    """
    path = standin_path(body_dir)
    if path.exists():
        if not overwrite:
            log.info("body model already present, not writing the stand-in: %s", path)
            return path
        if not read_model_arrays(path).get(STANDIN_MARKER, False):
            raise BodyModelError(path, "is a real body model; refusing to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(build_standin(), protocol=4)
    atomic_write_bytes(path, payload)
    log.info("wrote the stand-in body model to %s", path)
    return path
