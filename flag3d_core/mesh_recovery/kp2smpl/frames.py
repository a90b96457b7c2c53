"""Frames and normalisation of kp2smpl: SMPL moved into a camera's frame, the 2D input
normalised by the person's box, and the root position coded relative to that box.

**SMPL in a camera frame.** A camera maps the world by ``x_cam = R x_world + T``. SMPL's root
turns about the rest pelvis ``J0(betas)``, so the posed pelvis is ``J0 + transl``. The same body
in the camera frame has the root rotation ``R R(global_orient)`` and a translation that keeps
the pelvis where the camera sees it::

    transl_cam = R (J0 + transl) + T - J0

The body pose and the betas do not change.

**Input normalisation (per frame).** Each frame's box is the bounding box of the keypoints with
a score of at least ``MIN_SCORE`` (all keypoints when fewer than two pass), its centre ``c``
(px) and its scale ``s = BOX_MARGIN * max(width, height)`` (px, at least ``MIN_BOX_PX``). The
keypoints become ``(u - c) / (s / 2)`` (about [-1, 1]) with their scores; the box itself is
passed intrinsics-normalised, ``((c_x - p_x) / f_x, (c_y - p_y) / f_y, log(s / f_x))``, which
is where the box is on the image plane and how large it is in radians, so the network can
recover the depth of the root (a box of ``s`` px around a body of ``h`` m lies at about
``f_x h / s`` m) whatever the camera's resolution and focal length.

**Root code.** The network predicts the pelvis as ``(d_u, d_v, log_size)``: its pixel
``c + d (s / 2)`` relative to the box, and ``log_size = log(z s / f_x)``, the log of the box's
size in metres at the pelvis' depth ``z``. Decoding: ``z = exp(log_size) f_x / s`` and
``pelvis = z K^-1 (u, v, 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from flag3d_core.catalog.record import SequenceSmpl
from flag3d_core.geometry.rotations import axis_angle_to_matrix_np, matrix_to_axis_angle_np
from flag3d_core.render.cameras import Camera

__all__ = ["BOX_MARGIN", "MIN_BOX_PX", "MIN_SCORE", "BoxInput", "CameraSmpl", "box_normalise",
           "decode_root", "encode_root", "project_torch", "smpl_to_camera"]

MIN_SCORE = 0.3
BOX_MARGIN = 1.2
MIN_BOX_PX = 8.0


@dataclass(frozen=True)
class CameraSmpl:
    """SMPL parameters in a camera's frame (OpenCV axes: x right, y down, z forward)."""

    global_orient: np.ndarray  # (T, 3) axis-angle, camera frame
    body_pose: np.ndarray  # (T, 69)
    betas: np.ndarray  # (10,)
    transl: np.ndarray  # (T, 3) camera frame; posed pelvis = rest_pelvis(betas) + transl

    def as_dict(self) -> dict[str, np.ndarray]:
        return {"global_orient": self.global_orient, "body_pose": self.body_pose,
                "betas": self.betas, "transl": self.transl}


def smpl_to_camera(smpl: SequenceSmpl, camera: Camera, pelvis_rest: np.ndarray) -> CameraSmpl:
    """World SMPL (placed for the body with rest pelvis ``pelvis_rest`` (3,)) in ``camera``'s
    frame: root rotation ``R R_go``, ``transl_cam = R (J0 + transl) + T - J0``."""
    rot_c = np.asarray(camera.R, np.float64)  # (3, 3)
    j0 = np.asarray(pelvis_rest, np.float64).reshape(3)
    go = rot_c @ axis_angle_to_matrix_np(smpl.global_orient.astype(np.float64))  # (T, 3, 3)
    pelvis = (j0 + smpl.transl.astype(np.float64)) @ rot_c.T + np.asarray(camera.T, np.float64)
    return CameraSmpl(global_orient=matrix_to_axis_angle_np(go).astype(np.float32),
                      body_pose=np.asarray(smpl.body_pose, np.float32),
                      betas=np.asarray(smpl.betas, np.float32),
                      transl=(pelvis - j0).astype(np.float32))


def camera_to_world(params: dict[str, np.ndarray], camera: Camera,
                    pelvis_rest: np.ndarray) -> dict[str, np.ndarray]:
    """The inverse of :func:`smpl_to_camera`: camera-frame SMPL (a :func:`predict` dict, placed
    for a body with rest pelvis ``pelvis_rest``) in the world frame of the camera's
    calibration: root rotation ``R^T R_go``, pelvis ``R^T (pelvis_cam - T)``."""
    rot_c = np.asarray(camera.R, np.float64)
    j0 = np.asarray(pelvis_rest, np.float64).reshape(3)
    go = rot_c.T @ axis_angle_to_matrix_np(np.asarray(params["global_orient"], np.float64))
    pelvis = (j0 + np.asarray(params["transl"], np.float64) - np.asarray(camera.T, np.float64)
              ) @ rot_c
    return {"global_orient": matrix_to_axis_angle_np(go).astype(np.float32),
            "body_pose": np.asarray(params["body_pose"], np.float32),
            "betas": np.asarray(params["betas"], np.float32),
            "transl": (pelvis - j0).astype(np.float32)}


