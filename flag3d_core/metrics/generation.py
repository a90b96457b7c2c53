"""Motion-generation metrics: pure functions, numpy arrays in, floats (or small arrays) out.

Two protocols of the field, on the features of a pretrained evaluator network:

* **ACTOR** (Petrovich et al., ICCV 2021, after Action2Motion): action-conditioned generation.
  FID between real and generated recognition features, diversity over ``S_d = 200`` random
  pairs, multimodality over ``S_l = 20`` same-class pairs per class, 20 repetitions.
* **Guo et al.** (HumanML3D, CVPR 2022): text-conditioned generation with a contrastive text
  and motion encoder. R-precision in batches of 32, matching score (MM-Dist), FID, diversity over
  300 pairs, multimodality over 10 pairs among 30 generations of each of 100 prompts.

Plus TEMOS's (Petrovich et al., ECCV 2022) average positional / variance errors on joints in
metres. Shapes: ``features`` (N, D), ``labels`` (N,) integers, joints (N, T, J, 3) or (T, J, 3).

Randomness comes from ``np.random.default_rng(seed)``: the sampling protocol is the papers', the
random streams are not (the reference code seeds numpy's legacy global generator), so numbers
agree with theirs in distribution, not digit for digit. Repeat with several seeds and report
:func:`mean_ci95`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import linalg, stats
from scipy.spatial.distance import cdist

__all__ = [
    "ape",
    "ave",
    "diversity",
    "euclidean_distances",
    "frechet_distance",
    "mean_ci95",
    "mm_dist",
    "multimodality",
    "multimodality_grouped",
    "one_per_class_batches",
    "r_precision",
    "random_batches",
]

_FID_EPS = 1e-6  # added to both covariances when sqrtm of their product is not finite
_FID_IMAG_ATOL = 1e-3  # largest imaginary part on sqrtm's diagonal taken as round-off


def _features(x: np.ndarray, name: str, min_rows: int = 1) -> np.ndarray:
    f = np.asarray(x, dtype=np.float64)
    if f.ndim != 2:
        raise ValueError(f"{name} must be (N, D) features, got shape {f.shape}")
    if len(f) < min_rows:
        raise ValueError(f"{name} needs at least {min_rows} rows, got {len(f)}")
    return f


# --- distribution metrics ------------------------------------------------------------------------

def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet (inception) distance between two feature sets, in squared feature units.

    a: (N, D), b: (M, D) evaluator features (e.g. real and generated motions). Each set is
    summarised by its mean and its unbiased covariance (``np.cov(rowvar=False)``, as ACTOR and
    Guo et al. do); then ``||mu_a - mu_b||² + Tr(C_a + C_b - 2 sqrtm(C_a C_b))``, in float64.
    As in their code (taken from pytorch-fid): if ``sqrtm`` of the product is not finite, ``1e-6``
    is added to both diagonals (with a warning); an imaginary part of at most ``1e-3`` on its
    diagonal is round-off and dropped, a larger one raises. The true value is >= 0, so a
    round-off negative (for ``a == b``) is returned as 0.

    Raises ValueError when N or M < 2 (no covariance) or the feature widths differ.
    """
    fa = _features(a, "a", 2)
    fb = _features(b, "b", 2)
    if fa.shape[1] != fb.shape[1]:
        raise ValueError(f"a and b must have the same feature width D, got {fa.shape[1]} and "
                         f"{fb.shape[1]}")
    # 1. Gaussian statistics of each set
    diff = fa.mean(axis=0) - fb.mean(axis=0)  # (D,)
    ca = np.atleast_2d(np.cov(fa, rowvar=False))  # (D, D)
    cb = np.atleast_2d(np.cov(fb, rowvar=False))
    # 2. square root of the covariance product (may be near-singular when N < D)
    covmean = linalg.sqrtm(ca @ cb)
    if not np.isfinite(covmean).all():
        warnings.warn(f"frechet_distance: singular covariance product; adding {_FID_EPS} to the "
                      "diagonals", RuntimeWarning, stacklevel=2)
        offset = np.eye(len(ca)) * _FID_EPS
        covmean = linalg.sqrtm((ca + offset) @ (cb + offset))
    # 3. numerical error gives a small imaginary component
    if np.iscomplexobj(covmean):
        imag = np.abs(np.diagonal(covmean).imag).max()
        if imag > _FID_IMAG_ATOL:
            raise ValueError(f"frechet_distance: sqrtm has an imaginary component {imag:.3g}")
        covmean = covmean.real
    value = diff @ diff + np.trace(ca) + np.trace(cb) - 2.0 * np.trace(covmean)
    return max(float(value), 0.0)


