import numpy as np
import pytest

from flag3d_core.layouts import COCO17, NTU25, SMPL24, SkeletonLayout
from flag3d_core.recognition.graph import (
    bone_parents,
    bones,
    edge_matrix,
    hop_distance,
    spatial_partition,
)

LAYOUTS = [NTU25, COCO17, SMPL24]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda lay: lay.name)
def test_partition_properties(layout):
    A = spatial_partition(layout)
    v = layout.num_node
    assert A.shape == (3, v, v) and A.dtype == np.float32
    total = A.sum(axis=0)
    # subsets are disjoint and sum to the row-normalised adjacency with self loops
    assert np.allclose(total.sum(axis=1), 1.0)
    assert ((A > 0).sum(axis=0) <= 1).all()
    support = edge_matrix(layout) + np.eye(v)
    assert np.array_equal(total > 0, support > 0)
    # self loops live in subset 0; the centre has no centripetal neighbour
    assert np.allclose(np.diag(A[0]), np.diag(total))
    assert A[1, layout.center].sum() == 0


def test_ntu_centripetal_centrifugal():
    A = spatial_partition(NTU25)
    elbow, shoulder, wrist = NTU25.index("LElbow"), NTU25.index("LShoulder"), NTU25.index("LWrist")
    assert A[1, elbow, shoulder] > 0  # shoulder is closer to SpineShoulder: centripetal
    assert A[2, elbow, wrist] > 0  # wrist is farther: centrifugal
    assert A[1, elbow, wrist] == 0 and A[2, elbow, shoulder] == 0


def test_hop_distance_symmetric_and_small_case():
    line = SkeletonLayout("line3", ("a", "b", "c"), ((1, 0), (2, 1)), center=0)
    d = hop_distance(line)
    assert np.array_equal(d, np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]]))
    assert np.array_equal(bone_parents(line), np.array([-1, 0, 1]))


def test_disconnected_layout_rejected():
    bad = SkeletonLayout("bad", ("a", "b", "c"), ((1, 0),), center=0)
    with pytest.raises(ValueError, match="not connected"):
        spatial_partition(bad)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda lay: lay.name)
def test_bones_zero_at_centre(layout):
    x = np.random.default_rng(0).normal(size=(4, layout.num_node, 3)).astype(np.float32)
    b = bones(x, bone_parents(layout))
    assert b.shape == x.shape
    assert np.allclose(b[:, layout.center], 0.0)
    parents = bone_parents(layout)
    assert (parents == -1).sum() == 1
