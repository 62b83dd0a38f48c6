"""What the slides' linear neurons share: the x0 = 1 input and binary {0, 1} targets."""

import numpy as np
from sklearn.utils.multiclass import check_classification_targets


def with_bias(X: np.ndarray) -> np.ndarray:
    """X (N, n) -> (N, n + 1) with x0 = 1 first, so that w0 plays the threshold's part."""
    return np.hstack([np.ones((X.shape[0], 1), dtype=X.dtype), X])


def check_binary_targets(y: np.ndarray) -> np.ndarray:
    """The slides' neurons output 0 or 1, so the targets t must be 0 or 1 too."""
    check_classification_targets(y)
    values = np.unique(y)
    if not np.isin(values, (0, 1)).all():
        shown = values[:5].tolist()
        raise ValueError(f"y: expected binary targets in {{0, 1}}; got values {shown}")
    return np.asarray(y, dtype=np.int64)
