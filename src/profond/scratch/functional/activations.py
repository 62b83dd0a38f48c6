"""Activation functions as forward/backward pairs; each cache holds only what backward needs."""

import numpy as np

from profond.scratch.dtypes import as_float


def relu_forward(x: np.ndarray):
    """out = max(0, x). Any shape. Mirrors torch.nn.functional.relu."""
    x = as_float(x)
    return np.maximum(x, 0), x


def relu_backward(dout: np.ndarray, cache) -> np.ndarray:
    """dx = dout · 1[x > 0] (0 at x = 0, as torch)."""
    return dout * (cache > 0)


def sigmoid_forward(x: np.ndarray):
    """out = σ(x) = 1 / (1 + e^(−x)). Any shape. Mirrors torch.sigmoid."""
    x = as_float(x)
    # e^(−|x|) never overflows; both branches are the same function.
    z = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)
    return out, out


def sigmoid_backward(dout: np.ndarray, cache) -> np.ndarray:
    """dx = dout · σ(x)(1 − σ(x))."""
    return dout * cache * (1 - cache)


def tanh_forward(x: np.ndarray):
    """out = tanh(x). Any shape. Mirrors torch.tanh."""
    out = np.tanh(as_float(x))
    return out, out


def tanh_backward(dout: np.ndarray, cache) -> np.ndarray:
    """dx = dout · (1 − tanh²(x))."""
    return dout * (1 - cache * cache)


def leaky_relu_forward(x: np.ndarray, negative_slope: float = 0.01):
    """out = x if x > 0 else negative_slope · x. Mirrors torch.nn.functional.leaky_relu."""
    x = as_float(x)
    return np.where(x > 0, x, negative_slope * x).astype(x.dtype, copy=False), (x, negative_slope)


def leaky_relu_backward(dout: np.ndarray, cache) -> np.ndarray:
    """dx = dout if x > 0 else negative_slope · dout."""
    x, negative_slope = cache
    return np.where(x > 0, dout, negative_slope * dout).astype(dout.dtype, copy=False)


def softmax_forward(x: np.ndarray, dim: int = -1):
    """out_i = e^(x_i) / Σ_j e^(x_j) along `dim`. Mirrors torch.softmax."""
    x = as_float(x)
    # Shifting by the max leaves softmax unchanged and keeps e^x from overflowing.
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    out = e / e.sum(axis=dim, keepdims=True)
    return out, (out, dim)


def softmax_backward(dout: np.ndarray, cache) -> np.ndarray:
    """dx = s · (dout − Σ_j dout_j s_j), the Jacobian-vector product of softmax."""
    s, dim = cache
    return s * (dout - (dout * s).sum(axis=dim, keepdims=True))
