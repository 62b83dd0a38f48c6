"""Rosenblatt's perceptron (1957) as deck 003 runs it on OR, with the trace of every step."""

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from profond.checks import check_int, check_positive
from profond.classic._linear import binary_targets, with_bias


@dataclass(frozen=True)
class PerceptronStep:
    """One example seen: the slide's table row (x with x0, W before, y, t) and W after."""

    epoch: int
    index: int
    w_before: np.ndarray
    x: np.ndarray
    y: int
    t: int
    w_after: np.ndarray

    @property
    def updated(self) -> bool:
        return self.y != self.t


class Perceptron(ClassifierMixin, BaseEstimator):
    """y = 1 if sum_{i=0}^n w_i x_i > 0 else 0 (x0 = 1); after each example Delta W = eta X (t - y).

    X (N, n), y (N,) with two labels (any, as scikit-learn takes them: {0, 1}, {-1, 1}, strings),
    mapped to the slide's t in {0, 1} inside (t = 1 for `classes_[1]`, the larger);
    w = (w0, ..., wn) is `intercept_` then `coef_` (n,). `predict` answers in `classes_`.
    Training stops after the first epoch without an update (`converged_`), or at `max_epochs`
    with a ConvergenceWarning. `trace_` holds one PerceptronStep per example seen.
    sklearn.linear_model.Perceptron is the same idea with t in {-1, 1}.
    """

    def __init__(self, lr=1.0, max_epochs=100, shuffle=False, init_weights=None,
                 random_state=None):
        self.lr = lr
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.init_weights = init_weights
        self.random_state = random_state

    def fit(self, X, y):
        check_positive("lr", self.lr)
        check_int("max_epochs", self.max_epochs, minimum=1)
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, t = binary_targets(y)
        Xb = with_bias(X)
        w = self._initial_weights(Xb.shape[1])
        rng = check_random_state(self.random_state)
        self.trace_ = []
        self.converged_ = False
        for epoch in range(1, self.max_epochs + 1):
            order = rng.permutation(len(Xb)) if self.shuffle else range(len(Xb))
            w, n_updates = self._epoch(Xb, t, w, order, epoch)
            if n_updates == 0:
                self.converged_ = True
                break
        self.n_iter_ = epoch
        self.intercept_, self.coef_ = w[0], w[1:].copy()
        if not self.converged_:
            warnings.warn(f"Perceptron: still making updates after max_epochs={self.max_epochs} "
                          "epochs (the data may not be linearly separable)",
                          ConvergenceWarning, stacklevel=2)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def decision_function(self, X):
        """w . x with x0 = 1, (N,)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_

    def predict(self, X):
        fires = (self.decision_function(X) > 0).astype(np.int64)  # checks fitted first
        return self.classes_[fires]

    def _epoch(self, Xb, t, w, order, epoch):
        n_updates = 0
        for i in order:
            y = int(Xb[i] @ w > 0)
            w_after = w + self.lr * (t[i] - y) * Xb[i]
            step = PerceptronStep(epoch, int(i), w, Xb[i].copy(), y, int(t[i]), w_after)
            self.trace_.append(step)
            n_updates += y != t[i]
            w = w_after
        return w, n_updates

    def _initial_weights(self, size: int) -> np.ndarray:
        if self.init_weights is None:
            return np.zeros(size)
        w = np.asarray(self.init_weights, dtype=np.float64).ravel()
        if w.shape != (size,):
            raise ValueError(f"init_weights: expected {size} values (w0, w1, ..., w{size - 1}); "
                             f"got {w.size}")
        return w.copy()
