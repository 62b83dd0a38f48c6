"""k-means: the nearest mean of deck 001 with the cluster assignments in place of the labels,
and the RBF network built on its centres (Gaussian bumps, then a linear output)."""

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, RegressorMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from profond.checks import check_int, check_positive
from profond.classic.prototypes import squared_distances


class KMeans(ClusterMixin, TransformerMixin, BaseEstimator):
    """Lloyd's algorithm: assign each x to its nearest mean, move each mean to its cluster's mean,
    until no assignment changes. Minimises the inertia Σ_i ||x_i − μ_{c(i)}||².

    X (N, D) -> labels (N,); `cluster_centers_` (K, D), `labels_`, `inertia_`, `n_iter_` and
    `inertia_curve_` (the inertia after each assignment) of the best of `n_init` starts. Starts are
    k-means++ (Arthur & Vassilvitskii 2007) from `seed`. Mirrors sklearn.cluster.KMeans.
    """

    def __init__(self, n_clusters=8, max_iter=100, n_init=1, seed=0):
        self.n_clusters = n_clusters
        self.max_iter = max_iter
        self.n_init = n_init
        self.seed = seed

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=np.float64)
        check_int("n_clusters", self.n_clusters, minimum=1)
        check_int("max_iter", self.max_iter, minimum=1)
        check_int("n_init", self.n_init, minimum=1)
        if self.n_clusters > len(X):
            raise ValueError(f"n_clusters: expected at most n_samples={len(X)}; "
                             f"got {self.n_clusters}")
        rng = np.random.default_rng(self.seed)
        runs = [self._lloyd(X, _plus_plus(X, self.n_clusters, rng)) for _ in range(self.n_init)]
        best = min(runs, key=lambda run: run[2][-1])
        self.cluster_centers_, self.labels_, self.inertia_curve_, self.n_iter_ = best
        self.inertia_ = self.inertia_curve_[-1]
        return self

    def _lloyd(self, X, centers):
        labels, curve = None, []
        for _ in range(self.max_iter):
            d2 = squared_distances(X, centers)
            new_labels = d2.argmin(1)
            curve.append(float(d2[np.arange(len(X)), new_labels].sum()))
            if labels is not None and np.array_equal(new_labels, labels):
                break
            labels = new_labels
            for k in range(len(centers)):
                members = X[labels == k]
                if len(members):  # an empty cluster keeps its centre
                    centers[k] = members.mean(0)
        return centers, labels, curve, len(curve)

    def transform(self, X):
        """Euclidean distance of each example to each centre, (N, K)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return np.sqrt(squared_distances(X, self.cluster_centers_))

    def predict(self, X):
        return self.transform(X).argmin(1)


def _plus_plus(X: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++: the first centre uniform, each next one drawn ∝ its squared distance to the
    nearest centre chosen so far."""
    centers = [X[rng.integers(len(X))]]
    d2 = squared_distances(X, np.array(centers))[:, 0]
    for _ in range(1, k):
        p = d2 / d2.sum() if d2.sum() > 0 else np.full(len(X), 1 / len(X))
        centers.append(X[rng.choice(len(X), p=p)])
        d2 = np.minimum(d2, squared_distances(X, centers[-1][None])[:, 0])
    return np.array(centers)


class RBFNetwork(RegressorMixin, BaseEstimator):
    """y_hat = w_0 + Σ_k w_k exp(−||x − c_k||² / (2 σ²)): centres c_k by k-means, one width σ
    (the mean distance between centres unless given), output weights by least squares.

    X (N, D) -> y (N,). Moody & Darken (1989)'s two-stage training.
    """

    def __init__(self, n_centers=10, width=None, seed=0):
        self.n_centers = n_centers
        self.width = width
        self.seed = seed

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        self.kmeans_ = KMeans(self.n_centers, n_init=3, seed=self.seed).fit(X)
        centers = self.kmeans_.cluster_centers_
        if self.width is not None:
            self.width_ = check_positive("width", self.width)
        else:
            gaps = np.sqrt(squared_distances(centers, centers))
            self.width_ = float(gaps.sum() / max(1, len(centers) * (len(centers) - 1))) or 1.0
        self.coef_ = np.linalg.lstsq(self._features(X), y, rcond=None)[0]
        return self

    def _features(self, X):
        phi = np.exp(-squared_distances(X, self.kmeans_.cluster_centers_) / (2 * self.width_ ** 2))
        return np.column_stack([np.ones(len(X)), phi])

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._features(X) @ self.coef_
