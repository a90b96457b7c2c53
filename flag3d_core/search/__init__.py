"""Search by words over the catalog: activity names and instructions, sequence names and ids.

* :mod:`.encoder` -- the MiniLM sentence encoder (loaded lazily from the local package);
* :mod:`.index` -- the text index stored in the catalog, built after an ingest;
* :mod:`.keywords` / :mod:`.ids` -- keyword matching and id-like query words;
* :mod:`.search` -- the ranked search (its docstring gives the ranking rule).
"""

from flag3d_core.search.encoder import MODEL_NAME, MiniLMEncoder, TextEncoder
from flag3d_core.search.index import (
    IndexSummary,
    TextIndex,
    build_text_index,
    ensure_text_index,
    load_text_index,
)
from flag3d_core.search.search import SearchHit, SequenceGroup, search

__all__ = ["MODEL_NAME", "IndexSummary", "MiniLMEncoder", "SearchHit", "SequenceGroup",
           "TextEncoder", "TextIndex", "build_text_index", "ensure_text_index",
           "load_text_index", "search"]
