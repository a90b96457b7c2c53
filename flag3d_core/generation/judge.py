"""What the playground says of each generated sample: the activity the protocol's recognizer
sees in it, how well the text-motion evaluator finds it matches the prompt, and the nearest
real motions of the catalog in the evaluator's embedding (which is also the text search over
real motions, like TMR's demo).

Conventions: the recognizer scores 5 s windows every 2.5 s (a shorter motion is looped to one
window) and averages their class probabilities; similarities are cosines of the evaluator's
unit embeddings, in [-1, 1]; real motions are whole MoCap sequences of both splits.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.atomic import atomic_write_bytes
from flag3d_core.catalog import queries
from flag3d_core.generation.data import MotionItem
from flag3d_core.generation.eval_recognizer import window_items
from flag3d_core.generation.evaluate import recognizer_outputs
from flag3d_core.generation.skeleton import ntu25_joints, smpl_joints_np
from flag3d_core.generation.text_motion import TextMotionEvaluator
from flag3d_core.recognition.checkpoint import LoadedModel
from flag3d_core.recognition.upload import top_k

__all__ = ["JUDGE_CONVENTIONS", "MotionIndex", "Recognized", "build_index", "index_key",
           "load_or_build_index", "recognize", "search"]

JUDGE_CONVENTIONS = (
    "Recognized: the category protocol's ST-GCN (trained on 5 s windows of P001-P005), class "
    "probabilities averaged over 5 s windows every 2.5 s. Text match: cosine similarity of the "
    "text-motion evaluator's motion and prompt embeddings (-1 to 1; real motions and their own "
    "instruction text score about {real:.2f} on the test performers). Nearest real: the catalog's "
    "MoCap sequences by cosine similarity of the evaluator's motion embeddings.")


@dataclass(frozen=True)
class MotionIndex:
    """Evaluator embeddings (N, D) of the catalog's real motions, with their ids and labels."""

    keys: tuple[str, ...]
    labels: np.ndarray  # (N,)
    embeddings: np.ndarray  # (N, D) unit rows
    texts: tuple[str, ...]

    def nearest(self, embedding: np.ndarray, k: int = 3) -> list[tuple[str, float]]:
        """The k real motions most similar to an embedding (D,): (sequence id, cosine)."""
        sims = self.embeddings @ np.asarray(embedding, np.float32).reshape(-1)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(self.keys[i], float(sims[i])) for i in top]

    def own_text_similarity(self, evaluator: TextMotionEvaluator, encoder: object) -> float:
        """Mean cosine of each real motion with its own instruction text (the yardstick)."""
        unique = sorted(set(self.texts))
        table = dict(zip(unique, evaluator.embed_texts(unique, encoder), strict=True))
        text = np.stack([table[t] for t in self.texts])
        return float(np.mean(np.sum(self.embeddings * text, axis=1)))


def build_index(items: Sequence[MotionItem], evaluator: TextMotionEvaluator, body: object,
                progress: Callable[[int, int], None] | None = None,
                chunk: int = 128) -> MotionIndex:
    """Embed every real motion (whole sequences) with the evaluator."""
    embs = []
    for s in range(0, len(items), chunk):
        part = items[s:s + chunk]
        joints = [smpl_joints_np(body, it.motion, it.betas) for it in part]
        embs.append(evaluator.embed_joints(joints, float(part[0].fps)))
        if progress is not None:
            progress(min(s + chunk, len(items)), len(items))
    emb = np.concatenate(embs) if embs else np.zeros((0, evaluator.config.embed_dim),
                                                      np.float32)
    return MotionIndex(tuple(it.key for it in items), np.array([it.label for it in items]),
                       emb.astype(np.float32), tuple(it.text for it in items))


def index_key(con: queries.Con, evaluator_sha: str) -> str:
    """What an index depends on: the evaluator and each real motion's id and SMPL checksum."""
    h = hashlib.sha256(evaluator_sha.encode())
    for r in queries.smpl_motions(con).itertuples(index=False):
        h.update(f"{r.sequence_id}|{r.smpl_checksum}\n".encode())
    return h.hexdigest()[:24]


def load_or_build_index(con: queries.Con, arrays_dir: Path, cache_dir: Path,
                        evaluator: TextMotionEvaluator, body: Any,
                        progress: Callable[[int, int], None] | None = None) -> MotionIndex:
    """The index of the catalog's real motions, from ``cache_dir`` when this evaluator indexed
    these motions before, else built and written there."""
    from flag3d_core.generation.data import load_motions

    key = index_key(con, str(evaluator.metrics.get("sha256", "")))
    path = Path(cache_dir) / "motion-index" / f"{key}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as z:
            return MotionIndex(tuple(z["keys"].tolist()), z["labels"], z["embeddings"],
                               tuple(z["texts"].tolist()))
    items = load_motions(con, arrays_dir, body_model=body)
    index = build_index(items, evaluator, body, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez(buf, keys=np.array(index.keys), labels=index.labels,
             embeddings=index.embeddings, texts=np.array(index.texts))
    atomic_write_bytes(path, buf.getvalue())
    return index


def search(index: MotionIndex, evaluator: TextMotionEvaluator, encoder: object, text: str,
           k: int = 10) -> list[tuple[str, float]]:
    """Real motions for a text query: the k best (sequence id, cosine)."""
    return index.nearest(evaluator.embed_texts([text], encoder)[0], k)


@dataclass(frozen=True)
class Recognized:
    """The recognizer's view of one motion: the top-5 (label, probability)."""

    top: tuple[tuple[int, float], ...]

    @property
    def label(self) -> int:
        return self.top[0][0]

    @property
    def probability(self) -> float:
        return self.top[0][1]


def recognize(recognizer: LoadedModel, body: object, motions: Sequence[np.ndarray],
              betas: np.ndarray, fps: float) -> list[Recognized]:
    """The protocol's recognizer on motions (T_i, 147) of one shape ``betas`` (10,)."""
    n_frames = int(recognizer.extra.get("window_frames") or round(5.0 * fps))
    stride = max(1, n_frames // 2)
    out = []
    for m in motions:
        joints = ntu25_joints(body, m, betas, fps)
        fake = MotionItem("sample", m, betas, 0, "", "", "", "", "", fps, "")
        windows = window_items([joints], [fake], n_frames, stride)
        _, probs = recognizer_outputs(recognizer, [w.array for w in windows],
                                      [0] * len(windows))
        out.append(Recognized(tuple(top_k(probs.mean(0), 5))))
    return out
