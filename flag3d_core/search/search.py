"""Search by words: ranked activities and sequences for a free-text query.

How a query is ranked:

1. Id-like words (release names, sequence ids, A### P### R### C###; :mod:`.ids`) pick sequences
   structurally. A release name or sequence id typed whole is tier 3 (first); an activity named
   by its id is tier 1.
2. The other words are matched against every activity:

   * keyword score ``k`` in 0..1 (:mod:`.keywords`): the best field's weight (name 1.0, body part
     0.7, description and key points 0.6, mistakes 0.4) times the IDF-weighted share of the query
     words it holds (to the power 1.5);
   * semantic score ``s``: the best cosine between the query's MiniLM embedding and the
     activity's stored documents (name, description, key points at weight 1, mistakes at 0.85:
     a query that describes a motion should find it where it is described, not where it is
     warned against). The semantic part counts from ``s >= SEMANTIC_FLOOR`` and within
     ``SEMANTIC_MARGIN`` of the best activity's ``s``; below that an activity needs a keyword.

   An activity ranks by ``score = 0.5 k + s`` (a weighted sum rather than rank fusion: both
   parts are on comparable scales, and the sum keeps "how well" where ranks keep only "which
   first"; the weights were tuned on the keyword and paraphrase query sets of
   benchmarks/bench_search.py). An exact activity name is tier 2, above every score.
3. Sequences never flood the results: they come in groups, one per activity, at most
   ``MAX_GROUPS`` groups of ``PER_GROUP`` sequences (MoCap first), each knowing its group's size
   ("A017 · 12 sequences") so a page can link to the whole group. With id-like words but no
   activity id ("squat P002"), the groups are those of the best activity hits.

Hits sort by (tier, score); sequence groups score 1.0 (a full structural match), so they follow
strong text matches and lead weak ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from flag3d_core.catalog import queries
from flag3d_core.catalog.queries import Con
from flag3d_core.errors import NotInCatalogError
from flag3d_core.search.encoder import TextEncoder
from flag3d_core.search.ids import IdTokens, parse_id_tokens
from flag3d_core.search.index import TextIndex, load_text_index
from flag3d_core.search.keywords import (
    KeywordMatch,
    best_sentence,
    content_stems,
    normalise,
    words,
)

__all__ = ["MAX_QUERY_CHARS", "SEMANTIC_FLOOR", "SearchHit", "SequenceGroup", "search"]

HitKind = Literal["activity", "sequence"]

MAX_QUERY_CHARS = 200        # longer queries are cut here
SEMANTIC_FLOOR = 0.40        # cosine from which a semantic-only match is a result ...
SEMANTIC_MARGIN = 0.25       # ... if also within this of the best activity's cosine
SEMANTIC_WEIGHTS = {"name": 1.0, "description": 1.0, "key_points": 1.0, "mistakes": 0.85}
KEYWORD_WEIGHT = 0.5         # of the keyword score in score = 0.5 k + s
MAX_GROUPS = 3               # sequence groups (activities) in the results
PER_GROUP = 3                # sequences shown per group
SNIPPET_CHARS = 220
FIELD_LABELS = {"name": "name", "body_part": "body part", "description": "description",
                "key_points": "key points", "mistakes": "mistakes"}
SOURCE_LABELS = {"mocap": "MoCap", "render": "rendered video", "real": "phone video"}


@dataclass(frozen=True)
class SequenceGroup:
    """The group a sequence hit belongs to: one activity's sequences matching the query.

    Attributes:
        label: e.g. 'A017 Bare-handed Full Lateral Raise · 12 sequences'.
        activity_id / activity_name / body_part: the group's activity.
        n_sequences: sequences in the group (all sources); the hits show the first few.
        n_groups: activities with matching sequences in all (the results show MAX_GROUPS).
        performer / repetition / camera: the query's filters, for a link to the whole group.
    """

    label: str
    activity_id: str
    activity_name: str | None
    body_part: str | None
    n_sequences: int
    n_groups: int
    performer: str | None = None
    repetition: int | None = None
    camera: int | None = None


@dataclass(frozen=True)
class SearchHit:
    """One result.

    Attributes:
        kind: 'activity' or 'sequence'.
        id: 'A017' or a sequence id ('flag3d/mocap/S001C001M001P002A017R001').
        title: what to show first ('A017 · Bare-handed Full Lateral Raise', a release name).
        snippet: the matched text (a sentence or field of the instructions; for a sequence its
            activity, performer, repetition and source).
        score: the ranking score (see the module docstring); higher is better within a tier.
        reasons: why it matched, e.g. ('name', 'key points', 'semantic 0.61').
        activity_id / activity_name / body_part: the activity (of a sequence: its activity).
        group: sequence hits: their group.
        tier: 3 exact sequence id, 2 exact activity name, 1 activity id, 0 otherwise.
    """

    kind: HitKind
    id: str
    title: str
    snippet: str
    score: float
    reasons: tuple[str, ...]
    activity_id: str | None = None
    activity_name: str | None = None
    body_part: str | None = None
    group: SequenceGroup | None = None
    tier: int = 0


def _clip(text: str, n: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _semantic(index: TextIndex, encoder: TextEncoder | None, text: str
              ) -> tuple[np.ndarray, np.ndarray] | None:
    """Per activity row: best weighted cosine (A,) and the document giving it (A,), or None
    when there is nothing to compare (no words, no index, no encoder, another model)."""
    if (encoder is None or not index.has_embeddings or index.model != encoder.name
            or not any(c.isalpha() for c in text)):
        return None
    q = encoder.encode([text])[0]                                   # (384,)
    weights = np.array([SEMANTIC_WEIGHTS.get(f, 1.0) for f in index.doc_fields], np.float32)
    cos = (index.embeddings @ q) * weights                          # (N,)
    n_act = len(index.records)
    best = np.full(n_act, -np.inf, np.float32)
    np.maximum.at(best, index.doc_rows, cos)
    best_doc = np.full(n_act, -1, np.int64)
    order = np.argsort(cos)                       # ascending: the best document writes last
    best_doc[index.doc_rows[order]] = order
    return best, best_doc


@dataclass(frozen=True)
class _Scored:
    """An activity's match before it becomes a hit."""

    row: int
    tier: int
    score: float
    keyword: KeywordMatch | None
    semantic: float | None  # the cosine when it counts, else None
    exact: bool
    by_id: bool