def diversity(features: np.ndarray, n_pairs: int = 200, seed: int = 0, *,
              replace: bool = True) -> float:
    """Mean L2 distance between ``n_pairs`` random pairs of features (feature units).

    features: (N, D). ACTOR (``S_d = 200``): two index sets of size ``n_pairs`` are drawn
    independently and uniformly from all N features WITH replacement (so any N >= 1 works and a
    pair may be an item with itself), and index-matched pairs are compared. ``replace=False``
    is Guo et al.'s text protocol (``S_d = 300``): each index set drawn without replacement,
    which needs N >= n_pairs.
    """
    f = _features(features, "features", 1)
    if n_pairs < 1:
        raise ValueError(f"n_pairs must be >= 1, got {n_pairs}")
    if not replace and len(f) < n_pairs:
        raise ValueError(f"diversity without replacement needs N >= n_pairs = {n_pairs}, got "
                         f"N = {len(f)}")
    rng = np.random.default_rng(seed)
    first = rng.choice(len(f), n_pairs, replace=replace)  # (n_pairs,)
    second = rng.choice(len(f), n_pairs, replace=replace)
    return float(np.linalg.norm(f[first] - f[second], axis=1).mean())


def multimodality(features: np.ndarray, labels: np.ndarray, n_pairs: int = 20,
                  seed: int = 0) -> float:
    """ACTOR's multimodality: mean L2 distance between same-class pairs (feature units).

    features: (N, D); labels: (N,) class of each feature. For each class (in sorted order) with
    at least 2 samples, ``n_pairs`` pairs (ACTOR: ``S_l = 20``) are drawn as two index sets,
    independently and uniformly among that class's samples with replacement, as ACTOR's
    rejection sampler does (a pair may be an item with itself); the distances are averaged over
    all pairs of all such classes. Classes with a single sample are skipped.

    Raises ValueError when no class has 2 samples.
    """
    f = _features(features, "features", 1)
    y = np.asarray(labels)
    if y.shape != (len(f),):
        raise ValueError(f"labels must be (N,) with N = {len(f)}, got shape {y.shape}")
    if n_pairs < 1:
        raise ValueError(f"n_pairs must be >= 1, got {n_pairs}")
    rng = np.random.default_rng(seed)
    means = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if len(members) < 2:
            continue
        first = members[rng.integers(0, len(members), n_pairs)]
        second = members[rng.integers(0, len(members), n_pairs)]
        means.append(np.linalg.norm(f[first] - f[second], axis=1).mean())
    if not means:
        raise ValueError("multimodality needs a class with at least 2 samples")
    return float(np.mean(means))


def multimodality_grouped(features: np.ndarray, n_pairs: int = 10, seed: int = 0) -> float:
    """Guo et al.'s multimodality: spread of the generations of the same prompt (feature units).

    features: (P, K, D), K generated samples for each of P prompts (Guo et al.: P = 100, K = 30).
    As in their code, two index sets of size ``n_pairs`` (10) are drawn, each without
    replacement among the K samples, the SAME for every prompt; the L2 distances of index-matched
    samples are averaged over pairs and prompts. Needs K >= n_pairs.
    """
    f = np.asarray(features, dtype=np.float64)
    if f.ndim != 3 or f.shape[0] < 1:
        raise ValueError(f"features must be (P, K, D) with P >= 1, got shape {f.shape}")
    if n_pairs < 1 or f.shape[1] < n_pairs:
        raise ValueError(f"multimodality_grouped needs K >= n_pairs >= 1, got K = {f.shape[1]}, "
                         f"n_pairs = {n_pairs}")
    rng = np.random.default_rng(seed)
    first = rng.choice(f.shape[1], n_pairs, replace=False)  # (n_pairs,)
    second = rng.choice(f.shape[1], n_pairs, replace=False)
    return float(np.linalg.norm(f[:, first] - f[:, second], axis=2).mean())


# --- text-motion retrieval -----------------------------------------------------------------------

