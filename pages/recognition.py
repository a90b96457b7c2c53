"""Recognition: runs against ground truth, class by class; drill into why a class is confused."""

import pandas as pd
import streamlit as st

from flag3d_core.catalog.views import sequence_label
from flag3d_core.errors import Flag3dError
from flag3d_core.recognition.summary import activity_label, cell_param, parse_cell_param
from flag3d_core.viz.confusion import (
    CELL_SELECTION,
    confusion_heatmap,
    normalise_rows,
    rollup_heatmap,
)
from flag3d_core.viz.recognition_charts import joint_difference_bars, top5_bars
from pages._ui import models, runs, sequences, state
from pages._ui.clicks import heatmap_cell
from pages._ui.player import player
from pages._ui.routing import ensure_navigation

ensure_navigation()
st.title("Recognition")
version = state.catalog_or_stop()
runs_df = runs.recognition_runs(version)
if runs_df.empty:
    st.info(
        "No recognition run in the catalog yet. Train one with "
        "`.venv/bin/flag3d train recognition --model stgcn --protocol in-domain`."
    )
    st.stop()

acts = state.activities(version)
names = acts.name.tolist()
groups = acts.body_part.tolist()
run_ids = runs_df.run_id.tolist()
preferred = runs_df[runs_df.protocol == "in-domain"].run_id.tolist()[:1] or run_ids[:1]
chosen = st.multiselect(
    "Runs (one, or two to compare)",
    run_ids,
    default=preferred,
    max_selections=2,
    key="runs",
    bind="query-params",
)
if not chosen:
    st.stop()

table = runs.runs_table(version, tuple(chosen))
st.dataframe(table, hide_index=True, width="stretch")

run_a = chosen[0]
cm = runs.run_confusion(version, run_a)
c = st.columns([2, 1, 1])
mode = (
    c[0].segmented_control(
        "Cells", ["normalised", "counts"], default="normalised", key="norm", bind="query-params"
    )
    or "normalised"
)
c[1].metric("Top-1", f"{table.iloc[0]['top-1']:.1%}")
c[2].metric("Mean class accuracy", f"{table.iloc[0]['mean class acc.']:.1%}")

tab_cm, tab_bp, tab_pairs, tab_diff = st.tabs(
    ["Confusion matrix", "Body-part roll-up", "Most-confused pairs", "Run A − run B"]
)
with tab_cm:
    st.caption(
        "Rows are ground truth, columns predictions, classes grouped by body part. "
        "Click a cell to list its sequences."
    )
    st.altair_chart(
        confusion_heatmap(
            cm, names, groups, normalise=mode == "normalised", title=f"Confusion matrix of {run_a}"
        ),
        on_select="rerun",
        selection_mode=CELL_SELECTION,
        key="cm_click",
        width="content",
    )
with tab_bp:
    st.altair_chart(rollup_heatmap(cm, groups, normalise=mode == "normalised"), width="content")
with tab_pairs:
    pairs = runs.confused_pairs(version, run_a)
    st.dataframe(pairs.drop(columns=["true_label", "pred_label"]), hide_index=True,
                 width="stretch")
with tab_diff:
    if len(chosen) == 2:
        cm_b = runs.run_confusion(version, chosen[1])
        diff = normalise_rows(cm) - normalise_rows(cm_b)
        st.altair_chart(
            confusion_heatmap(
                diff,
                names,
                groups,
                diverging=True,
                title=f"{chosen[0]} minus {chosen[1]} (row shares)",
            ),
            width="content",
        )
        st.caption(
            "Red on the diagonal: run A is right more often for that class; red off the "
            "diagonal: run A makes that confusion more often."
        )
    else:
        st.info("Pick a second run above to see where the two differ.")