def _score_activities(index: TextIndex, ids: IdTokens, encoder: TextEncoder | None
                      ) -> tuple[list[_Scored], np.ndarray | None]:
    """Every activity that matches, best first; and the best document per activity."""
    text = ids.rest
    kw = index.keywords.match(content_stems(text))
    sem = _semantic(index, encoder, text)
    wanted = normalise(text)
    s_best = float(sem[0].max()) if sem is not None and len(sem[0]) else 0.0
    scored = []
    for i, row in enumerate(index.records):
        exact = bool(wanted) and normalise(row["name"]) == wanted
        by_id = row["activity_id"] in ids.activity_ids
        k = kw.get(i)
        s = float(sem[0][i]) if sem is not None else 0.0
        s_counts = sem is not None and s >= max(SEMANTIC_FLOOR, s_best - SEMANTIC_MARGIN)
        if not (exact or by_id or k is not None or s_counts):
            continue
        score = KEYWORD_WEIGHT * (k.score if k is not None else 0.0) + max(s, 0.0)
        scored.append(_Scored(i, 2 if exact else 1 if by_id else 0, round(score, 4), k,
                              s if s_counts else None, exact, by_id))
    scored.sort(key=lambda m: (-m.tier, -m.score, index.records[m.row]["activity_id"]))
    return scored, (sem[1] if sem is not None else None)


def _activity_snippet(row: dict, kw: KeywordMatch | None, sem_text: str | None) -> str:
    """The semantic document when it carried the match, else the sentence holding the
    keywords, else the description's first sentence."""
    if sem_text:
        return _clip(sem_text)
    if kw is not None and kw.field in ("description", "key_points", "mistakes"):
        return _clip(best_sentence(row[kw.field], kw.stems))
    desc = row["description"] if isinstance(row["description"], str) else ""
    return _clip(best_sentence(desc, kw.stems if kw else ()))


def _activity_hit(index: TextIndex, m: _Scored, best_doc: np.ndarray | None) -> SearchHit:
    row, k = index.records[m.row], m.keyword
    reasons = (["exact name"] if m.exact else []) + (["id"] if m.by_id else [])
    if k is not None:
        reasons += [FIELD_LABELS[f] for f in k.fields if not (m.exact and f == "name")]
    sem_text = None
    if m.semantic is not None:
        reasons.append(f"semantic {m.semantic:.2f}")
        j = int(best_doc[m.row])
        sem_wins = not m.exact and (k is None or k.field in ("name", "body_part"))
        if sem_wins and index.doc_fields[j] != "name":
            sem_text = index.doc_texts[j]
    return SearchHit(
        kind="activity", id=row["activity_id"], title=f"{row['activity_id']} · {row['name']}",
        snippet=_activity_snippet(row, k, sem_text), score=m.score, reasons=tuple(reasons),
        activity_id=row["activity_id"], activity_name=row["name"], body_part=row["body_part"],
        tier=m.tier)


def _activity_hits(index: TextIndex, ids: IdTokens, encoder: TextEncoder | None, limit: int
                   ) -> list[SearchHit]:
    """The best ``limit`` activities as hits (snippets are made for those only)."""
    scored, best_doc = _score_activities(index, ids, encoder)
    return [_activity_hit(index, m, best_doc) for m in scored[:limit]]


