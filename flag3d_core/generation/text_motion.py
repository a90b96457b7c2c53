"""The FLAG3D-native text-motion evaluator: a contrastive text and motion encoder (after Guo et
al., CVPR 2022, and TMR, Petrovich et al., ICCV 2023), sized for a CPU.

No public evaluator exists for FLAG3D (HumanML3D's sees another skeleton, frame rate and
vocabulary), so this one is trained here, on the training performers only
(:mod:`.text_motion_train`), and stored with its config, training config, data fingerprint and
metrics; every generation result records its :func:`checkpoint_hash`.

* Motion features (:func:`motion_features`): per frame, the SMPL-24 joints relative to the pelvis
  in the clip's heading frame (the first frame's hip line along +x), the pelvis's ground-plane
  velocity in that frame and its height above the clip's floor, so where and which way the
  performer stands does not matter.
* Motion encoder: a residual stack of dilated temporal convolutions over (T, F) at the catalog
  frame rate, masked mean + max pooling over time, a linear layer to ``embed_dim``, unit length.
* Text encoder: an MLP over the frozen all-MiniLM-L6-v2 sentence embedding (384), unit length.

Shapes: features (B, T, F), masks (B, T) bool (True = a real frame), embeddings (N, D) unit rows.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from flag3d_core.checkpoint_io import file_sha256, load_weights, read_checkpoint, write_checkpoint
from flag3d_core.generation.motion import UP
from flag3d_core.generation.skeleton import smpl_joints_np
from flag3d_core.geometry.rotations import axis_rotation_np
from flag3d_core.layouts.smpl24 import SMPL24

__all__ = ["FEATURES", "FORMAT", "MIN_FRAMES", "REL_JOINTS", "ROOT_HEIGHT", "ROOT_VELOCITY",
           "TextMotionConfig", "TextMotionEvaluator", "TextMotionNet", "TextMotionTrainConfig",
           "checkpoint_hash", "load_text_motion", "motion_features", "padded_clips",
           "resample_frames", "save_text_motion"]

FORMAT = "flag3d-text-motion/1"
MIN_FRAMES = 16  # shortest clip the evaluator embeds (after resampling to its frame rate)

_ROOT = SMPL24.center  # pelvis
_LEFT_HIP = SMPL24.joint_names.index("left_hip")
_RIGHT_HIP = SMPL24.joint_names.index("right_hip")
_GROUND = [a for a in range(3) if a != UP]
_N_REL = SMPL24.num_node - 1
# Feature layout of one frame, F = 23 * 3 + 2 + 1 = 72:
REL_JOINTS = slice(0, 3 * _N_REL)  # the 23 non-root joints minus the pelvis, heading frame (m)
ROOT_VELOCITY = slice(3 * _N_REL, 3 * _N_REL + 2)  # pelvis ground-plane velocity (m/s), same frame
ROOT_HEIGHT = slice(3 * _N_REL + 2, 3 * _N_REL + 3)  # pelvis height above the clip's floor (m)
FEATURES = 3 * _N_REL + 3  # 72


def motion_features(joints: np.ndarray, fps: float) -> np.ndarray:
    """Per-frame features (T, 72) float32 of SMPL-24 joints (T, 24, 3) in metres, z up.

    Layout: :data:`REL_JOINTS` (69), :data:`ROOT_VELOCITY` (2), :data:`ROOT_HEIGHT` (1). The
    result does not change when the whole clip is translated or turned about the vertical axis.
    """
    j = np.asarray(joints, dtype=np.float64)
    if j.ndim != 3 or j.shape[1:] != (SMPL24.num_node, 3) or len(j) < 2:
        raise ValueError(f"joints must be (T >= 2, 24, 3), got shape {j.shape}")
    # 1. the heading frame: turn about z so that the first frame's right->left hip line is +x
    hip = j[0, _LEFT_HIP, _GROUND] - j[0, _RIGHT_HIP, _GROUND]  # (2,)
    angle = math.atan2(hip[1], hip[0]) if np.linalg.norm(hip) > 1e-9 else 0.0
    turn = axis_rotation_np(UP, np.array([-angle]))[0]  # (3, 3)
    root = j[:, _ROOT]  # (T, 3)
    # 2. the joints relative to the pelvis, in that frame
    others = [k for k in range(SMPL24.num_node) if k != _ROOT]
    rel = (j[:, others] - root[:, None]) @ turn.T  # (T, 23, 3)
    # 3. the pelvis's ground velocity (central differences), in that frame
    vel = np.gradient(root, axis=0) * fps @ turn.T  # (T, 3)
    # 4. its height above the clip's floor (the lowest joint of any frame)
    height = root[:, UP] - j[..., UP].min()  # (T,)
    out = np.concatenate([rel.reshape(len(j), -1), vel[:, _GROUND], height[:, None]], axis=1)
    return out.astype(np.float32)


def resample_frames(x: np.ndarray, fps: float, target_fps: float) -> np.ndarray:
    """Frames (T, ...) at ``fps`` linearly resampled to ``target_fps`` over the same duration."""
    if abs(fps - target_fps) < 1e-6:
        return x
    t_old = np.arange(len(x)) / fps
    t_new = np.arange(0.0, t_old[-1] + 1e-9, 1.0 / target_fps)
    flat = x.reshape(len(x), -1)
    out = np.stack([np.interp(t_new, t_old, flat[:, c]) for c in range(flat.shape[1])], axis=1)
    return out.reshape(len(t_new), *x.shape[1:]).astype(x.dtype)


@dataclass(frozen=True)
class TextMotionConfig:
    """Architecture of a :class:`TextMotionNet` (stored in its checkpoint)."""

    features: int = FEATURES
    fps: float = 30.0  # the frame rate the motion encoder works at; other rates are resampled
    channels: int = 128
    kernel: int = 5
    dilations: tuple[int, ...] = (1, 2, 4, 8)  # one residual block each; receptive field 61 frames
    text_dim: int = 384  # the sentence encoder's width
    text_hidden: int = 512
    embed_dim: int = 256
    dropout: float = 0.1

    def __post_init__(self) -> None:
        if self.kernel % 2 == 0:
            raise ValueError(f"kernel must be odd (same-length convolutions), got {self.kernel}")
        object.__setattr__(self, "dilations", tuple(int(d) for d in self.dilations))


@dataclass(frozen=True)
class TextMotionTrainConfig:
    """How :func:`~flag3d_core.generation.text_motion_train.train_text_motion` trains."""

    steps: int = 600
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 1e-4
    warmup_steps: int = 30
    temperature: float = 0.07  # initial; learned unless learn_temperature is False
    learn_temperature: bool = True
    min_window_s: float = 2.0  # training clips: random windows of 2-6 s
    max_window_s: float = 6.0
    seed: int = 0
    device: str = "cpu"


class _Block(nn.Module):
    """Pre-norm residual block: LayerNorm -> dilated conv -> GELU -> 1x1 conv -> dropout."""

    def __init__(self, channels: int, kernel: int, dilation: int, dropout: float) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels)
        self.conv = nn.Conv1d(channels, channels, kernel, dilation=dilation,
                              padding=dilation * (kernel - 1) // 2)
        self.mix = nn.Conv1d(channels, channels, 1)
        self.drop = nn.Dropout(dropout)

    def forward(self, h: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
        """h (B, C, T) with padded frames zero, m (B, 1, T) the mask as 0/1 -> (B, C, T)."""
        y = self.norm(h.transpose(1, 2)).transpose(1, 2) * m  # LayerNorm(0) is its bias
        return (h + self.drop(self.mix(nn.functional.gelu(self.conv(y))))) * m


class TextMotionNet(nn.Module):
    """Motion and text encoders into one unit sphere, plus the contrastive logit scale.

    Padded frames are zeroed after every layer, so a clip's embedding does not depend on what
    it is batched with (the convolutions pad with zeros too).
    """

    def __init__(self, cfg: TextMotionConfig) -> None:
        super().__init__()
        self.cfg = cfg
        c = cfg.channels
        self.register_buffer("mean", torch.zeros(cfg.features))  # feature standardisation,
        self.register_buffer("std", torch.ones(cfg.features))  # set from the training data
        self.inp = nn.Conv1d(cfg.features, c, 1)
        self.blocks = nn.ModuleList(_Block(c, cfg.kernel, d, cfg.dropout) for d in cfg.dilations)
        self.head = nn.Sequential(nn.LayerNorm(2 * c), nn.Linear(2 * c, cfg.embed_dim))
        self.text = nn.Sequential(nn.Linear(cfg.text_dim, cfg.text_hidden), nn.GELU(),
                                  nn.Dropout(cfg.dropout),
                                  nn.Linear(cfg.text_hidden, cfg.embed_dim))
        self.log_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_motion(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Unit embeddings (B, D) of features x (B, T, F) with mask (B, T)."""
        n_b, n_t, n_f = x.shape
        assert n_f == self.cfg.features and mask.shape == (n_b, n_t), (x.shape, mask.shape)
        m = mask[:, None].to(x.dtype)  # (B, 1, T)
        h = self.inp(((x - self.mean) / self.std).transpose(1, 2)) * m  # (B, C, T)
        for block in self.blocks:
            h = block(h, m)
        mean = h.sum(2) / m.sum(2).clamp(min=1)  # (B, C)
        peak = h.masked_fill(~mask[:, None], float("-inf")).amax(2)  # (B, C)
        return nn.functional.normalize(self.head(torch.cat([mean, peak], 1)), dim=1)

    def encode_text(self, sentence: torch.Tensor) -> torch.Tensor:
        """Unit embeddings (B, D) of sentence embeddings (B, text_dim)."""
        return nn.functional.normalize(self.text(sentence), dim=1)


