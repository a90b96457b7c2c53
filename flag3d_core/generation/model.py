"""A conditional transformer VAE over motions (ACTOR's design, Petrovich et al. 2021), sized
for the CPU, conditioned on an activity (``condition="action"``) or on a sentence embedding
(``condition="text"``: frozen all-MiniLM-L6-v2, 384-d).

Frames are grouped ``patch`` at a time into tokens (4 by default: a 6 s motion is 45 tokens,
which keeps training on a CPU in minutes). Encoder: two condition tokens (ACTOR's mu and sigma
queries; for text, two projections of the sentence embedding) in front of the motion's tokens
(linear embedding + sinusoidal time code), a transformer encoder; its outputs at the two
tokens are the posterior's mean and log-variance. Decoder: the latent plus a condition bias is
the memory; sinusoidal time queries, one per output token, attend to it through a transformer
decoder; a linear layer gives each token's frames. The length is the number of time queries,
so one model makes motions of any length up to what it saw in training. Inputs are
standardised with the training set's per-feature mean and standard deviation, stored in the
model (its checkpoint carries them).

Shapes: motions (B, T, 147) (see :mod:`.motion`), masks (B, T) bool (True = a real frame),
labels (B,) int64, texts (B, 384) float32.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from flag3d_core.generation.motion import FEATURES

__all__ = ["CONDITIONS", "GeneratorConfig", "MotionVAE", "time_code"]

CONDITIONS = ("action", "text")


@dataclass(frozen=True)
class GeneratorConfig:
    """Architecture of a :class:`MotionVAE` (stored in its checkpoint)."""

    condition: str = "action"
    n_classes: int = 60
    text_dim: int = 384
    features: int = FEATURES
    d_model: int = 128
    n_heads: int = 4
    n_layers: int = 2
    ff_dim: int = 256
    dropout: float = 0.1
    fps: float = 30.0
    patch: int = 4  # frames per transformer token (a 6 s motion is 45 tokens)
    cond_queries: bool = False  # also add the condition to every decoder time query
    text_norm: bool = False  # standardise sentence embeddings with the training phrases' stats

    def __post_init__(self) -> None:
        if self.condition not in CONDITIONS:
            raise ValueError(f"condition must be one of {CONDITIONS}, got {self.condition!r}")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model {self.d_model} is not a multiple of n_heads "
                             f"{self.n_heads}")

    def to_dict(self) -> dict:
        return asdict(self)


def time_code(n_tokens: int, dim: int, seconds_per_token: float,
              device: torch.device | str = "cpu", dtype: torch.dtype = torch.float32
              ) -> torch.Tensor:
    """Sinusoidal codes (N, dim) of the tokens' start times in seconds (a code means the same
    moment at any length); wavelengths from 0.4 s to ~4000 s."""
    t = torch.arange(n_tokens, device=device, dtype=torch.float64)[:, None] * seconds_per_token
    k = torch.arange(0, dim, 2, device=device, dtype=torch.float64)
    freq = (2 * math.pi / 0.4) * torch.exp(-k / dim * math.log(10_000.0))  # (dim / 2,)
    code = torch.zeros(n_tokens, dim, device=device, dtype=torch.float64)
    code[:, 0::2] = torch.sin(t * freq)
    code[:, 1::2] = torch.cos(t * freq)
    return code.to(dtype)


class MotionVAE(nn.Module):
    """The generator; see the module docstring."""

    def __init__(self, cfg: GeneratorConfig) -> None:
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.register_buffer("mean", torch.zeros(cfg.features))
        self.register_buffer("std", torch.ones(cfg.features))
        self.embed = nn.Linear(cfg.patch * cfg.features, d)
        if cfg.condition == "action":
            self.mu_query = nn.Embedding(cfg.n_classes, d)
            self.sigma_query = nn.Embedding(cfg.n_classes, d)
            self.bias = nn.Embedding(cfg.n_classes, d)
        else:
            if cfg.text_norm:
                self.register_buffer("text_mean", torch.zeros(cfg.text_dim))
                self.register_buffer("text_std", torch.ones(cfg.text_dim))
            self.text_tokens = nn.Linear(cfg.text_dim, 2 * d)
            self.bias = nn.Sequential(nn.Linear(cfg.text_dim, d), nn.GELU(), nn.Linear(d, d))
        enc = nn.TransformerEncoderLayer(d, cfg.n_heads, cfg.ff_dim, cfg.dropout,
                                         activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(enc, cfg.n_layers, enable_nested_tensor=False)
        dec = nn.TransformerDecoderLayer(d, cfg.n_heads, cfg.ff_dim, cfg.dropout,
                                         activation="gelu", batch_first=True)
        self.decoder = nn.TransformerDecoder(dec, cfg.n_layers)
        self.out = nn.Linear(d, cfg.patch * cfg.features)

    def set_normalisation(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        """Per-feature statistics (147,) of the training motions."""
        self.mean.copy_(mean)
        self.std.copy_(torch.clamp(std, min=1e-3))

    def set_text_normalisation(self, embeddings: torch.Tensor) -> None:
        """Per-dimension statistics of the training phrases' embeddings (P, 384): the
        sentences of 60 activities are close in MiniLM's space, standardising spreads them."""
        if self.cfg.text_norm:
            self.text_mean.copy_(embeddings.mean(0))
            self.text_std.copy_(torch.clamp(embeddings.std(0), min=1e-4))

    def _condition(self, cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(mu and sigma tokens (B, 2, d), decoder bias (B, d)) of labels or text embeddings."""
        if self.cfg.condition == "action":
            tokens = torch.stack([self.mu_query(cond), self.sigma_query(cond)], dim=1)
        else:
            cond = cond.to(self.embed.weight.dtype)
            if self.cfg.text_norm:
                cond = (cond - self.text_mean) / self.text_std
            tokens = self.text_tokens(cond).view(-1, 2, self.cfg.d_model)
        return tokens, self.bias(cond)

    def encode(self, motion: torch.Tensor, mask: torch.Tensor,
               cond: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Posterior mean and log-variance (B, d) of motions (B, T, 147)."""
        n_b, n_t, n_f = motion.shape
        p = self.cfg.patch
        n_p = -(-n_t // p)  # tokens
        x = (motion - self.mean) / self.std * mask[..., None].to(motion.dtype)
        x = torch.nn.functional.pad(x, (0, 0, 0, n_p * p - n_t)).reshape(n_b, n_p, p * n_f)
        x = self.embed(x) + time_code(n_p, self.cfg.d_model, p / self.cfg.fps, x.device, x.dtype)
        tokens, _ = self._condition(cond)
        x = torch.cat([tokens, x], dim=1)  # (B, 2 + N, d)
        valid = torch.nn.functional.pad(mask, (0, n_p * p - n_t)).view(n_b, n_p, p).any(-1)
        pad = torch.cat([torch.zeros(n_b, 2, dtype=torch.bool, device=mask.device), ~valid], 1)
        h = self.encoder(x, src_key_padding_mask=pad)
        return h[:, 0], h[:, 1]

    def decode(self, z: torch.Tensor, cond: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Motions (B, T, 147) from latents (B, d) for the T frames of ``mask`` (B, T)."""
        n_b, n_t = mask.shape
        p = self.cfg.patch
        n_p = -(-n_t // p)
        _, bias = self._condition(cond)
        memory = (z + bias)[:, None]  # (B, 1, d)
        q = time_code(n_p, self.cfg.d_model, p / self.cfg.fps, z.device, z.dtype)
        q = q.expand(n_b, n_p, -1)
        if self.cfg.cond_queries:
            q = q + bias[:, None]
        h = self.decoder(q, memory)  # (B, N, d)
        y = self.out(h).reshape(n_b, n_p * p, -1)[:, :n_t] * self.std + self.mean
        return y * mask[..., None].to(y.dtype)

    def forward(self, motion: torch.Tensor, mask: torch.Tensor, cond: torch.Tensor,
                generator: torch.Generator | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Reconstruction (B, T, 147), posterior mean and log-variance (B, d)."""
        mu, logvar = self.encode(motion, mask, cond)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
        z = mu + eps * torch.exp(0.5 * logvar)
        return self.decode(z, cond, mask), mu, logvar

    @torch.no_grad()
    def sample(self, cond: torch.Tensor, n_frames: int, seed: int = 0) -> torch.Tensor:
        """Motions (B, n_frames, 147) for conditions (B,) or (B, 384); row i's latent is drawn
        from the prior with seed ``seed + i`` (the same seed and condition give the same
        motion)."""
        n_b = cond.shape[0]
        z = torch.stack([torch.randn(self.cfg.d_model, generator=torch.Generator().manual_seed(
            int(seed) + i)) for i in range(n_b)]).to(self.embed.weight)
        mask = torch.ones(n_b, n_frames, dtype=torch.bool, device=z.device)
        return self.decode(z, cond.to(z.device), mask)
