"""The app's entry points: SMPL of a 2D keypoint sequence in the camera's frame, and the ground
truth in the same frame to compare with."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from flag3d_core.body.joints import posed_joints, rest_joints
from flag3d_core.catalog import queries
from flag3d_core.geometry.rotations import matrix_to_axis_angle
from flag3d_core.mesh_recovery.kp2smpl.data import PairSequence, load_pairs
from flag3d_core.mesh_recovery.kp2smpl.frames import box_normalise, decode_root
from flag3d_core.mesh_recovery.kp2smpl.model import Kp2Smpl
from flag3d_core.render.cameras import Camera

__all__ = ["ground_truth_in_camera", "load_pair", "predict", "predicted_joints"]


def _model(checkpoint_or_model: Any, device: str) -> Kp2Smpl:
    if isinstance(checkpoint_or_model, Kp2Smpl):
        return checkpoint_or_model
    if isinstance(checkpoint_or_model, str | os.PathLike):
        from flag3d_core.mesh_recovery.kp2smpl.checkpoint import load_kp2smpl

        return load_kp2smpl(Path(checkpoint_or_model), device).model
    model = getattr(checkpoint_or_model, "model", None)  # a LoadedKp2Smpl
    if isinstance(model, Kp2Smpl):
        return model
    raise TypeError(f"expected a Kp2Smpl, a loaded checkpoint or a checkpoint path, got "
                    f"{type(checkpoint_or_model).__name__}")


def _body(body: Any) -> Any:
    if body is not None:
        return body
    from flag3d_core.body import ensure_body_model
    from flag3d_core.settings import load_settings

    return ensure_body_model(load_settings().body_models)


def _intrinsics(camera: Camera | np.ndarray) -> np.ndarray:
    K = np.asarray(camera.K if isinstance(camera, Camera) else camera, np.float64)
    if K.shape != (3, 3):
        raise ValueError(f"camera must be a Camera or (3, 3) intrinsics, got shape {K.shape}")
    return K


@torch.no_grad()
def predict(checkpoint_or_model: Any, keypoints2d: np.ndarray, scores: np.ndarray,
            camera: Camera | np.ndarray, *, body: Any = None,
            device: str = "cpu") -> dict[str, np.ndarray]:
    """SMPL of a COCO-17 keypoint sequence, in the camera's frame (OpenCV axes).

    Args:
        checkpoint_or_model: a :class:`Kp2Smpl`, a loaded checkpoint
            (:func:`~.checkpoint.load_kp2smpl`) or a checkpoint path.
        keypoints2d: (T, 17, 2) pixels; scores: (T, 17) in [0, 1].
        camera: the camera (only its intrinsics matter) or its (3, 3) intrinsics; for an
            uncalibrated video :func:`~.data.assumed_intrinsics`.
        body: the :class:`~flag3d_core.body.forward.BodyModel` whose rest pelvis places
            ``transl`` (None: the settings' body model, loaded for this call).

    Returns:
        ``global_orient`` (T, 3), ``body_pose`` (T, 69) axis-angle, ``betas`` (10,),
        ``transl`` (T, 3), float32; the posed pelvis is ``rest_pelvis(betas) + transl``.
    """
    model = _model(checkpoint_or_model, device).eval()
    kp = np.asarray(keypoints2d, np.float32)
    n_t = kp.shape[0]
    if kp.shape != (n_t, 17, 2) or np.shape(scores) != (n_t, 17):
        raise ValueError(f"keypoints2d must be (T, 17, 2) and scores (T, 17), got {kp.shape} "
                         f"and {np.shape(scores)}")
    K = _intrinsics(camera)
    box = box_normalise(kp, np.asarray(scores, np.float32), K)
    dev = next(model.parameters()).device
    t = lambda a: torch.as_tensor(a, dtype=torch.float32, device=dev)  # noqa: E731
    out = model(t(box.features())[None])
    pelvis = decode_root(out.root[0], t(box.centre), t(box.scale), t(K))  # (T, 3)
    pose = matrix_to_axis_angle(out.rotmats()[0]).reshape(n_t, 72)  # (T, 72)
    betas = out.betas[0]
    rest_pelvis = rest_joints(_body(body), betas.cpu())[0].to(pelvis)
    return {"global_orient": pose[:, :3].cpu().numpy().astype(np.float32),
            "body_pose": pose[:, 3:].cpu().numpy().astype(np.float32),
            "betas": betas.cpu().numpy().astype(np.float32),
            "transl": (pelvis - rest_pelvis).cpu().numpy().astype(np.float32)}


@torch.no_grad()
def predicted_joints(params: dict[str, np.ndarray], body: Any) -> np.ndarray:
    """SMPL-24 joints (T, 24, 3) of SMPL parameters (a :func:`predict` or
    :func:`ground_truth_in_camera` dict), without the mesh."""
    from flag3d_core.geometry.rotations import axis_angle_to_matrix

    pose = np.concatenate([params["global_orient"], params["body_pose"]], 1)
    rot = axis_angle_to_matrix(torch.from_numpy(pose.astype(np.float32)).reshape(-1, 24, 3))
    betas = torch.from_numpy(np.asarray(params["betas"], np.float32))[None]
    transl = torch.from_numpy(np.asarray(params["transl"], np.float32))[None]
    return posed_joints(body, rot[None], betas, transl)[0].cpu().numpy()


def load_pair(con: queries.Con, arrays_dir: str | Path, sequence_id: str,
              body: Any) -> PairSequence:
    """The :class:`~.data.PairSequence` of one 2D sequence (its keypoints, camera or assumed
    intrinsics, ground truth).

    Raises:
        KeyError: no 2D sequence with SMPL ground truth has this id.
    """
    source = sequence_id.split("/")[1] if sequence_id.count("/") >= 2 else "render"
    pairs = load_pairs(con, arrays_dir, body, source=source, sequence_ids=[sequence_id])
    if not pairs:
        raise KeyError(f"{sequence_id!r} is not a 2D sequence with SMPL ground truth")
    return pairs[0]


def ground_truth_in_camera(pair: PairSequence) -> dict[str, np.ndarray] | None:
    """The ground truth of ``pair`` in its camera's frame, keyed like :func:`predict`'s output;
    None without a calibrated camera (phone videos)."""
    return None if pair.gt_camera is None else pair.gt_camera.as_dict()
