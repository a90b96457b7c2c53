"""Generation metrics: parity with independent computations and hand-checked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from flag3d_core.metrics.generation import (
    ape,
    ave,
    diversity,
    euclidean_distances,
    frechet_distance,
    mean_ci95,
    mm_dist,
    multimodality,
    multimodality_grouped,
    one_per_class_batches,
    r_precision,
    random_batches,
)

# --- FID -----------------------------------------------------------------------------------------


def _axis_design(mu: np.ndarray, s: np.ndarray) -> np.ndarray:
    """2D points mu +- s_i e_i: mean exactly mu, unbiased covariance exactly
    diag(2 s_i² / (2D - 1)) (each point has one non-zero coordinate, so no cross terms)."""
    d = len(mu)
    pts = np.concatenate([np.diag(s), -np.diag(s)])
    return mu + pts, 2 * s**2 / (2 * d - 1)


def test_fid_matches_the_closed_form_for_diagonal_gaussians():
    mu_a, mu_b = np.array([0.0, 1.0, -2.0, 0.5]), np.array([1.0, 1.0, 0.0, 0.0])
    a, var_a = _axis_design(mu_a, np.array([1.0, 2.0, 0.5, 3.0]))
    b, var_b = _axis_design(mu_b, np.array([0.3, 2.0, 1.5, 1.0]))
    # diagonal covariances commute: Tr(Ca + Cb - 2 sqrt(Ca Cb)) = sum (sqrt va - sqrt vb)²
    expected = ((mu_a - mu_b) ** 2).sum() + ((np.sqrt(var_a) - np.sqrt(var_b)) ** 2).sum()
    assert frechet_distance(a, b) == pytest.approx(expected, rel=1e-10)


def _fid_by_eigen(a: np.ndarray, b: np.ndarray) -> float:
    """Tr sqrt(Ca Cb) = Tr sqrt(Ca^1/2 Cb Ca^1/2), the latter symmetric PSD: eigh only."""
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(ca)
    half = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    inner = half @ cb @ half
    tr_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2), 0, None)).sum()
    diff = a.mean(0) - b.mean(0)
    return float(diff @ diff + np.trace(ca) + np.trace(cb) - 2 * tr_sqrt)


@pytest.mark.parametrize("n_a, n_b, d", [(200, 150, 6), (20, 30, 64)])  # full rank, then N < D
def test_fid_matches_an_eigen_decomposition(n_a, n_b, d):
    rng = np.random.default_rng(0)
    mix = rng.normal(size=(d, d))
    a = rng.normal(size=(n_a, d)) @ mix
    b = rng.normal(size=(n_b, d)) * 1.5 + 0.3
    ours = frechet_distance(a, b)
    assert ours == pytest.approx(_fid_by_eigen(a, b), rel=1e-5)
    assert ours == pytest.approx(frechet_distance(b, a), rel=1e-6)  # symmetric


def test_fid_zero_for_the_same_set_and_shift_gives_squared_norm():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(100, 8))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    mu = np.array([1.0, -2.0, 0.0, 0.5, 0.0, 0.0, 3.0, 0.0])
    assert frechet_distance(a, a + mu) == pytest.approx(mu @ mu, rel=1e-7)
    # one feature: (mu_a - mu_b)² + (sd_a - sd_b)²
    x = rng.normal(size=(50, 1))
    assert frechet_distance(x, 2 * x + 1) == pytest.approx(
        (x.mean() + 1) ** 2 + np.var(x, ddof=1), rel=1e-9)


def test_fid_errors_are_clear():
    with pytest.raises(ValueError, match="at least 2 rows"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="same feature width"):
        frechet_distance(np.zeros((4, 3)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"\(N, D\)"):
        frechet_distance(np.zeros(4), np.zeros((5, 1)))


# --- diversity and multimodality -----------------------------------------------------------------


def _two_clusters(d: float, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    x = np.zeros((2 * n, 3))
    x[n:, 0] = d
    return x, np.repeat([0, 1], n)


def test_diversity_and_multimodality_of_two_point_clusters():
    x, y = _two_clusters(4.0)
    # pairs drawn with replacement from equal halves: different clusters with probability 1/2
    div = diversity(x, n_pairs=20000, seed=3)
    assert div == pytest.approx(2.0, abs=0.08)  # 4 sigma of 4 * Bernoulli(1/2) / sqrt(20000)
    assert multimodality(x, y) == 0.0  # every same-class pair coincides
    assert diversity(x, seed=5) == diversity(x, seed=5)  # seeded


def test_diversity_without_replacement_guo_protocol():
    x, _ = _two_clusters(4.0, n=400)
    assert diversity(x, n_pairs=300, replace=False) == pytest.approx(2.0, abs=0.5)
    with pytest.raises(ValueError, match="N >= n_pairs"):
        diversity(x[:100], n_pairs=300, replace=False)
    assert diversity(x[:1], n_pairs=10) == 0.0  # with replacement: one item pairs with itself


def test_multimodality_expectation_by_enumeration_and_skipped_singletons():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(11, 5))
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 7])  # class 7 has one sample: skipped
    # ACTOR draws both indices with replacement: the mean over all ORDERED pairs, self included
    expected = np.mean([euclidean_distances(x[y == c], x[y == c]).mean() for c in (0, 1, 2)])
    values = [multimodality(x, y, n_pairs=400, seed=s) for s in range(25)]
    assert np.mean(values) == pytest.approx(expected, rel=0.03)
    with pytest.raises(ValueError, match="at least 2 samples"):
        multimodality(x[:3], np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="labels must be"):
        multimodality(x, y[:-1])


def _simplex(k: int, edge: float) -> np.ndarray:
    return np.eye(k) * edge / math.sqrt(2)  # K points, all pairwise distances = edge


def test_multimodality_grouped_same_pairs_for_every_prompt():
    k = 30
    feats = np.stack([_simplex(k, 1.0), _simplex(k, 2.0), np.zeros((k, k))])  # (3, 30, 30)
    for seed in range(5):
        single = multimodality_grouped(feats[:1], seed=seed)
        # the same index pairs for every prompt: prompt 2 is exactly twice prompt 1, prompt 3 zero
        assert multimodality_grouped(feats, seed=seed) == pytest.approx(single * (1 + 2 + 0) / 3,
                                                                     rel=1e-12)
    # a pair is one sample with itself with probability 1/K: E = edge (1 - 1/K)
    values = [multimodality_grouped(feats[:1], seed=s) for s in range(300)]
    assert np.mean(values) == pytest.approx(1 - 1 / k, abs=0.02)
    with pytest.raises(ValueError, match="K >= n_pairs"):
        multimodality_grouped(feats[:, :5])


# --- R-precision and matching score --------------------------------------------------------------


def _r_precision_loop(text, motion, batches, top_k):
    hits = np.zeros(top_k)
    count = 0
    for batch in batches:
        for i, ti in enumerate(batch):
            dists = [math.dist(text[ti], motion[mj]) for mj in batch]
            # position of the match in a stable ascending sort: strictly closer, then ties before
            rank = sum(dj < dists[i] or (dj == dists[i] and j < i) for j, dj in enumerate(dists))
            hits += rank < np.arange(1, top_k + 1)
            count += 1
    return hits / count


def test_r_precision_matches_a_brute_force_loop():
    rng = np.random.default_rng(6)
    text = rng.normal(size=(100, 8))
    motion = text + rng.normal(size=text.shape) * 1.2  # a noisy encoder
    batches = random_batches(100, size=16, seed=2)
    ours = r_precision(text, motion, batches, top_k=5)
    np.testing.assert_allclose(ours, _r_precision_loop(text, motion, batches, 5), atol=1e-12)
    assert ours.shape == (5,) and np.all(np.diff(ours) >= 0)


def test_r_precision_hand_checked_perfect_and_chance():
    text = np.array([[0.0], [1.0], [3.0]])
    motion = np.array([[0.0], [3.5], [1.2]])
    # text 0 -> (0, 3.5, 1.2): rank 0; text 1 -> (1, 2.5, 0.2): rank 2; text 2 -> (3, 0.5, 1.8): 1
    np.testing.assert_allclose(r_precision(text, motion, [np.arange(3)]), [1 / 3, 2 / 3, 1.0])
    rng = np.random.default_rng(7)
    feats = rng.normal(size=(6400, 16))
    batches = random_batches(6400, seed=1)
    np.testing.assert_allclose(r_precision(feats, feats, batches), [1.0, 1.0, 1.0])
    chance = r_precision(feats, rng.normal(size=feats.shape), batches)  # unrelated encoders
    np.testing.assert_allclose(chance, [1 / 32, 2 / 32, 3 / 32], atol=0.012)


def test_euclidean_distances_and_mm_dist():
    rng = np.random.default_rng(8)
    a, b = rng.normal(size=(7, 4)), rng.normal(size=(5, 4))
    brute = np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))
    np.testing.assert_allclose(euclidean_distances(a, b), brute, atol=1e-12)
    assert mm_dist(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 1.0]])) == 2.5
    with pytest.raises(ValueError, match="text and motion"):
        mm_dist(a, b)


# --- batches -------------------------------------------------------------------------------------


def test_random_batches_are_full_disjoint_and_drop_the_remainder():
    batches = random_batches(100, size=32, seed=0)
    assert [len(b) for b in batches] == [32, 32, 32]
    flat = np.concatenate(batches)
    assert len(np.unique(flat)) == 96 and flat.max() < 100
    with pytest.raises(ValueError, match="no full batch"):
        random_batches(10, size=32)


def test_one_per_class_batches_no_repeats_full_and_exact_cover_when_balanced():
    labels = np.random.default_rng(9).permutation(np.repeat(np.arange(60), 8))  # 480 items
    batches = one_per_class_batches(labels, size=32, seed=1)
    assert len(batches) == math.ceil(480 / 32)
    for b in batches:
        assert len(b) == 32 and len(np.unique(labels[b])) == 32
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(480))
    other = one_per_class_batches(labels, size=32, seed=2)
    assert not all(np.array_equal(x, z) for x, z in zip(batches, other, strict=True))


def test_one_per_class_batches_unbalanced_and_errors():
    labels = np.concatenate([np.arange(40), np.arange(40), np.zeros(30, int)])  # class 0 large
    batches = one_per_class_batches(labels, size=32, seed=0, n_batches=12)
    assert len(batches) == 12
    for b in batches:
        assert len(b) == 32 and len(np.unique(labels[b])) == 32
    with pytest.raises(ValueError, match="at least size = 32 classes"):
        one_per_class_batches(np.repeat(np.arange(20), 10), size=32)
    with pytest.raises(ValueError, match="n_batches"):
        one_per_class_batches(labels, size=32, n_batches=0)


# --- repetitions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 5, 20])
def test_mean_ci95_matches_scipy_t_interval(n):
    values = np.random.default_rng(n).normal(3.0, 0.5, size=n)
    lo, hi = stats.t.interval(0.95, n - 1, loc=values.mean(), scale=stats.sem(values))
    mean, half = mean_ci95(values)
    assert mean == pytest.approx(values.mean())
    assert half == pytest.approx((hi - lo) / 2, rel=1e-10)


def test_mean_ci95_single_value_and_empty():
    mean, half = mean_ci95(np.array([2.5]))
    assert mean == 2.5 and math.isnan(half)
    with pytest.raises(ValueError, match="at least one"):
        mean_ci95(np.array([]))


# --- APE / AVE -----------------------------------------------------------------------------------


def _walk(t: int = 10, j: int = 5) -> np.ndarray:
    """A skeleton (T, J, 3) walking along x, z-up, joints stacked above the root."""
    x = np.zeros((t, j, 3))
    x[:, :, 0] = 0.1 * np.arange(t)[:, None]
    x[:, :, 2] = 0.9 + 0.2 * np.arange(j)[None]
    return x


def test_ape_ave_constant_offset():
    gt = _walk()
    pred = gt + np.array([0.6, 0.0, 0.8])  # 1 m, 0.6 m of it in the ground plane (z-up)
    e = ape(pred, gt)
    assert e == pytest.approx({"root": 1.0, "traj": 0.6, "pose": 0.0, "joints": 1.0})
    assert ape(pred, gt, up=1)["traj"] == pytest.approx(1.0)  # y-up: x and z are the plane
    assert ave(pred, gt) == pytest.approx({"root": 0.0, "traj": 0.0, "pose": 0.0,
                                           "joints": 0.0}, abs=1e-12)


def test_ape_ave_one_oscillating_joint_and_root_wobble():
    t, j, a = 10, 5, 0.1
    gt = _walk(t, j)
    wobble = a * (-1.0) ** np.arange(t)  # +a, -a, ...: variance (ddof 1) = T a² / (T - 1)
    var = t * a**2 / (t - 1)
    pred = gt.copy()
    pred[:, 3, 1] += wobble  # one non-root joint
    e, v = ape(pred, gt), ave(pred, gt)
    assert e == pytest.approx({"root": 0.0, "traj": 0.0, "pose": a / (j - 1), "joints": a / j})
    assert v == pytest.approx({"root": 0.0, "traj": 0.0, "pose": var / (j - 1), "joints": var / j})
    pred = gt.copy()
    pred[:, :, 1] += wobble[:, None]  # the whole body wobbles sideways (gt is still along y)
    e, v = ape(pred, gt), ave(pred, gt)
    assert e == pytest.approx({"root": a, "traj": a, "pose": 0.0, "joints": a})
    assert v == pytest.approx({"root": var, "traj": var, "pose": 0.0, "joints": var})


def test_ape_batches_average_and_root_choice():
    gt = _walk()
    pred = gt.copy()
    pred[:, 2] += [0.0, 0.3, 0.0]
    batch_p, batch_g = np.stack([pred, gt]), np.stack([gt, gt])  # (2, T, J, 3)
    assert ape(batch_p, batch_g)["joints"] == pytest.approx(ape(pred, gt)["joints"] / 2)
    e = ape(pred, gt, root=2)  # the displaced joint as root: every other joint is off by 0.3
    assert e == pytest.approx({"root": 0.3, "traj": 0.3, "pose": 0.3, "joints": 0.3 / 5})


def test_ape_ave_errors_are_clear():
    with pytest.raises(ValueError, match="pred and gt"):
        ape(np.zeros((4, 5, 3)), np.zeros((3, 5, 3)))
    with pytest.raises(ValueError, match="root must index"):
        ape(np.zeros((4, 5, 3)), np.zeros((4, 5, 3)), root=5)
    with pytest.raises(ValueError, match="at least 2 frames"):
        ave(np.zeros((1, 5, 3)), np.zeros((1, 5, 3)))
