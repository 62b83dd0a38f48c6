"""Label corruption as in Zhang et al. (2016): random labels, and a fraction of flipped labels."""

import numpy as np

from profond.checks import check_int, check_range


def random_labels(y: np.ndarray, num_classes: int, seed: int = 0) -> np.ndarray:
    """y' ~ Uniform{0..C-1}, independent of x: the "random labels" arm of Zhang et al.

    y (N,) int64 -> (N,) int64.
    """
    check_int("num_classes", num_classes, minimum=2)
    rng = np.random.default_rng(seed)
    return rng.integers(0, num_classes, size=len(y)).astype(np.int64)


def flip_labels(y: np.ndarray, fraction: float, num_classes: int,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Exactly round(fraction N) labels replaced by a different class drawn uniformly.

    y (N,) int64 -> (y' (N,), flipped mask (N,) bool).
    """
    check_range("fraction", fraction, 0.0, 1.0)
    check_int("num_classes", num_classes, minimum=2)
    rng = np.random.default_rng(seed)
    flipped = np.zeros(len(y), dtype=bool)
    flipped[rng.permutation(len(y))[:round(fraction * len(y))]] = True
    # an offset in 1..C-1 modulo C never lands back on the true class
    offset = rng.integers(1, num_classes, size=len(y))
    y_new = np.where(flipped, (y + offset) % num_classes, y).astype(np.int64)
    return y_new, flipped
