"""Sequence: a 3D player in the browser (skeleton and body mesh), side-by-side comparison,
joint-angle curves with the repetitions found, the metadata and instruction, render and export."""

import streamlit as st

from flag3d_core.catalog.views import sequence_label
from flag3d_core.errors import Flag3dError
from pages._ui import models, sequences, state
from pages._ui.player import player
from pages._ui.routing import ensure_navigation

ensure_navigation()
st.title("Sequence")
version = state.catalog_or_stop()
ids = state.playable_ids(version)
if not ids:
    st.warning("The catalog has no sequences with 3D data to play.")
    st.stop()

top = st.columns([5, 4])
# Bound widgets serialise their formatted value into the URL: the ids are shown as they are, so
# links built elsewhere (?seq=flag3d/mocap/...) select them.
seq_id = top[0].selectbox("Sequence", ids, index=0, key="seq", bind="query-params")
others = [i for i in ids if i != seq_id]
compare = top[1].multiselect("Compare side by side with", others, key="cmp", bind="query-params",
                             max_selections=3,
                             placeholder="e.g. the same activity by another performer")
# The player switches skeleton / mesh / both itself (no rerun); ?view= sets where it starts.
view = st.query_params.get("view", "mesh")
view = view if view in ("skeleton", "mesh", "both") else "mesh"

rec = sequences.record(version, seq_id)
meta = rec.meta
suggest = state.same_activity_other_performer(version, seq_id)
if suggest and not compare:
    st.caption(f"Tip: compare with **{sequence_label(suggest)}** "
               "(same activity, another performer).")

body = models.body_model()
left, right = st.columns([3, 2])
with left:
    try:
        payload = sequences.sequence_payload(version, (seq_id, *compare), view)
        player(payload, key="seq_player", height=720)
    except Flag3dError as exc:
        st.error(f"Cannot play {seq_id}: {exc}")
    if not rec.has_smpl:
        st.info("This sequence has no SMPL parameters: the mesh view shows its skeleton.")
    st.caption("Under the player: joint angles in degrees on the player's timeline (click or "
               "drag to seek). Shaded bands are the repetitions, counted on the first principal "
               "component of the joint angles, body-centred joint positions and root travel.")
with right:
    st.subheader(f"{meta['activity_id']} · {meta['activity']}")
    st.caption(f"{meta['body_part']} · performer {meta['performer']} · repetition "
               f"R{meta['repetition']:03d} · {rec.n_frames} frames at {rec.fps:.0f} fps "
               f"({rec.n_frames / rec.fps:.1f} s) · {rec.source} · layout {meta['joint_layout']}")
    st.markdown(meta["description"] or "_No instruction text._")
    if meta["key_points"]:
        st.markdown(f"**Key points.** {meta['key_points']}")
    if meta["mistakes"]:
        st.markdown(f"**Common mistakes.** {meta['mistakes']}")
    with st.expander("Metadata"):
        st.json({k: (v if v == v else None) for k, v in meta.items()
                 if k not in ("description", "key_points", "mistakes")}
                | {"splits": rec.splits}, expanded=False)

videos = state.related_videos(version, seq_id)
if not videos.empty:
    st.subheader("Rendered videos of this performance")
    cols = st.columns(min(3, len(videos)))
    for i, row in enumerate(videos.itertuples()):
        with cols[i % len(cols)]:
            st.video(str(state.settings().arrays_dir / row.path))
            st.caption(f"camera C{int(row.camera):03d} · {row.name}")

st.subheader("Render and export")
r = st.columns(4)
camera = r[0].selectbox("Camera", sequences.camera_names(rec), key="cam")
what = r[1].selectbox("Draw", ["mesh", "skeleton", "both"], key="what")
if r[2].button("Render MP4", type="primary"):
    bar = st.progress(0.0, text="rendering…")
    try:
        res = sequences.render(version, seq_id, what, camera, lambda d, t: bar.progress(
            d / max(t, 1), text=f"rendering frame {d}/{t}"))
        bar.empty()
        st.session_state["_video"] = (seq_id, str(res.path), res.backend, res.cached)
    except Flag3dError as exc:
        bar.empty()
        st.error(str(exc))
video = st.session_state.get("_video")
if video and video[0] == seq_id:
    st.video(video[1])
    st.caption(f"Rendered with {video[2]}{' (from the cache)' if video[3] else ''}.")
    with open(video[1], "rb") as fh:
        r[3].download_button("Download MP4", fh.read(), file_name=f"{rec.name}.mp4",
                             mime="video/mp4")
e = st.columns(3)
if rec.has_smpl and body is not None:
    e[0].download_button("SMPL .npz", sequences.export_bytes(version, seq_id, "npz"),
                         file_name=f"{rec.name}.npz")
    e[1].download_button("BVH (Blender)", sequences.export_bytes(version, seq_id, "bvh"),
                         file_name=f"{rec.name}.bvh")
e[2].download_button("Metadata CSV", sequences.export_bytes(version, seq_id, "csv"),
                     file_name=f"{rec.name}.csv", mime="text/csv")
