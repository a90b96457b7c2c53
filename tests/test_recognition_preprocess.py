import numpy as np
import pytest

from flag3d_core.layouts import NTU25, SMPL24
from flag3d_core.recognition.preprocess import (
    PreprocessConfig,
    augment,
    line_joints,
    make_clips,
    normalize_2d,
    normalize_sequence,
    rotation_z,
    sample_indices,
)
from flag3d_core.recognition.toydata import toy_items


@pytest.mark.parametrize("layout", [NTU25, SMPL24], ids=lambda lay: lay.name)
def test_centred_and_aligned(layout):
    x = toy_items(layout, 1, 1, seed=3)[0].array
    x = x @ rotation_z(1.1).T + np.array([3.0, -2.0, 0.5], dtype=np.float32)
    y = normalize_sequence(x, layout, PreprocessConfig())
    assert np.allclose(y[0, layout.center], 0.0, atol=1e-6)
    left, right = line_joints(layout)
    d = y[0, left] - y[0, right]
    assert abs(d[1]) < 1e-5 and d[0] > 0  # shoulder line parallel to +x
    # rigid: distances and heights (z) preserved
    assert np.allclose(np.linalg.norm(y[5, 3] - y[5, 7]), np.linalg.norm(x[5, 3] - x[5, 7]),
                       atol=1e-5)
    assert np.allclose(y[..., 2] - y[0, layout.center, 2], x[..., 2] - x[0, layout.center, 2],
                       atol=1e-5)


def test_sample_indices_uniform_and_short():
    idx = sample_indices(100, 10)
    assert idx.tolist() == [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]
    rng = np.random.default_rng(0)
    r = sample_indices(100, 10, rng=rng)
    assert ((r >= np.arange(10) * 10) & (r < np.arange(1, 11) * 10)).all()
    short = sample_indices(3, 8)
    assert len(short) == 8 and short.min() == 0 and short.max() == 2
    clips = [sample_indices(100, 10, clip_index=c, num_clips=2) for c in range(2)]
    assert not np.array_equal(clips[0], clips[1])


def test_make_clips_shape_and_augment():
    x = np.random.default_rng(0).normal(size=(30, 25, 3)).astype(np.float32)
    cfg = PreprocessConfig(clip_len=16)
    assert make_clips(x, cfg, num_clips=3).shape == (3, 3, 16, 25, 1)
    a = augment(x, np.random.default_rng(1), cfg)
    # rotation about z + scale keeps the ratio of z to horizontal norms per point pair
    assert not np.allclose(a, x)
    ratio = np.linalg.norm(a, axis=-1) / np.linalg.norm(x, axis=-1)
    assert np.allclose(ratio, ratio.flat[0], atol=1e-4)


def test_normalize_2d():
    kp = np.array([[[0.0, 0.0], [854.0, 480.0], [427.0, 240.0]]])
    sc = np.array([[0.5, 1.0, 0.0]])
    out = normalize_2d(kp, sc, (480, 854))
    assert out.shape == (1, 3, 3)
    assert np.allclose(out[0, :, :2], [[-1, -1], [1, 1], [0, 0]])
    assert np.allclose(out[0, :, 2], [0.5, 1.0, 0.0])


def test_bad_shape_message():
    with pytest.raises(ValueError, match="ntu25"):
        normalize_sequence(np.zeros((5, 17, 3), np.float32), NTU25, PreprocessConfig())
