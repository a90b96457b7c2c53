"""Both evaluation protocols of a generator against the catalog's held-out performers, as one
metrics dict (what a generation run records): the category protocol (:mod:`.evaluate`) with
the protocol's recognizer and the language protocol (:mod:`.evaluate_text`) with the
text-motion evaluator, each evaluator named by its checkpoint's hash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from flag3d_core.catalog import queries
from flag3d_core.checkpoint_io import file_sha256
from flag3d_core.generation.checkpoint import LoadedGenerator
from flag3d_core.generation.data import load_motions
from flag3d_core.generation.evaluate import CategoryConfig, evaluate_category
from flag3d_core.generation.evaluate_text import LanguageConfig, evaluate_language
from flag3d_core.generation.evaluators import default_eval_recognizer, default_text_motion

__all__ = ["evaluate_generator"]


def evaluate_generator(gen: LoadedGenerator, con: queries.Con, arrays_dir: Path, body: Any,
                       encoder: Any, *, device: str = "cpu", seeds: int = 3,
                       progress: Callable[[str, int, int], None] | None = None
                       ) -> dict[str, Any]:
    """Category and language protocol figures of ``gen`` (raises FileNotFoundError when an
    evaluator is missing). ``encoder``: the MiniLM sentence encoder."""
    rec = default_eval_recognizer(con, device)
    ev = default_text_motion(con, device, body=body)
    train = load_motions(con, arrays_dir, split="train", body_model=body)
    test = load_motions(con, arrays_dir, split="test", body_model=body)
    labels = sorted(gen.activities)
    by_label: dict[int, np.ndarray] = {}
    if gen.model.cfg.condition == "text":
        by_label = dict(zip(labels, encoder.encode([gen.activities[lab]["text"]
                                                    for lab in labels]), strict=True))
    texts = sorted({it.text for it in test})
    by_text = (dict(zip(texts, encoder.encode(texts), strict=True))
               if gen.model.cfg.condition == "text" else {})
    tick = (lambda what: (lambda d, n: progress(what, d, n))) if progress else (
        lambda what: None)
    run_seeds = tuple(range(seeds))
    cat = evaluate_category(gen.model, rec, body, train, test, CategoryConfig(seeds=run_seeds),
                            condition_of=by_label.__getitem__ if by_label else None,
                            max_direct=gen.max_direct, progress=tick("category protocol"))
    lang = evaluate_language(gen.model, ev, encoder, body, train, test,
                             LanguageConfig(seeds=run_seeds),
                             condition_of=(lambda it: by_text[it.text]) if by_text else None,
                             evaluator_sha256=str(ev.metrics.get("sha256", "")),
                             max_direct=gen.max_direct, progress=tick("language protocol"))
    return (cat.metrics() | {"confusion": cat.confusion.tolist(),
                             "recognizer_sha256": file_sha256(rec.extra["path"])}
            | lang.metrics())
