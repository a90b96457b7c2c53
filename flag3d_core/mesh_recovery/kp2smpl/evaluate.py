"""Evaluation of kp2smpl: the cross-view protocol, per-sequence errors with the project's
metrics (:func:`flag3d_core.metrics.mesh.mesh_errors`, SMPL-24 joints, pelvis-aligned MPJPE and
PA-MPJPE in mm), frame-weighted roll-ups (postures, views) and the inference speed.

Studio (``render``) sequences are compared in their camera's frame. Phone (``real``) sequences
have ground truth but no calibration in the release: their prediction (camera frame, assumed
intrinsics) is compared with the world-frame ground truth by PA-MPJPE only, which aligns
rotation, scale and translation per frame; their MPJPE is NaN.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from flag3d_core.mesh_recovery.kp2smpl.data import PairSequence
from flag3d_core.mesh_recovery.kp2smpl.postures import POSTURE_CLASSES
from flag3d_core.mesh_recovery.kp2smpl.predict import predict, predicted_joints
from flag3d_core.metrics.mesh import mesh_errors

__all__ = ["CrossViewProtocol", "evaluate_pairs", "inference_fps", "summarise"]


@dataclass(frozen=True)
class CrossViewProtocol:
    """Train on some studio cameras, test on the others.

    By default the performers are held out too (train on the MoCap in-domain ``train``
    performers, test on the ``test`` ones), so a test error measures new views of new people;
    ``test_splits=("train", "test")`` tests the held-out cameras on everyone.
    """

    train_views: tuple[int, ...] = (1, 6)
    test_views: tuple[int, ...] = (2,)
    train_splits: tuple[str, ...] = ("train",)
    test_splits: tuple[str, ...] = ("test",)

    def __post_init__(self) -> None:
        if set(self.train_views) & set(self.test_views):
            raise ValueError(f"train and test cameras overlap: {self.train_views} / "
                             f"{self.test_views}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _gt_joints(pair: PairSequence, body: Any) -> np.ndarray:
    if pair.gt_camera is not None:
        return predicted_joints(pair.gt_camera.as_dict(), body)
    g = pair.gt_world
    return predicted_joints({"global_orient": g.global_orient, "body_pose": g.body_pose,
                             "betas": g.betas, "transl": g.transl}, body)


def evaluate_pairs(model: Any, pairs: Sequence[PairSequence], body: Any, *,
                   device: str = "cpu",
                   progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """One row per sequence: sequence_id, source, view, performer, activity_id, posture,
    n_frames, mpjpe, pa_mpjpe (mm; mpjpe NaN without a calibrated camera)."""
    rows = []
    for i, p in enumerate(pairs):
        pred = predict(model, p.keypoints, p.scores, p.camera if p.camera is not None else p.K,
                       body=body, device=device)
        errs = mesh_errors(predicted_joints(pred, body), _gt_joints(p, body)).summary()
        rows.append({"sequence_id": p.sequence_id, "source": p.source, "view": p.view,
                     "performer": p.performer, "activity_id": p.activity_id,
                     "posture": p.posture, "n_frames": p.n_frames,
                     "mpjpe": errs["mpjpe"] if p.gt_camera is not None else float("nan"),
                     "pa_mpjpe": errs["pa_mpjpe"]})
        if progress is not None:
            progress(i + 1, len(pairs))
    return pd.DataFrame(rows)


def _weighted(df: pd.DataFrame) -> dict[str, float]:
    w = df["n_frames"].to_numpy(np.float64)
    out = {"sequences": int(len(df)), "frames": int(w.sum())}
    for m in ("mpjpe", "pa_mpjpe"):
        v = df[m].to_numpy(np.float64)
        ok = np.isfinite(v)
        out[m] = float((v[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else float("nan")
    return out


def summarise(df: pd.DataFrame) -> dict[str, Any]:
    """Frame-weighted means (each sequence counts by its frames): ``all``, ``by_posture``
    (``kneel_lie``, ``stand``) and ``by_view``."""
    if df.empty:
        return {"all": {"sequences": 0, "frames": 0, "mpjpe": float("nan"),
                        "pa_mpjpe": float("nan")}, "by_posture": {}, "by_view": {}}
    return {"all": _weighted(df),
            "by_posture": {c: _weighted(df[df.posture == c]) for c in POSTURE_CLASSES
                           if (df.posture == c).any()},
            "by_view": {v: _weighted(g) for v, g in df.groupby("view")}}


def inference_fps(model: Any, body: Any, n_frames: int = 300, repeats: int = 5,
                  threads: int | None = None) -> float:
    """Frames per second of :func:`predict` on one ``n_frames`` sequence on the CPU (input
    normalisation and the axis-angle output included; median of ``repeats`` after a warm-up)."""
    rng = np.random.default_rng(0)
    kp = rng.uniform(100, 400, (n_frames, 17, 2)).astype(np.float32)
    sc = rng.uniform(0.5, 1.0, (n_frames, 17)).astype(np.float32)
    K = np.array([[640.0, 0, 427], [0, 640.0, 240], [0, 0, 1]])
    old = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        predict(model, kp, sc, K, body=body)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            predict(model, kp, sc, K, body=body)
            times.append(time.perf_counter() - t0)
    finally:
        torch.set_num_threads(old)
    return n_frames / float(np.median(times))
