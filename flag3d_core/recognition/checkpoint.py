"""Checkpoints as plain dicts of tensors and builtins (``torch.load(weights_only=True)``).

A checkpoint carries everything needed to rebuild and use the model without flags: model name
and config, label map, TrainConfig (with its preprocessing), a fingerprint of the training
data and metrics.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from flag3d_core.checkpoint_io import load_weights, read_checkpoint, write_checkpoint
from flag3d_core.recognition.data import RecognitionItem
from flag3d_core.recognition.evaluate import predict
from flag3d_core.recognition.names import current_name
from flag3d_core.recognition.preprocess import PreprocessConfig
from flag3d_core.recognition.registry import build_model, make_config
from flag3d_core.recognition.train import TrainConfig

FORMAT = "flag3d-recognizer/1"


def data_fingerprint(entries: Iterable[tuple[str, Sequence[int], str]]) -> str:
    """sha256 over ``(key, shape, checksum)`` entries sorted by key (order-independent)."""
    h = hashlib.sha256()
    for key, shape, checksum in sorted(entries, key=lambda e: e[0]):
        h.update(f"{key}|{tuple(int(s) for s in shape)}|{checksum}\n".encode())
    return h.hexdigest()


def item_entries(items: Iterable[RecognitionItem]) -> list[tuple[str, tuple[int, ...], str]]:
    """Fingerprint entries computed from in-memory items (sha1 of array bytes + label)."""
    out = []
    for it in items:
        arr = np.ascontiguousarray(it.array)
        digest = hashlib.sha1(arr.tobytes() + str(it.label).encode()).hexdigest()
        out.append((it.key, arr.shape, digest))
    return out


@dataclass
class LoadedModel:
    """A model rebuilt from a checkpoint, in eval mode."""

    model: nn.Module
    model_name: str
    model_config: Any
    label_map: dict[int, str]
    train_config: TrainConfig
    data_fingerprint: str
    metrics: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def preprocess(self) -> PreprocessConfig:
        return self.train_config.preprocess

    def predict(self, items: Sequence[RecognitionItem], num_clips: int = 1, *,
                device: str = "cpu", batch_size: int = 32) -> np.ndarray:
        """Probabilities (N, K) with the preprocessing the model was trained with."""
        self.model.to(device)
        return predict(self.model, items, num_clips, preprocess=self.preprocess,
                       device=device, batch_size=batch_size)


def save_checkpoint(path: str | os.PathLike, model: nn.Module, train_config: TrainConfig, *,
                    label_map: Mapping[int, str], data_fingerprint: str = "",
                    metrics: Mapping[str, Any] | None = None,
                    extra: Mapping[str, Any] | None = None) -> Path:
    """Write a checkpoint atomically (a temporary file beside ``path``, fsync, rename; missing
    folders are created). Returns the path; a bad target raises
    :class:`~flag3d_core.errors.OutputPathError`."""
    path = Path(path)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    ckpt = {
        "format": FORMAT,
        "model_name": train_config.model,
        "model_config": dataclasses.asdict(model.cfg),
        "state_dict": state,
        "label_map": {int(k): str(v) for k, v in label_map.items()},
        "train_config": train_config.to_dict(),
        "data_fingerprint": str(data_fingerprint),
        "metrics": dict(metrics or {}),
        "extra": dict(extra or {}),
    }
    return write_checkpoint(path, ckpt)


def load_checkpoint(path: str | os.PathLike, device: str = "cpu") -> LoadedModel:
    """Rebuild the model from the stored config and load its weights (eval mode)."""
    path = Path(path)
    ckpt = read_checkpoint(path, FORMAT, device)
    # Checkpoints written before the one-name rule say "agcn" for 2s-AGCN.
    name = current_name(ckpt["model_name"])
    train_config = dict(ckpt["train_config"])
    train_config["model"] = current_name(train_config.get("model", name))
    config = make_config(name, **ckpt["model_config"])
    model = build_model(name, config)
    load_weights(model, ckpt["state_dict"], path, name)
    model.to(device).eval()
    return LoadedModel(
        model=model, model_name=name, model_config=config,
        label_map={int(k): v for k, v in ckpt["label_map"].items()},
        train_config=TrainConfig.from_dict(train_config),
        data_fingerprint=ckpt["data_fingerprint"], metrics=ckpt["metrics"],
        extra=ckpt.get("extra", {}),
    )
