"""BVH export of SMPL motion by forward kinematics (no IK), a BVH parser and BVH FK.

What the written file contains:

* Hierarchy: SMPL's 24-joint tree (names and parents from :mod:`flag3d_core.layouts.smpl24`);
  leaves (feet, head, hands) end in an ``End Site``.
* Offsets: differences of the body model's rest joints for the sequence's betas (the SMPL rest
  frame: y up, z front).  The ROOT offset is zero and its position channels carry the absolute
  root position, so readers that add the offset and readers that do not (Blender) agree.
* Channels: ROOT ``Xposition Yposition Zposition Zrotation Yrotation Xrotation``, every other
  joint ``Zrotation Yrotation Xrotation``: the local rotation is ``Rz @ Ry @ Rx`` (intrinsic
  Z-Y-X; scipy ``as_euler("ZYX")``), in degrees.
* World: Y up (what Blender's BVH importer assumes, so the motion imports upright).  A z-up
  world (FLAG3D) is turned by ``Z_UP_TO_Y_UP`` (-90 degrees about x) on the root.
* Units: metres by default (``units="cm"`` writes centimetres).  ``Frame Time`` = 1 / fps.

SMPL's posed joints are exactly FK of the rest joints (joints are regressed from the shaped,
unposed mesh), so parsing the file back and running :func:`bvh_fk` reproduces the body
model's joints up to the text precision (micrometres).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation  # Euler angles only: BVH's own convention

from flag3d_core.atomic import atomic_write_text
from flag3d_core.body.kinematics import chain_np
from flag3d_core.geometry.rotations import axis_angle_to_matrix_np
from flag3d_core.layouts.smpl24 import PARENTS, SMPL24

# x' = x, y' = z, z' = -y: a z-up world seen in a y-up world.
Z_UP_TO_Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])
_ROT_CHANNELS = ("Zrotation", "Yrotation", "Xrotation")
_POS_CHANNELS = ("Xposition", "Yposition", "Zposition")
_UNIT_SCALE = {"m": 1.0, "cm": 100.0}


@dataclass(frozen=True, eq=False)
class BvhMotion:
    """A parsed BVH file.

    Attributes:
        names: joint names (End Sites excluded), in file order.
        parents: parent index of each joint (-1 for the root).
        offsets: (J, 3) offsets from the parent.
        channels: channel names of each joint, in file order.
        end_sites: joint index -> (3,) End Site offset.
        frame_time: seconds per frame.
        frames: (T, C) channel values, C = total channel count.
    """

    names: list[str]
    parents: list[int]
    offsets: np.ndarray
    channels: list[tuple[str, ...]]
    end_sites: dict[int, np.ndarray]
    frame_time: float
    frames: np.ndarray

    @property
    def fps(self) -> float:
        return 1.0 / self.frame_time

    def channel_slices(self) -> list[slice]:
        """Column range of each joint's channels in :attr:`frames`."""
        out, start = [], 0
        for ch in self.channels:
            out.append(slice(start, start + len(ch)))
            start += len(ch)
        return out


def smpl_local_rotations(global_orient: np.ndarray, body_pose: np.ndarray) -> np.ndarray:
    """global_orient (T, 3), body_pose (T, 69) axis-angle -> (T, 24, 3, 3) local rotations."""
    aa = np.concatenate([global_orient.reshape(-1, 1, 3), body_pose.reshape(-1, 23, 3)], axis=1)
    return axis_angle_to_matrix_np(aa)


