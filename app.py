"""FLAG3D Explorer: routes only. Pages live in pages/, logic in flag3d_core."""

import streamlit as st

st.set_page_config(page_title="FLAG3D Explorer", page_icon="🏋️", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True, url_path="home"),
    st.Page("pages/browse.py", title="Browse", icon="🗂️", url_path="browse"),
    st.Page("pages/sequence.py", title="Sequence", icon="▶️", url_path="sequence"),
    st.Page("pages/recognition.py", title="Recognition", icon="🎯", url_path="recognition"),
]

st.navigation(PAGES).run()
