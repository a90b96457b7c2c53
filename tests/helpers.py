"""Small FLAG3D-format datasets built inside tests (no downloads, no licensed data)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np

NATURAL_INITIALS = ("PLAY", "PHR", "PLJP", "PLRH", "PCSH", "PCYJ", "PWYQ", "PZYX", "PTYZ", "PLZH")


def mocap_name(p: int, a: int, r: int, s: int = 1, c: int = 1, m: int = 1) -> str:
    return f"S{s:03d}C{c:03d}M{m:03d}P{p:03d}A{a:03d}R{r:03d}"


def natural_name(p: int, a: int, r: int, v: int = 1, s: int = 1) -> str:
    return f"{NATURAL_INITIALS[p - 1]}_A{a:03d}_V{v:03d}_R{r:03d}_S{s:03d}"


def _skeleton(rng: np.random.Generator, a: int, T: int) -> np.ndarray:
    base = rng.normal(0, 0.3, size=(25, 3)).astype(np.float32) + np.array([0, 0, 1.0], np.float32)
    t = np.linspace(0, 4 * np.pi, T, dtype=np.float32)[:, None, None]
    wave = 0.05 * np.sin(t * (1 + a % 5)) * np.ones((1, 25, 3), np.float32)
    return (base[None] + wave).astype(np.float32)


def make_tiny_flag3d(root: Path, performers=(1, 2, 5), activities=(1, 2, 3), reps=(1,), T: int = 40,
                     seed: int = 0, with_smpl: bool = True, with_2d: bool = True,
                     with_instructions: bool = True) -> dict:
    """Write a small FLAG3D release under ``root``; returns counts of what was written."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    anns3d, anns2d, annsnat = [], [], []
    (root / "smpl").mkdir(exist_ok=True)
    for p in performers:
        for a in activities:
            for r in reps:
                name = mocap_name(p, a, r)
                kp = _skeleton(rng, a, T)
                anns3d.append({"frame_dir": name, "label": a - 1, "keypoint": kp[None],
                               "total_frames": T, "img_shape": (480, 854),
                               "original_shape": (480, 854)})
                if with_smpl:
                    np.savez(root / "smpl" / f"{name}.npz",
                             poses=rng.normal(0, 0.1, (T, 72)).astype(np.float32)
                             * np.r_[np.zeros(3), np.ones(69)].astype(np.float32),
                             shapes=rng.normal(0, 1, (1, 10)).astype(np.float32),
                             Rh=np.tile(np.array([[np.pi / 2, 0, 0]], np.float32), (T, 1)),
                             Th=rng.normal(0, 0.01, (T, 3)).astype(np.float32))
                if with_2d:
                    for c in (1, 2):
                        kp2 = rng.uniform(0, 400, (1, T, 17, 2)).astype(np.float16)
                        sc = rng.uniform(0.5, 1, (1, T, 17)).astype(np.float16)
                        anns2d.append({"frame_dir": mocap_name(p, a, r, c=c), "label": a - 1,
                                       "keypoint": kp2, "keypoint_score": sc, "total_frames": T,
                                       "img_shape": (480, 854), "original_shape": (480, 854)})
                    kp2 = rng.uniform(0, 400, (1, T, 17, 2)).astype(np.float16)
                    sc = rng.uniform(0.5, 1, (1, T, 17)).astype(np.float16)
                    annsnat.append({"frame_dir": natural_name(p, a, r), "label": a - 1,
                                    "keypoint": kp2, "keypoint_score": sc, "total_frames": T,
                                    "img_shape": (1920, 1080), "original_shape": (1920, 1080)})
    train = [x["frame_dir"] for x in anns3d if int(x["frame_dir"][13:16]) not in (1, 5, 10)]
    val = [x["frame_dir"] for x in anns3d if int(x["frame_dir"][13:16]) in (1, 5, 10)]
    with open(root / "flag3d_keypoint.pkl", "wb") as fh:
        pickle.dump({"split": {"train": train, "val": val}, "annotations": anns3d}, fh, protocol=4)
    if with_2d:
        with open(root / "flag3d_2d_render.pkl", "wb") as fh:
            pickle.dump({"split": {}, "annotations": anns2d}, fh, protocol=4)
        with open(root / "flag3d_2d_natural.pkl", "wb") as fh:
            pickle.dump({"split": {}, "annotations": annsnat}, fh, protocol=4)
    if with_instructions:
        ins = {f"A{a:03d}": {"I001": f"Activity {a}", "I002": f"Do activity {a} slowly.",
                             "I003": "Breathe out on effort.", "I004": "Rushing."}
               for a in activities}
        (root / "instructions.json").write_text(json.dumps(ins))
    return {"mocap": len(anns3d), "render": len(anns2d), "real": len(annsnat)}
