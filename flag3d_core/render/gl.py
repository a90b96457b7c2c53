"""The pyrender part: draw motion layers offscreen, frame by frame.

Speed: on a software rasteriser most of the time goes into shading the floor, which covers
half the image and never changes under a fixed camera.  So the floor is rendered once, bodies
are rendered each frame on a transparent background, and the two are composited with the
depth buffers (:func:`flag3d_core.render.scene.composite_frame`).  See-through meshes (a layer
with both mesh and skeleton) are rendered opaque in a second pass and blended there, which
keeps their alpha exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from flag3d_core.render.backend import import_pyrender, render_lock
from flag3d_core.render.cameras import Camera
from flag3d_core.render.scene import (
    MotionLayer,
    SceneStyle,
    bone_transforms,
    composite_frame,
    floor_tiles,
    light_pose,
    vertex_normals,
)

if TYPE_CHECKING:
    from pyrender import Material, MetallicRoughnessMaterial, Node, OffscreenRenderer, Scene
    from trimesh import Trimesh

GHOST_ALPHA = 0.45


def render_gl(
    layers: Sequence[MotionLayer],
    camera: Camera,
    style: SceneStyle,
    frame_indices: Sequence[int],
    on_frame: Callable[[int, np.ndarray], None],
) -> None:
    """Render ``frame_indices`` of ``layers`` from ``camera``; call ``on_frame(i, rgb (H,W,3))``.

    The renderer is created, used and deleted inside this call and under the render lock, so
    EGL's one-renderer-per-thread rule holds even when Streamlit calls from several threads.
    """
    pyrender = import_pyrender()
    import trimesh  # heavy, and only needed with GL

    scene = pyrender.Scene(bg_color=[0.0, 0.0, 0.0, 0.0], ambient_light=[style.ambient] * 3)
    scene.add(pyrender.IntrinsicsCamera(
        fx=float(camera.K[0, 0]), fy=float(camera.K[1, 1]), cx=float(camera.K[0, 2]),
        cy=float(camera.K[1, 2]), znear=0.05, zfar=200.0), pose=camera.gl_pose())
    for az, el, intensity, _ in style.lights:
        scene.add(pyrender.DirectionalLight(color=np.ones(3), intensity=intensity),
                  pose=light_pose(az, el))

    sphere = trimesh.creation.icosphere(subdivisions=2, radius=style.joint_radius)
    cylinder = trimesh.creation.cylinder(radius=style.bone_radius, height=1.0, sections=14)
    bone_mats, joint_mats = [], []
    for layer in layers:
        rgb = [float(c) for c in layer.color]
        bone_mats.append(_material(pyrender, rgb))
        joint_mats.append(_material(pyrender, [0.6 * c for c in rgb]))
    rgba_flag = pyrender.RenderFlags.RGBA
    ghosts = any(layer.vertices is not None and layer.joints is not None for layer in layers)

    with render_lock():
        renderer = pyrender.OffscreenRenderer(camera.width, camera.height)
        try:
            background, floor_depth = _render_background(pyrender, trimesh, renderer, scene,
                                                         layers, style, camera)
            for i, t in enumerate(frame_indices):
                solid_nodes, ghost_nodes = [], []
                for k, layer in enumerate(layers):
                    mesh_node = _add_mesh(pyrender, scene, layer, t, bone_mats[k])
                    if mesh_node is not None:
                        (ghost_nodes if layer.joints is not None else solid_nodes).append(
                            mesh_node)
                    solid_nodes += _add_skeleton(pyrender, scene, layer, t, bone_mats[k],
                                                 joint_mats[k], sphere, cylinder)
                ghost = None
                if ghosts:  # two passes: solid things, then see-through meshes alone
                    for node in ghost_nodes:
                        scene.remove_node(node)
                    solid = renderer.render(scene, flags=rgba_flag)
                    for node in solid_nodes:
                        scene.remove_node(node)
                    for node in ghost_nodes:
                        scene.add_node(node)
                    ghost = renderer.render(scene, flags=rgba_flag)
                else:
                    solid = renderer.render(scene, flags=rgba_flag)
                    ghost_nodes = []
                for node in solid_nodes + ghost_nodes:  # STACK.md: never let meshes pile up
                    if scene.has_node(node):
                        scene.remove_node(node)
                on_frame(i, composite_frame(background, floor_depth, solid, ghost, GHOST_ALPHA))
        finally:
            renderer.delete()


def _material(pyrender: ModuleType, rgb: list[float]) -> MetallicRoughnessMaterial:
    return pyrender.MetallicRoughnessMaterial(baseColorFactor=[*rgb, 1.0], metallicFactor=0.0,
                                              roughnessFactor=0.75)


def _render_background(pyrender: ModuleType, trimesh: ModuleType, renderer: OffscreenRenderer,
                       scene: Scene, layers: Sequence[MotionLayer], style: SceneStyle,
                       camera: Camera) -> tuple[np.ndarray, np.ndarray]:
    """The static floor + sky image (H, W, 3) uint8 and the floor's depth (H, W)."""
    sky = np.array(style.background, dtype=np.float32) * 255.0
    if not style.floor:
        return (np.broadcast_to(sky, (camera.height, camera.width, 3)).astype(np.uint8),
                np.zeros((camera.height, camera.width), np.float32))
    pts = np.concatenate([layer.points() for layer in layers])
    lo, hi = np.nanmin(pts, axis=0), np.nanmax(pts, axis=0)
    half = float(max(hi[0] - lo[0], hi[1] - lo[1]) / 2 + 3.0)
    fv, ff, fc = floor_tiles((lo[:2] + hi[:2]) / 2, half, float(lo[2]) - 0.002,
                             style.floor_tile, style.floor_colors)
    node = scene.add(pyrender.Mesh.from_trimesh(
        trimesh.Trimesh(fv, ff, vertex_colors=fc, process=False), smooth=False))
    rgba, depth = renderer.render(scene, flags=pyrender.RenderFlags.RGBA)
    scene.remove_node(node)
    if rgba.shape[-1] == 4:
        alpha = rgba[..., 3:4].astype(np.float32) / 255.0
    else:  # OSMesa: RGB only
        alpha = (depth > 0)[..., None].astype(np.float32)
    image = rgba[..., :3].astype(np.float32) + (1.0 - alpha) * sky
    return np.clip(image + 0.5, 0, 255).astype(np.uint8), depth


