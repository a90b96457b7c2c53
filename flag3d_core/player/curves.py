"""Joint-angle curves for the player's chart strip, on the player's own timeline.

The player draws them under the 3D view with a playhead that follows playback (click or drag
the chart to seek), one colour per sequence (the colour of its body in the 3D view), solid for
the left side and dashed for the right, the repetitions found in the first sequence shaded.

Wire format (``payload["curves"]``)::

    {"fps": 30.0, "unit": "°",
     "groups": [{"name": "knees", "note": "180° = straight",
                 "series": [{"seq": 0, "label": "left knee", "side": "left",
                             "values": <int16 tenths of a degree, (T,)>}, ...]}, ...],
     "default_group": "knees",          # the group that moves most in the first sequence
     "min_span": 30.0,                  # the y axis spans at least this many degrees
     "repetitions": {"seq": 0, "count": 5, "period_frames": 42.0,
                     "segments": [[start, end], ...], "peaks": [frame, ...]} | None}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from flag3d_core.analysis.joint_angles import ANGLE_GROUPS, ANGLE_NOTES
from flag3d_core.analysis.repetitions import Repetitions
from flag3d_core.player.wire import encode_array

ANGLE_SCALE = 0.1  # int16 tenths of a degree
MIN_SPAN_DEG = 30.0  # a flat curve's sensor noise must not fill the chart's height


def _side(name: str) -> str:
    first = name.split()[0]
    return first if first in ("left", "right") else "centre"


def most_moving_group(angles: Mapping[str, np.ndarray]) -> str:
    """The group whose curves span the widest range (5th-95th percentile), in degrees."""
    def spread(group: str) -> float:
        return max(float(np.subtract(*np.percentile(angles[n], [95, 5])))
                   for n in ANGLE_GROUPS[group] if n in angles)
    return max((g for g in ANGLE_GROUPS if any(n in angles for n in ANGLE_GROUPS[g])),
               key=spread)


def angle_curves(angles: Sequence[Mapping[str, np.ndarray]], fps: float,
                 reps: Repetitions | None = None) -> dict[str, Any]:
    """The ``curves`` entry of a player payload.

    Args:
        angles: per sequence (in the order of the payload's ``seq`` indices), name -> (T,)
            degrees, as :func:`flag3d_core.analysis.joint_angles.joint_angles` returns.
        fps: frame rate of the curves (the sequences').
        reps: repetitions found in the first sequence, shaded on the chart.
    """
    if not angles:
        raise ValueError("angle_curves: no sequences")
    groups = []
    for group, names in ANGLE_GROUPS.items():
        series = [{"seq": i, "label": n, "side": _side(n),
                   "values": encode_array(np.clip(np.asarray(a[n], np.float64), -3000, 3000),
                                          "int16", ANGLE_SCALE)}
                  for i, a in enumerate(angles) for n in names if n in a]
        if series:
            groups.append({"name": group, "note": ANGLE_NOTES[group], "series": series})
    rep = None
    if reps is not None:
        rep = {"seq": 0, "count": int(reps.count),
               "period_frames": None if reps.period_frames is None else float(reps.period_frames),
               "segments": [[int(s), int(e)] for s, e in reps.segments],
               "peaks": [int(p) for p in reps.peaks]}
    return {"fps": float(fps), "unit": "°", "groups": groups,
            "default_group": most_moving_group(angles[0]), "min_span": MIN_SPAN_DEG,
            "repetitions": rep}