@dataclass(frozen=True)
class BoxInput:
    """The network input of a sequence (see the module docstring for the normalisation).

    Attributes:
        keypoints: (T, 17, 3) box-normalised x, y and the score.
        box: (T, 3) intrinsics-normalised box ``(b_x, b_y, log(s / f_x))``.
        centre: (T, 2) box centres, px. scale: (T,) box sizes, px.
    """

    keypoints: np.ndarray
    box: np.ndarray
    centre: np.ndarray
    scale: np.ndarray

    def features(self) -> np.ndarray:
        """(T, 17 * 3 + 3) float32: the flattened keypoints, then the box."""
        t = self.keypoints.shape[0]
        return np.concatenate([self.keypoints.reshape(t, -1), self.box], axis=1).astype(
            np.float32)


def box_normalise(keypoints: np.ndarray, scores: np.ndarray, K: np.ndarray) -> BoxInput:
    """Normalise pixel keypoints (T, J, 2) with scores (T, J) by each frame's person box; ``K``
    (3, 3) the intrinsics of the image they are in."""
    kp = np.asarray(keypoints, np.float64)
    sc = np.clip(np.nan_to_num(np.asarray(scores, np.float64)), 0.0, 1.0)
    kp = np.nan_to_num(kp)
    good = sc >= MIN_SCORE  # (T, J)
    good[good.sum(axis=1) < 2] = True
    big = np.where(good[..., None], kp, np.nan)
    lo, hi = np.nanmin(big, axis=1), np.nanmax(big, axis=1)  # (T, 2)
    centre = 0.5 * (lo + hi)
    scale = np.maximum(BOX_MARGIN * (hi - lo).max(axis=1), MIN_BOX_PX)  # (T,)
    norm = (kp - centre[:, None]) / (0.5 * scale[:, None, None])
    fx, fy, px, py = K[0, 0], K[1, 1], K[0, 2], K[1, 2]
    box = np.stack([(centre[:, 0] - px) / fx, (centre[:, 1] - py) / fy, np.log(scale / fx)], 1)
    return BoxInput(keypoints=np.concatenate([norm, sc[..., None]], axis=-1).astype(np.float32),
                    box=box.astype(np.float32), centre=centre.astype(np.float32),
                    scale=scale.astype(np.float32))


def project_torch(points: torch.Tensor, K: torch.Tensor, min_depth: float = 1e-3) -> torch.Tensor:
    """Pixels (..., N, 2) of camera-frame points (..., N, 3) through intrinsics ``K`` (..., 3, 3).

    The torch twin of :meth:`flag3d_core.render.cameras.Camera.project` (camera-frame input,
    depth clamped at ``min_depth``), for gradients; a test checks that both agree.
    """
    z = points[..., 2:].clamp(min=min_depth)
    xy = points[..., :2] / z  # (..., N, 2)
    return xy @ K[..., :2, :2].transpose(-1, -2) + K[..., None, :2, 2]


def encode_root(pelvis: torch.Tensor, centre: torch.Tensor, scale: torch.Tensor,
                K: torch.Tensor) -> torch.Tensor:
    """Root code (..., 3) ``(d_u, d_v, log_size)`` of camera-frame pelvis positions (..., 3);
    ``centre`` (..., 2) px, ``scale`` (...,) px, ``K`` (..., 3, 3) (broadcast over frames)."""
    uv = project_torch(pelvis[..., None, :], K)[..., 0, :]  # (..., 2)
    d = (uv - centre) / (0.5 * scale[..., None])
    log_size = torch.log(pelvis[..., 2].clamp(min=1e-3) * scale / K[..., 0, 0])
    return torch.cat([d, log_size[..., None]], dim=-1)


def decode_root(code: torch.Tensor, centre: torch.Tensor, scale: torch.Tensor,
                K: torch.Tensor) -> torch.Tensor:
    """Camera-frame pelvis positions (..., 3) of root codes (..., 3); the inverse of
    :func:`encode_root`."""
    uv = centre + code[..., :2] * (0.5 * scale[..., None])  # (..., 2) px
    z = torch.exp(code[..., 2]) * K[..., 0, 0] / scale  # (...,)
    fx, fy, px, py = K[..., 0, 0], K[..., 1, 1], K[..., 0, 2], K[..., 1, 2]
    skew = K[..., 0, 1]
    y = (uv[..., 1] - py) / fy
    x = (uv[..., 0] - px - skew * y) / fx
    return torch.stack([x, y, torch.ones_like(x)], dim=-1) * z[..., None]