def _add_mesh(pyrender: ModuleType, scene: Scene, layer: MotionLayer, t: int,
              material: Material) -> Node | None:
    if layer.vertices is None:
        return None
    v = np.asarray(layer.vertices[t], dtype=np.float32)
    prim = pyrender.Primitive(positions=v, normals=vertex_normals(v, layer.faces),
                              indices=np.asarray(layer.faces, dtype=np.uint32),
                              material=material, mode=4)
    return scene.add(pyrender.Mesh([prim]))


def _add_skeleton(pyrender: ModuleType, scene: Scene, layer: MotionLayer, t: int,
                  bone_mat: Material, joint_mat: Material, sphere: Trimesh,
                  cylinder: Trimesh) -> list[Node]:
    """Joint spheres and bone cylinders of frame ``t`` (instanced meshes); the new nodes."""
    if layer.joints is None:
        return []
    nodes = []
    j = np.asarray(layer.joints[t], dtype=np.float64)
    ok = np.isfinite(j).all(axis=1)
    if ok.any():
        poses = np.tile(np.eye(4), (int(ok.sum()), 1, 1))
        poses[:, :3, 3] = j[ok]
        nodes.append(scene.add(pyrender.Mesh.from_trimesh(sphere, material=joint_mat,
                                                          poses=poses)))
    edges = [e for e in layer.edges if ok[e[0]] and ok[e[1]]]
    if edges:
        nodes.append(scene.add(pyrender.Mesh.from_trimesh(
            cylinder, material=bone_mat, poses=bone_transforms(j, edges))))
    return nodes
