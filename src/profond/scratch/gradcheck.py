"""Numerical gradients by centred differences and cs231n's relative error, to check backward."""

from collections.abc import Callable

import numpy as np


def numerical_grad(f: Callable[[np.ndarray], float], x: np.ndarray,
                   eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / 2ε, for a scalar f.

    x (any shape, float64) is perturbed in place and restored; returns an array of x's shape.
    Mirrors the idea of torch.autograd.gradcheck.
    """
    return _centred(lambda plus, minus: float(plus) - float(minus), f, x, eps)


def numerical_grad_array(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray,
                         eps: float = 1e-6) -> np.ndarray:
    """∂(Σ f(x)·dout)/∂x_i ≈ Σ (f(x + ε e_i) − f(x − ε e_i))·dout / 2ε, for an array-valued f.

    Differencing the outputs before weighting them by dout keeps the rounding error of a large sum
    out of the quotient (cs231n's eval_numerical_gradient_array). x float64, perturbed and restored.
    """
    return _centred(lambda plus, minus: float(np.sum((plus - minus) * dout)), f, x, eps)


def _centred(difference, f, x: np.ndarray, eps: float) -> np.ndarray:
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x: expected a float64 ndarray (float32 is too coarse for differences); "
                        f"got {getattr(x, 'dtype', type(x).__name__)}")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = np.array(f(x), copy=True)
        x[i] = old - eps
        minus = np.array(f(x), copy=True)
        x[i] = old
        grad[i] = difference(plus, minus) / (2 * eps)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| / max(1e-8, |a| + |b|), elementwise then the max (cs231n)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"b: expected the shape of a {a.shape}; got {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
