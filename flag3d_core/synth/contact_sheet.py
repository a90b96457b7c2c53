"""A contact sheet of all 60 activities at their key poses (NTU-25 skeletons, OpenCV drawing).

Each cell shows the start pose in grey and the cycle's most distinct key pose in colour, seen
from the performer's front-left at a 3/4 angle, with the activity number and name.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from flag3d_core.layouts import NTU25
from flag3d_core.synth.activities import activity_names, scripts
from flag3d_core.synth.motion import Timing, animate
from flag3d_core.synth.performers import make_performer
from flag3d_core.synth.rigs import load_body_arrays, performer_rig
from flag3d_core.synth.skeleton import ntu25

CELL = 230
COLS = 10
_LEFT = {4, 5, 6, 7, 12, 13, 14, 15, 21, 22}


def _view(points: np.ndarray, azim_deg: float = -35.0, elev_deg: float = 12.0) -> np.ndarray:
    """Orthographic view of world points (..., 3) (z up, performer facing -y) -> (..., 2)
    image-style coordinates (x right, y down), camera at the front-left, slightly above."""
    a, e = np.radians([azim_deg, elev_deg])
    right = np.array([np.cos(a), np.sin(a), 0.0])
    fwd = np.array([-np.sin(a), np.cos(a), 0.0])
    up = np.array([0.0, 0.0, 1.0]) * np.cos(e) - fwd * np.sin(e)
    return np.stack([points @ right, -(points @ up)], axis=-1)


Colour = tuple[int, int, int]


def _draw(img: np.ndarray, pts: np.ndarray, colour_l: Colour, colour_r: Colour,
          colour_c: Colour, width: int) -> None:
    for child, parent in NTU25.edges:
        c = colour_l if child in _LEFT else colour_r if child not in (0, 1, 2, 3, 20) else colour_c
        p, q = pts[child].astype(int), pts[parent].astype(int)
        cv2.line(img, tuple(p), tuple(q), c, width, cv2.LINE_AA)
    for p in pts.astype(int):
        cv2.circle(img, tuple(p), 2, colour_c, -1, cv2.LINE_AA)


def key_frame(phase: np.ndarray, joints: np.ndarray) -> int:
    """Frame of the first cycle whose pose is farthest from the start pose."""
    first = np.flatnonzero((phase > 0) & (phase < 1.0))
    if len(first) == 0:
        return 0
    centred = joints - joints[:, :1]
    dist = np.linalg.norm(centred[first] - centred[0], axis=-1).mean(axis=-1)
    return int(first[np.argmax(dist)])


def contact_sheet(out_png: str | os.PathLike[str], body_dir: str | os.PathLike[str] | None = None,
                  seed: int = 0, activities: list[int] | None = None) -> Path:
    """Draw the activities (default all 60) at their key poses into ``out_png``.

    ``body_dir`` selects the body model (default: the built-in stand-in). Returns the path.
    """
    arrays = load_body_arrays(body_dir)
    performer = make_performer(1, seed)
    rig = performer_rig(arrays, performer.betas)
    acts = activities or sorted(scripts())
    rows = (len(acts) + COLS - 1) // COLS
    sheet = np.full((rows * CELL, COLS * CELL, 3), 255, np.uint8)
    names = activity_names()
    for i, act in enumerate(acts):
        rng = np.random.default_rng([seed, 7, act])
        m = animate(scripts()[act], performer, rig, Timing(n_cycles=1), rng)
        sk = ntu25(m.joints, m.probes, rig)
        k = key_frame(m.phase, sk)
        view = _view(np.stack([sk[0], sk[k]]))  # (2, 25, 2)
        lo, hi = view.reshape(-1, 2).min(0), view.reshape(-1, 2).max(0)
        floor = _view(np.array([[0.0, 0.0, 0.0]]))[0]
        scale = (CELL - 50) / max(float((hi - lo).max()), 1.2)
        centre = (lo + hi) / 2
        origin = np.array([(i % COLS) * CELL + CELL / 2, (i // COLS) * CELL + CELL / 2 + 8])
        pts = (view - centre) * scale + origin
        cell = sheet
        fy = int((floor[1] - centre[1]) * scale + origin[1]) if sk[..., 2].min() < 0.05 else None
        if fy is not None:
            x0 = (i % COLS) * CELL
            cv2.line(cell, (x0 + 10, fy), (x0 + CELL - 10, fy), (200, 200, 200), 1)
        _draw(cell, pts[0], (200, 200, 200), (200, 200, 200), (190, 190, 190), 1)
        _draw(cell, pts[1], (230, 120, 30), (40, 90, 230), (60, 60, 60), 2)
        label = f"A{act:03d} {names[act]}"
        x0, y0 = (i % COLS) * CELL + 4, (i // COLS) * CELL + 13
        for j, start in enumerate(range(0, len(label), 34)):
            cv2.putText(sheet, label[start:start + 34], (x0, y0 + 12 * j),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.36, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.rectangle(sheet, ((i % COLS) * CELL, (i // COLS) * CELL),
                      ((i % COLS + 1) * CELL - 1, (i // COLS + 1) * CELL - 1), (225, 225, 225), 1)
    out = Path(out_png)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(out), sheet):
        raise OSError(f"could not write contact sheet {out}")
    return out
