"""The dtype rule: float64 arrays stay float64 (gradient checks), the rest becomes float32."""

import numpy as np


def as_float(x) -> np.ndarray:
    """`x` as an array: a float64 ndarray kept as is; lists, ints, float32... cast to float32."""
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x
    return np.asarray(x, dtype=np.float32)