def bvh_string(
    global_orient: np.ndarray, body_pose: np.ndarray, transl: np.ndarray,
    rest_joints: np.ndarray, fps: float, *, world_up: str = "z", units: str = "m",
) -> str:
    """The BVH text of an SMPL sequence.

    Args:
        global_orient: (T, 3) axis-angle root orientation.
        body_pose: (T, 69) axis-angle of joints 1..23.
        transl: (T, 3) translation, metres.
        rest_joints: (24, 3) or (>=24, 3) rest joints of the body model for the betas
            (``BodyModel.rest_joints(betas)``), metres.
        fps: frame rate.
        world_up: ``z`` (FLAG3D worlds) or ``y`` (native SMPL worlds).
        units: ``m`` or ``cm``.
    """
    if world_up not in ("z", "y"):
        raise ValueError(f"world_up must be 'z' or 'y', got {world_up!r}")
    if units not in _UNIT_SCALE:
        raise ValueError(f"units must be 'm' or 'cm', got {units!r}")
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    rest = np.asarray(rest_joints, dtype=np.float64)[:24]
    if rest.shape != (24, 3):
        raise ValueError(f"rest_joints must be (24, 3), got {np.shape(rest_joints)}")
    scale = _UNIT_SCALE[units]
    up = Z_UP_TO_Y_UP if world_up == "z" else np.eye(3)

    local = smpl_local_rotations(np.asarray(global_orient), np.asarray(body_pose))  # (T,24,3,3)
    local[:, 0] = up @ local[:, 0]
    root_pos = (np.asarray(transl, dtype=np.float64) + rest[0]) @ up.T * scale  # (T, 3)
    t = local.shape[0]
    if root_pos.shape != (t, 3):
        raise ValueError(f"transl must be (T, 3) with T={t}, got {np.shape(transl)}")
    euler = Rotation.from_matrix(local.reshape(-1, 3, 3)).as_euler("ZYX", degrees=True)
    motion = np.concatenate([root_pos, euler.reshape(t, 24 * 3)], axis=1)  # (T, 3 + 72)

    lines = ["HIERARCHY"]
    children: dict[int, list[int]] = {j: [] for j in range(24)}
    for j, p in enumerate(PARENTS):
        if p >= 0:
            children[p].append(j)

    def emit(j: int, depth: int) -> None:
        pad = "\t" * depth
        p = PARENTS[j]
        offset = np.zeros(3) if p < 0 else (rest[j] - rest[p]) * scale
        kind = "ROOT" if p < 0 else "JOINT"
        lines.append(f"{pad}{kind} {SMPL24.joint_names[j]}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}\tOFFSET {_fmt(offset)}")
        chans = (*_POS_CHANNELS, *_ROT_CHANNELS) if p < 0 else _ROT_CHANNELS
        lines.append(f"{pad}\tCHANNELS {len(chans)} {' '.join(chans)}")
        for c in children[j]:
            emit(c, depth + 1)
        if not children[j]:
            end = (rest[j] - rest[p]) * 0.5 * scale
            lines.extend([f"{pad}\tEnd Site", f"{pad}\t{{", f"{pad}\t\tOFFSET {_fmt(end)}",
                          f"{pad}\t}}"])
        lines.append(f"{pad}}}")

    emit(0, 0)
    # Columns follow the depth-first order of the hierarchy, not the SMPL index order.
    order = _depth_first(children)
    cols = [motion[:, 0:3]] + [motion[:, 3 + 3 * j: 6 + 3 * j] for j in order]
    data = np.concatenate(cols, axis=1)
    lines += ["MOTION", f"Frames: {t}", f"Frame Time: {1.0 / fps:.8f}"]
    lines += [" ".join(f"{v:.6f}" for v in row) for row in data]
    return "\n".join(lines) + "\n"


def _depth_first(children: dict[int, list[int]]) -> list[int]:
    order: list[int] = []

    def visit(j: int) -> None:
        order.append(j)
        for c in children[j]:
            visit(c)

    visit(0)
    return order


def _fmt(v: np.ndarray) -> str:
    return " ".join(f"{x:.6f}" for x in v)


def write_bvh(
    path: str | os.PathLike, global_orient: np.ndarray, body_pose: np.ndarray,
    transl: np.ndarray, rest_joints: np.ndarray, fps: float, *, world_up: str = "z",
    units: str = "m",
) -> Path:
    """Write :func:`bvh_string` to ``path`` atomically (missing folders are created); return
    the path. A bad target raises :class:`~flag3d_core.errors.OutputPathError`."""
    text = bvh_string(global_orient, body_pose, transl, rest_joints, fps, world_up=world_up,
                      units=units)
    return atomic_write_text(path, text, make_parents=True)


def read_bvh(path: str | os.PathLike) -> BvhMotion:
    """Parse a BVH file (any hierarchy, any rotation order)."""
    path = Path(path)
    tokens = path.read_text().split()
    try:
        return _parse(tokens)
    except (IndexError, ValueError) as exc:
        raise ValueError(f"{path}: malformed BVH ({exc})") from exc


