"""numpy <-> torch at the edge of the torch-first math: float64 on the CPU, no copies when
the array is already float64 and C-contiguous.

The numpy entries of :mod:`flag3d_core.geometry.rotations` and
:mod:`flag3d_core.body.kinematics` are two lines each: ``to_tensor`` every array argument,
call the torch function, ``to_numpy`` the result. So there is one implementation of the math.
They run under ``torch.inference_mode`` (numpy results carry no gradient, and skipping the
autograd bookkeeping matters for the many small calls of the synthetic-data generator).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import torch
from numpy.typing import ArrayLike

__all__ = ["ArrayT", "to_numpy", "to_tensor"]

# A result dataclass holds either torch tensors or numpy arrays (``FKOutput[np.ndarray]``).
ArrayT = TypeVar("ArrayT", torch.Tensor, np.ndarray)


def to_tensor(x: ArrayLike) -> torch.Tensor:
    """A float64 CPU tensor sharing memory with ``x`` where numpy allows it (any array-like,
    dense; scipy.sparse matrices are densified)."""
    if hasattr(x, "toarray"):  # scipy.sparse (a real SMPL J_regressor)
        x = x.toarray()  # type: ignore[union-attr]
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float64))


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """The numpy array of a tensor (detached, on the CPU; same dtype)."""
    return t.detach().cpu().numpy()
