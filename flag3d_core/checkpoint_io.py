"""Reading and writing model checkpoints: plain dicts of tensors and builtins.

Writes are atomic (a temporary file beside the target, fsync, rename). Reads use
``torch.load(weights_only=True)``, so a checkpoint from elsewhere can hold no code, and check
the dict's ``format`` tag, so a file of another kind gets a message naming it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import torch
from torch import nn

from flag3d_core.atomic import atomic_write

__all__ = ["file_sha256", "load_weights", "read_checkpoint", "write_checkpoint"]


def write_checkpoint(path: str | os.PathLike, ckpt: dict[str, Any]) -> Path:
    """Write ``ckpt`` (which must carry a ``format`` tag) atomically; missing folders are
    created. A bad target raises :class:`~flag3d_core.errors.OutputPathError`."""
    if "format" not in ckpt:
        raise ValueError("a checkpoint needs a 'format' tag")
    path = Path(path)
    with atomic_write(path, make_parents=True) as fh:
        torch.save(ckpt, fh)
    return path


def read_checkpoint(path: str | os.PathLike, fmt: str, device: str = "cpu") -> dict[str, Any]:
    """The checkpoint dict at ``path``, tensors on ``device``.

    Raises:
        FileNotFoundError: no such file. ValueError: unreadable, or not a ``fmt`` checkpoint.
    """
    path = Path(path)
    try:
        ckpt = torch.load(path, map_location=device, weights_only=True)
    except FileNotFoundError:
        raise FileNotFoundError(f"checkpoint {path} does not exist") from None
    except Exception as err:  # unpickling errors come in several types
        raise ValueError(f"checkpoint {path} could not be read: {err}") from err
    if not isinstance(ckpt, dict) or ckpt.get("format") != fmt:
        found = ckpt.get("format") if isinstance(ckpt, dict) else type(ckpt).__name__
        raise ValueError(f"checkpoint {path} is not a {fmt} checkpoint (found {found!r})")
    return ckpt


def load_weights(model: nn.Module, state_dict: dict[str, Any], path: str | os.PathLike,
                 what: str = "the config") -> None:
    """Load ``state_dict`` into ``model``; weights that do not fit raise ValueError naming the
    checkpoint file and ``what`` they should fit."""
    try:
        model.load_state_dict(state_dict)
    except RuntimeError as err:
        raise ValueError(f"checkpoint {path}: weights do not fit {what}: {err}") from err


def file_sha256(path: str | os.PathLike) -> str:
    """sha256 (hex) of a file's bytes (results name their checkpoint by it)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
