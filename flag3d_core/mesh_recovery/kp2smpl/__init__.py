"""``kp2smpl``: a learned model from a 2D keypoint sequence (COCO-17 pixels and scores) to SMPL
in the camera's frame.

* :mod:`.data`: training/test pairs from the catalog (render/real sequences with the SMPL of
  their MoCap performance; studio calibration from the dataset's camera files);
* :mod:`.frames`: SMPL in a camera's frame, the box normalisation of the input, the root code;
* :mod:`.model`: the temporal convolution network (6D rotations, root, pooled betas);
* :mod:`.batches` / :mod:`.train`: windows, mirror augmentation, losses and the loop;
* :mod:`.checkpoint`: self-describing checkpoints; :mod:`.predict`: the app's API;
* :mod:`.evaluate`: the cross-view protocol, postures split and speed;
  :mod:`.postures`: the activities' posture classes as data.
"""

from __future__ import annotations

from flag3d_core.mesh_recovery.kp2smpl.checkpoint import (
    LoadedKp2Smpl,
    load_kp2smpl,
    save_kp2smpl,
)
from flag3d_core.mesh_recovery.kp2smpl.data import PairSequence, assumed_intrinsics, load_pairs
from flag3d_core.mesh_recovery.kp2smpl.evaluate import (
    CrossViewProtocol,
    evaluate_pairs,
    inference_fps,
    summarise,
)
from flag3d_core.mesh_recovery.kp2smpl.frames import CameraSmpl, box_normalise, smpl_to_camera
from flag3d_core.mesh_recovery.kp2smpl.model import Kp2Smpl, Kp2SmplConfig, Kp2SmplOutput
from flag3d_core.mesh_recovery.kp2smpl.postures import POSTURES, posture_of
from flag3d_core.mesh_recovery.kp2smpl.predict import (
    ground_truth_in_camera,
    load_pair,
    predict,
    predicted_joints,
)
from flag3d_core.mesh_recovery.kp2smpl.train import (
    Kp2SmplTrainConfig,
    TrainResult,
    train_kp2smpl,
)

__all__ = [
    "POSTURES",
    "CameraSmpl",
    "CrossViewProtocol",
    "Kp2Smpl",
    "Kp2SmplConfig",
    "Kp2SmplOutput",
    "Kp2SmplTrainConfig",
    "LoadedKp2Smpl",
    "PairSequence",
    "TrainResult",
    "assumed_intrinsics",
    "box_normalise",
    "evaluate_pairs",
    "ground_truth_in_camera",
    "inference_fps",
    "load_kp2smpl",
    "load_pair",
    "load_pairs",
    "posture_of",
    "predict",
    "predicted_joints",
    "save_kp2smpl",
    "smpl_to_camera",
    "summarise",
    "train_kp2smpl",
]