def padded_clips(features: Sequence[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    """Feature clips (T_i, F) -> zero-padded (B, max T, F) float32 and mask (B, max T)."""
    n_t = max(len(f) for f in features)
    x = np.zeros((len(features), n_t, features[0].shape[1]), np.float32)
    mask = np.zeros((len(features), n_t), bool)
    for i, f in enumerate(features):
        x[i, :len(f)], mask[i, :len(f)] = f, True
    return torch.from_numpy(x), torch.from_numpy(mask)


@dataclass
class TextMotionEvaluator:
    """A trained :class:`TextMotionNet` with what it was trained with; embeddings are float32
    numpy unit rows. ``body`` (not saved) is the body model :meth:`embed_motions` uses when
    it is given none."""

    model: TextMotionNet
    config: TextMotionConfig
    train_config: TextMotionTrainConfig
    text_encoder: str  # name of the sentence encoder it was trained on
    data_fingerprint: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    body: Any = None

    @property
    def device(self) -> torch.device:
        return self.model.mean.device

    def embed_features(self, features: Sequence[np.ndarray],
                       batch_size: int = 64) -> np.ndarray:
        """(N, D) embeddings of feature clips (T_i >= 16, F) at ``config.fps``."""
        for f in features:
            if f.ndim != 2 or f.shape[1] != self.config.features or len(f) < MIN_FRAMES:
                raise ValueError(f"feature clips must be (T >= {MIN_FRAMES}, "
                                 f"{self.config.features}), got {f.shape}")
        out = np.zeros((len(features), self.config.embed_dim), np.float32)
        order = np.argsort([len(f) for f in features], kind="stable")  # similar lengths together
        self.model.eval()
        with torch.no_grad():
            for s in range(0, len(order), batch_size):
                idx = order[s:s + batch_size]
                x, mask = padded_clips([features[i] for i in idx])
                emb = self.model.encode_motion(x.to(self.device), mask.to(self.device))
                out[idx] = emb.cpu().numpy()
        return out

    def embed_joints(self, joints: Sequence[np.ndarray], fps: float) -> np.ndarray:
        """(N, D) embeddings of SMPL-24 joint clips (T_i, 24, 3), z up, at ``fps``."""
        rate = self.config.fps
        return self.embed_features(
            [motion_features(resample_frames(np.asarray(j), fps, rate), rate) for j in joints])

    def _joints(self, motions: Sequence[np.ndarray], betas: np.ndarray | Sequence[np.ndarray],
                body: Any) -> list[np.ndarray]:
        body = self.body if body is None else body
        if body is None:
            raise ValueError("embedding motions needs a body model: pass body= or set "
                             "evaluator.body")
        shapes = np.asarray(betas, np.float32)
        if shapes.ndim == 1:
            shapes = np.repeat(shapes[None], len(motions), axis=0)
        if len(shapes) != len(motions):
            raise ValueError(f"{len(motions)} motions but {len(shapes)} shapes")
        return [smpl_joints_np(body, m, b) for m, b in zip(motions, shapes, strict=True)]

    def embed_motions(self, motions: Sequence[np.ndarray],
                      betas: np.ndarray | Sequence[np.ndarray], fps: float, *,
                      body: Any = None) -> np.ndarray:
        """(N, D) embeddings of motions (T_i, 147) (full sequences or clips, T_i >= 16 at the
        evaluator's rate); ``betas`` one (10,) shape for all or one per motion."""
        return self.embed_joints(self._joints(motions, betas, body), fps)

    def embed_sentences(self, sentences: np.ndarray) -> np.ndarray:
        """(N, D) embeddings of sentence-encoder embeddings (N, text_dim)."""
        s = torch.as_tensor(np.asarray(sentences, np.float32), device=self.device)
        self.model.eval()
        with torch.no_grad():
            return self.model.encode_text(s).cpu().numpy()

    def embed_texts(self, texts: Sequence[str], encoder: Any) -> np.ndarray:
        """(N, D) embeddings of ``texts`` through ``encoder`` (the one it was trained on)."""
        if getattr(encoder, "name", None) != self.text_encoder:
            raise ValueError(f"this evaluator was trained on the {self.text_encoder!r} sentence "
                             f"encoder, not {getattr(encoder, 'name', encoder)!r}")
        return self.embed_sentences(encoder.encode(list(texts)))

    @staticmethod
    def similarity(motion_emb: np.ndarray, text_emb: np.ndarray) -> np.ndarray:
        """Cosine similarities (N, M) of motion embeddings (N, D) and text embeddings (M, D)."""
        return np.asarray(motion_emb, np.float32) @ np.asarray(text_emb, np.float32).T

    def windowed_similarity(self, motion: np.ndarray, betas: np.ndarray,
                            text_embedding: np.ndarray, window_s: float = 2.0,
                            stride_s: float = 0.5, *, fps: float | None = None,
                            body: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """How well a motion (T, 147) at ``fps`` (default: the evaluator's) follows a text
        embedding (D,) over time: (times (W,) window centres in seconds, cosine sims (W,)).
        Windows of ``window_s`` every ``stride_s``; a motion shorter than one window is one."""
        fps = self.config.fps if fps is None else float(fps)
        rate = self.config.fps
        joints = resample_frames(self._joints([motion], betas, body)[0], fps, rate)
        n_t = len(joints)
        size = min(n_t, max(MIN_FRAMES, round(window_s * rate)))
        starts = np.arange(0, n_t - size + 1, max(1, round(stride_s * rate)))
        emb = self.embed_features([motion_features(joints[s:s + size], rate) for s in starts])
        times = (starts + size / 2) / rate
        return times, emb @ np.asarray(text_embedding, np.float32).reshape(-1)


def save_text_motion(path: str | os.PathLike, evaluator: TextMotionEvaluator, *,
                     metrics: dict[str, Any] | None = None) -> Path:
    """Write the evaluator (format :data:`FORMAT`) atomically; ``metrics`` (builtins) are added
    to those it holds. Returns the path."""
    ckpt = {
        "format": FORMAT,
        "config": asdict(evaluator.config),
        "train_config": asdict(evaluator.train_config),
        "state_dict": {k: v.detach().cpu() for k, v in evaluator.model.state_dict().items()},
        "text_encoder": evaluator.text_encoder,
        "data_fingerprint": evaluator.data_fingerprint,
        "metrics": {**evaluator.metrics, **(metrics or {})},
    }
    return write_checkpoint(path, ckpt)


def load_text_motion(path: str | os.PathLike, device: str = "cpu", *,
                     body: Any = None) -> TextMotionEvaluator:
    """The evaluator stored at ``path`` (eval mode, on ``device``); ``body`` as in
    :class:`TextMotionEvaluator`. Raises ValueError for a file of another format."""
    ckpt = read_checkpoint(path, FORMAT, device)
    config = TextMotionConfig(**ckpt["config"])
    model = TextMotionNet(config)
    load_weights(model, ckpt["state_dict"], path, "its config")
    return TextMotionEvaluator(
        model=model.to(device).eval(), config=config,
        train_config=TextMotionTrainConfig(**ckpt["train_config"]),
        text_encoder=ckpt["text_encoder"], data_fingerprint=ckpt["data_fingerprint"],
        metrics=dict(ckpt["metrics"]), body=body)


checkpoint_hash = file_sha256  # sha256 (hex) of the checkpoint file, for results to record
