"""Sequence: a 3D player in the browser (skeleton and body mesh), side-by-side comparison,
joint-angle curves with the repetitions found, the metadata and instruction, render and export."""

import streamlit as st

from flag3d_core.analysis.joint_angles import joint_angles
from flag3d_core.analysis.repetitions import count_repetitions_in_joints
from flag3d_core.catalog import queries
from flag3d_core.catalog.load import available_kinds, load_joints
from flag3d_core.viz.motion_charts import joint_angle_figure
from pages._ui import state as _state
from pages._ui.player import player

st.title("Sequence")
cur = _state.catalog_or_stop()
version = _state.catalog_version()
s = _state.settings()
ids = _state.playable_ids(version)
if not ids:
    st.warning("The catalog has no sequences with 3D data to play.")
    st.stop()

top = st.columns([5, 4, 3])
# Bound widgets serialise their formatted value into the URL: the ids are shown as they are, so
# links built elsewhere (?seq=flag3d/mocap/...) select them.
seq_id = top[0].selectbox("Sequence", ids, index=0, key="seq", bind="query-params")
others = [i for i in ids if i != seq_id]
compare = top[1].multiselect("Compare side by side with", others, key="cmp", bind="query-params",
                             max_selections=3,
                             placeholder="e.g. the same activity by another performer")
view = top[2].segmented_control("Show", ["skeleton", "mesh", "both"], default="mesh", key="view",
                                bind="query-params") or "mesh"

meta = queries.sequence(cur, seq_id)
suggest = _state.same_activity_other_performer(version, seq_id)
if suggest and not compare:
    st.caption(f"Tip: compare with **{_state.short_label(suggest)}** (same activity, another performer).")

body = _state.body_model(str(s.body_models))
left, right = st.columns([3, 2])
with left:
    try:
        payload = _state.player_payload(version, tuple([seq_id, *compare]), view,
                                         str(s.body_models) if body is not None else None)
        player(payload, key="seq_player", height=520)
    except (KeyError, ValueError, FileNotFoundError) as exc:
        st.error(f"Cannot play {seq_id}: {exc}")
    if view != "skeleton" and "smpl" not in available_kinds(cur, seq_id):
        st.info("This sequence has no SMPL parameters: showing its skeleton.")
with right:
    st.subheader(f"{meta['activity_id']} · {meta['activity']}")
    st.caption(f"{meta['body_part']} · performer {meta['performer']} · repetition R{meta['repetition']:03d}"
               f" · {meta['n_frames']} frames at {meta['fps']:.0f} fps ({meta['n_frames'] / meta['fps']:.1f} s)"
               f" · {meta['source']} · layout {meta['joint_layout']}")
    st.markdown(meta["description"] or "_No instruction text._")
    if meta["key_points"]:
        st.markdown(f"**Key points.** {meta['key_points']}")
    if meta["mistakes"]:
        st.markdown(f"**Common mistakes.** {meta['mistakes']}")
    with st.expander("Metadata"):
        st.json({k: (v if v == v else None) for k, v in meta.items()
                 if k not in ("description", "key_points", "mistakes")} | {
                     "splits": queries.sequence_splits(cur, seq_id)}, expanded=False)

videos = _state.related_videos(version, seq_id)
if not videos.empty:
    st.subheader("Rendered videos of this performance")
    cols = st.columns(min(3, len(videos)))
    for i, row in enumerate(videos.itertuples()):
        with cols[i % len(cols)]:
            st.video(str(s.arrays_dir / row.path))
            st.caption(f"camera C{int(row.camera):03d} · {row.name}")

joints = load_joints(cur, s.arrays_dir, seq_id)
angles = joint_angles(joints)
reps = count_repetitions_in_joints(joints, fps=float(meta["fps"]))
st.plotly_chart(joint_angle_figure(angles, float(meta["fps"]), reps,
                                   title=f"Joint angles of {meta['name']}"), width="stretch")
st.caption(f"Repetitions are counted on the first principal component of the joint angles, "
           f"body-centred joint positions and root travel "
           f"(period ≈ {reps.period_frames or 0:.0f} frames): **{reps.count} repetitions**.")

st.subheader("Render and export")
r = st.columns(4)
camera = r[0].selectbox("Camera", _state.camera_names(version), key="cam")
what = r[1].selectbox("Draw", ["mesh", "skeleton", "both"], key="what")
if r[2].button("Render MP4", type="primary"):
    bar = st.progress(0.0, text="rendering…")
    try:
        res = _state.render(version, seq_id, what, camera, str(s.body_models),
                            lambda d, t: bar.progress(d / max(t, 1), text=f"rendering frame {d}/{t}"))
        bar.empty()
        st.session_state["_video"] = (seq_id, str(res.path), res.backend, res.cached)
    except (KeyError, ValueError) as exc:
        bar.empty()
        st.error(str(exc))
video = st.session_state.get("_video")
if video and video[0] == seq_id:
    st.video(video[1])
    st.caption(f"Rendered with {video[2]}{' (from the cache)' if video[3] else ''}.")
    r[3].download_button("Download MP4", open(video[1], "rb").read(), file_name=f"{meta['name']}.mp4",
                         mime="video/mp4")
e = st.columns(3)
if "smpl" in available_kinds(cur, seq_id) and body is not None:
    e[0].download_button("SMPL .npz", _state.export_bytes(version, seq_id, "npz", str(s.body_models)),
                         file_name=f"{meta['name']}.npz")
    e[1].download_button("BVH (Blender)", _state.export_bytes(version, seq_id, "bvh", str(s.body_models)),
                         file_name=f"{meta['name']}.bvh")
e[2].download_button("Metadata CSV", _state.export_bytes(version, seq_id, "csv", None),
                     file_name=f"{meta['name']}.csv", mime="text/csv")
