"""Mesh-recovery runs: fit (or import) SMPL for catalog sequences, score every frame against the
ground truth, record it all in the catalog (task ``mesh_recovery``).

Per sequence the catalog keeps the scalar metrics (``sequence_metrics``) and two
content-addressed array files (``run_arrays``): ``smpl`` (the predicted global_orient, body_pose,
betas, transl and the frame indices they belong to) and ``errors`` (per-frame, per-joint MPJPE
and PA-MPJPE, per-frame PVE and acceleration error), so any roll-up (per activity, body part,
performer, camera, posture) can be made later. A run is written in one catalog transaction: a
failure leaves the catalog as it was.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.arrays import load_arrays, store_arrays
from flag3d_core.catalog.record import SequenceRecord, load_sequence
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.errors import NotInCatalogError
from flag3d_core.layouts.correspondences import correspondence
from flag3d_core.mesh_recovery.fit3d import Fit3dConfig, fit_joints3d
from flag3d_core.metrics.mesh import MeshErrors, mesh_errors

__all__ = [
    "CONVENTIONS",
    "MeshRunResult",
    "PredictedSmpl",
    "fit3d_run",
    "record_mesh_run",
    "run_errors",
    "run_smpl",
    "run_summary",
    "kp2smpl_run",
    "score_against",
    "score_sequence",
]

TASK = "mesh_recovery"
CONVENTIONS = {
    "joint_set": "smpl24", "alignment": "pelvis (MPJPE, PVE); per-frame similarity Procrustes "
    "(PA-MPJPE)", "units": "mm; acceleration in mm/frame^2", "lsp14": "14 joints, mid-hip "
    "aligned (the *_lsp14 metrics)",
}
METRICS = ("mpjpe", "pa_mpjpe", "pve", "accel", "mpjpe_lsp14", "pa_mpjpe_lsp14")


@dataclass(frozen=True)
class PredictedSmpl:
    """A method's SMPL for the frames ``frames`` (indices into the catalog sequence), in the
    ground truth's world frame (metres). global_orient (N, 3), body_pose (N, 69), betas (10,)
    or (N, 10), transl (N, 3)."""

    frames: np.ndarray
    global_orient: np.ndarray
    body_pose: np.ndarray
    betas: np.ndarray
    transl: np.ndarray

    def arrays(self) -> dict[str, np.ndarray]:
        return {"frames": self.frames.astype(np.int64),
                **{k: np.asarray(getattr(self, k), np.float32)
                   for k in ("global_orient", "body_pose", "betas", "transl")}}


@dataclass(frozen=True)
class MeshRunResult:
    run_id: str
    metrics: dict[str, Any]
    n_sequences: int
    seconds: float


def _run_id(model: str, protocol: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", protocol).strip("-").lower()
    return f"{model}-{slug}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S-%f')}"


def score_sequence(record: SequenceRecord, pred: PredictedSmpl, body: Any) -> MeshErrors:
    """Errors of a prediction against the sequence's SMPL ground truth (same body model)."""
    if not record.has_smpl:
        raise NotInCatalogError(f"{record.sequence_id} has no SMPL ground truth to score against")
    return score_against(record.smpl(body), pred, body, record.sequence_id)


def score_against(gt: Any, pred: PredictedSmpl, body: Any, name: str = "sequence") -> MeshErrors:
    """Errors of a prediction against SMPL ground truth ``gt`` (global_orient, body_pose,
    betas, transl attributes, all frames of the sequence), both in the same world frame."""
    f = np.asarray(pred.frames, np.int64)
    n = len(gt.global_orient)
    if f.size and (f.min() < 0 or f.max() >= n):
        raise ValueError(f"frames {f.min()}..{f.max()} outside {name} (0..{n - 1})")
    betas = np.asarray(pred.betas, np.float32)
    mean_betas = betas if betas.ndim == 1 else betas.mean(0)
    p = body.pose(pred.global_orient, pred.body_pose, mean_betas, pred.transl)
    g = body.pose(gt.global_orient[f], gt.body_pose[f], gt.betas, gt.transl[f])
    return mesh_errors(p.joints, g.joints, pred_vertices=p.vertices, gt_vertices=g.vertices)


def _metrics(err: MeshErrors, pred: PredictedSmpl) -> dict:
    from flag3d_core.layouts.joint_sets import JOINT_SETS

    lsp = JOINT_SETS["lsp14"]
    idx = list(lsp.joints)
    out = err.summary()
    # the 14-joint numbers from the same per-joint arrays where the root is comparable
    out["mpjpe_lsp14"] = float(err.mpjpe[:, idx].mean())
    out["pa_mpjpe_lsp14"] = float(err.pa_mpjpe[:, idx].mean())
    out["n_frames_used"] = float(len(pred.frames))
    return out


