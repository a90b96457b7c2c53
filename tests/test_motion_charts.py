"""The joint-angle figure: five panels, one band per repetition and one line per peak."""

from __future__ import annotations

import numpy as np

from flag3d_core.analysis.repetitions import Repetitions
from flag3d_core.viz.motion_charts import GROUPS, joint_angle_figure


def test_joint_angle_figure_bands_and_peaks():
    t = np.arange(300)
    angles = {n: 90 + 30 * np.sin(2 * np.pi * t / 60) for names in GROUPS.values() for n in names}
    reps = Repetitions(count=3, period_frames=60.0, segments=[(0, 60), (60, 120), (120, 180)],
                       peaks=np.array([15, 75, 135]), signal=np.zeros(300))
    fig = joint_angle_figure(angles, 30.0, reps, title="T")
    assert len(fig.data) == sum(len(v) for v in GROUPS.values())
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [(r.x0, r.x1) for r in rects] == [(0, 2), (2, 4), (4, 6)]  # seconds at 30 fps
    assert [ln.x0 for ln in lines] == [0.5, 2.5, 4.5]
    assert all((s.yref, s.y0, s.y1) == ("paper", 0, 1) for s in fig.layout.shapes)
    assert fig.layout.title.text == "T: 3 repetitions found"
    assert not joint_angle_figure(angles, 30.0, None).layout.shapes
