"""Home: what the catalog holds, which body model and render backend are active, GPU or CPU."""

import streamlit as st

from flag3d_core.viz.catalog_charts import bar_counts, duration_boxes
from pages._ui import models, state
from pages._ui.routing import ensure_navigation

ensure_navigation()

st.title("FLAG3D Explorer")
st.caption("3D fitness motion: 60 activities, body part → activity → instruction. "
           "Skeletons, SMPL bodies, rendered and smartphone keypoints.")

version = state.catalog_or_stop()
stats = state.stats(version)

c = st.columns(5)
c[0].metric("Sequences", f"{stats['sequences']:,}")
c[1].metric("Activities", stats["activities"])
c[2].metric("Hours of motion", f"{stats['hours']:.1f}")
c[3].metric("Frames", f"{stats['frames']:,}")
c[4].metric("Model runs", stats["model_runs"])

left, right = st.columns(2)
with left:
    df = state.counts_by(version, ("body_part", "source"))
    st.altair_chart(bar_counts(df, "body_part", "Sequences per body part", color="source"),
                    width="stretch")
with right:
    st.altair_chart(bar_counts(state.split_counts(version), "split",
                               "Sequences per protocol split", color="source"), width="stretch")

st.altair_chart(duration_boxes(state.mocap_lengths(version), "MoCap sequence length per body part"),
                width="stretch")

st.subheader("This host")
s = state.settings()
h = st.columns(3)
with h[0]:
    st.markdown("**Body model**")
    info, err = models.body_model_info(str(s.body_models))
    if info is None:
        st.warning(err)
    elif info.kind == "standin":
        st.info(f"Stand-in body (SMPL format, {info.n_vertices:,} vertices) at `{info.path}`.\n\n"
                "To use the real SMPL model, download SMPL_NEUTRAL.pkl (SMPL v1.1.0 for Python 3) "
                f"from smpl.is.tue.mpg.de and place it at `{s.body_models}/smpl/SMPL_NEUTRAL.pkl` "
                "(replacing the stand-in), or set FLAG3D_BODY_MODELS.")
    else:
        st.success(f"Real SMPL model ({info.n_vertices:,} vertices) at `{info.path}`.")
with h[1]:
    st.markdown("**Render backend**")
    be = models.render_backend()
    (st.success if be.has_gl else st.warning)(f"{be.name}: {be.detail}")
with h[2]:
    st.markdown("**Compute device**")
    d = models.device_info()
    (st.success if d["device"] == "cuda" else st.info)(
        f"{'GPU' if d['device'] == 'cuda' else 'CPU'} in use: {d['name']} "
        f"(FLAG3D_DEVICE={d['setting']}, {d['threads']} torch threads)")