def _error_arrays(err: MeshErrors) -> dict[str, np.ndarray]:
    out = {"mpjpe": err.mpjpe.astype(np.float32), "pa_mpjpe": err.pa_mpjpe.astype(np.float32),
           "accel": err.accel.astype(np.float32)}
    if err.pve is not None:
        out["pve"] = err.pve.astype(np.float32)
    return out


def record_mesh_run(catalog: Path, arrays_dir: Path, run_id: str, model: str, protocol: str,
                    config: dict, results: Sequence[tuple[str, PredictedSmpl, MeshErrors, dict]],
                    checkpoint: str | None = None) -> dict[str, Any]:
    """Write a run: per-sequence arrays and metrics, and the run row with frame-weighted means.

    ``results``: (sequence id, prediction, errors, extra per-sequence metrics) per sequence.
    Returns the run's metrics.
    """
    metric_rows, array_rows = [], []
    totals: dict[str, float] = {}
    frames = 0
    for sid, pred, err, extra in results:
        m = {**_metrics(err, pred), **extra}
        n = len(pred.frames)
        frames += n
        for k, v in m.items():
            metric_rows.append({"run_id": run_id, "sequence_id": sid, "metric": k,
                                "value": float(v)})
            if k in METRICS and np.isfinite(v):
                totals[k] = totals.get(k, 0.0) + float(v) * n
        for kind, arrays in (("smpl", pred.arrays()), ("errors", _error_arrays(err))):
            st = store_arrays(arrays_dir, arrays)
            array_rows.append({"run_id": run_id, "sequence_id": sid, "kind": kind,
                               "path": st.path, "shape": st.shape_json, "dtype": st.dtype,
                               "checksum": st.checksum})
    metrics = {k: v / max(frames, 1) for k, v in totals.items()}
    metrics.update({"num_sequences": len(results), "num_frames": frames,
                    "conventions": CONVENTIONS})
    with catalog_transaction(catalog) as con:
        queries.insert_model_run(con, run_id, TASK, model, protocol, config, metrics, checkpoint)
        queries.insert_sequence_metrics(con, pd.DataFrame(metric_rows))
        queries.insert_run_arrays(con, pd.DataFrame(array_rows))
    return metrics


def fit3d_run(catalog: Path, arrays_dir: Path, body: Any, sequence_ids: Sequence[str], *,
              config: Fit3dConfig | None = None, max_frames: int | None = None,
              protocol: str = "in-domain/test",
              progress: Callable[[int, int], None] | None = None) -> MeshRunResult:
    """Fit SMPL to the 3D skeletons of ``sequence_ids`` (first ``max_frames`` frames of each
    when given), score each against its SMPL ground truth and record the run."""
    cfg = config or Fit3dConfig()
    if not sequence_ids:
        raise NotInCatalogError("no sequences to fit (the split has no MoCap sequence with "
                                "both a 3D skeleton and SMPL parameters)")
    t0 = time.perf_counter()
    con = queries.connect(catalog)
    results = []
    try:
        for i, sid in enumerate(sequence_ids):
            rec = load_sequence(queries.cursor(con), arrays_dir, sid)
            kp = rec.joints3d()[:max_frames]
            fit = fit_joints3d(kp, correspondence(rec.layout.name), body, cfg)
            pred = PredictedSmpl(frames=np.arange(len(kp)), global_orient=fit.global_orient,
                                 body_pose=fit.body_pose, betas=fit.betas, transl=fit.transl)
            err = score_sequence(rec, pred, body)
            extra = {"fit_residual": float(np.nanmean(fit.residual_mm)),
                     "fit_seconds": float(sum(fit.seconds.values()))}
            results.append((sid, pred, err, extra))
            if progress is not None:
                progress(i + 1, len(sequence_ids))
    finally:
        con.close()
    run_id = _run_id("fit3d", protocol)
    config_out = {"fit": asdict(cfg), "max_frames": max_frames, "input": "joints3d",
                  "body_model": getattr(getattr(body, "info", None), "kind", None),
                  "sequences": len(sequence_ids)}
    metrics = record_mesh_run(catalog, arrays_dir, run_id, "fit3d", protocol, config_out,
                              results)
    total = time.perf_counter() - t0
    return MeshRunResult(run_id, metrics, len(results), total)