def euclidean_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise Euclidean distances (N, M) between a (N, D) and b (M, D), float64."""
    fa = _features(a, "a")
    fb = _features(b, "b")
    if fa.shape[1] != fb.shape[1]:
        raise ValueError(f"a and b must have the same width D, got {fa.shape[1]} and "
                         f"{fb.shape[1]}")
    return cdist(fa, fb)


def _paired(text: np.ndarray, motion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = _features(text, "text")
    m = _features(motion, "motion")
    if t.shape != m.shape:
        raise ValueError(f"text and motion must both be (N, D) with row i matching row i, got "
                         f"{t.shape} and {m.shape}")
    return t, m


def r_precision(text: np.ndarray, motion: np.ndarray, batches: list[np.ndarray],
                top_k: int = 3) -> np.ndarray:
    """Guo et al.'s R-precision, (top_k,) cumulative hit rates in [0, 1].

    text, motion: (N, D) embeddings, row i of ``text`` describes row i of ``motion``. Within each
    batch (an index array, see :func:`random_batches` / :func:`one_per_class_batches`), the
    batch's motions are ranked for each of its texts by Euclidean distance (ties by position in
    the batch, a stable sort); entry k-1 is the fraction of texts whose own motion ranks within
    the first k, over all texts of all batches.
    """
    t, m = _paired(text, motion)
    if top_k < 1:
        raise ValueError(f"top_k must be >= 1, got {top_k}")
    if not batches:
        raise ValueError("r_precision needs at least one batch")
    hits = np.zeros(top_k)
    count = 0
    for batch in batches:
        idx = np.asarray(batch, dtype=np.int64)
        d = euclidean_distances(t[idx], m[idx])  # (B, B)
        order = np.argsort(d, axis=1, kind="stable")
        rank = np.argmax(order == np.arange(len(idx))[:, None], axis=1)  # (B,) 0 = nearest
        hits += (rank[:, None] < np.arange(1, top_k + 1)[None]).sum(axis=0)
        count += len(idx)
    return hits / count


def mm_dist(text: np.ndarray, motion: np.ndarray) -> float:
    """Matching score (MM-Dist): mean Euclidean distance of matched rows, text/motion (N, D).

    Guo et al. average it over the items of their R-precision batches; pass
    ``text[np.concatenate(batches)]`` (and the same for motion) to drop the same remainder.
    """
    t, m = _paired(text, motion)
    return float(np.linalg.norm(t - m, axis=1).mean())


def random_batches(n: int, size: int = 32, seed: int = 0) -> list[np.ndarray]:
    """A random permutation of ``range(n)`` cut into ``n // size`` full batches of ``size``
    indices; the remainder is dropped, as in Guo et al.'s evaluation loader."""
    if size < 1 or n < size:
        raise ValueError(f"{n} items make no full batch of size {size}")
    perm = np.random.default_rng(seed).permutation(n)
    return [perm[i * size:(i + 1) * size] for i in range(n // size)]


def one_per_class_batches(labels: np.ndarray, size: int = 32, seed: int = 0,
                          n_batches: int | None = None) -> list[np.ndarray]:
    """Batches of ``size`` indices of ``size`` DIFFERENT classes, for R-precision without
    duplicate texts (FLAG3D has 60 instruction texts, so random batches of 32 repeat them and a
    repeated text makes the ranking ambiguous).

    labels: (N,) class (or text id) of each item. Default ``n_batches = ceil(N / size)``, so every
    item is used about once. Each class keeps a shuffled queue of its items; each batch takes one
    item from each of the ``size`` classes with the most unused items (ties at random), and a
    class whose queue is empty starts a fresh shuffle. With balanced classes every item is used
    exactly once before any is reused; a class with more than ``n_batches`` items cannot be
    covered (one item a batch).

    Raises ValueError when there are fewer than ``size`` classes.
    """
    y = np.asarray(labels)
    if y.ndim != 1:
        raise ValueError(f"labels must be (N,), got shape {y.shape}")
    classes = np.unique(y)
    if size < 1 or len(classes) < size:
        raise ValueError(f"one_per_class_batches needs at least size = {size} classes, got "
                         f"{len(classes)}")
    n_batches = math.ceil(len(y) / size) if n_batches is None else n_batches
    if n_batches < 1:
        raise ValueError(f"n_batches must be >= 1, got {n_batches}")
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(y == c) for c in classes]
    queues = [rng.permutation(ix) for ix in members]
    used = np.zeros(len(classes), dtype=np.int64)  # items taken from the current queue
    batches = []
    for _ in range(n_batches):
        remaining = np.array([len(q) for q in queues]) - used
        # most unused items first, ties broken by a random key
        picked = np.lexsort((rng.random(len(classes)), -remaining))[:size]
        batch = np.empty(size, dtype=np.int64)
        for slot, c in enumerate(picked):
            if used[c] == len(queues[c]):
                queues[c], used[c] = rng.permutation(members[c]), 0
            batch[slot] = queues[c][used[c]]
            used[c] += 1
        batches.append(batch)
    return batches


# --- repetitions ---------------------------------------------------------------------------------

def mean_ci95(values: np.ndarray) -> tuple[float, float]:
    """Mean and the half-width of its 95 % confidence interval over repeated runs, (n,) values.

    Half-width ``t_{0.975, n-1} * s / sqrt(n)``, Student's t quantile (scipy.stats) with the
    sample standard deviation (ddof = 1), valid for small n. ACTOR and Guo et al. report
    ``1.96 * np.std(values) / sqrt(n)`` (normal quantile, ddof = 0), about 9 % narrower at their
    n = 20 (multiply by ``1.96 / t * sqrt((n - 1) / n)`` to compare). n == 1 gives nan.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0:
        raise ValueError("mean_ci95 needs at least one value")
    mean = float(v.mean())
    if v.size == 1:
        return mean, float("nan")
    sem = v.std(ddof=1) / math.sqrt(v.size)
    return mean, float(stats.t.ppf(0.975, v.size - 1) * sem)


# --- TEMOS position / variance errors ------------------------------------------------------------

def _joint_pair(pred: np.ndarray, gt: np.ndarray, root: int,
                up: int) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(pred, dtype=np.float64)
    g = np.asarray(gt, dtype=np.float64)
    if p.ndim == 3 and g.ndim == 3:
        p, g = p[None], g[None]  # one sequence: (1, T, J, 3)
    if p.shape != g.shape or p.ndim != 4 or p.shape[-1] != 3:
        raise ValueError(f"pred and gt must both be (N, T, J, 3) or (T, J, 3), got "
                         f"{np.shape(pred)} and {np.shape(gt)}")
    if not 0 <= root < p.shape[2] or up not in (0, 1, 2):
        raise ValueError(f"root must index one of {p.shape[2]} joints and up be 0, 1 or 2, got "
                         f"root = {root}, up = {up}")
    return p, g


def _groups(x: np.ndarray, root: int, up: int) -> dict[str, np.ndarray]:
    """The four TEMOS views of joints (N, T, J, 3): root (N, T, 1, 3), ground-plane trajectory
    (N, T, 1, 2), root-relative non-root joints (N, T, J - 1, 3), all joints (N, T, J, 3)."""
    r = x[:, :, root:root + 1]
    plane = [a for a in range(3) if a != up]
    others = [j for j in range(x.shape[2]) if j != root]
    return {"root": r, "traj": r[..., plane], "pose": (x - r)[:, :, others], "joints": x}


def ape(pred: np.ndarray, gt: np.ndarray, root: int = 0, up: int = 2) -> dict[str, float]:
    """TEMOS's average positional errors (metres), keys ``root``, ``traj``, ``pose``, ``joints``.

    pred, gt: (N, T, J, 3) or (T, J, 3) joints in metres, the same world frame, ``up`` the
    vertical axis (2: z-up). Mean over sequences, frames and the group's joints of the L2 error:
    root = the root joint; traj = the root's ground-plane position (the two axes other than
    ``up``); pose = every non-root joint relative to the root; joints (TEMOS's "mean") = all
    joints as given. Differences from TEMOS's code: it first canonicalises both sides (floor
    at height 0, trajectory starting at the origin, first-frame heading aligned) and takes pose
    in each frame's heading frame with absolute heights; here positions are compared as given,
    so canonicalise beforehand to reproduce its numbers. Sequences of different lengths:
    call per sequence and weight by frames (TEMOS weights APE by frames).
    """
    p, g = _joint_pair(pred, gt, root, up)
    gp, gg = _groups(p, root, up), _groups(g, root, up)
    return {k: float(np.linalg.norm(gp[k] - gg[k], axis=-1).mean()) for k in gp}


def ave(pred: np.ndarray, gt: np.ndarray, root: int = 0, up: int = 2) -> dict[str, float]:
    """TEMOS's average variance errors (m²), same keys and groups as :func:`ape`.

    pred, gt: (N, T, J, 3) or (T, J, 3), T >= 2. For each sequence and joint of a group, the
    variance over time of each coordinate (ddof = 1, as TEMOS), then the L2 norm of the
    difference of those variance vectors, averaged over joints and sequences (TEMOS weights AVE
    by sequences). A constant offset changes no variance; see :func:`ape` for the frame.
    """
    p, g = _joint_pair(pred, gt, root, up)
    if p.shape[1] < 2:
        raise ValueError(f"ave needs at least 2 frames, got {p.shape[1]}")
    gp, gg = _groups(p, root, up), _groups(g, root, up)
    return {k: float(np.linalg.norm(gp[k].var(axis=1, ddof=1) - gg[k].var(axis=1, ddof=1),
                                    axis=-1).mean()) for k in gp}