def _sequence_reasons(ids: IdTokens, row: dict) -> tuple[str, ...]:
    out = []
    if row["activity_id"] in ids.activity_ids:
        out.append(f"activity {row['activity_id']}")
    if ids.performer:
        out.append(f"performer {ids.performer}")
    if ids.repetition is not None:
        out.append(f"repetition R{ids.repetition:03d}")
    if ids.camera is not None:
        out.append(f"camera C{ids.camera:03d}")
    if ids.name_like:
        out.append(f"name contains {ids.name_like}")
    return tuple(out) or ("text match",)


def _sequence_snippet(row: dict) -> str:
    parts = [f"{row['activity_id']} {row['activity'] or ''}".strip(), str(row["performer"])]
    if pd.notna(row["repetition"]):
        parts.append(f"R{int(row['repetition']):03d}")
    parts.append(SOURCE_LABELS.get(row["source"], str(row["source"])))
    if row["source"] == "render" and pd.notna(row["camera"]):
        parts.append(f"camera C{int(row['camera']):03d}")
    return " · ".join(parts)


def _sequence_hits(con: Con, ids: IdTokens, activity_hits: list[SearchHit]) -> list[SearchHit]:
    """Grouped sequence hits for the id-like words (none without them)."""
    if not (ids.activity_ids or ids.performer or ids.repetition is not None
            or ids.camera is not None or ids.name_like):
        return []
    if ids.activity_ids:
        restrict: list[str] | None = list(ids.activity_ids)
    elif words(ids.rest):  # "squat P002": the best text matches' sequences
        restrict = [h.id for h in activity_hits[:MAX_GROUPS]]
        if not restrict:
            return []
    else:
        restrict = None
    f = queries.SequenceFilter(performer=ids.performer, repetition=ids.repetition,
                               camera=ids.camera, name_like=ids.name_like)
    df = queries.sequence_groups(con, f, activity_ids=restrict, per_group=PER_GROUP,
                                 max_groups=MAX_GROUPS)
    hits = []
    for j, row in enumerate(df.to_dict("records")):
        n = int(row["n_in_group"])
        group = SequenceGroup(
            label=f"{row['activity_id']} {row['activity'] or ''}".strip()
            + f" · {n:,} sequence{'s' if n != 1 else ''}",
            activity_id=row["activity_id"], activity_name=row["activity"],
            body_part=row["body_part"], n_sequences=n,
            n_groups=int(row["n_groups"]), performer=ids.performer,
            repetition=ids.repetition, camera=ids.camera)
        hits.append(SearchHit(
            kind="sequence", id=row["sequence_id"], title=row["name"],
            snippet=_sequence_snippet(row), score=round(1.0 - 0.001 * j, 4),
            reasons=_sequence_reasons(ids, row), activity_id=row["activity_id"],
            activity_name=row["activity"], body_part=row["body_part"], group=group))
    return hits


def _exact_sequence(con: Con, ids: IdTokens) -> SearchHit | None:
    if ids.exact is None:
        return None
    try:
        sid = queries.resolve_sequence_id(con, ids.exact)
    except NotInCatalogError:
        return None
    meta = queries.sequence(con, sid)
    if meta is None:  # pragma: no cover - resolved ids exist
        return None
    return SearchHit(kind="sequence", id=sid, title=meta["name"], snippet=_sequence_snippet(meta),
                     score=2.0, reasons=("release name",), activity_id=meta["activity_id"],
                     activity_name=meta["activity"], body_part=meta["body_part"], tier=3)


def search(con: Con, query: str, encoder: TextEncoder | None, limit: int = 20, *,
           index: TextIndex | None = None) -> list[SearchHit]:
    """Ranked activities and sequences for ``query`` (see the module docstring for the rule).

    Args:
        con: a catalog connection or cursor.
        query: free text; cut at MAX_QUERY_CHARS; empty gives no hits.
        encoder: the sentence encoder of the stored index (None: keyword and id matches only).
        limit: at most this many hits (sequence hits included; at most MAX_GROUPS x PER_GROUP).
        index: the catalog's :class:`TextIndex` when the caller keeps it (else read here).
    """
    text = " ".join(str(query).split())[:MAX_QUERY_CHARS]
    if not text or limit <= 0:
        return []
    index = index if index is not None else load_text_index(con)
    ids = parse_id_tokens(text)
    activities = _activity_hits(index, ids, encoder, limit)
    sequences = _sequence_hits(con, ids, activities)
    exact = _exact_sequence(con, ids)
    if exact is not None:
        sequences = [exact] + [h for h in sequences if h.id != exact.id]
    sequences = sequences[:limit]
    hits = activities[: max(limit - len(sequences), 0)] + sequences
    hits.sort(key=lambda h: (-h.tier, -h.score))
    return hits
