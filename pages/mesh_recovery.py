"""Mesh Recovery: methods against the SMPL ground truth, category by category; a category's
sequences, and the predicted body played over the ground truth with its per-frame error."""

import streamlit as st

from flag3d_core.mesh_recovery.leaderboard import (
    PAPER_SOURCE,
    category_table,
    compare_runs,
    leaderboard,
    sequences_of,
    with_conditions,
)
from flag3d_core.mesh_recovery.runs import CONVENTIONS
from flag3d_core.viz.mesh_charts import ACTIVITY_SELECTION, activity_heatmap, gap_chart
from pages._ui import mesh, state
from pages._ui.player import player
from pages._ui.routing import ensure_navigation

ensure_navigation()
st.title("Mesh Recovery")
version = state.catalog_or_stop()
runs_df = mesh.mesh_runs(version)
conventions = (f"Errors in mm on the {CONVENTIONS['joint_set'].upper()} joints, "
               f"{CONVENTIONS['alignment']}; acceleration error in mm/frame² at the catalog's "
               f"fps; PVE over the 6,890 vertices, pelvis-aligned.")

st.subheader("Leaderboard")
board = leaderboard(runs_df)
st.dataframe(board, hide_index=True, width="stretch",
             column_config={c: st.column_config.NumberColumn(format="%.1f")
                            for c in ("MPJPE", "PA-MPJPE", "PVE", "accel (mm/frame²)")})
st.caption(f"{conventions} Rows labelled *{PAPER_SOURCE}* are the published figures of "
           "methods run on the real FLAG3D videos, for reference: they are not comparable "
           "with runs on this catalog's data.")
if runs_df.empty:
    st.info("No mesh-recovery run in the catalog yet. Fit SMPL to the test split's 3D "
            "skeletons with `.venv/bin/flag3d fit smpl --per-activity 1`.")
    st.stop()

run_ids = runs_df.run_id.tolist()
top = st.columns(2)
run_a = top[0].selectbox("Run", run_ids, key="run", bind="query-params")
others = [r for r in run_ids if r != run_a]
run_b = top[1].selectbox("Compare with (optional)", others, index=None, key="run_b",
                         placeholder="another run", bind="query-params")
per_seq = mesh.per_sequence(version, run_a)
table = category_table(per_seq)
if table.empty:
    st.warning(f"Run {run_a} has no per-sequence results.")
    st.stop()

st.subheader("Error by category")
left, right = st.columns([4, 3])
with left:
    st.caption("Activities grouped by body part, values in mm, each column coloured against "
               "its worst activity; click a row to see its sequences below. *MPJPE - PA-MPJPE* "
               "is the part of the error due to global orientation and scale rather than "
               "articulation.")
    st.altair_chart(activity_heatmap(table), on_select="rerun",
                    selection_mode=ACTIVITY_SELECTION, key="act_click", width="content")
with right:
    parts = category_table(per_seq, "body_part")
    st.altair_chart(gap_chart(parts), width="stretch")
    st.caption("Per body part: PA-MPJPE (articulation) and the rest of MPJPE (orientation, "
               "scale), stacked to MPJPE.")
    st.dataframe(parts.rename(columns={"body_part": "body part"}), hide_index=True,
                 width="stretch", column_config={c: st.column_config.NumberColumn(format="%.1f")
                                                 for c in ("mpjpe", "pa_mpjpe", "pve", "accel",
                                                           "gap")})
st.markdown("**By condition** (as FLAG3D's Table 5: challenging postures and views)")
cond = with_conditions(per_seq)
c1, c2 = st.columns(2)
fmt = {c: st.column_config.NumberColumn(format="%.1f") for c in ("mpjpe", "pa_mpjpe", "pve",
                                                                 "accel", "gap")}
c1.dataframe(category_table(cond, "posture"), hide_index=True, width="stretch",
             column_config=fmt)
c2.dataframe(category_table(cond, "view"), hide_index=True, width="stretch", column_config=fmt)
if run_b:
    st.markdown(f"**{run_b} against {run_a}**, per activity (negative: {run_b} is better)")
    st.dataframe(compare_runs(per_seq, mesh.per_sequence(version, run_b)), hide_index=True,
                 width="stretch")

st.subheader("A category's sequences")
clicked = mesh.activity_click("act_click")
acts = table.sort_values("mpjpe", ascending=False).activity_id.tolist()
wanted = clicked or st.query_params.get("act")
chosen = wanted in acts  # clicked, or from a link
activity = wanted if chosen else acts[0]
st.query_params["act"] = activity
row = table.set_index("activity_id").loc[activity]
st.markdown(f"**{activity} · {row['activity']}** ({row['body_part']}): MPJPE "
            f"{row['mpjpe']:.1f} mm, PA-MPJPE {row['pa_mpjpe']:.1f} mm over "
            f"{int(row['sequences'])} sequence(s), {int(row['frames'])} frames"
            + ("" if chosen else " — the worst activity; click the heatmap to pick another."))
seqs = sequences_of(per_seq, activity)
pick = st.selectbox("Sequence", seqs.sequence_id.tolist(), key="hmr_seq",
                    format_func=lambda s: f"{s.rsplit('/', 1)[-1]} · MPJPE "
                    f"{seqs.set_index('sequence_id').loc[s, 'mpjpe']:.1f} mm")
layout = st.segmented_control("Bodies", ["overlay", "side by side"], default="overlay",
                              key="hmr_layout") or "overlay"
player(mesh.payload(version, run_a, pick, "overlay" if layout == "overlay" else "side"),
       key="hmr_player", height=680)
seq_row = seqs.set_index("sequence_id").loc[pick]
st.caption(f"Grey: the ground truth; orange: {run_a}'s prediction (see-through when overlaid), "
           f"its skeleton's joints coloured by their mean error (green: none, red: this "
           f"sequence's worst joint) and the three worst drawn larger. Under the player: the "
           f"per-frame error (click to seek). This sequence: MPJPE {seq_row['mpjpe']:.1f}, "
           f"PA-MPJPE {seq_row['pa_mpjpe']:.1f}, PVE {seq_row.get('pve', float('nan')):.1f} mm, "
           f"accel {seq_row['accel']:.2f} mm/frame² over {int(seq_row['n_frames_used'])} frames. "
           + conventions)
mesh.downloads(st, version, run_a, pick, seq_row["name"])
