"""Generator checkpoints: the weights with their architecture, training config, the activity
table they were conditioned on, the training data's fingerprint, metrics and provenance
(``torch.load(weights_only=True)`` through :mod:`flag3d_core.checkpoint_io`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flag3d_core.checkpoint_io import file_sha256, load_weights, read_checkpoint, write_checkpoint
from flag3d_core.generation.model import GeneratorConfig, MotionVAE
from flag3d_core.generation.train import GeneratorTrainConfig

__all__ = ["FORMAT", "LoadedGenerator", "file_hash", "load_generator", "save_generator"]

file_hash = file_sha256  # sha256 of a checkpoint file (results name their generator by it)

FORMAT = "flag3d-generator/1"


@dataclass
class LoadedGenerator:
    """A generator rebuilt from its checkpoint (eval mode)."""

    model: MotionVAE
    train_config: GeneratorTrainConfig
    activities: dict[int, dict[str, str]]  # label -> activity_id, name, body_part, text
    data_fingerprint: str
    metrics: dict[str, Any] = field(default_factory=dict)
    command: str = ""
    path: Path | None = None
    sha256: str = ""  # of the checkpoint file: results name their generator by it

    @property
    def name(self) -> str:
        return f"vae-{self.model.cfg.condition}"

    @property
    def max_direct(self) -> int:
        """The longest window it trained on: longer motions repeat the cycle."""
        return int(self.train_config.max_frames)

    def label_of(self, activity_id: str) -> int:
        for lab, a in self.activities.items():
            if a["activity_id"] == activity_id:
                return lab
        raise KeyError(f"the generator was not trained on activity {activity_id!r}")


def save_generator(path: str | os.PathLike, model: MotionVAE, train_config: GeneratorTrainConfig,
                   *, activities: Mapping[int, Mapping[str, str]], data_fingerprint: str,
                   metrics: Mapping[str, Any] | None = None, command: str = "") -> Path:
    """Write the checkpoint atomically; returns its path."""
    return write_checkpoint(path, {
        "format": FORMAT,
        "model_config": model.cfg.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "train_config": train_config.to_dict(),
        "activities": {int(k): dict(v) for k, v in activities.items()},
        "data_fingerprint": str(data_fingerprint),
        "metrics": dict(metrics or {}),
        "command": str(command),
    })


def load_generator(path: str | os.PathLike, device: str = "cpu") -> LoadedGenerator:
    """Rebuild the generator (raises FileNotFoundError, or ValueError for another kind of file
    or weights that do not fit the stored config)."""
    path = Path(path)
    ckpt = read_checkpoint(path, FORMAT, device)
    cfg = GeneratorConfig(**ckpt["model_config"])
    model = MotionVAE(cfg)
    load_weights(model, ckpt["state_dict"], path, "the config")
    model.to(device).eval()
    return LoadedGenerator(
        model=model, train_config=GeneratorTrainConfig.from_dict(ckpt["train_config"]),
        activities={int(k): dict(v) for k, v in ckpt["activities"].items()},
        data_fingerprint=str(ckpt["data_fingerprint"]), metrics=dict(ckpt["metrics"]),
        command=str(ckpt.get("command", "")), path=path, sha256=file_sha256(path))

