"""Rendered frames match stored reference images (mean absolute difference within a tolerance).

Regenerate the PNGs after an intended visual change (look at them before committing):
``FLAG3D_UPDATE_REFERENCE=1 .venv/bin/pytest tests/test_render_reference.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from flag3d_core.player.demo import demo_motion
from flag3d_core.render import MotionLayer, RenderOptions, render_backend, render_frames
from flag3d_core.render.cameras import get_camera
from flag3d_core.render.scene import SceneStyle
from flag3d_core.render.skeleton_draw import draw_frame, floor_for

REFERENCE_DIR = Path(__file__).parent / "reference_images"
OPTIONS = RenderOptions(width=214, height=120)
# Mean |difference| per channel on 0..255.  Same-driver renders differ by < 0.5; the margin
# covers other GL drivers' anti-aliasing and rasterisation rules.
TOLERANCE = 4.0
FRAME = 6  # of 16: arms up, knees bent


@pytest.fixture(scope="module")
def motion():
    return demo_motion(16)


def _check(name: str, image: np.ndarray) -> None:
    path = REFERENCE_DIR / f"{name}.png"
    if os.environ.get("FLAG3D_UPDATE_REFERENCE") == "1":
        REFERENCE_DIR.mkdir(exist_ok=True)
        cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    ref = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert ref is not None, f"missing reference image {path}"
    ref = cv2.cvtColor(ref, cv2.COLOR_BGR2RGB)
    assert ref.shape == image.shape, f"{path}: shape {ref.shape} != {image.shape}"
    diff = float(np.abs(ref.astype(np.int16) - image.astype(np.int16)).mean())
    if diff > TOLERANCE:
        out = Path(os.environ.get("FLAG3D_TEST_OUTPUT", "test-output"))
        out.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(out / f"{name}.actual.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    assert diff <= TOLERANCE, f"{name}: mean abs diff {diff:.2f} > {TOLERANCE}"


def test_skeleton_fallback_matches_reference(motion):
    layers = [MotionLayer(joints=motion.joints, edges=motion.edges),
              MotionLayer(joints=motion.joints[::-1].copy(), edges=motion.edges,
                          color=(0.9, 0.45, 0.25))]
    cam = get_camera("C002", np.concatenate([m.points() for m in layers]), 214, 120)
    style = SceneStyle()
    _check("skeleton_fallback_c002", draw_frame(layers, FRAME, cam, style,
                                                floor_for(layers, style)))


@pytest.fixture
def gl():
    """Skip unless this process has an OpenGL backend (probed on first use, not at import)."""
    info = render_backend()
    if not info.has_gl:
        pytest.skip(f"no OpenGL backend: {info.detail}")
    return info


def test_gl_mesh_matches_reference(gl, motion):
    layer = MotionLayer(vertices=motion.vertices, faces=motion.faces)
    (img,) = render_frames(layer, camera="front", frames=[FRAME], options=OPTIONS)
    _check("gl_mesh_front", img)


def test_gl_skeleton_matches_reference(gl, motion):
    layer = MotionLayer(joints=motion.joints, edges=motion.edges)
    (img,) = render_frames(layer, camera="side", frames=[FRAME], options=OPTIONS)
    _check("gl_skeleton_side", img)


def test_gl_joints_land_where_the_camera_projects_them(gl, motion):
    """Parity of the GL camera with :meth:`Camera.project` (intrinsics, principal point)."""
    layer = MotionLayer(vertices=motion.vertices, faces=motion.faces)
    opts = RenderOptions(width=214, height=120, style=SceneStyle(floor=False))
    (img,) = render_frames(layer, camera="C002", frames=[FRAME], options=opts)
    cam = get_camera("C002", layer.points(slice(0, 16, 1)), 214, 120)
    uv, _ = cam.project(motion.joints[FRAME])
    u, v = np.round(uv).astype(int).T
    body = (np.abs(img.astype(int) - 255).sum(axis=2) > 30)  # not the white background
    # Joints are inside the body, so they project onto body pixels.
    assert body[v, u].mean() > 0.9
    assert 0.02 < body.mean() < 0.5


_OTHER_BACKEND_SCRIPT = """
import sys
import cv2
from flag3d_core.render import MotionLayer, RenderOptions, render_backend, render_frames
from flag3d_core.player.demo import demo_motion
if render_backend().name != sys.argv[1]:
    print("unavailable:", render_backend().detail)
    raise SystemExit(0)
m = demo_motion(16)
(img,) = render_frames(MotionLayer(vertices=m.vertices, faces=m.faces), camera="front",
                       frames=[int(sys.argv[3])], options=RenderOptions(width=214, height=120))
cv2.imwrite(sys.argv[2], cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
"""


def test_the_other_gl_backend_matches_the_same_reference(gl, tmp_path):
    """EGL and OSMesa take different pyrender paths (framebuffer + MSAA + RGBA vs. RGB)."""
    import subprocess
    import sys

    other = {"egl": "osmesa", "osmesa": "egl"}[gl.name]
    out = tmp_path / "other.png"
    env = {**os.environ, "FLAG3D_RENDER_BACKEND": other}
    env.pop("PYOPENGL_PLATFORM", None)
    proc = subprocess.run([sys.executable, "-c", _OTHER_BACKEND_SCRIPT, other, str(out),
                           str(FRAME)], env=env, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    if not out.exists():
        pytest.skip(f"{other} not available here: {proc.stdout.strip()}")
    image = cv2.cvtColor(cv2.imread(str(out)), cv2.COLOR_BGR2RGB)
    _check("gl_mesh_front", image)
