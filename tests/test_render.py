"""Render module: cameras, geometry helpers, the skeleton fallback, MP4 encoding and the cache."""

from __future__ import annotations

import json

import numpy as np
import pytest

from flag3d_core.player.demo import demo_motion
from flag3d_core.render import (
    Camera,
    MotionLayer,
    RenderOptions,
    get_camera,
    probe_video,
    render_sequence,
    video_codec,
    write_mp4,
)
from flag3d_core.render import sequence as sequence_mod
from flag3d_core.render.backend import SKELETON_ONLY, BackendInfo, render_backend
from flag3d_core.render.cache import content_key
from flag3d_core.render.cameras import PRESETS, frame_preset, look_at
from flag3d_core.render.scene import (
    SceneStyle,
    bone_transforms,
    composite_frame,
    vertex_normals,
)
from flag3d_core.render.skeleton_draw import draw_frame, floor_for

SMALL = RenderOptions(width=128, height=72, fps=30.0)


@pytest.fixture(scope="module")
def motion():
    return demo_motion(8)


def test_look_at_puts_target_on_the_optical_axis():
    R, T = look_at(np.array([0.0, -3.0, 1.5]), np.array([0.0, 0.0, 1.0]))
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-12)
    cam = Camera("t", np.array([[100.0, 0, 64], [0, 100.0, 36], [0, 0, 1]]), R, T, 128, 72)
    uv, depth = cam.project(np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 2.0]]))
    np.testing.assert_allclose(uv[0], [64, 36], atol=1e-9)
    assert depth[0] > 0
    assert uv[1, 1] < 36  # a higher point is higher in the image (smaller row)
    pose = cam.gl_pose()
    np.testing.assert_allclose(pose[:3, 3], [0.0, -3.0, 1.5], atol=1e-12)
    # OpenGL looks down its -z: that axis points from the eye towards the target.
    fwd = -pose[:3, 2]
    np.testing.assert_allclose(fwd, np.array([0, 3.0, -0.5]) / np.linalg.norm([0, 3, -0.5]))


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_frame_the_whole_motion(motion, name):
    pts = np.concatenate([motion.joints.reshape(-1, 3), motion.vertices.reshape(-1, 3)])
    cam = frame_preset(PRESETS[name], pts, 854, 480)
    uv, depth = cam.project(pts)
    assert (depth > 0).all()
    assert uv[:, 0].min() >= 0 and uv[:, 0].max() <= 854
    assert uv[:, 1].min() >= 0 and uv[:, 1].max() <= 480
    # ...and fills a good part of the frame (not a speck in the distance).
    assert (uv[:, 1].max() - uv[:, 1].min()) > 0.5 * 480 or (np.ptp(uv[:, 0]) > 0.5 * 854)


def test_camera_files_override_presets(tmp_path, motion):
    R, T = look_at(np.array([2.0, -4.0, 1.2]), np.array([0.0, 0.0, 0.9]))
    K = [[900.0, 0.0, 427.0], [0.0, 900.0, 240.0], [0.0, 0.0, 1.0]]
    (tmp_path / "S001C002.json").write_text(json.dumps(
        {"name": "S001C002", "K": K, "R": R.tolist(), "T": T.tolist(), "width": 854,
         "height": 480, "dist": [0, 0, 0, 0, 0]}))
    pts = motion.joints.reshape(-1, 3)
    cam = get_camera("C002", pts, 427, 240, cameras_dir=tmp_path)
    assert cam.name == "S001C002" and (cam.width, cam.height) == (427, 240)
    np.testing.assert_allclose(cam.K[0], [450.0, 0.0, 213.5])
    np.testing.assert_allclose(cam.R, R)
    assert get_camera("C003", pts, 427, 240, cameras_dir=tmp_path).name == "C003"  # preset
    with pytest.raises(KeyError, match="unknown camera"):
        get_camera("nope", pts, 427, 240, cameras_dir=tmp_path)
    (tmp_path / "S001C009.json").write_text('{"K": 1}')
    with pytest.raises(ValueError, match="S001C009.json"):
        get_camera("C009", pts, 427, 240, cameras_dir=tmp_path)


def test_vertex_normals_point_outward_on_a_cube():
    import trimesh

    box = trimesh.creation.box(extents=(1.0, 1.0, 1.0))
    n = vertex_normals(np.asarray(box.vertices), np.asarray(box.faces))
    np.testing.assert_allclose(np.linalg.norm(n, axis=1), 1.0, atol=1e-6)
    assert (np.einsum("vi,vi->v", n, box.vertices) > 0).all()


