"""The ONE place that picks the OpenGL platform and imports pyrender.

``PYOPENGL_PLATFORM`` must be set before ``OpenGL`` is first imported, and it cannot change
afterwards, so the choice is made once per process:

1. ``FLAG3D_RENDER_BACKEND`` (``auto`` | ``egl`` | ``osmesa`` | ``skeleton-only``) forces a choice;
   a ``PYOPENGL_PLATFORM`` already set by the user (``egl`` / ``osmesa``) is honoured the same way.
2. Otherwise each GL platform is tried in a short-lived subprocess (so a crashing or hanging
   driver cannot take this process down): EGL first, then OSMesa.  When EGL only reaches a
   software rasteriser (Mesa llvmpipe) and OSMesa works too, OSMesa is chosen: on a CPU it is
   faster (STACK.md: ~60 vs ~40 fps) and it has no per-thread context restriction.
3. When no GL platform works, rendering falls back to skeleton-only drawing with OpenCV.

Threads: OSMesa contexts work from any thread; an EGL context is bound to the thread that made
it and only one renderer may live per process.  :func:`render_lock` serialises renders, and the
renderer is created, used and deleted inside one call (``scene.offscreen_renderer``).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from types import ModuleType

import numpy as np

logger = logging.getLogger(__name__)

GL_BACKENDS = ("egl", "osmesa")
SKELETON_ONLY = "skeleton-only"
_ENV_CHOICE = "FLAG3D_RENDER_BACKEND"
_PROBE_TIMEOUT_S = 60.0

# Renders a tiny scene and prints the GL renderer string; exit status 0 means usable.
_PROBE_CODE = """
import numpy as np
if not hasattr(np, "infty"):
    np.infty = np.inf
import pyrender
from OpenGL import GL
r = pyrender.OffscreenRenderer(16, 16)
s = pyrender.Scene(bg_color=[0.0, 0.0, 0.0, 1.0])
s.add(pyrender.PerspectiveCamera(yfov=1.0), pose=np.eye(4))
color, _ = r.render(s)
assert color.shape == (16, 16, 3)
print(GL.glGetString(GL.GL_RENDERER).decode(), "-", GL.glGetString(GL.GL_VERSION).decode())
r.delete()
"""


@dataclass(frozen=True)
class BackendInfo:
    """The rendering backend of this process.

    Attributes:
        name: ``egl`` | ``osmesa`` | ``skeleton-only``.
        detail: one human-readable line (GL renderer string, or why GL is unavailable).
    """

    name: str
    detail: str

    @property
    def has_gl(self) -> bool:
        return self.name in GL_BACKENDS


_lock = threading.Lock()
_render_lock = threading.RLock()
_chosen: BackendInfo | None = None


def _start_probe(platform: str) -> subprocess.Popen:
    env = dict(os.environ, PYOPENGL_PLATFORM=platform)
    return subprocess.Popen([sys.executable, "-c", _PROBE_CODE], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish_probe(platform: str, proc: subprocess.Popen, timeout_s: float) -> tuple[bool, str]:
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return False, f"{platform}: probe timed out after {timeout_s:.0f} s"
    if proc.returncode == 0:
        return True, out.strip().splitlines()[-1] if out.strip() else platform
    tail = (err.strip().splitlines() or ["no error output"])[-1]
    return False, f"{platform}: {tail[:200]}"


def probe_platform(platform: str, timeout_s: float = _PROBE_TIMEOUT_S) -> tuple[bool, str]:
    """Try ``platform`` (``egl`` | ``osmesa``) in a subprocess; return ``(ok, detail)``."""
    return _finish_probe(platform, _start_probe(platform), timeout_s)


def _is_software(detail: str) -> bool:
    low = detail.lower()
    return any(word in low for word in ("llvmpipe", "softpipe", "swrast"))


def _choose() -> BackendInfo:
    forced = os.environ.get(_ENV_CHOICE, "auto").strip().lower()
    if forced not in ("auto", SKELETON_ONLY, *GL_BACKENDS):
        raise ValueError(
            f"{_ENV_CHOICE}={forced!r} is not one of auto, egl, osmesa, {SKELETON_ONLY}"
        )
    if forced == SKELETON_ONLY:
        return BackendInfo(SKELETON_ONLY, f"forced by {_ENV_CHOICE}")
    preset = os.environ.get("PYOPENGL_PLATFORM", "").strip().lower()
    if forced == "auto" and "OpenGL" in sys.modules:
        # Too late to choose: OpenGL is already imported with whatever platform it found.
        if preset not in GL_BACKENDS:
            return BackendInfo(
                SKELETON_ONLY,
                f"OpenGL was imported before the render backend was chosen "
                f"(PYOPENGL_PLATFORM={preset or 'unset'}); offscreen GL unavailable",
            )
        forced = preset
    elif forced == "auto" and preset in GL_BACKENDS:
        forced = preset
    if forced in GL_BACKENDS:
        ok, detail = probe_platform(forced)
        if ok:
            return BackendInfo(forced, detail)
        return BackendInfo(SKELETON_ONLY, f"requested {forced} failed ({detail})")

    # Both probes run side by side (each mostly waits on importing pyrender).
    procs = {p: _start_probe(p) for p in GL_BACKENDS}
    ok_egl, detail_egl = _finish_probe("egl", procs["egl"], _PROBE_TIMEOUT_S)
    ok_osm, detail_osm = _finish_probe("osmesa", procs["osmesa"], _PROBE_TIMEOUT_S)
    if ok_egl and not _is_software(detail_egl):
        return BackendInfo("egl", detail_egl)
    if ok_osm:
        why = "software EGL; OSMesa is faster on CPU" if ok_egl else detail_egl
        return BackendInfo("osmesa", f"{detail_osm} ({why})")
    if ok_egl:
        return BackendInfo("egl", detail_egl)
    return BackendInfo(SKELETON_ONLY, f"no GL backend: {detail_egl}; {detail_osm}")


def render_backend() -> BackendInfo:
    """The backend of this process, chosen on first call (a few seconds) and then fixed.

    Side effect on first call: sets ``PYOPENGL_PLATFORM`` for this process when a GL backend
    is chosen.  Never imports OpenGL itself.
    """
    global _chosen
    with _lock:
        if _chosen is None:
            _chosen = _choose()
            if _chosen.has_gl:
                os.environ["PYOPENGL_PLATFORM"] = _chosen.name
            logger.info("render backend: %s (%s)", _chosen.name, _chosen.detail)
        return _chosen


def apply_numpy_aliases() -> None:
    """numpy 2 removed ``np.infty``; pyrender 0.1.45 still uses it (``Mesh.bounds``)."""
    if "infty" not in np.__dict__:
        np.infty = np.inf  # type: ignore[attr-defined]


def import_pyrender() -> ModuleType:
    """Import pyrender with the chosen platform; raises RuntimeError when GL is unavailable."""
    info = render_backend()
    if not info.has_gl:
        raise RuntimeError(f"no OpenGL render backend in this process: {info.detail}")
    apply_numpy_aliases()
    import pyrender  # lazy on purpose: the platform must be set first

    return pyrender


def render_lock() -> threading.RLock:
    """Lock held around every offscreen render (one GL renderer at a time per process)."""
    return _render_lock