def kp2smpl_run(catalog: Path, arrays_dir: Path, body: Any, checkpoint: Path,
                sequence_ids: Sequence[str], *, protocol: str, refine: Any = None,
                max_frames: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> MeshRunResult:
    """Run a kp2smpl checkpoint on 2D sequences with a calibrated camera, move its predictions
    into the world frame (the camera's calibration), score them against the SMPL of their MoCap
    performance and record the run (one row per 2D sequence: its camera is a category).

    ``refine``: a :class:`~flag3d_core.mesh_recovery.fit2d.Fit2dConfig` to refine each
    prediction on the detections with fit2d (the run is then ``fit2d``, started from kp2smpl).
    ``max_frames``: use the first N frames of each sequence.
    """
    from flag3d_core.mesh_recovery.fit2d import fit_keypoints2d
    from flag3d_core.mesh_recovery.kp2smpl import load_kp2smpl, load_pairs, predict
    from flag3d_core.mesh_recovery.kp2smpl.frames import camera_to_world

    if not sequence_ids:
        raise NotInCatalogError("no 2D sequences to run kp2smpl on")
    t0 = time.perf_counter()
    loaded = load_kp2smpl(checkpoint)
    con = queries.connect(catalog)
    try:
        pairs = load_pairs(con, arrays_dir, body, sequence_ids=list(sequence_ids))
    finally:
        con.close()
    results = []
    for i, pair in enumerate(pairs):
        if pair.camera is None:
            continue  # no calibration: no world frame to score in
        kp, sc = pair.keypoints[:max_frames], pair.scores[:max_frames]
        cam = predict(loaded, kp, sc, pair.camera, body=body)
        extra: dict[str, float] = {}
        if refine is not None:
            fit = fit_keypoints2d(kp, sc, pair.camera.K, cam, body, refine)
            cam = fit.params
            extra = {"reprojection_px": float(np.nanmean(fit.reprojection_px)),
                     "start_reprojection_px": float(np.nanmean(fit.start_reprojection_px)),
                     "fit_seconds": fit.seconds}
        world = camera_to_world(cam, pair.camera, body.rest_pelvis(cam["betas"]))
        pred = PredictedSmpl(frames=np.arange(len(kp)), **world)
        err = score_against(pair.gt_world, pred, body, pair.sequence_id)
        results.append((pair.sequence_id, pred, err, extra))
        if progress is not None:
            progress(i + 1, len(pairs))
    if not results:
        raise NotInCatalogError("none of the sequences has a calibrated camera and SMPL ground "
                                "truth")
    model = "kp2smpl" if refine is None else "fit2d"
    run_id = _run_id(model, protocol)
    config = {"checkpoint": str(checkpoint), "input": "keypoints2d (COCO-17 + scores)",
              "fit2d": None if refine is None else asdict(refine), "max_frames": max_frames,
              "data_fingerprint": loaded.data_fingerprint, "train": asdict(loaded.train_config),
              "model": asdict(loaded.model_config), "trained_metrics": loaded.metrics,
              "command": loaded.command, "sequences": len(results)}
    metrics = record_mesh_run(catalog, arrays_dir, run_id, model, protocol, config, results,
                              checkpoint=str(checkpoint))
    return MeshRunResult(run_id, metrics, len(results), time.perf_counter() - t0)


def run_smpl(con: Any, arrays_dir: Path, run_id: str, sequence_id: str) -> PredictedSmpl:
    """The predicted SMPL a run stored for a sequence."""
    a = load_arrays(arrays_dir, _path(con, run_id, sequence_id, "smpl"))
    return PredictedSmpl(frames=a["frames"], global_orient=a["global_orient"],
                         body_pose=a["body_pose"], betas=a["betas"], transl=a["transl"])


def run_errors(con: Any, arrays_dir: Path, run_id: str, sequence_id: str) -> dict[str, np.ndarray]:
    """Per-frame, per-joint errors of a run for a sequence (mpjpe, pa_mpjpe (T, 24), accel
    (T - 2, 24), pve (T,)), mm."""
    return load_arrays(arrays_dir, _path(con, run_id, sequence_id, "errors"))


def _path(con: Any, run_id: str, sequence_id: str, kind: str) -> str:
    paths = queries.run_array_paths(con, run_id, sequence_id)
    if kind not in paths:
        raise NotInCatalogError(f"run {run_id} has no {kind} arrays for {sequence_id}")
    return paths[kind]


def run_summary(con: Any, run_id: str) -> dict[str, Any]:
    """A run's metrics overall and rolled up per body part and activity (frame-weighted)."""
    run = queries.model_run(con, run_id, task=TASK)
    if run is None or run["task"] != TASK:
        raise NotInCatalogError(f"no mesh-recovery run {run_id!r} in the catalog (make one with "
                                "`flag3d fit smpl`)")
    per_seq = queries.run_sequence_metrics(con, run["run_id"])
    cols = [m for m in METRICS if m in per_seq.columns]

    def rollup(by: str) -> dict[str, dict[str, float]]:
        if per_seq.empty:
            return {}
        w = per_seq["n_frames_used"] if "n_frames_used" in per_seq else per_seq["n_frames"]
        out = {}
        for key, grp in per_seq.assign(_w=w).groupby(by):
            out[str(key)] = {c: float(np.average(grp[c], weights=grp["_w"])) for c in cols
                             if grp[c].notna().all()}
        return out

    return {"run_id": run["run_id"], "model": run["model"], "protocol": run["protocol"],
            "metrics": json.loads(run["metrics"]), "config": json.loads(run["config"]),
            "per_body_part": rollup("body_part"), "per_activity": rollup("activity_id"),
            "sequences": per_seq.to_dict(orient="records")}
