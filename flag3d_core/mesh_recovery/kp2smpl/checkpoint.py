"""kp2smpl checkpoints: plain dicts of tensors and builtins (``torch.load(weights_only=True)``),
in the manner of :mod:`flag3d_core.recognition.checkpoint`.

A checkpoint carries everything to rebuild and judge the model without flags: the model config
(``Kp2Smpl(Kp2SmplConfig(**ckpt["model_config"]))``), the training config, the input
normalisation constants, the fingerprint of the training data, the protocol and metrics, the
seed and the command line that made it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flag3d_core.checkpoint_io import load_weights, read_checkpoint, write_checkpoint
from flag3d_core.mesh_recovery.kp2smpl import frames
from flag3d_core.mesh_recovery.kp2smpl.model import Kp2Smpl, Kp2SmplConfig
from flag3d_core.mesh_recovery.kp2smpl.train import Kp2SmplTrainConfig

__all__ = ["FORMAT", "LoadedKp2Smpl", "load_kp2smpl", "preprocess_constants", "save_kp2smpl"]

FORMAT = "flag3d-kp2smpl/1"


def preprocess_constants() -> dict[str, float]:
    """The input normalisation of :mod:`.frames` (checked again at load)."""
    return {"min_score": frames.MIN_SCORE, "box_margin": frames.BOX_MARGIN,
            "min_box_px": frames.MIN_BOX_PX}


@dataclass
class LoadedKp2Smpl:
    """A model rebuilt from a checkpoint, in eval mode."""

    model: Kp2Smpl
    model_config: Kp2SmplConfig
    train_config: Kp2SmplTrainConfig
    data_fingerprint: str
    metrics: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    command: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def save_kp2smpl(path: str | os.PathLike, model: Kp2Smpl, train_config: Kp2SmplTrainConfig, *,
                 data_fingerprint: str = "", metrics: Mapping[str, Any] | None = None,
                 command: str | Sequence[str] = "",
                 extra: Mapping[str, Any] | None = None) -> Path:
    """Write a checkpoint atomically (missing folders are created); returns the path.

    ``metrics`` and ``extra`` must hold builtins only (numbers, strings, lists, dicts), which
    ``weights_only`` loading accepts.
    """
    path = Path(path)
    ckpt = {
        "format": FORMAT,
        "model_config": model.cfg.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "train_config": train_config.to_dict(),
        "preprocess": preprocess_constants(),
        "data_fingerprint": str(data_fingerprint),
        "metrics": dict(metrics or {}),
        "seed": int(train_config.seed),
        "command": command if isinstance(command, str) else " ".join(command),
        "extra": dict(extra or {}),
    }
    return write_checkpoint(path, ckpt)


def load_kp2smpl(path: str | os.PathLike, device: str = "cpu") -> LoadedKp2Smpl:
    """Rebuild the model from the stored config and load its weights (eval mode).

    Raises:
        FileNotFoundError: no file. ValueError: not a kp2smpl checkpoint, weights that do not
            fit the config, or an input normalisation other than this code's.
    """
    path = Path(path)
    ckpt = read_checkpoint(path, FORMAT, device)
    if ckpt.get("preprocess") != preprocess_constants():
        raise ValueError(f"checkpoint {path} was trained with the input normalisation "
                         f"{ckpt.get('preprocess')}, this code uses {preprocess_constants()}")
    config = Kp2SmplConfig.from_dict(ckpt["model_config"])
    model = Kp2Smpl(config)
    load_weights(model, ckpt["state_dict"], path, "the config")
    model.to(device).eval()
    return LoadedKp2Smpl(model=model, model_config=config,
                         train_config=Kp2SmplTrainConfig.from_dict(ckpt["train_config"]),
                         data_fingerprint=str(ckpt["data_fingerprint"]),
                         metrics=dict(ckpt["metrics"]), seed=int(ckpt["seed"]),
                         command=str(ckpt["command"]), extra=dict(ckpt.get("extra", {})))
