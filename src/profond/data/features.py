"""The playground's input features: x1, x2, x1², x2², x1·x2, sin x1, sin x2."""

import numpy as np

from profond.checks import check_choice

FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")

_MAPS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def feature_map(X: np.ndarray, features=("x1", "x2")) -> np.ndarray:
    """phi(X) = [f(x1, x2) for f in features], column by column in the order given.

    X: (N, 2) -> (N, k) float32 with k = len(features); k = 0 (no feature) gives (N, 0).
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X: expected an array of shape (N, 2); got shape {X.shape}")
    features = (features,) if isinstance(features, str) else tuple(features)
    for name in features:
        check_choice("features", name, FEATURES)
    x1, x2 = X[:, 0], X[:, 1]
    columns = [_MAPS[name](x1, x2) for name in features]
    return np.column_stack(columns).astype(np.float32) if columns else np.empty((len(X), 0),
                                                                             np.float32)
