"""Hold-out splits and standardisation fitted on the training part only."""

import math

import numpy as np

from profond.checks import check_int, check_range


def train_val_split(X: np.ndarray, y: np.ndarray, val_fraction: float = 0.2, seed: int = 0,
                    stratify: bool = True):
    """Seeded hold-out split -> (X_train, X_val, y_train, y_val), as sklearn's train_test_split.

    ceil(val_fraction * N) examples go to validation. With `stratify` and integer labels each
    class gives floor(val_fraction * N_c), the rest going to the largest remainders, so class
    shares match to within one example. Float (regression) labels are split without stratification.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y: expected the same length; got {len(X)} and {len(y)}")
    check_range("val_fraction", val_fraction, 0.0, 1.0)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    n_val = math.ceil(val_fraction * len(y))
    if not 0 < n_val < len(y):
        raise ValueError(f"val_fraction: expected a fraction leaving both parts non-empty for "
                         f"{len(y)} examples; got {val_fraction}")
    if stratify and np.issubdtype(y.dtype, np.integer):
        val = _stratified(y, val_fraction, n_val, rng)
    else:
        val = rng.permutation(len(y))[:n_val]
    is_val = np.zeros(len(y), dtype=bool)
    is_val[val] = True
    train_idx, val_idx = rng.permutation(np.flatnonzero(~is_val)), rng.permutation(val)
    return X[train_idx], X[val_idx], y[train_idx], y[val_idx]


def _stratified(y, val_fraction, n_val, rng):
    classes, counts = np.unique(y, return_counts=True)
    exact = val_fraction * counts
    take = np.floor(exact).astype(int)
    # Largest remainders first; a random key breaks ties so no class is always favoured.
    order = np.lexsort((rng.random(len(classes)), -(exact - take)))
    take[order[: n_val - take.sum()]] += 1
    return np.concatenate([rng.permutation(np.flatnonzero(y == c))[:t]
                           for c, t in zip(classes, take, strict=True)])


class Standardizer:
    """z = (x - mean) / std, per feature (axis 0), fitted on training data; std 0 is taken as 1.

    x: (N, ...) -> same shape, float32. Mirrors sklearn.preprocessing.StandardScaler.
    """

    def fit(self, X: np.ndarray) -> "Standardizer":
        X = np.asarray(X, dtype=np.float64)
        if len(X) == 0:
            raise ValueError("X: expected at least one example to fit on; got 0")
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.std_ = np.where(std == 0, 1.0, std)  # a constant feature stays finite (becomes 0)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        if not hasattr(self, "mean_"):
            raise RuntimeError("Standardizer: expected fit() before transform(); "
                               "got an unfitted one")
        X = np.asarray(X, dtype=np.float64)
        if X.shape[1:] != self.mean_.shape:
            raise ValueError(f"X: expected examples of shape {self.mean_.shape}; "
                             f"got {X.shape[1:]}")
        return ((X - self.mean_) / self.std_).astype(np.float32)

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).transform(X)
