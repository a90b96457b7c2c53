"""Standalone demo of the 3D player (used by tests/test_player_browser.py and the benchmark).

Run from the repository root:
    PYTHONPATH=. .venv/bin/streamlit run pages/_ui/player/demo_app.py
"""

from __future__ import annotations

import os

import streamlit as st

from flag3d_core.body.kinematics import smpl_joints_np
from flag3d_core.body.template import BodyTemplate
from flag3d_core.layouts import SMPL24
from flag3d_core.player.demo import MOTIONS, demo_body, demo_smpl_motion, standin_body
from flag3d_core.player.tracks import mesh_track, player_payload, skeleton_track
from flag3d_core.player.wire import payload_sizes
from pages._ui.player import player

FPS = 30.0
SEQUENCES = {"squat": ("squat",), "arm raise": ("arm raise",),
             "squat + arm raise": ("squat", "arm raise")}
SPACING = 1.6  # metres between sequences shown side by side
LENGTH_S = {"squat": 4.0, "arm raise": 3.0}  # different lengths: the shorter holds its last frame
assert set(LENGTH_S) == set(MOTIONS)
# FLAG3D_PLAYER_DEMO_BODY: "demo" (default: the project's demo figure, z up) or "standin" (the
# project's stand-in SMPL body, y up; for benchmarks). Both have 6,890 vertices.
BODY = os.environ.get("FLAG3D_PLAYER_DEMO_BODY", "demo")
BODY_UP = {"demo": "z", "standin": "y"}


@st.cache_resource
def body_model(kind: str) -> BodyTemplate:
    return standin_body() if kind == "standin" else demo_body()


@st.cache_data
def build_payload(sequence: str, show: str) -> dict:
    body = body_model(BODY)
    tracks = []
    names = SEQUENCES[sequence]
    for i, name in enumerate(names):
        m = demo_smpl_motion(name, LENGTH_S[name], FPS, body, up=BODY_UP[BODY])
        x_offset = (i - (len(names) - 1) / 2) * SPACING
        if show in ("mesh", "both"):
            tracks.append(mesh_track(body.template, body.faces, body.weights, body.parents,
                                     body.rest_joints, m["global_orient"], m["body_pose"],
                                     m["transl"], fps=FPS, label=name, x_offset=x_offset))
        if show in ("skeleton", "both"):
            joints = smpl_joints_np(m["global_orient"], m["body_pose"], body.rest_joints,
                                    body.parents, m["transl"])
            wrists = (SMPL24.index("left_wrist"), SMPL24.index("right_wrist"))
            tracks.append(skeleton_track(joints, SMPL24, fps=FPS, label=f"{name} joints",
                                         x_offset=x_offset,
                                         highlight=wrists if name == "arm raise" else ()))
    return player_payload(tracks, fps=FPS)


st.set_page_config(page_title="3D player demo", layout="wide")
st.title("3D player demo")
left, right = st.columns(2)
sequence = left.selectbox("Sequence", list(SEQUENCES))
show = right.radio("Show", ["skeleton", "mesh", "both"], horizontal=True)
payload = build_payload(sequence, show)
player(payload, key="player", height=520)
sizes = payload_sizes(payload)
st.caption(f"payload {sizes.total / 1024:.1f} KiB: motion {sizes.motion / 1024:.1f} KiB over "
           f"{sizes.duration_s:.1f} s, sent-once {sizes.static / 1024:.1f} KiB")