def _parse(tok: list[str]) -> BvhMotion:
    i = 0
    if tok[i] != "HIERARCHY":
        raise ValueError("missing HIERARCHY")
    i += 1
    names: list[str] = []
    parents: list[int] = []
    offsets: list[list[float]] = []
    channels: list[tuple[str, ...]] = []
    end_sites: dict[int, np.ndarray] = {}
    stack: list[int] = []  # open joints; -2 marks an open End Site
    while tok[i] != "MOTION":
        word = tok[i]
        if word in ("ROOT", "JOINT"):
            parents.append(next((s for s in reversed(stack) if s >= 0), -1))
            names.append(tok[i + 1])
            offsets.append([0.0, 0.0, 0.0])
            channels.append(())
            i += 2
        elif word == "End":  # "End Site"
            i += 2
            if tok[i] != "{":
                raise ValueError("End Site without '{'")
            stack.append(-2)
            i += 1
            if tok[i] != "OFFSET":
                raise ValueError("End Site without OFFSET")
            end_sites[len(names) - 1] = np.array([float(x) for x in tok[i + 1: i + 4]])
            i += 4
        elif word == "{":
            stack.append(len(names) - 1)
            i += 1
        elif word == "}":
            stack.pop()
            i += 1
        elif word == "OFFSET":
            offsets[stack[-1]] = [float(x) for x in tok[i + 1: i + 4]]
            i += 4
        elif word == "CHANNELS":
            n = int(tok[i + 1])
            channels[stack[-1]] = tuple(tok[i + 2: i + 2 + n])
            i += 2 + n
        else:
            raise ValueError(f"unexpected token {word!r}")
    if stack:
        raise ValueError("unbalanced braces in HIERARCHY")
    if tok[i + 1] != "Frames:" or tok[i + 3:i + 5] != ["Frame", "Time:"]:
        raise ValueError("MOTION must start with 'Frames:' and 'Frame Time:'")
    t, frame_time = int(tok[i + 2]), float(tok[i + 5])
    values = np.array([float(x) for x in tok[i + 6:]], dtype=np.float64)
    n_ch = sum(len(c) for c in channels)
    if values.size != t * n_ch:
        raise ValueError(f"expected {t} frames x {n_ch} channels, got {values.size} values")
    return BvhMotion(names, parents, np.array(offsets, dtype=np.float64).reshape(-1, 3),
                     channels, end_sites, frame_time, values.reshape(t, n_ch))


def bvh_fk(motion: BvhMotion) -> np.ndarray:
    """World joint positions (T, J, 3) of a parsed BVH, in the file's units and axes.

    A joint's position channels are added to its offset; its rotation channels compose in
    the listed order (``Zrotation Yrotation Xrotation`` -> ``Rz @ Ry @ Rx``). The tree walk is
    the shared :func:`~flag3d_core.body.kinematics.chain`.
    """
    t, n = motion.frames.shape[0], len(motion.names)
    local_t = np.tile(motion.offsets, (t, 1, 1))  # (T, J, 3)
    local_r = np.tile(np.eye(3), (t, n, 1, 1))  # (T, J, 3, 3)
    for j, (sl, chans) in enumerate(zip(motion.channel_slices(), motion.channels, strict=True)):
        vals = motion.frames[:, sl]
        rot_axes, rot_cols = "", []
        for c, name in enumerate(chans):
            axis, kind = name[0].upper(), name[1:].lower()
            if kind == "position":
                local_t[:, j, "XYZ".index(axis)] += vals[:, c]
            elif kind == "rotation":
                rot_axes += axis
                rot_cols.append(c)
            else:
                raise ValueError(f"joint {motion.names[j]}: unknown channel {name!r}")
        if rot_axes:
            local_r[:, j] = Rotation.from_euler(rot_axes, vals[:, rot_cols],
                                                degrees=True).as_matrix()
    return chain_np(local_r, local_t, motion.parents).joints


def smpl_joint_order(motion: BvhMotion) -> list[int]:
    """Index of each SMPL24 joint in ``motion`` (for comparing with body-model joints)."""
    try:
        return [motion.names.index(n) for n in SMPL24.joint_names]
    except ValueError as exc:
        raise ValueError(f"BVH lacks an SMPL joint: {exc}") from exc
