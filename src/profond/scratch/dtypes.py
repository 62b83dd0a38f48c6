"""The engine's dtype rule: float64 stays float64 (gradient checks), the rest becomes float32."""

import numpy as np


def as_float(x) -> np.ndarray:
    """`x` as an array: float64 kept as is, any other dtype cast to float32 (no copy if it is)."""
    x = np.asarray(x)
    return x if x.dtype == np.float64 else x.astype(np.float32, copy=False)
