"""FLAG3D Explorer: routes only. Pages live in pages/, logic in flag3d_core."""

from pathlib import Path

import streamlit as st

# A local icon file: a :material/...: page icon makes the browser fetch it from fonts.gstatic.com.
ICON = Path(__file__).resolve().parent / "pages" / "_ui" / "assets" / "icon.png"
st.set_page_config(page_title="FLAG3D Explorer", page_icon=str(ICON), layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True, url_path="home"),
    st.Page("pages/browse.py", title="Browse", icon=":material/account_tree:", url_path="browse"),
    st.Page(
        "pages/sequence.py", title="Sequence", icon=":material/play_circle:", url_path="sequence"
    ),
    st.Page(
        "pages/recognition.py",
        title="Recognition",
        icon=":material/grid_on:",
        url_path="recognition",
    ),
    st.Page(
        "pages/mesh_recovery.py",
        title="Mesh Recovery",
        icon=":material/accessibility_new:",
        url_path="mesh_recovery",
    ),
    st.Page(
        "pages/playground.py",
        title="Playground",
        icon=":material/directions_run:",
        url_path="playground",
    ),
]

st.navigation(PAGES).run()
