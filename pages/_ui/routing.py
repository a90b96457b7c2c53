"""The one workaround for Streamlit's legacy pages-directory routing.

Streamlit treats a ``pages/`` folder beside the entry point as a legacy multipage app until
``st.navigation`` has been called once in the process: on a fresh server, a shared link to
/browse runs pages/browse.py on its own (the raw file list in the sidebar, no page config).
Every page calls :func:`ensure_navigation` first; on such a run it switches the legacy mode off
and reruns, and the rerun goes through app.py's ``st.navigation``, which resolves the same URL
path. The flag is private Streamlit API (``PagesManager.uses_pages_directory``, checked with
1.67); if it disappears the workaround does nothing and cold links show the legacy layout
once, which the cold-server browser test would catch.
"""

from __future__ import annotations

import streamlit as st


def _pages_manager() -> type | None:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode
        return None
    return PagesManager if hasattr(PagesManager, "uses_pages_directory") else None


def ensure_navigation() -> None:
    """Rerun through app.py's ``st.navigation`` when Streamlit ran this page in legacy mode."""
    manager = _pages_manager()
    if manager is not None and manager.uses_pages_directory:
        manager.uses_pages_directory = False
        st.rerun()
