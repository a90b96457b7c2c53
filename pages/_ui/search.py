"""Search by words for the pages: one shared encoder, the text index per catalog version, cached
results per (catalog version, query), and the result list with a link on every hit."""

from __future__ import annotations

import streamlit as st

from flag3d_core.search import SearchHit, TextIndex, load_text_index, search
from flag3d_core.search.encoder import EncoderUnavailableError, MiniLMEncoder, TextEncoder
from flag3d_core.search.search import MAX_GROUPS
from pages._ui.state import Version, cursor

MAX_RESULTS = 20


def activity_label(activity_id: str, name: str | None) -> str:
    """'A017 · Bare-handed Full Lateral Raise': Browse's Activity picker shows this, and, being
    bound to the URL, also writes it as the ``act`` value; links to an activity pass it."""
    return f"{activity_id} · {name}" if name else activity_id


@st.cache_resource(show_spinner="Loading the text encoder (first search only)…")
def encoder() -> TextEncoder | None:
    """MiniLM on the CPU (a query is ~20 ms there), shared by every session; None when its
    packages are missing (the search then matches keywords and ids only)."""
    try:
        return MiniLMEncoder.load("cpu")
    except EncoderUnavailableError:
        return None


@st.cache_resource(show_spinner=False, max_entries=4)
def text_index(version: Version) -> TextIndex:
    """The catalog's activity texts and stored embeddings, read once per catalog version."""
    return load_text_index(cursor(version))


@st.cache_data(show_spinner="Searching…", ttl=600, max_entries=512)
def results(version: Version, query: str) -> list[SearchHit]:
    return search(cursor(version), query, encoder(), MAX_RESULTS, index=text_index(version))


def _activity_params(activity_id: str, name: str | None, body_part: str | None
                     ) -> dict[str, str]:
    """Browse's query parameters that open an activity (its body part and its picker label)."""
    params = {"act": activity_label(activity_id, name)}
    if body_part:
        params["bp"] = body_part
    return params


def _set_filters(keys: dict[str, str], values: dict[str, object]) -> None:
    """Callback: set the page's filter widgets (their session-state keys) before its rerun."""
    for name, value in values.items():
        if name in keys:
            st.session_state[keys[name]] = value


def _activity(hit: SearchHit, filter_keys: dict[str, str] | None) -> None:
    label = f"**{hit.title}**"
    if filter_keys is None:
        st.page_link("pages/browse.py", label=label, icon=":material/fitness_center:",
                     query_params=_activity_params(hit.id, hit.activity_name, hit.body_part))
    else:
        st.button(label, key=f"search_hit_{hit.id}", type="tertiary",
                  icon=":material/fitness_center:", on_click=_set_filters,
                  args=(filter_keys, {"body_part": hit.body_part, "activity": hit.id}))
    st.caption(f"{hit.snippet}  \n_matched: {', '.join(hit.reasons)}_")


def _group(hit: SearchHit, filter_keys: dict[str, str] | None) -> None:
    g = hit.group
    more = f" · first {MAX_GROUPS} of {g.n_groups:,} activities" if g.n_groups > MAX_GROUPS else ""
    st.markdown(f"**{g.label}**{more}")
    if filter_keys is None:
        params = _activity_params(g.activity_id, g.activity_name, g.body_part)
        params.update({k: str(v) for k, v in (("performer", g.performer), ("rep", g.repetition),
                                              ("camera", g.camera)) if v is not None})
        st.page_link("pages/browse.py", label="Show them in Browse",
                     icon=":material/filter_list:", query_params=params)
    else:
        st.button("Filter the table to them", key=f"search_group_{g.activity_id}",
                  type="tertiary", icon=":material/filter_list:", on_click=_set_filters,
                  args=(filter_keys, {"body_part": g.body_part, "activity": g.activity_id,
                                      "performer": g.performer, "repetition": g.repetition,
                                      "camera": g.camera,
                                      "source": "render" if g.camera is not None else "mocap"}))


def _sequence(hit: SearchHit) -> None:
    st.page_link("pages/sequence.py", label=hit.title, icon=":material/play_circle:",
                 query_params={"seq": hit.id})
    st.caption(f"{hit.snippet}  \n_matched: {', '.join(hit.reasons)}_")


def show_results(version: Version, query: str, *,
                 filter_keys: dict[str, str] | None = None) -> None:
    """The ranked hits of ``query``: sequences open in the player and appear under their group
    (an activity and how many of its sequences match); activities open in Browse.

    Args:
        filter_keys: on Browse itself, the session-state keys of its filters by name
            (``body_part``, ``activity``, ``performer``, ``repetition``, ``camera``,
            ``source``): a hit then sets them (and the URL they are bound to) instead of
            linking to the page again.
    """
    hits = results(version, query)
    if not hits:
        st.info(f"Nothing matches “{query}”. Try an activity name, a motion in your own words "
                "(“twisting the waist”) or ids such as A017, P002, R003.")
        return
    if encoder() is None:
        st.caption("Keyword and id matches only: the text encoder is not installed.")
    with st.container(border=True, height=420, key="search_results"):
        st.caption(f"{len(hits)} result{'s' if len(hits) != 1 else ''} for “{query}”, best first")
        group = None
        for hit in hits:
            if hit.kind == "activity":
                _activity(hit, filter_keys)
                continue
            if hit.group is not None and hit.group.label != group:
                group = hit.group.label
                _group(hit, filter_keys)
            _sequence(hit)
