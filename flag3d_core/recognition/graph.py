"""Skeleton graphs from a :class:`~flag3d_core.layouts.SkeletonLayout`, in pure numpy.

Conventions (used by every model in this package):

* ``A[i, j]`` is the weight of the message that joint ``i`` receives from joint ``j``
  (rows = receivers), so a graph convolution is ``y[..., i] = sum_j A[i, j] x[..., j]``,
  i.e. ``einsum('nctj,ij->ncti', x, A)``.
* A partitioned adjacency has shape ``(K, V, V)``: one matrix per neighbour subset.

The spatial partition follows ST-GCN (Yan et al. 2018, Sec. 3.6): the neighbours of a root
joint are split into (0) the root itself and neighbours as far from the centre joint as the root,
(1) centripetal neighbours (closer to the centre), (2) centrifugal neighbours (farther away).
The subsets sum to the degree-normalised adjacency with self loops.
"""

from __future__ import annotations

import numpy as np

from flag3d_core.layouts import SkeletonLayout, get_layout

NUM_SUBSETS = 3  # self / centripetal / centrifugal


def edge_matrix(layout: SkeletonLayout) -> np.ndarray:
    """Symmetric 0/1 adjacency of the bones, no self loops. Returns (V, V) float32."""
    v = layout.num_node
    a = np.zeros((v, v), dtype=np.float32)
    for child, parent in layout.edges:
        if not (0 <= child < v and 0 <= parent < v):
            raise ValueError(f"layout {layout.name!r}: edge ({child}, {parent}) outside 0..{v - 1}")
        a[child, parent] = a[parent, child] = 1.0
    return a


def hop_distance(layout: SkeletonLayout) -> np.ndarray:
    """Shortest-path hop count between all joint pairs (inf where unreachable). Returns (V, V)."""
    a = edge_matrix(layout) > 0
    v = layout.num_node
    dist = np.full((v, v), np.inf)
    np.fill_diagonal(dist, 0.0)
    reach = np.eye(v, dtype=bool)
    for hop in range(1, v):
        reach = reach | (reach.astype(np.int32) @ a.astype(np.int32) > 0)
        newly = reach & np.isinf(dist)
        if not newly.any():
            break
        dist[newly] = hop
    return dist


def normalize_rows(a: np.ndarray) -> np.ndarray:
    """Divide each row by its sum (``D^-1 A``); zero rows stay zero. (V, V) -> (V, V)."""
    deg = a.sum(axis=-1, keepdims=True)
    return np.divide(a, deg, out=np.zeros_like(a), where=deg > 0).astype(np.float32)


def spatial_partition(layout: SkeletonLayout) -> np.ndarray:
    """ST-GCN spatial-configuration partition. Returns (3, V, V) float32.

    1. Neighbourhood of root ``i`` = joints within one hop (including ``i``).
    2. Normalise by the neighbourhood size of the root (row normalisation).
    3. Split by comparing each neighbour's hop distance to the centre with the root's.
    """
    dist = hop_distance(layout)
    if np.isinf(dist).any():
        raise ValueError(f"layout {layout.name!r}: skeleton graph is not connected")
    neighbours = (dist <= 1).astype(np.float32)  # (V, V) with self loops
    norm = normalize_rows(neighbours)
    to_center = dist[:, layout.center]  # (V,)
    root_d = to_center[:, None]  # receiver i
    nb_d = to_center[None, :]  # neighbour j
    parts = np.zeros((NUM_SUBSETS, *norm.shape), dtype=np.float32)
    parts[0] = np.where(nb_d == root_d, norm, 0.0)
    parts[1] = np.where(nb_d < root_d, norm, 0.0)
    parts[2] = np.where(nb_d > root_d, norm, 0.0)
    return parts


def bone_parents(layout: SkeletonLayout) -> np.ndarray:
    """Parent of each joint along the bone towards the centre (-1 for the centre). (V,) int64.

    Bones are oriented by hop distance to the centre joint, so the result does not depend on
    the (child, parent) order a layout module happens to use.
    """
    dist = hop_distance(layout)[:, layout.center]
    parents = np.full(layout.num_node, -1, dtype=np.int64)
    for a, b in layout.edges:
        child, parent = (a, b) if dist[a] > dist[b] else (b, a)
        parents[child] = parent
    return parents


def bones(joints: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """Bone vectors ``x[child] - x[parent]`` stored at the child; zero at the centre.

    joints: (..., V, C); parents: (V,) from :func:`bone_parents`. Returns (..., V, C).
    """
    par = np.where(parents < 0, np.arange(len(parents)), parents)
    return joints - joints[..., par, :]


def graph_for(layout_name: str) -> tuple[np.ndarray, np.ndarray]:
    """(A (3, V, V), parents (V,)) of a named layout, what the model builders need."""
    layout = get_layout(layout_name)
    return spatial_partition(layout), bone_parents(layout)
