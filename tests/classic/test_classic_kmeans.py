"""k-means and the RBF network against scikit-learn and hand-made cases."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs

from profond.classic import KMeans, RBFNetwork
from profond.classic.kmeans import _plus_plus


def test_lloyd_from_the_same_start_matches_sklearn():
    X, _ = make_blobs(300, centers=4, cluster_std=2.0, random_state=3)
    ours = KMeans(4, seed=5).fit(X)
    start = _plus_plus(X, 4, np.random.default_rng(5))
    ref = SkKMeans(4, init=start, n_init=1, algorithm="lloyd", tol=0).fit(X)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-10)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)


def test_inertia_never_rises_and_blobs_are_recovered():
    X, y = make_blobs(200, centers=3, cluster_std=0.5, random_state=0)
    model = KMeans(3, n_init=3).fit(X)
    assert np.all(np.diff(model.inertia_curve_) <= 1e-9)
    # each true blob is one cluster: the contingency table is a permutation
    table = np.zeros((3, 3), int)
    np.add.at(table, (y, model.labels_), 1)
    assert sorted(table.max(1)) == sorted(np.bincount(y)) and (table > 0).sum() == 3
    np.testing.assert_array_equal(model.predict(X), model.labels_)


def test_kmeans_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match=r"n_clusters: expected at most n_samples=2; got 3"):
        KMeans(3).fit(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"n_clusters: expected an integer >= 1; got 0"):
        KMeans(0).fit(np.zeros((2, 2)))


def test_rbf_network_fits_a_sine_and_interpolates_with_one_centre_per_point():
    X = np.linspace(-3, 3, 200)[:, None]
    y = np.sin(2 * X[:, 0])
    assert RBFNetwork(16).fit(X, y).score(X, y) > 0.99
    assert RBFNetwork(1).fit(X, y).score(X, y) < 0.5
    # as many centres as distinct points, narrow bumps: the least squares interpolate exactly
    few = X[::40]
    exact = RBFNetwork(len(few), width=0.5).fit(few, y[::40])
    np.testing.assert_allclose(exact.predict(few), y[::40], atol=1e-8)
