"""The text index: one document per (activity, field) with its sentence embedding.

Documents are an activity's name, description, key points and mistakes, each whole: on the
FLAG3D-Synth texts, whole fields ranked paraphrases better than one document per sentence (in a
trial of 24 paraphrase queries, 22 against 18-21 had the right activity in the top 3; the
benchmark reports the figure for the search as built). The embeddings are computed once, after
an ingest, and stored in the catalog's ``text_index`` table; ``meta`` keeps the model's name
and a fingerprint of the indexed texts, so :func:`ensure_text_index` re-encodes only when the
texts (or the model) changed. Writes go through
:func:`~flag3d_core.catalog.writer.catalog_transaction`: a failed build leaves the catalog as it
was.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.queries import Con
from flag3d_core.catalog.writer import catalog_transaction
from flag3d_core.search.encoder import DIM, MODEL_NAME, TextEncoder
from flag3d_core.search.keywords import KeywordIndex

__all__ = ["FIELDS", "IndexSummary", "TextIndex", "build_text_index", "documents",
           "ensure_text_index", "load_text_index", "texts_fingerprint"]

log = logging.getLogger(__name__)

# The indexed fields of an activity row, in document order.
FIELDS: tuple[str, ...] = ("name", "description", "key_points", "mistakes")
# Bump when the documents made from the same texts change (forces a re-index).
DOCUMENT_LAYOUT = "whole-fields-v1"
META_FINGERPRINT = "text_index_fingerprint"
META_MODEL = "text_index_model"


@dataclass(frozen=True)
class IndexSummary:
    """What :func:`ensure_text_index` did."""

    built: bool          # False: the stored index was up to date
    documents: int       # documents in the index afterwards
    seconds: float
    model: str
    encoder_s: float = 0.0  # time to load the encoder (0 when skipped)

    def describe(self) -> str:
        if not self.built:
            return f"up to date ({self.documents} texts, {self.model})"
        return (f"built: {self.documents} texts with {self.model} in {self.seconds:.1f} s "
                f"(encoder load {self.encoder_s:.1f} s)")


def documents(texts: pd.DataFrame) -> pd.DataFrame:
    """The index documents of activity rows (see ``queries.activity_texts``).

    Returns one row per non-empty (activity, field): dataset, activity_id, field, text, in
    activity then :data:`FIELDS` order.
    """
    rows = []
    for r in texts.itertuples(index=False):
        for f in FIELDS:
            text = getattr(r, f)
            if isinstance(text, str) and text.strip():
                rows.append({"dataset": r.dataset, "activity_id": r.activity_id, "field": f,
                             "text": " ".join(text.split())})
    return pd.DataFrame(rows, columns=["dataset", "activity_id", "field", "text"])


def texts_fingerprint(texts: pd.DataFrame, model: str) -> str:
    """sha256 of the indexed texts, the document layout and the model name."""
    docs = documents(texts)
    payload = json.dumps([DOCUMENT_LAYOUT, model, docs.to_numpy().tolist()], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _is_current(con: Con, model: str) -> tuple[bool, int]:
    """(whether the stored index matches the catalog's texts and ``model``, its size)."""
    if not queries.has_table(con, "text_index"):
        return False, 0
    meta = queries.get_meta(con)
    fp = texts_fingerprint(queries.activity_texts(con), model)
    n = int(con.execute("SELECT count(*) FROM text_index").fetchone()[0])
    return meta.get(META_FINGERPRINT) == fp and meta.get(META_MODEL) == model, n


def build_text_index(con: Con, encoder: TextEncoder) -> int:
    """Encode the catalog's activity texts and store them (replacing the old index).

    ``con`` is a read-write connection (inside a catalog transaction). Returns the number of
    documents.
    """
    texts = queries.activity_texts(con)
    docs = documents(texts)
    emb = encoder.encode(docs.text.tolist())  # (N, 384)
    if emb.shape != (len(docs), DIM):
        raise ValueError(f"encoder {encoder.name} returned {emb.shape}, expected "
                         f"({len(docs)}, {DIM})")
    frame = docs.assign(doc_id=np.arange(len(docs), dtype=np.int32), embedding=list(emb))
    n = queries.replace_text_index(con, frame[["doc_id", "dataset", "activity_id", "field",
                                                "text", "embedding"]])
    queries.set_meta(con, META_FINGERPRINT, texts_fingerprint(texts, encoder.name))
    queries.set_meta(con, META_MODEL, encoder.name)
    return n


def ensure_text_index(catalog: Path, load_encoder: Callable[[], TextEncoder], *,
                      model: str = MODEL_NAME) -> IndexSummary:
    """Build the catalog's text index unless it is up to date.

    The check reads the catalog (read-only) without loading the encoder; only a stale or missing
    index loads it (``load_encoder``) and swaps in a new catalog with the index. ``model`` is the
    name the encoder will report.
    """
    t0 = time.perf_counter()
    con = queries.connect(catalog, read_only=True)
    try:
        current, n = _is_current(con, model)
    finally:
        con.close()
    if current:
        return IndexSummary(False, n, time.perf_counter() - t0, model)
    t1 = time.perf_counter()
    encoder = load_encoder()
    encoder_s = time.perf_counter() - t1
    if encoder.name != model:
        raise ValueError(f"encoder {encoder.name!r} is not the expected {model!r}")
    with catalog_transaction(catalog) as wcon:
        n = build_text_index(wcon, encoder)
    took = time.perf_counter() - t0
    log.info("text index of %s: %d documents in %.1f s", catalog, n, took)
    return IndexSummary(True, n, took, model, encoder_s)


@dataclass(frozen=True)
class TextIndex:
    """The search's view of a catalog: activity texts, their keywords and stored embeddings.

    Attributes:
        activities: ``queries.activity_texts`` rows (row i is activity i below).
        records: the same rows as dicts (what a query loops over).
        keywords: the keyword index of those rows.
        docs: the stored documents (dataset, activity_id, field, text); row j of ``embeddings``.
        doc_fields / doc_texts: their fields and texts as tuples (what a query reads).
        doc_rows: (N,) int, the activity row of each document.
        embeddings: (N, 384) float32 unit rows; (0, 384) when the catalog holds no index.
        model: the encoder that made them (None without an index).
    """

    activities: pd.DataFrame
    records: tuple[dict, ...]
    keywords: KeywordIndex
    docs: pd.DataFrame
    doc_fields: tuple[str, ...]
    doc_texts: tuple[str, ...]
    doc_rows: np.ndarray
    embeddings: np.ndarray
    model: str | None

    @property
    def has_embeddings(self) -> bool:
        return len(self.docs) > 0


def load_text_index(con: Con) -> TextIndex:
    """Read the activity texts and the stored index (a few ms; keep it per catalog version).

    Documents whose activity is no longer in the catalog are dropped.
    """
    acts = queries.activity_texts(con)
    keywords = KeywordIndex(acts)
    stored = (queries.text_index(con) if queries.has_table(con, "text_index")
              else pd.DataFrame(columns=["doc_id", "dataset", "activity_id", "field", "text",
                                         "embedding"]))
    row_of = {(d, a): i for i, (d, a) in enumerate(zip(acts.dataset, acts.activity_id,
                                                        strict=True))}
    rows = np.array([row_of.get((d, a), -1) for d, a in zip(stored.dataset, stored.activity_id,
                                                            strict=True)], dtype=np.int64)
    keep = rows >= 0
    stored = stored[keep].reset_index(drop=True)
    emb = (np.stack(stored.embedding.to_numpy()).astype(np.float32) if len(stored)
           else np.zeros((0, DIM), np.float32))  # (N, 384)
    model = queries.get_meta(con).get(META_MODEL) if len(stored) else None
    docs = stored[["dataset", "activity_id", "field", "text"]]
    records = tuple(acts.to_dict("records"))
    return TextIndex(acts, records, keywords, docs, tuple(docs.field), tuple(docs.text),
                     rows[keep], emb, model)
