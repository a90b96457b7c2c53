"""Browse: search by words, taxonomy body part -> activity -> instruction, filters, the matching
sequences.

Every filter (and the search box) is bound to a URL query parameter (``bind="query-params"``),
so a copied link reproduces the view; a click on the sunburst sets the body-part and activity
filters; a search result opens its activity here or its sequence in the player.
"""

import streamlit as st

from flag3d_core.catalog import queries
from flag3d_core.viz.catalog_charts import taxonomy_sunburst
from pages._ui import search, state
from pages._ui.clicks import apply_sunburst_click
from pages._ui.routing import ensure_navigation

MAX_ROWS = 5000

ensure_navigation()
st.title("Browse")
version = state.catalog_or_stop()

query = st.text_input(
    "Search activities and sequences",
    key="q",
    bind="query-params",
    type="search",
    placeholder="An activity, a motion in your own words, or ids: "
    "“Sumo Squat”, “exercise for the triceps”, “A017 P002”",
)
if query and query.strip():  # a hit sets the filters below (their keys)
    search.show_results(version, query.strip(), filter_keys={
        "body_part": "bp", "activity": "act", "performer": "performer", "repetition": "rep",
        "camera": "camera", "source": "source"})
acts = state.activities(version)
names = dict(zip(acts.activity_id, acts.name, strict=True))
body_parts = list(dict.fromkeys(acts["body_part"]))

# A click in the sunburst (from the previous run) sets the taxonomy filters before they render.
apply_sunburst_click(
    "sunburst",
    body_part_key="bp",
    activity_key="act",
    activity_body_part=dict(zip(acts.activity_id, acts.body_part, strict=True)),
)

with st.sidebar:
    st.subheader("Filters")
    source = st.selectbox(
        "Source", ["mocap", "render", "real"], index=0, key="source", bind="query-params"
    )
    protocol = "in-domain" if source == "mocap" else "cross-domain"
    split = st.selectbox(
        f"Split ({protocol})",
        ["train", "test"],
        index=None,
        placeholder="All",
        key="split",
        bind="query-params",
    )
    performer = st.selectbox(
        "Performer",
        state.distinct(version, "performer"),
        index=None,
        placeholder="All",
        key="performer",
        bind="query-params",
    )
    camera = st.selectbox(
        "Camera",
        state.distinct(version, "camera"),
        index=None,
        placeholder="All",
        key="camera",
        bind="query-params",
    )
    repetition = st.selectbox(
        "Repetition",
        state.distinct(version, "repetition"),
        index=None,
        placeholder="All",
        key="rep",
        bind="query-params",
    )
    lo, hi = st.slider(
        "Length (frames)", 0, 4000, (0, 4000), step=10, key="len", bind="query-params"
    )

c1, c2 = st.columns(2)
body_part = c1.selectbox(
    "Body part", body_parts, index=None, placeholder="All body parts", key="bp", bind="query-params"
)
in_bp = acts if body_part is None else acts[acts.body_part == body_part]
activity_id = c2.selectbox(
    "Activity",
    list(in_bp.activity_id),
    index=None,
    placeholder="All activities",
    format_func=lambda a: search.activity_label(a, names[a]),
    key="act",
    bind="query-params",
)

f = queries.SequenceFilter(
    body_part=body_part,
    activity_id=activity_id,
    source=source,
    performer=performer,
    split=split,
    protocol=protocol,
    camera=camera,
    repetition=repetition,
    min_frames=lo if lo > 0 else None,
    max_frames=hi if hi < 4000 else None,
)

left, right = st.columns([1, 1])
with left:
    tax = state.taxonomy_counts(version, f)
    st.plotly_chart(
        taxonomy_sunburst(tax, "Sequences by body part → activity (click to filter)"),
        on_select="rerun",
        selection_mode="points",
        key="sunburst",
    )
with right:
    if activity_id:
        a = state.activity(version, activity_id)
        st.subheader(f"{a['activity_id']} · {a['name']}")
        st.caption(f"Body part: {a['body_part']}")
        st.markdown(a["description"] or "_No instruction text in the catalog._")
        if a["key_points"]:
            st.markdown(f"**Key points.** {a['key_points']}")
        if a["mistakes"]:
            st.markdown(f"**Common mistakes.** {a['mistakes']}")
        grid = state.activity_grid(version, activity_id, source)
        if not grid.empty:
            st.markdown(
                "**Its sequences across performers (rows) and repetitions (columns)**, in frames"
            )
            st.dataframe(grid, width="stretch")
    else:
        st.info(
            "Pick a body part and an activity (in the chart or above) to read its instruction "
            "and see its sequences across performers and repetitions."
        )

df = state.sequences(version, f, MAX_ROWS)
st.subheader(
    f"{len(df):,} matching sequences" + (f" (first {MAX_ROWS:,})" if len(df) == MAX_ROWS else "")
)
shown = df[
    [
        "name",
        "activity_id",
        "activity",
        "body_part",
        "source",
        "performer",
        "repetition",
        "camera",
        "n_frames",
        "split",
        "sequence_id",
    ]
]
sel = st.dataframe(
    shown,
    width="stretch",
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="seq_table",
    height=360,
    column_config={"sequence_id": None, "n_frames": st.column_config.NumberColumn("frames")},
)
rows = sel.selection.rows if sel is not None else []
if rows:
    row = shown.iloc[rows[0]]
    st.page_link(
        "pages/sequence.py",
        label=f"Open {row['name']} in the player",
        icon=":material/play_circle:",
        query_params={"seq": row["sequence_id"]},
    )
else:
    st.caption("Select a row to open the sequence in the player.")
st.download_button(
    "Download this selection as CSV",
    df.to_csv(index=False).encode(),
    file_name="flag3d_selection.csv",
    mime="text/csv",
)
