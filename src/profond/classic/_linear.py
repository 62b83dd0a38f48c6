"""What the slides' linear neurons share: the x0 = 1 input and binary targets, t in {0, 1}."""

import numpy as np
from sklearn.utils.multiclass import check_classification_targets


def with_bias(X: np.ndarray) -> np.ndarray:
    """X (N, n) -> (N, n + 1) with x0 = 1 first, so that w0 plays the threshold's part."""
    return np.hstack([np.ones((X.shape[0], 1), dtype=X.dtype), X])


def binary_targets(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(classes_, t): any two labels, as scikit-learn's classifiers take them ({-1, 1}, strings),
    sorted, and the slides' t in {0, 1} (t = 1 for classes_[1]). Targets in {0, 1} keep
    classes_ = [0, 1] even when one value is absent (a truth table that is all 1)."""
    check_classification_targets(y)
    classes, t = np.unique(y, return_inverse=True)
    if classes.dtype.kind in "iub" and np.isin(classes, (0, 1)).all():
        return np.array([0, 1]), np.asarray(y, dtype=np.int64).ravel()
    if len(classes) != 2:
        shown = classes[:5].tolist()
        # the last sentence is the one scikit-learn's checks look for
        raise ValueError(f"y: expected two classes (such as 0 and 1, or -1 and 1); got "
                         f"{len(classes)}: {shown}{' ...' if len(classes) > 5 else ''}. Only "
                         "binary classification is supported.")
    return classes, t.astype(np.int64).ravel()
