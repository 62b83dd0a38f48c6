"""The playground generators against the semantics of tensorflow/playground src/dataset.ts."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.data import toy2d


def test_defaults_are_the_playgrounds_sample_counts_and_dtypes():
    for name in toy2d.TOY2D:
        X, y = toy2d.generate(name)
        assert X.shape == ((1200, 2) if toy2d.is_regression(name) else (500, 2))
        assert X.dtype == np.float32
        assert y.dtype == (np.float32 if toy2d.is_regression(name) else np.int64)


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(toy2d.TOY2D), n=st.integers(6, 60),
       noise=st.floats(0, 0.5), seed=st.integers(0, 2**16))
def test_any_size_noise_and_seed_give_n_points_with_valid_labels(name, n, noise, seed):
    X, y = toy2d.generate(name, n_samples=n, noise=noise, seed=seed)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert np.all(np.isfinite(X))
    if not toy2d.is_regression(name):
        assert set(np.unique(y)) <= set(range(3))
        X2, y2 = toy2d.generate(name, n_samples=n, noise=noise, seed=seed)
        assert np.array_equal(X, X2) and np.array_equal(y, y2)


def test_circle_without_noise_labels_by_radius():
    X, y = toy2d.generate("circle", n_samples=2000, seed=1)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all(r[y == 1] <= 2.5 + 1e-5)
    assert np.all((r[y == 0] >= 3.5 - 1e-5) & (r[y == 0] <= 5 + 1e-5))
    assert (y == 1).sum() == (y == 0).sum() == 1000


def test_circle_noise_flips_labels_but_does_not_move_points():
    X0, y0 = toy2d.generate("circle", n_samples=4000, noise=0.0, seed=3)
    X5, y5 = toy2d.generate("circle", n_samples=4000, noise=0.5, seed=3)
    r5 = np.hypot(*X5.T)
    # Radii keep the noise-free law: uniform on [0, 2.5] for the first half, [3.5, 5] for the rest.
    assert np.all(r5[:2000] <= 2.5 + 1e-5) and np.all(r5[2000:] >= 3.5 - 1e-5)
    assert abs(r5[:2000].mean() - 1.25) < 0.06 and abs(r5[2000:].mean() - 4.25) < 0.04
    assert np.array_equal(X0, X5)  # same seed: the same points, only the labels change
    assert (y5 != y0).mean() > 0.1
    # P(label +1 | inner point) from an independent Monte Carlo of dataset.ts with noise 0.5.
    rng = np.random.RandomState(0)
    m = 200_000
    r, a = rng.uniform(0, 2.5, m), rng.uniform(0, 2 * math.pi, m)
    jx, jy = rng.uniform(-5, 5, m) * 0.5, rng.uniform(-5, 5, m) * 0.5
    expected = (np.hypot(r * np.sin(a) + jx, r * np.cos(a) + jy) < 2.5).mean()
    assert abs(y5[:2000].mean() - expected) < 0.035


def test_xor_points_are_padded_away_from_the_axes():
    X, y = toy2d.generate("xor", n_samples=3000, noise=0.3, seed=2)
    assert np.all(np.abs(X) >= 0.3 - 1e-6) and np.all(np.abs(X) <= 5.3 + 1e-5)
    X0, y0 = toy2d.generate("xor", n_samples=3000, noise=0.0, seed=2)
    assert np.array_equal(y0, (X0[:, 0] * X0[:, 1] >= 0).astype(np.int64))
    assert 0 < (y != (X[:, 0] * X[:, 1] >= 0)).mean() < 0.5


@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5])
def test_gauss_variance_is_lerp_of_noise(noise):
    X, y = toy2d.generate("gauss", n_samples=40_000, noise=noise, seed=4)
    variance = 0.5 + (4 - 0.5) * noise / 0.5
    for label, centre in ((1, 2.0), (0, -2.0)):
        part = X[y == label].astype(np.float64)
        assert np.allclose(part.mean(axis=0), centre, atol=0.05)
        assert np.allclose(part.var(axis=0), variance, rtol=0.04)


def test_spiral_without_noise_follows_r_equals_5i_over_n():
    n = 400
    X, y = toy2d.generate("spiral", n_samples=n, seed=0)
    i = np.arange(n // 2)
    r, t = 5 * i / (n / 2), 1.75 * i / (n / 2) * 2 * math.pi
    positive = np.column_stack([r * np.sin(t), r * np.cos(t)])
    assert np.allclose(X[y == 1], positive, atol=1e-5)
    assert np.allclose(X[y == 0], -positive, atol=1e-5)  # deltaT = pi


def test_spiral_noise_is_a_bounded_uniform_jitter():
    X0, _ = toy2d.generate("spiral", n_samples=2000, seed=5)
    X, _ = toy2d.generate("spiral", n_samples=2000, noise=0.4, seed=5)
    shift = X - X0
    assert np.abs(shift).max() <= 0.4 + 1e-5
    assert abs(shift.var() - 0.4**2 / 3) < 0.01  # variance of U(-a, a) is a^2 / 3


def test_reg_plane_target_and_range():
    X, y = toy2d.generate("reg-plane", noise=0.0, seed=6)
    assert np.allclose(y, (X[:, 0] + X[:, 1]) / 10, atol=1e-6)
    assert np.abs(X).max() <= 6 and np.abs(y).max() <= 1.2
    _, y_noisy = toy2d.generate("reg-plane", noise=0.5, seed=6)
    assert np.abs(y_noisy).max() <= 1.8 and np.abs(y_noisy - y).max() > 0.1


def _tfp_reg_gauss_label(x, y):
    """dataset.ts regressGaussian getLabel, line by line."""
    label = 0.0
    for cx, cy, sign in toy2d.GAUSSIANS:
        scaled = min(max(1 - math.hypot(x - cx, y - cy) / 2, 0.0), 1.0)
        if abs(sign * scaled) > abs(label):
            label = sign * scaled
    return label


def test_reg_gauss_matches_the_playgrounds_label_rule():
    X, y = toy2d.generate("reg-gauss", n_samples=600, seed=7)
    expected = [_tfp_reg_gauss_label(float(a), float(b)) for a, b in X]
    assert np.allclose(y, expected, atol=1e-5)
    assert np.abs(y).max() <= 1 and y.min() < -0.5 < 0.5 < y.max()


def test_moons_without_noise_lie_on_the_rescaled_half_circles():
    X, y = toy2d.generate("moons", n_samples=400, seed=8)
    u = X.astype(np.float64) / 4 + [0.5, 0.25]  # back to sklearn's units
    outer, inner = u[y == 0], u[y == 1]
    assert np.allclose(np.hypot(*outer.T), 1, atol=1e-5) and np.all(outer[:, 1] >= -1e-6)
    assert np.allclose(np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1, atol=1e-5)
    assert np.abs(X).max() <= 6 + 1e-5


@pytest.mark.parametrize("k", [2, 3, 5])
def test_blobs_and_spirals_have_k_balanced_classes(k):
    for name in ("blobs", "spirals"):
        _, y = toy2d.generate(name, n_samples=101, n_classes=k, seed=9)
        counts = np.bincount(y, minlength=k)
        assert len(counts) == k and counts.max() - counts.min() <= 1 and counts.sum() == 101


def test_spirals_arms_are_rotations_of_each_other():
    X, y = toy2d.generate("spirals", n_samples=300, n_classes=3, seed=0)
    angle = 2 * math.pi / 3
    rot = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    # x = r sin t, y = r cos t: adding 2 pi / 3 to t rotates clockwise by that angle
    assert np.allclose(X[y == 0] @ rot.T, X[y == 1], atol=1e-4)
    assert np.allclose(np.hypot(*X[y == 2].T), 5 * np.arange(100) / 100, atol=1e-5)


def test_load_toy_shuffles_and_splits_the_generated_points():
    ds = toy2d.load_toy("xor", n_samples=101, noise=0.1, train_ratio=0.7, seed=11)
    X, y = toy2d.generate("xor", n_samples=101, noise=0.1, seed=11)
    assert len(ds.X_train) == 70 and len(ds.X_test) == 31  # floor(101 * 0.7), as the playground
    both = np.column_stack([np.concatenate([ds.X_train, ds.X_test]),
                            np.concatenate([ds.y_train, ds.y_test])])
    assert np.array_equal(np.unique(both, axis=0), np.unique(np.column_stack([X, y]), axis=0))
    assert ds.classes == ["0", "1"] and ds.task == "classification"


@pytest.mark.parametrize("kwargs, match", [
    ({"name": "moon"}, r"name: expected one of .*'circle'.*; got 'moon'"),
    ({"name": "circle", "noise": 0.6}, r"noise: expected a number in \[0.0, 0.5\]; got 0.6"),
    ({"name": "circle", "n_samples": 1}, r"n_samples: expected an integer >= 2; got 1"),
    ({"name": "circle", "n_classes": 3}, r"n_classes: expected None for 'circle'.*; got 3"),
    ({"name": "blobs", "n_classes": 1}, r"n_classes: expected an integer >= 2; got 1"),
    ({"name": "gauss", "seed": -1}, r"seed: expected an integer >= 0; got -1"),
])
def test_generate_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        toy2d.generate(**kwargs)


def test_load_toy_rejects_a_train_ratio_outside_the_slider():
    with pytest.raises(ValueError, match=r"train_ratio: expected a number in \[0.1, 0.9\]; got 1"):
        toy2d.load_toy("circle", train_ratio=1)
