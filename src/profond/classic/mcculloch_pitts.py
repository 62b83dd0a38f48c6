"""The McCulloch-Pitts neuron (1943): fixed weights and a threshold, nothing learned."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from profond.classic._linear import binary_targets


class McCullochPitts(ClassifierMixin, BaseEstimator):
    """y = 1 if sum_i w_i x_i - theta > 0 else 0 (deck 003: strictly greater).

    X (N, n) -> y (N,) in {0, 1}; `weights` has n values, `threshold` is theta.
    `fit` learns nothing: it checks X against the weights and records `classes_`, [0, 1] or the
    two labels of y (sorted: the neuron firing answers `classes_[1]`).
    No torch twin: torch.heaviside(x @ w - theta, 0) is the same function.
    """

    def __init__(self, weights, threshold):
        self.weights = weights
        self.threshold = threshold

    def fit(self, X, y=None):
        if y is None:
            X = validate_data(self, X)
            self.classes_ = np.array([0, 1])
        else:
            X, y = validate_data(self, X, y)
            self.classes_ = binary_targets(y)[0]
        self.coef_ = self._checked_weights(X.shape[1])
        return self

    def decision_function(self, X):
        """sum_i w_i x_i - theta, (N,)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X @ self.coef_ - float(self.threshold)

    def predict(self, X):
        fires = (self.decision_function(X) > 0).astype(np.int64)  # checks fitted first
        return self.classes_[fires]

    def _checked_weights(self, n_features: int) -> np.ndarray:
        w = np.asarray(self.weights, dtype=np.float64).ravel()
        if w.shape != (n_features,):
            raise ValueError(f"weights: expected {n_features} values (one per input); "
                             f"got {w.size}")
        return w
