"""Writers of the FLAG3D release files (``docs/ARCHITECTURE.md``, "FLAG3D release files").

Everything is written deterministically: pickle protocol 4, annotations sorted by name, split
lists sorted, JSON with sorted keys, and each file replaced atomically
(:mod:`flag3d_core.atomic`: a temporary file beside it, then a rename; removed on failure).
"""

from __future__ import annotations

import io
import json
import os
import pickle
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from flag3d_core.atomic import atomic_path, atomic_write_bytes, atomic_write_text
from flag3d_core.datasets.flag3d import (
    ActivityInstruction,
    EasyMocapParams,
    save_easymocap_npz,
    write_instructions_zip,
)
from flag3d_core.synth.cameras import Camera

PICKLE_PROTOCOL = 4
TEST_PERFORMERS = (1, 5, 10)  # FLAG3D in-domain protocol: P001, P005, P010 are the test set


def in_domain_split(items: Iterable[tuple[str, int]]) -> dict[str, list[str]]:
    """``{'train': [...], 'val': [...]}`` of (name, performer) pairs by the in-domain protocol."""
    split: dict[str, list[str]] = {"train": [], "val": []}
    for name, performer in items:
        split["val" if performer in TEST_PERFORMERS else "train"].append(name)
    return {k: sorted(v) for k, v in split.items()}


def write_annotation_pkl(path: str | os.PathLike[str], annotations: list[dict],
                         split: dict[str, list[str]]) -> Path:
    """A pyskl-layout pickle: ``{'split': ..., 'annotations': [...]}`` sorted by frame_dir."""
    path = Path(path)
    ordered = sorted(annotations, key=lambda a: a["frame_dir"])
    payload = {"split": {k: list(v) for k, v in sorted(split.items())}, "annotations": ordered}
    atomic_write_bytes(path, canonical_pickle(payload), make_parents=True)
    return path


def canonical_pickle(obj: object) -> bytes:
    """Pickle bytes that depend only on the values, not on which objects happen to be shared
    (the memo is off), so results gathered from worker processes pickle identically."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=PICKLE_PROTOCOL)
    pickler.fast = True  # no memo: shared sub-objects are written out each time
    pickler.dump(obj)
    return buf.getvalue()


def skeleton_annotation(name: str, label: int, keypoint: np.ndarray,
                        img_shape: tuple[int, int] = (480, 854),
                        score: np.ndarray | None = None) -> dict:
    """One annotation: ``keypoint`` (T, J, C) becomes (1, T, J, C); ``score`` (T, J) likewise."""
    ann = {"frame_dir": name, "label": int(label), "keypoint": keypoint[None],
           "total_frames": int(keypoint.shape[0]), "img_shape": tuple(img_shape),
           "original_shape": tuple(img_shape)}
    if score is not None:
        ann["keypoint_score"] = score[None]
    return ann


def write_smpl_npz(path: str | os.PathLike[str], poses: np.ndarray, betas: np.ndarray,
                   rh: np.ndarray, th: np.ndarray) -> Path:
    """``smpl/<name>.npz`` in the EasyMocap layout (float32)."""
    params = EasyMocapParams(poses=poses.astype(np.float32),
                             shapes=betas.reshape(1, -1).astype(np.float32),
                             Rh=rh.astype(np.float32), Th=th.astype(np.float32))
    with atomic_path(path, make_parents=True) as tmp:  # the one writer of the layout, by name
        save_easymocap_npz(params, tmp)
    return Path(path)


def write_cameras(out_dir: str | os.PathLike[str], cameras: list[Camera]) -> list[Path]:
    """``cameras/<name>.json`` per camera."""
    paths = []
    for cam in cameras:
        p = Path(out_dir) / "cameras" / f"{cam.name}.json"
        atomic_write_text(p, json.dumps(cam.to_json(), indent=1, sort_keys=True) + "\n",
                          make_parents=True)
        paths.append(p)
    return paths


def write_instructions(path: str | os.PathLike[str]) -> Path:
    """``instruction.zip`` from the project's own instruction texts."""
    from flag3d_core.synth.instructions_text import INSTRUCTIONS, as_release_fields

    items = {}
    for activity, text in sorted(INSTRUCTIONS.items()):
        f = as_release_fields(text)
        items[activity] = ActivityInstruction(activity=activity, name=f["I001"],
                                              description=f["I002"], key_points=f["I003"],
                                              mistakes=f["I004"])
    with atomic_path(path, make_parents=True) as tmp:
        write_instructions_zip(items, tmp)
    return Path(path)
