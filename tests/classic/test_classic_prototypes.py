"""Nearest mean and k-NN against deck 001's worked example and scikit-learn on iris and digits."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier, NearestCentroid
from sklearn.utils.estimator_checks import parametrize_with_checks

from profond.classic import KNearestNeighbors, NearestMean, prototypes

# Deck 001, "Exemple de calcul": three red examples, then the three class means and x = {5, 2}.
RED_EXAMPLES = np.array([[5, 8], [7, 9], [6, 10]])
SLIDE_MEANS = {"rouge": (6, 9), "bleu": (3, 7), "vert": (3, 1)}
X_QUERY = np.array([[5, 2]])


def _split(load, seed=0):
    X, y = load(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)


def test_red_mean_from_the_slide_examples():
    model = NearestMean().fit(RED_EXAMPLES, ["rouge"] * 3)
    assert model.means_.tolist() == [list(SLIDE_MEANS["rouge"])]


def test_deck_001_worked_example_predicts_vert():
    means = np.array(list(SLIDE_MEANS.values()), dtype=float)
    model = NearestMean().fit(means, list(SLIDE_MEANS))
    distances = dict(zip(model.classes_, model.transform(X_QUERY)[0], strict=True))
    # By hand: sqrt(1 + 49), sqrt(4 + 25), sqrt(4 + 1).
    assert distances == pytest.approx({"rouge": 50 ** 0.5, "bleu": 29 ** 0.5, "vert": 5 ** 0.5})
    assert model.predict(X_QUERY).tolist() == ["vert"]


# Digits has constant pixels within a class; sklearn warns about them for its shrinkage option.
@pytest.mark.filterwarnings("ignore:self.within_class_std_dev_:UserWarning")
@pytest.mark.parametrize("load", [load_iris, load_digits], ids=["iris", "digits"])
def test_nearest_mean_equals_sklearn_nearest_centroid(load):
    X_train, X_test, y_train, _ = _split(load)
    ours = NearestMean().fit(X_train, y_train)
    theirs = NearestCentroid().fit(X_train, y_train)
    np.testing.assert_allclose(ours.means_, theirs.centroids_)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))


def _ambiguous(X_fit, y_fit, X, k):
    """Queries whose k-th place is shared by equidistant training examples of different classes."""
    d2 = ((X[:, None, :] - X_fit[None, :, :]) ** 2).sum(-1)
    kth = np.sort(d2, axis=1)[:, k - 1:k]
    on_boundary = np.isclose(d2, kth, rtol=1e-9, atol=1e-12)
    labels = [set(y_fit[row]) for row in on_boundary]
    return np.array([len(s) > 1 for s in labels])


@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("load", [load_iris, load_digits], ids=["iris", "digits"])
def test_knn_equals_sklearn_brute(load, k):
    X_train, X_test, y_train, _ = _split(load)
    ours = KNearestNeighbors(n_neighbors=k).fit(X_train, y_train).predict(X_test)
    theirs = KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(X_train, y_train)
    # Which of two equidistant k-th neighbours sklearn keeps depends on its thread count, so
    # queries where that choice changes the vote are left out; ties in the vote are compared.
    clear = ~_ambiguous(X_train, y_train, X_test, k)
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(ours[clear], theirs.predict(X_test)[clear])


def test_knn_vote_tie_goes_to_the_first_class():
    X = np.array([[0.0], [1.0], [-1.0]])
    y = np.array(["b", "a", "c"])
    # Neighbours of 0.1 by distance: 0 ("b"), 1 ("a"); a one-one vote goes to "a", the first class.
    assert KNearestNeighbors(n_neighbors=2).fit(X, y).predict([[0.1]]).tolist() == ["a"]


def test_knn_equidistant_neighbours_keep_the_earlier_example():
    X = np.array([[1.0], [-1.0], [3.0]])
    model = KNearestNeighbors(n_neighbors=1).fit(X, [1, 0, 1])
    assert model.kneighbors([[0.0]]).tolist() == [[0]]


def test_knn_blocks_cover_every_query(monkeypatch):
    monkeypatch.setattr(prototypes, "_BLOCK_SIZE", 50 * 7)  # blocks of 7 queries, the last short
    rng = np.random.default_rng(0)
    X_fit, X = rng.normal(size=(50, 3)), rng.normal(size=(40, 3))
    neighbors = KNearestNeighbors(n_neighbors=4).fit(X_fit, rng.integers(0, 3, 50)).kneighbors(X)
    d2 = ((X[:, None, :] - X_fit[None, :, :]) ** 2).sum(-1)
    np.testing.assert_array_equal(neighbors, np.argsort(d2, axis=1, kind="stable")[:, :4])


def test_knn_needs_enough_training_examples():
    with pytest.raises(ValueError, match=r"n_neighbors: expected at most n_samples=3 .*; got 5"):
        KNearestNeighbors().fit(np.zeros((3, 2)), [0, 1, 0])
    with pytest.raises(ValueError, match=r"n_neighbors: expected an integer >= 1; got 0"):
        KNearestNeighbors(n_neighbors=0).fit(np.zeros((3, 2)), [0, 1, 0])


def test_clone_keeps_parameters():
    assert clone(KNearestNeighbors(n_neighbors=3)).get_params() == {"n_neighbors": 3}
    assert clone(NearestMean()).get_params() == {}


@parametrize_with_checks([NearestMean(), KNearestNeighbors()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
