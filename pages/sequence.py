"""Sequence: a 3D player in the browser (skeleton and body mesh), side-by-side comparison,
joint-angle curves with the repetitions found, the metadata and instruction, render and export."""

import streamlit as st

from flag3d_core.catalog.views import sequence_label
from flag3d_core.errors import Flag3dError, NotInCatalogError
from pages._ui import models, sequences, state
from pages._ui.player import player
from pages._ui.routing import ensure_navigation

ensure_navigation()
st.title("Sequence")
version = state.catalog_or_stop()
labels = state.sequence_labels(version)
ids = list(labels)
requested = st.query_params.get("seq")
if requested and requested not in labels and state.resolve_id(version, requested):
    requested = state.resolve_id(version, requested)  # a bare release name


def link(sid: str, text: str | None = None) -> None:
    st.page_link("pages/sequence.py", label=text or f"{sid} · {labels.get(sid, '')}",
                 icon=":material/play_circle:", query_params={"seq": sid})


if requested and requested not in labels:  # not a MoCap sequence: a 2D one, or no such id
    try:
        rec = sequences.record(version, requested)
    except NotInCatalogError:
        st.error(f"There is no sequence `{requested}` in the catalog.")
        near = state.nearest_ids(version, requested)
        if near:
            st.markdown("The closest ids:")
            for sid in near:
                link(sid, f"{sid} · {labels[sid]}" if sid in labels else sid)
        st.stop()
    meta = rec.meta
    st.subheader(f"{meta['activity_id']} · {meta['activity']}")
    st.caption(f"{rec.source} sequence {rec.name} · performer {meta['performer']} · repetition "
               f"R{meta['repetition']:03d} · {rec.n_frames} frames at {rec.fps:.0f} fps · 2D "
               f"keypoints ({meta['joint_layout']}, pixels of the {meta['img_width']}x"
               f"{meta['img_height']} video frame)")
    if rec.has_keypoints2d:
        player(sequences.keypoints_payload(version, requested), key="kp_player", height=560)
    else:
        st.warning(f"{requested} has no 2D keypoints or 3D data to show.")
    if rec.has_keypoints2d:
        d = st.columns(3)
        lay = meta["joint_layout"]
        sequences.download(d[0], "Keypoints CSV", version, requested, "keypoints-csv",
                           f"{rec.name}_keypoints_{lay}.csv", "text/csv")
        sequences.download(d[1], "Keypoints .npy", version, requested, "keypoints-npy",
                           f"{rec.name}_keypoints_{lay}.npy")
        sequences.download(d[2], "Catalog metadata CSV", version, requested, "metadata-csv",
                           f"{rec.name}_metadata.csv", "text/csv")
        st.caption(f"Keypoints: pixels of the video frame (x right, y down), layout {lay}, "
                   "with the detector's score in [0, 1]; CSV columns frame, time_s, "
                   "joint_index, joint, x, y, score; .npy of shape (T, J, 3) as x, y, score.")
    mocap = state.mocap_of(version, requested)
    if mocap:
        link(mocap, f"Open the MoCap sequence of this performance in 3D ({mocap.rsplit('/')[-1]})")
    else:
        st.info("The catalog has no MoCap sequence of this performance.")
    st.stop()

if not ids:
    st.warning("The catalog has no sequences with 3D data to play.")
    st.stop()

top = st.columns([5, 4])
# The URL holds the choice (?seq=...&cmp=...): links built elsewhere open that sequence, and the
# pickers show activity, performer and repetition (type any of them to search).
current = requested if requested in labels else ids[0]
seq_id = top[0].selectbox("Sequence", ids, index=ids.index(current), format_func=labels.get,
                          help="Type an activity name, an id like A017, a performer (P002) or "
                               "a repetition (R003) to search.")
wanted = [c for c in st.query_params.get_all("cmp") if c in labels and c != seq_id][:3]
# The same options whatever the chosen sequence: the browser then keeps this box (a reference
# instead of 80 KB of options re-sent and re-drawn on every pick); the sequence itself is
# dropped from the comparison.
compare = top[1].multiselect("Compare side by side with", ids, default=wanted,
                             format_func=labels.get, max_selections=3,
                             placeholder="e.g. the same activity by another performer")
if seq_id in compare:
    compare = [c for c in compare if c != seq_id]
    top[1].caption("The sequence itself is not compared with itself.")
st.query_params["seq"] = seq_id
st.query_params["cmp"] = compare
# The player switches skeleton / mesh / both itself (no rerun); ?view= sets where it starts.
view = st.query_params.get("view", "mesh")
asked = st.session_state.get("seq_player")  # the player asked for a mesh it was not sent
if isinstance(asked, dict) and asked.get("view") in ("mesh", "both"):
    view = asked["view"]
    st.query_params["view"] = view
view = view if view in ("skeleton", "mesh", "both") else "mesh"

rec = sequences.record(version, seq_id)
meta = rec.meta
tip = st.empty()  # filled once the player is on its way (its query waits for nothing else)

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
suggest = None if compare else state.same_activity_other_performer(version, seq_id)
if suggest:
    tip.caption(f"Tip: compare with **{labels.get(suggest, sequence_label(suggest))}** "
                "(same activity, another performer).")
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
camera = r[0].selectbox("Camera", sequences.camera_names(rec), key="cam",
                        format_func=lambda name: sequences.describe_camera(rec, name))
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
e = st.columns(5)
layout = meta["joint_layout"]
sequences.download(e[0], "Joints CSV", version, seq_id, "joints-csv",
                   f"{rec.name}_joints_{layout}.csv", "text/csv")
sequences.download(e[1], "Joints .npy", version, seq_id, "joints-npy",
                   f"{rec.name}_joints_{layout}.npy")
if rec.has_smpl and body is not None:
    sequences.download(e[2], "SMPL .npz", version, seq_id, "npz", f"{rec.name}_smpl.npz")
    sequences.download(e[3], "BVH (Blender)", version, seq_id, "bvh", f"{rec.name}.bvh")
sequences.download(e[4], "Catalog metadata CSV", version, seq_id, "metadata-csv",
                   f"{rec.name}_metadata.csv", "text/csv")
st.caption(f"Joints: metres, z up, layout {layout}; CSV columns frame, time_s, joint_index, "
           "joint, x, y, z (one row per frame and joint); .npy of shape (T, J, 3). SMPL .npz "
           "and BVH use the active body model. The metadata CSV is the catalog row.")
