"""Training windows of kp2smpl: the pairs' frames concatenated once, random windows gathered
into batches, and the left/right mirror augmentation.

**Mirror.** Flipping the image about the principal point's vertical line is the world mirrored
about the camera's y-z plane (``M = diag(-1, 1, 1)``) with left and right swapped: keypoints
``x -> -x`` in box units (box centre too) and the COCO-17 left/right pairs swapped; joints
``M p`` with the SMPL-24 pairs swapped; each local rotation ``M R M``, i.e. axis-angle
``(a_x, -a_y, -a_z)``, of the swapped joint. Exact for a left/right-symmetric rest body (the
stand-in; SMPL's is symmetric to a fraction of a millimetre). It turns a camera at azimuth
``a`` into one at ``-a``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from flag3d_core.layouts.coco17 import COCO17
from flag3d_core.layouts.smpl24 import SMPL24
from flag3d_core.mesh_recovery.kp2smpl.data import PairSequence
from flag3d_core.mesh_recovery.kp2smpl.frames import box_normalise

__all__ = ["Batch", "TrainingFrames"]

_COCO_MIRROR = COCO17.mirror_permutation()
_SMPL_MIRROR = SMPL24.mirror_permutation()


@dataclass(frozen=True)
class Batch:
    """B windows of W frames (tensors).

    Attributes:
        features: (B, W, 54) network input. keypoints: (B, W, 17, 3) its keypoint part.
        centre: (B, W, 2) px. scale: (B, W) px. K: (B, 3, 3).
        pose: (B, W, 24, 3) ground-truth axis-angle, root in the camera frame.
        pelvis: (B, W, 3) ground-truth camera-frame pelvis. betas: (B, 10).
    """

    features: torch.Tensor
    keypoints: torch.Tensor
    centre: torch.Tensor
    scale: torch.Tensor
    K: torch.Tensor
    pose: torch.Tensor
    pelvis: torch.Tensor
    betas: torch.Tensor


class TrainingFrames:
    """All frames of some pairs (with camera-frame ground truth), ready to cut into windows.

    Memory: about 580 bytes per frame (1M frames ~ 0.6 GB).
    """

    def __init__(self, pairs: Sequence[PairSequence]) -> None:
        pairs = [p for p in pairs if p.gt_camera is not None]
        if not pairs:
            raise ValueError("no pairs with camera-frame ground truth to train on")
        feats, centre, scale, pose, pelvis = [], [], [], [], []
        for p in pairs:
            box = box_normalise(p.keypoints, p.scores, p.K)
            gt = p.gt_camera
            feats.append(box.features())
            centre.append(box.centre)
            scale.append(box.scale)
            pose.append(np.concatenate([gt.global_orient, gt.body_pose], 1).reshape(-1, 24, 3))
            pelvis.append(gt.transl + p.pelvis_rest[None])
        self.lengths = np.array([p.n_frames for p in pairs])
        self.starts = np.concatenate([[0], np.cumsum(self.lengths)[:-1]])
        self.features = np.concatenate(feats).astype(np.float32)  # (N, 54)
        self.centre = np.concatenate(centre)  # (N, 2)
        self.scale = np.concatenate(scale)  # (N,)
        self.pose = np.concatenate(pose).astype(np.float32)  # (N, 24, 3)
        self.pelvis = np.concatenate(pelvis).astype(np.float32)  # (N, 3)
        self.K = np.stack([p.K for p in pairs]).astype(np.float32)  # (S, 3, 3)
        self.betas = np.stack([p.gt_camera.betas for p in pairs]).astype(np.float32)  # (S, 10)

    @property
    def num_frames(self) -> int:
        return int(self.lengths.sum())

    def __len__(self) -> int:
        return len(self.lengths)

    def sample(self, rng: np.random.Generator, batch: int, window: int,
               mirror_p: float = 0.5) -> Batch:
        """``batch`` random windows of ``window`` frames (sequences drawn in proportion to
        their length; shorter sequences repeat their last frame), each mirrored with
        probability ``mirror_p``."""
        seq = rng.choice(len(self.lengths), size=batch, p=self.lengths / self.lengths.sum())
        offs = (rng.random(batch) * np.maximum(self.lengths[seq] - window + 1, 1)).astype(int)
        steps = np.minimum(np.arange(window)[None], self.lengths[seq, None] - 1)
        idx = self.starts[seq, None] + offs[:, None] + steps  # (B, W)
        feats = self.features[idx].copy()  # (B, W, 54)
        centre, scale = self.centre[idx].copy(), self.scale[idx]
        pose, pelvis = self.pose[idx].copy(), self.pelvis[idx].copy()
        K = self.K[seq].copy()
        flip = rng.random(batch) < mirror_p
        if flip.any():
            n_kp = len(_COCO_MIRROR)
            kp = feats[flip, :, : n_kp * 3].reshape(flip.sum(), window, n_kp, 3)[:, :, _COCO_MIRROR]
            kp[..., 0] *= -1.0
            feats[flip, :, : n_kp * 3] = kp.reshape(flip.sum(), window, -1)
            feats[flip, :, n_kp * 3] *= -1.0  # box x
            centre[flip, :, 0] = 2.0 * K[flip][:, 0, 2][:, None] - centre[flip, :, 0]
            pose[flip] = pose[flip][:, :, _SMPL_MIRROR] * np.array([1.0, -1.0, -1.0], np.float32)
            pelvis[flip, :, 0] *= -1.0
        t = torch.from_numpy
        n_kp = len(_COCO_MIRROR)
        return Batch(features=t(feats),
                     keypoints=t(feats[:, :, : n_kp * 3].reshape(batch, window, n_kp, 3)),
                     centre=t(centre), scale=t(np.ascontiguousarray(scale)), K=t(K),
                     pose=t(pose), pelvis=t(pelvis), betas=t(self.betas[seq]))