def test_bone_transforms_map_unit_cylinder_onto_bones():
    joints = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0], [0.5, 0.5, 0.0]])
    edges = [(1, 0), (2, 1), (3, 0)]
    tf = bone_transforms(joints, edges)  # (E, 4, 4)
    for (a, b), m in zip(edges, tf, strict=True):
        top = m @ np.array([0.0, 0.0, 0.5, 1.0])
        bottom = m @ np.array([0.0, 0.0, -0.5, 1.0])
        np.testing.assert_allclose(top[:3], joints[b], atol=1e-9)
        np.testing.assert_allclose(bottom[:3], joints[a], atol=1e-9)
        np.testing.assert_allclose(np.linalg.norm(m[:3, 0]), 1.0)  # radius unchanged


def test_composite_frame_layers_bodies_over_the_floor():
    bg = np.full((2, 3, 3), 200, np.uint8)
    floor_depth = np.array([[0.0, 5.0, 5.0], [5.0, 5.0, 5.0]])
    rgba = np.zeros((2, 3, 4), np.uint8)
    depth = np.zeros((2, 3))
    rgba[0, 0] = (100, 0, 0, 255)  # opaque body in the sky
    depth[0, 0] = 3.0
    rgba[0, 1] = (50, 0, 0, 128)  # anti-aliased edge, premultiplied
    depth[0, 1] = 3.0
    rgba[0, 2] = (100, 0, 0, 255)  # behind the floor: hidden
    depth[0, 2] = 6.0
    out = composite_frame(bg, floor_depth, (rgba, depth))
    np.testing.assert_array_equal(out[0, 0], [100, 0, 0])
    np.testing.assert_array_equal(out[0, 1], [50 + 100, 100, 100])  # 50 + (1 - 128/255) * 200
    np.testing.assert_array_equal(out[0, 2], [200, 200, 200])
    np.testing.assert_array_equal(out[1], bg[1])
    # OSMesa hands back RGB: coverage comes from the depth buffer.
    out_rgb = composite_frame(bg, floor_depth, (rgba[..., :3], depth))
    np.testing.assert_array_equal(out_rgb[0, 0], [100, 0, 0])
    # A see-through mesh in front of the body blends at its alpha; behind it, it does not show.
    ghost = np.zeros((2, 3, 4), np.uint8)
    ghost[0, 0] = ghost[0, 1] = ghost[1, 0] = (0, 0, 250, 255)
    g_depth = np.zeros((2, 3))
    g_depth[0, 0], g_depth[0, 1], g_depth[1, 0] = 2.0, 3.5, 4.0
    out = composite_frame(bg, floor_depth, (rgba, depth), (ghost, g_depth), ghost_alpha=0.4)
    np.testing.assert_array_equal(out[0, 0], [60, 0, 100])  # 0.6 * body + 0.4 * ghost
    np.testing.assert_array_equal(out[0, 1], [150, 100, 100])  # ghost behind the body
    np.testing.assert_array_equal(out[1, 0], [120, 120, 220])  # ghost over the floor


def test_motion_layer_validates_inputs(motion):
    with pytest.raises(ValueError, match="vertices or joints"):
        MotionLayer()
    with pytest.raises(ValueError, match="faces"):
        MotionLayer(vertices=motion.vertices)
    with pytest.raises(ValueError, match="edge"):
        MotionLayer(joints=motion.joints, edges=[(0, 99)])
    with pytest.raises(ValueError, match="floats"):
        MotionLayer(joints=motion.joints, color=(255, 0, 0))


def test_skeleton_fallback_draws_bones_where_the_camera_projects_them(motion):
    layer = MotionLayer(joints=motion.joints, edges=motion.edges)
    cam = get_camera("front", motion.joints.reshape(-1, 3), 256, 144)
    style = SceneStyle()
    img = draw_frame([layer], 0, cam, style, floor_for([layer], style))
    assert img.shape == (144, 256, 3) and img.dtype == np.uint8
    uv, _ = cam.project(motion.joints[0])
    u, v = np.round(uv).astype(int).T
    on_joints = img[v, u].astype(int)
    assert (np.abs(on_joints - 255).sum(axis=1) > 60).all()  # every joint is drawn (not white)
    assert (img[2, 2] == 255).all()  # sky stays background


def test_content_key_changes_with_any_input():
    a = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    base = content_key({"a": a, "b": None}, {"w": 1})
    assert base == content_key({"a": a.copy(), "b": None}, {"w": 1})
    b = a.copy()
    b[1, 1, 2] += 1e-3
    assert base != content_key({"a": b, "b": None}, {"w": 1})
    assert base != content_key({"a": a, "b": None}, {"w": 2})
    assert base != content_key({"a": a.astype(np.float64), "b": None}, {"w": 1})


