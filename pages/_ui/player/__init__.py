"""In-browser 3D motion player: a Streamlit custom component (components v1) using three.js.

The frontend (``frontend/index.html`` + ``frontend/player.js``) is hand-written: no build step,
only ``npm ci --prefix pages/_ui/player/frontend`` to install three.js. The payload comes
from :func:`flag3d_core.viz.player_data.player_payload`.

The iframe keeps its camera, playback time and play state across reruns; it reloads its tracks
only when the payload ``id`` (a content hash) changes. Keep ``key`` stable across reruns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

FRONTEND_DIR = Path(__file__).resolve().parent / "frontend"
_THREE = FRONTEND_DIR / "node_modules" / "three" / "build" / "three.module.js"

_component = components.declare_component("flag3d_player", path=str(FRONTEND_DIR))


def frontend_ready() -> bool:
    """True when three.js is installed next to the frontend (``npm ci`` has run)."""
    return _THREE.is_file()


def player(payload: dict[str, Any], key: str | None = None, height: int = 480,
           autoplay: bool = True) -> Any:
    """Show the player for ``payload`` (see ``player_data.player_payload``).

    Args:
        payload: JSON-ready dict with the tracks and the shared timeline.
        key: Streamlit widget key; keep it stable so the iframe (and its camera) survives reruns.
        height: total height in pixels (3D view + control bar).
        autoplay: start playing when a new payload arrives.

    Returns:
        What the player asked for last (``{"view": "mesh"}`` when the user wants a mesh the
        payload did not carry), or None.
    """
    if not frontend_ready():
        st.error(f"The 3D player cannot start: three.js is missing under "
                 f"`{FRONTEND_DIR / 'node_modules'}`. Run "
                 "`npm ci --prefix pages/_ui/player/frontend` (or `make`).")
        return
    return _component(payload=payload, height=int(height), autoplay=bool(autoplay), key=key,
                      default=None)
