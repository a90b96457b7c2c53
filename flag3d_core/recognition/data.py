"""In-memory recognition data: items are plain arrays with a label and a key.

The dataset normalises each sequence once (centre + align, see ``preprocess.py``) and samples
clips on access: one augmented clip in training, ``num_clips`` deterministic clips at test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset

from flag3d_core.layouts import SkeletonLayout
from flag3d_core.recognition.preprocess import PreprocessConfig, make_clips, normalize_sequence


@dataclass(frozen=True)
class RecognitionItem:
    """One labelled sequence. ``array`` (T, V, C) float32: xyz metres z-up for 3D layouts, or
    normalised (x, y, score) from :func:`~flag3d_core.recognition.preprocess.normalize_2d`."""

    array: np.ndarray
    label: int
    key: str


class RecognitionDataset(Dataset):
    """Torch dataset over :class:`RecognitionItem` s.

    ``__getitem__`` returns ``(clips, label)``: clips (C, T, V, 1) float32 in training, else
    (num_clips, C, T, V, 1). Training randomness is a function of ``(seed, epoch, index)`` so a
    run is reproducible whatever the loading order; call :meth:`set_epoch` every epoch.
    """

    def __init__(self, items: Sequence[RecognitionItem], layout: SkeletonLayout,
                 cfg: PreprocessConfig, *, train: bool, num_clips: int = 1, seed: int = 0) -> None:
        if num_clips < 1:
            raise ValueError(f"num_clips must be >= 1, got {num_clips}")
        self.items = list(items)
        self.cfg = cfg
        self.train = train
        self.num_clips = num_clips
        self.seed = seed
        self.epoch = 0
        self.arrays = []
        for item in self.items:
            try:
                self.arrays.append(normalize_sequence(np.asarray(item.array), layout, cfg))
            except ValueError as err:
                raise ValueError(f"recognition item {item.key!r}: {err}") from None
        self.labels = np.array([item.label for item in self.items], dtype=np.int64)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        x = self.arrays[index]
        if self.train:
            rng = np.random.default_rng((self.seed, self.epoch, index))
            clips = make_clips(x, self.cfg, rng=rng, num_clips=1)[0]
        else:
            clips = make_clips(x, self.cfg, num_clips=self.num_clips)
        return torch.from_numpy(clips), int(self.labels[index])
