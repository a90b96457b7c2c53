"""Pinhole cameras of FLAG3D-Synth: six studio cameras (rendered domain) and two phones
(natural-scene domain). World z up, metres; OpenCV camera axes (x right, y down, z forward);
``x_cam = R @ x_world + T``.
"""

from __future__ import annotations

import numpy as np

from flag3d_core.render.cameras import Camera

LOOK_AT = np.array([0.0, 0.0, 0.85])


def look_at(name: str, azim_deg: float, dist: float, height: float, focal: float,
            width: int, height_px: int, target: np.ndarray = LOOK_AT) -> Camera:
    """A camera on a circle around the performer: azimuth 0 is in front (the performer faces
    -y), positive azimuths go round to the performer's left (+x)."""
    a = np.radians(azim_deg)
    centre = np.array([dist * np.sin(a), -dist * np.cos(a), height])
    fwd = target - centre
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, np.array([0.0, 0.0, 1.0]))
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    rot = np.stack([right, down, fwd])
    k = np.array([[focal, 0.0, width / 2.0], [0.0, focal, height_px / 2.0], [0.0, 0.0, 1.0]])
    return Camera(name, k, rot, -rot @ centre, width, height_px, np.zeros(5))


# (azimuth deg, distance m, height m) of the six studio cameras S001C001..C006.
STUDIO_LAYOUT = ((0.0, 3.6, 1.2), (45.0, 3.3, 1.4), (90.0, 3.8, 1.1),
                 (180.0, 3.5, 1.3), (-90.0, 3.4, 1.0), (-45.0, 3.1, 1.5))


def studio_cameras(scene: int = 1) -> list[Camera]:
    """The six 854x480 cameras of the rendered domain, named ``S###C00k``."""
    return [look_at(f"S{scene:03d}C{i + 1:03d}", az, d, h, 640.0, 854, 480)
            for i, (az, d, h) in enumerate(STUDIO_LAYOUT)]


def phone_cameras(rng: np.random.Generator) -> list[Camera]:
    """Two phones placed by hand for one natural-scene recording: V001 in front (portrait
    1080x1920), V002 at the side (landscape 1920x1080); placement jitters per recording."""
    front = look_at("V001", rng.uniform(-15, 15), rng.uniform(2.9, 3.5), rng.uniform(0.8, 1.2),
                    rng.uniform(1150, 1300), 1080, 1920,
                    target=LOOK_AT + np.array([0.0, 0.0, rng.uniform(-0.1, 0.1)]))
    side = look_at("V002", rng.choice([-1.0, 1.0]) * rng.uniform(70, 100), rng.uniform(3.2, 3.9),
                   rng.uniform(0.7, 1.3), rng.uniform(1350, 1500), 1920, 1080,
                   target=LOOK_AT + np.array([0.0, 0.0, rng.uniform(-0.1, 0.1)]))
    return [front, side]
