"""Deck 001's prototype classifiers: the nearest class mean and the k nearest neighbours."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from profond.checks import check_int

# Distances per block of queries: 2**22 float64 (32 MB), whatever the training-set size.
_BLOCK_SIZE = 2**22


def squared_distances(X: np.ndarray, M: np.ndarray) -> np.ndarray:
    """||x - m||^2 = ||x||^2 - 2 x.m + ||m||^2 for every pair: X (N, D), M (K, D) -> (N, K).

    The expansion needs one matrix product instead of an (N, K, D) array of differences;
    rounding can push exact zeros slightly negative, hence the clip.
    """
    d2 = (X * X).sum(1)[:, None] - 2.0 * X @ M.T + (M * M).sum(1)[None, :]
    return np.maximum(d2, 0.0)


class NearestMean(ClassifierMixin, TransformerMixin, BaseEstimator):
    """y_hat = argmin_c ||x - mu_c|| with mu_c = sum_{i in c} x^(i) / n_c ("plus proche moyenne").

    X (N, D) -> y (N,); `means_` (C, D) in the order of `classes_`; `transform` gives the distances
    (N, C). sklearn.neighbors.NearestCentroid is the same classifier.
    """

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        one_hot = np.eye(len(self.classes_))[y_idx]
        self.means_ = (one_hot.T @ X) / one_hot.sum(0)[:, None]
        return self

    def transform(self, X):
        """Euclidean distance of each example to each class mean, (N, C)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return np.sqrt(squared_distances(X, self.means_))

    def predict(self, X):
        nearest = np.argmin(self.transform(X), axis=1)
        return self.classes_[nearest]


class KNearestNeighbors(ClassifierMixin, BaseEstimator):
    """y_hat = the majority class among the k training examples nearest to x (Euclidean).

    X (N, D) -> y (N,). A tie in the vote goes to the first class of `classes_`, as in
    sklearn.neighbors.KNeighborsClassifier(algorithm="brute"); a tie in distance for the k-th place
    goes to the earlier training example (sklearn keeps either one, depending on its thread count).
    """

    def __init__(self, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        check_int("n_neighbors", self.n_neighbors, minimum=1)
        if self.n_neighbors > len(X):
            raise ValueError(f"n_neighbors: expected at most n_samples={len(X)} (the training "
                             f"examples); got {self.n_neighbors}")
        self.classes_, self.y_idx_ = np.unique(y, return_inverse=True)
        self.X_fit_ = X
        return self

    def kneighbors(self, X):
        """Indices of the k nearest training examples, nearest first, (N, k)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        rows = max(1, _BLOCK_SIZE // len(self.X_fit_))
        return np.concatenate([self._block_neighbors(X[s:s + rows])
                               for s in range(0, len(X), rows)])

    def predict(self, X):
        neighbors = self.kneighbors(X)
        votes = self.y_idx_[neighbors]
        counts = (votes[:, :, None] == np.arange(len(self.classes_))).sum(1)
        return self.classes_[np.argmax(counts, axis=1)]

    def _block_neighbors(self, X):
        d2, k = squared_distances(X, self.X_fit_), self.n_neighbors
        nearest = np.argpartition(d2, k - 1, axis=1)[:, :k]
        kth = np.take_along_axis(d2, nearest, 1).max(1, keepdims=True)
        # argpartition picks any of the examples sharing the k-th distance; a stable sort of those
        # rows keeps the earliest ones.
        shared = (d2 <= kth).sum(1) > k
        nearest[shared] = np.argsort(d2[shared], axis=1, kind="stable")[:, :k]
        order = np.lexsort((nearest, np.take_along_axis(d2, nearest, 1)))
        return np.take_along_axis(nearest, order, 1)
