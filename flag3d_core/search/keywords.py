"""Keyword matching over the activities' names and instruction texts.

Words are lower-cased runs of letters and digits, reduced by a small suffix stemmer (``raises``,
``raising``, ``raised`` -> ``rais``) so that a query word matches its inflections; a query word
also matches any text word it begins (typing ``trice`` finds ``triceps``). A query word weighs
its inverse document frequency over the activities, so ``circles`` counts for more than ``arm``.
A field scores the field's weight times (the IDF-weighted share of the query words it contains)
to the power :data:`SHARE_POWER`; an activity scores its best field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["FIELD_WEIGHTS", "STOPWORDS", "KeywordIndex", "KeywordMatch", "best_sentence",
           "normalise", "stem", "words"]

# Keyword fields and their weights: a word in the name says more than one in the mistakes.
FIELD_WEIGHTS: dict[str, float] = {"name": 1.0, "body_part": 0.7, "description": 0.6,
                                   "key_points": 0.6, "mistakes": 0.4}
STOPWORDS = frozenset(
    "a an and are as at be by do for from how i in is it its me my of on or that the their "
    "this to up with your you exercise exercises workout move movement activity".split())
# A field's score grows faster than its share of the query words: a field holding all of them
# beats two fields holding half each (tuned with benchmarks/bench_search.py's query sets).
SHARE_POWER = 1.5
_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: 'Push-ups!' -> ['push', 'ups']."""
    return _WORD.findall(text.lower())


def normalise(text: str) -> str:
    """Words joined by single spaces: how names are compared ('Push-ups' == 'push ups')."""
    return " ".join(words(text))


def stem(word: str) -> str:
    """A light suffix stemmer: -ing, -ed, -es, -s, then a final -e; a doubled final consonant
    left by -ing/-ed is undone ('squatting' -> 'squat'). Keeps at least three letters."""
    w = word
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":
                w = w[:-1]
            break
    else:
        if w.endswith("es") and len(w) >= 5:
            w = w[:-2]
        elif w.endswith("s") and not w.endswith("ss") and len(w) >= 4:
            w = w[:-1]
    if w.endswith("e") and len(w) >= 4:
        w = w[:-1]
    return w


def content_stems(text: str) -> list[str]:
    """The stems of a query's words without stopwords, in order, without repeats."""
    return list(dict.fromkeys(stem(w) for w in words(text) if w not in STOPWORDS))


def best_sentence(text: str, stems: Iterable[str]) -> str:
    """The first sentence of ``text`` holding one of ``stems`` (else its first sentence)."""
    wanted = set(stems)
    sentences = [s for s in _SENTENCE.split(text.strip()) if s]
    for s in sentences:
        if wanted & {stem(w) for w in words(s)}:
            return s
    return sentences[0] if sentences else ""


@dataclass(frozen=True)
class KeywordMatch:
    """How one activity matched the query's words.

    Attributes:
        score: best field's weight x (IDF-weighted share of the query words it holds) **
            SHARE_POWER, in 0..1.
        field: that field.
        fields: every field holding at least one query word, in :data:`FIELD_WEIGHTS` order.
        stems: the text stems that matched (to pick a snippet).
    """

    score: float
    field: str
    fields: tuple[str, ...]
    stems: frozenset[str]


class KeywordIndex:
    """Stems of each activity's fields (rows of ``queries.activity_texts``), for
    :meth:`match`."""

    def __init__(self, activities: pd.DataFrame) -> None:
        self.n = len(activities)
        # postings: stem -> {(row, field)}
        self._postings: dict[str, set[tuple[int, str]]] = {}
        for i, r in enumerate(activities.itertuples(index=False)):
            for f in FIELD_WEIGHTS:
                text = getattr(r, f, None)
                if isinstance(text, str):
                    for w in words(text):
                        self._postings.setdefault(stem(w), set()).add((i, f))
        self._vocab = sorted(self._postings)

    def _matching_stems(self, q: str) -> list[str]:
        """Text stems a query stem matches: itself, and those it begins (3+ letters)."""
        if len(q) < 3:
            return [q] if q in self._postings else []
        return [v for v in self._vocab if v.startswith(q)]

    def match(self, query_stems: Sequence[str]) -> dict[int, KeywordMatch]:
        """Activities (by row) holding at least one of ``query_stems``, with their match."""
        if not query_stems or self.n == 0:
            return {}
        hits: dict[tuple[int, str], set[str]] = {}   # (row, field) -> query stems found
        found: dict[tuple[int, str], set[str]] = {}  # (row, field) -> text stems found
        idf: dict[str, float] = {}
        for q in query_stems:
            rows: set[int] = set()
            for v in self._matching_stems(q):
                for key in self._postings[v]:
                    hits.setdefault(key, set()).add(q)
                    found.setdefault(key, set()).add(v)
                    rows.add(key[0])
            idf[q] = math.log(1.0 + self.n / (1.0 + len(rows)))
        total = sum(idf.values())
        per_row: dict[int, list[tuple[float, str]]] = {}
        for (row, f), qs in hits.items():
            share = sum(idf[q] for q in qs) / total
            per_row.setdefault(row, []).append((FIELD_WEIGHTS[f] * share ** SHARE_POWER, f))
        out = {}
        order = list(FIELD_WEIGHTS)
        for row, scored in per_row.items():
            score, best = max(scored, key=lambda sf: (sf[0], -order.index(sf[1])))
            fields = tuple(sorted({f for _, f in scored}, key=order.index))
            stems = frozenset().union(*(found[(row, f)] for f in fields))
            out[row] = KeywordMatch(round(score, 4), best, fields, stems)
        return out
