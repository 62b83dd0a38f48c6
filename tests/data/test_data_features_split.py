"""Feature maps against hand computation; splits and standardisation against scikit-learn."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from profond.data.features import FEATURES, feature_map
from profond.data.split import Standardizer, train_val_split


def test_feature_map_by_hand():
    X = np.array([[1.0, 2.0], [0.5, -3.0]])
    expected = [[1, 2, 1, 4, 2, math.sin(1), math.sin(2)],
                [0.5, -3, 0.25, 9, -1.5, math.sin(0.5), math.sin(-3)]]
    out = feature_map(X, FEATURES)
    assert out.dtype == np.float32 and out.shape == (2, 7)
    assert np.allclose(out, expected, atol=1e-6)
    assert np.allclose(feature_map(X), X)  # default: x1, x2
    assert np.allclose(feature_map(X, ("x1*x2", "x1")), [[2, 1], [-1.5, 0.5]])
    assert np.allclose(feature_map(X, "sin(x2)")[:, 0], [math.sin(2), math.sin(-3)], atol=1e-6)
    none = feature_map(X, ())  # no feature switched on (TFP allows it): one empty row per point
    assert none.dtype == np.float32 and none.shape == (2, 0)


@pytest.mark.parametrize("X, features, match", [
    (np.zeros((3, 3)), ("x1",), r"X: expected an array of shape \(N, 2\); got shape \(3, 3\)"),
    (np.zeros((3, 2)), ("x3",), r"features: expected one of 'x1', .*; got 'x3'"),
])
def test_feature_map_rejects_bad_input(X, features, match):
    with pytest.raises(ValueError, match=match):
        feature_map(X, features)


def test_split_sizes_and_stratification_match_sklearn():
    y = np.repeat(np.arange(4), [50, 31, 17, 9]).astype(np.int64)
    X = np.arange(len(y))[:, None]
    X_tr, X_val, y_tr, y_val = train_val_split(X, y, val_fraction=0.3, seed=1)
    *_, sk_tr, sk_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=1)
    assert len(y_val) == len(sk_val) and len(y_tr) == len(sk_tr)
    assert np.abs(np.bincount(y_val) - np.bincount(sk_val)).max() <= 1
    # each example lands in exactly one part, with its own label
    assert sorted(np.concatenate([X_tr, X_val])[:, 0]) == list(range(len(y)))
    assert np.array_equal(y[X_tr[:, 0]], y_tr) and np.array_equal(y[X_val[:, 0]], y_val)


@settings(max_examples=30, deadline=None)
@given(counts=st.lists(st.integers(2, 40), min_size=2, max_size=5),
       frac=st.floats(0.1, 0.5), seed=st.integers(0, 1000))
def test_stratified_class_shares_are_within_one_example(counts, frac, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    *_, y_val = train_val_split(np.zeros((len(y), 1)), y, val_fraction=frac, seed=seed)
    assert len(y_val) == math.ceil(frac * len(y))
    assert np.all(np.abs(np.bincount(y_val, minlength=len(counts)) - frac * np.array(counts)) < 1)


def test_split_is_seeded_and_takes_float_targets_unstratified():
    X, y = np.arange(20.0)[:, None], np.linspace(-1, 1, 20).astype(np.float32)
    first, again = train_val_split(X, y, seed=3), train_val_split(X, y, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], train_val_split(X, y, seed=4)[1])
    assert len(first[1]) == 4


@pytest.mark.parametrize("frac, match", [
    (0.0, r"val_fraction: expected a fraction leaving both parts non-empty for 10 examples; got 0"),
    (1.5, r"val_fraction: expected a number in \[0.0, 1.0\]; got 1.5"),
])
def test_split_rejects_bad_fractions(frac, match):
    with pytest.raises(ValueError, match=match):
        train_val_split(np.zeros((10, 2)), np.zeros(10, dtype=np.int64), val_fraction=frac)


@settings(max_examples=20, deadline=None)
@given(X=arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 5)),
                elements=st.floats(-1e3, 1e3)))
def test_standardizer_matches_standard_scaler(X):
    ref = StandardScaler().fit(X)
    ours = Standardizer().fit(X)
    assert np.allclose(ours.mean_, ref.mean_)
    # sklearn keeps near-constant columns at scale 1 too; compare where the spread is real
    real = X.std(axis=0) > 1e-6
    assert np.allclose(ours.std_[real], ref.scale_[real])
    assert np.allclose(ours.transform(X)[:, real], ref.transform(X)[:, real], atol=1e-4)


def test_standardizer_is_fitted_on_the_training_part_only():
    rng = np.random.default_rng(0)
    train, test = rng.normal(3, 2, (200, 3)), rng.normal(-5, 7, (50, 3))
    scaler = Standardizer().fit(train)
    assert np.allclose(scaler.mean_, train.mean(axis=0)) and np.allclose(scaler.std_, train.std(0))
    assert np.allclose(scaler.transform(test), (test - train.mean(0)) / train.std(0), atol=1e-5)
    assert abs(scaler.transform(test).mean()) > 1  # test statistics did not leak into the fit


def test_standardizer_constant_feature_and_errors():
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    assert np.array_equal(Standardizer().fit_transform(X), [[-1, 0], [1, 0]])
    with pytest.raises(RuntimeError, match=r"Standardizer: expected fit\(\) before transform\(\)"):
        Standardizer().transform(X)
    with pytest.raises(ValueError, match=r"X: expected examples of shape \(2,\); got \(3,\)"):
        Standardizer().fit(X).transform(np.zeros((1, 3)))