# ----------------------------------------------------------------------------- drill-down
st.subheader("Inspect a confusion")
clicked = heatmap_cell(st.session_state.get("cm_click"))
pairs = runs.confused_pairs(version, run_a)
default_true, default_pred = clicked or parse_cell_param(st.query_params.get("cell")) or (
    (int(pairs.iloc[0].true_label), int(pairs.iloc[0].pred_label)) if not pairs.empty else (0, 0)
)
d = st.columns(2)
true_c = d[0].selectbox(
    "Ground truth",
    range(60),
    index=default_true,
    format_func=lambda i: activity_label(i, names),
    key=f"true_{default_true}_{default_pred}",
)
pred_c = d[1].selectbox(
    "Predicted",
    range(60),
    index=default_pred,
    format_func=lambda i: activity_label(i, names),
    key=f"pred_{default_true}_{default_pred}",
)
st.query_params["cell"] = cell_param(true_c, pred_c)  # a copied link opens this cell
cell = runs.cell_sequences(version, run_a, true_c, pred_c)
st.write(f"**{len(cell)}** test sequences of *{names[true_c]}* predicted as *{names[pred_c]}*.")
if not cell.empty:
    pick = st.selectbox(
        "Sequence", cell.sequence_id.tolist(), format_func=sequence_label, key="cell_seq"
    )
    typical = runs.typical_sequence(version, run_a, pred_c)
    if (
        pick
        and typical
        and pick.startswith("flag3d/mocap/")
        and typical.startswith("flag3d/mocap/")
    ):
        diff = sequences.joint_difference(version, pick, typical)
        st.caption(
            f"Left: the confused sequence; right: a typical *{names[pred_c]}* (the run's most "
            f"confident correct one). Joints whose motion differs most are highlighted: "
            + ", ".join(f"**{n}**" for _, n, _ in diff[:5])
        )
        payload = sequences.player_payload(
            version, (pick, typical), "skeleton", highlight=tuple(i for i, _, _ in diff[:5])
        )
        player(payload, key="cm_player", height=440)
        ins = st.columns(2)
        for col, sid in zip(ins, (pick, typical), strict=True):
            m = sequences.record(version, sid).meta
            col.markdown(f"**{m['activity_id']} · {m['activity']}** ({m['name']})")
            col.markdown(m["description"] or "")
            if m["key_points"]:
                col.caption(f"Key points: {m['key_points']}")
        st.altair_chart(
            joint_difference_bars(
                pd.DataFrame(diff, columns=["joint", "name", "difference"]),
                "Per-joint motion difference (body-centred, phase-invariant)",
            ),
            width="stretch",
        )
    elif pick:
        st.info("2D-keypoint runs: the side-by-side 3D player needs MoCap sequences.")

# ----------------------------------------------------------------------------- try a skeleton
st.subheader("Recognise a skeleton")
in_domain = runs_df[runs_df.protocol == "in-domain"].run_id.tolist()
model_run = st.selectbox("Model (3D, in-domain runs)", in_domain, key="try_run")
if model_run is None:
    st.info("Train an in-domain run to recognise 3D skeletons.")
    st.stop()
src = st.radio(
    "Input", ["Pick a catalog sequence", "Upload a file"], horizontal=True, key="try_src"
)
arrays = None
truth: dict = {}
warn_train: dict = {}
protocol = runs_df.set_index("run_id").protocol.get(model_run, "in-domain")
if src == "Upload a file":
    from flag3d_core.recognition import upload

    limit = upload.max_upload_mb()
    up = st.file_uploader(
        "A pyskl pickle or a .npy of shape (T, 25, 3), metres, z up",
        type=["pkl", "npy"],
        max_upload_size=limit,
        help=f"Files up to {limit} MB (set FLAG3D_MAX_UPLOAD_MB to change the limit).",
    )
    st.caption(
        f"Upload limit: {limit} MB per file. Of a pickle, the first "
        f"{upload.MAX_UPLOAD_SEQUENCES} usable sequences are recognised."
    )
    if up is not None:
        try:
            upload.check_upload_size(up.name, up.size, limit)  # before a byte is read
            up.seek(0)  # read from the start, also if a rerun hands back the same object
            # only the parsed (T, 25, 3) float32 arrays are kept, never the upload's bytes
            parsed = upload.parse_uploaded_stream(up.name, up, up.size)
            arrays = [(u.key, u.joints) for u in parsed]
            truth = {u.key: u.label for u in parsed}  # the file's own labels, when it has them
            del parsed
        except upload.UploadError as exc:
            st.error(str(exc))
        del up
else:
    labels = state.sequence_labels(version)
    sid = st.selectbox("Sequence", list(labels), format_func=labels.get, key="try_seq")
    rec = sequences.record(version, sid)
    arrays = [(sid, rec.joints3d())]
    truth = {sid: int(rec.meta["label"])}
    warn_train = {sid: rec.splits.get(protocol) == "train"}
if arrays:
    try:
        results = models.recognise(
            version, model_run, tuple(k for k, _ in arrays), tuple(a for _, a in arrays)
        )
    except Flag3dError as exc:
        st.error(str(exc))
        results = []
    for key, top in results:
        true = truth.get(key)
        df = pd.DataFrame(
            [(activity_label(c, names), p, "ground truth" if c == true else "other")
             for c, p in top],
            columns=["class", "probability", "is"],
        )
        if true is not None:
            rank = next((i + 1 for i, (c, _) in enumerate(top) if c == true), None)
            where = f"rank {rank} of the top-5" if rank else "not in the top-5"
            st.markdown(f"Ground truth of **{key}**: {activity_label(true, names)} ({where}).")
        else:
            st.caption(f"{key}: the file gives no ground-truth label.")
        if warn_train.get(key):
            st.warning(f"{key} is in the **training** split of {model_run}'s protocol "
                       f"({protocol}): the model has seen it, so this is not a test result.")
        st.altair_chart(top5_bars(df, f"Top-5 for {key}"), width="stretch")