def test_write_mp4_is_h264_yuv420p(tmp_path):
    frames = [np.full((72, 128, 3), 40 * i, dtype=np.uint8) for i in range(5)]
    path = write_mp4(tmp_path / "clip.mp4", frames, fps=25.0)
    info = probe_video(path)
    assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p"
    assert (info["width"], info["height"]) == (128, 72) and info["fps"] == 25.0
    assert not list(tmp_path.glob(".*tmp*"))  # no temp file left behind
    with pytest.raises(ValueError, match="even"):
        write_mp4(tmp_path / "odd.mp4", [np.zeros((71, 128, 3), np.uint8)])


def test_render_sequence_caches_and_reports_progress(tmp_path, motion):
    layer = MotionLayer(joints=motion.joints, edges=motion.edges)
    calls: list[tuple[int, int]] = []
    first = render_sequence(layer, camera="side", options=SMALL, cache_dir=tmp_path / "c",
                            progress=lambda d, n: calls.append((d, n)))
    assert not first.cached and first.frames == 8
    assert calls[-1] == (8, 8) and len(calls) == 8
    assert video_codec(first.path) == "h264"
    mtime = first.path.stat().st_mtime_ns
    again = render_sequence(layer, camera="side", options=SMALL, cache_dir=tmp_path / "c",
                            out_path=tmp_path / "export" / "clip.mp4")
    assert again.cached and again.key == first.key
    assert first.path.stat().st_mtime_ns == mtime  # not re-rendered
    assert again.path.read_bytes() == first.path.read_bytes()
    other = render_sequence(layer, camera="front", options=SMALL, cache_dir=tmp_path / "c")
    assert not other.cached and other.key != first.key


def test_skeleton_only_backend_renders_mesh_and_skeleton(tmp_path, motion, monkeypatch):
    monkeypatch.setattr(sequence_mod, "render_backend",
                        lambda: BackendInfo(SKELETON_ONLY, "test"))
    truth = MotionLayer(vertices=motion.vertices, faces=motion.faces, joints=motion.joints,
                        edges=motion.edges)
    pred = MotionLayer(joints=motion.joints[::-1].copy(), edges=motion.edges)
    res = render_sequence(truth, pred, camera="C002", options=SMALL, cache_dir=tmp_path)
    assert res.backend == SKELETON_ONLY and not res.cached
    assert probe_video(res.path)["codec"] == "h264"


def test_renders_from_several_threads_agree(motion):
    """Streamlit runs each session in its own thread; EGL needs the render lock for this."""
    from concurrent.futures import ThreadPoolExecutor

    from flag3d_core.render import render_frames

    layer = MotionLayer(vertices=motion.vertices, faces=motion.faces, joints=motion.joints,
                        edges=motion.edges)
    with ThreadPoolExecutor(max_workers=3) as pool:
        images = list(pool.map(lambda t: render_frames(layer, frames=[t], options=SMALL)[0],
                               [3, 3, 3]))
    assert all(img.shape == (72, 128, 3) for img in images)
    assert all(np.array_equal(images[0], img) for img in images[1:])
    assert (images[0] != 255).any()


def test_backend_is_chosen_once():
    first = render_backend()
    assert first.name in ("egl", "osmesa", SKELETON_ONLY) and first.detail
    assert render_backend() is first


def test_describe_camera_says_what_each_camera_is(tmp_path):
    import json as _json

    from flag3d_core.render.cameras import camera_names, describe_camera

    cam = {"name": "S001C002", "K": [[640, 0, 427], [0, 640, 240], [0, 0, 1]],
           "R": [[1, 0, 0], [0, 0, -1], [0, 1, 0]], "T": [0.0, 1.2, 3.0], "width": 854,
           "height": 480, "dist": [0, 0, 0, 0, 0]}
    (tmp_path / "S001C002.json").write_text(_json.dumps(cam))
    names = camera_names(tmp_path)
    assert names[0] == "front" and names[-1] == "S001C002"
    assert describe_camera("side").startswith("side: orbit preset") and "azimuth 90°" in \
        describe_camera("side")
    # centre = -R^T T = (0, -3, 1.2): 3 m from the origin, 1.2 m high
    assert describe_camera("S001C002", tmp_path) == (
        "S001C002: calibrated camera file, 854x480, 3.0 m from the origin, 1.2 m high")
    assert describe_camera("nope", tmp_path) == "nope"
