"""The delta rule (Widrow-Hoff): a linear neuron trained by gradient descent on ½Σ(t − y)²."""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from profond.checks import check_choice, check_int, check_positive
from profond.classic._linear import with_bias


class DeltaRule(RegressorMixin, BaseEstimator):
    """y = sum_{i=0}^n w_i x_i (x0 = 1), E = 1/2 sum_x (t - y)^2, Delta w = eta (t - y) x.

    X (N, n), t (N,); w = (w0, ..., wn) is `intercept_` then `coef_` (n,), starting at 0.
    mode="online" updates after each example (order shuffled every epoch with `random_state`);
    mode="batch" applies the sum of the N updates once per epoch (eta must then be < 2 / lambda_max
    of X^T X, a bound that shrinks as examples are added). lr="auto" (the default) takes a step
    that is stable whatever the scale of X and the number of examples, in both modes:
    1 / lambda_max of Xb^T Xb (x with x0 = 1); `lr_` is the step used.
    `loss_curve_` holds E over the training set after each epoch; training stops when an
    epoch changes E by less than `tol`, and raises when E rises above its value at w = 0.
    torch: nn.Linear(n, 1) with 0.5 * MSELoss(reduction="sum") and SGD.
    """

    def __init__(self, lr="auto", max_epochs=100, mode="online", tol=1e-6, random_state=None):
        self.lr = lr
        self.max_epochs = max_epochs
        self.mode = mode
        self.tol = tol
        self.random_state = random_state

    def fit(self, X, y):
        if self.lr != "auto":
            check_positive("lr", self.lr)
        check_int("max_epochs", self.max_epochs, minimum=1)
        check_choice("mode", self.mode, ("online", "batch"))
        check_positive("tol", self.tol, allow_zero=True)
        X, t = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        Xb = with_bias(X)
        self.lr_ = self._stable_step(Xb) if self.lr == "auto" else self.lr
        w = np.zeros(Xb.shape[1])
        rng = check_random_state(self.random_state)
        E_start = self._loss(Xb, t, w)
        self.loss_curve_ = []
        self.converged_ = False
        for _ in range(self.max_epochs):
            online = self.mode == "online"
            w = self._online_epoch(Xb, t, w, rng) if online else self._batch_step(Xb, t, w)
            self.loss_curve_.append(self._loss(Xb, t, w))
            if self._stopped(E_start):
                break
        self.n_iter_ = len(self.loss_curve_)
        self.intercept_, self.coef_ = w[0], w[1:].copy()
        if not self.converged_:
            warnings.warn(f"DeltaRule: E still changing by more than tol={self.tol} after "
                          f"max_epochs={self.max_epochs} epochs: standardise X (features of "
                          "different scales slow gradient descent) or raise max_epochs",
                          ConvergenceWarning, stacklevel=2)
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_

    def _online_epoch(self, Xb, t, w, rng):
        with np.errstate(over="ignore", invalid="ignore"):
            for i in rng.permutation(len(Xb)):
                w = w + self.lr_ * (t[i] - Xb[i] @ w) * Xb[i]
        return w

    def _batch_step(self, Xb, t, w):
        return w + self.lr_ * Xb.T @ (t - Xb @ w)

    @staticmethod
    def _stable_step(Xb) -> float:
        """Half the largest stable batch step, 2 / lambda_max(Xb^T Xb). Online it is stable too,
        and small: lambda_max >= ||x||^2 for every example, so no update overshoots."""
        return 1.0 / float(np.linalg.eigvalsh(Xb.T @ Xb)[-1])

    @staticmethod
    def _loss(Xb, t, w) -> float:
        # Divergence overflows here; `_stopped` reports it as an error naming lr.
        with np.errstate(over="ignore", invalid="ignore"):
            return 0.5 * float(np.sum((t - Xb @ w) ** 2))

    def _stopped(self, E_start: float) -> bool:
        E = self.loss_curve_[-1]
        # Above E at w = 0, the steps are making the fit worse: lr is past the stable range.
        if not E <= E_start:
            raise ValueError(f"lr: expected a step small enough for E to decrease; got {self.lr} "
                             f"(E = {E:.4g} after epoch {len(self.loss_curve_)}, "
                             f"{E_start:.4g} at w = 0): use lr='auto', a smaller lr, or "
                             "standardise X")
        self.converged_ = len(self.loss_curve_) > 1 and abs(self.loss_curve_[-2] - E) < self.tol
        return self.converged_
