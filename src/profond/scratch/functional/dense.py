"""Dense layers as forward/backward pairs: linear, dropout, flatten (cs231n style)."""

import numpy as np

from profond.checks import check_range
from profond.scratch.dtypes import as_float


def linear_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None):
    """out = x Wᵀ + b.

    x (*, in_features), W (out_features, in_features), b (out_features,) or None
    -> out (*, out_features).
    Mirrors torch.nn.functional.linear.
    """
    x = as_float(x)
    if x.ndim < 1 or x.shape[-1] != W.shape[1]:
        raise ValueError(f"x: expected shape (*, {W.shape[1]}) to match weight of shape {W.shape}; "
                         f"got {x.shape}")
    out = x @ W.T
    if b is not None:
        out = out + b
    return out, (x, W, b is not None)


def linear_backward(dout: np.ndarray, cache, need_dx: bool = True):
    """dx = dout W, dW = doutᵀ x, db = Σ_N dout.

    dout (*, out_features) -> dx (*, in_features), dW (out_features, in_features),
    db (out_features,) (None when the layer has no bias). dx is None when `need_dx` is False.
    """
    x, W, has_bias = cache
    dout2 = dout.reshape(-1, W.shape[0])
    dx = dout @ W if need_dx else None
    dW = dout2.T @ x.reshape(len(dout2), W.shape[1])  # not -1: in_features may be 0
    db = dout2.sum(axis=0) if has_bias else None
    return dx, dW, db


def dropout_forward(x: np.ndarray, p: float, training: bool, rng: np.random.Generator):
    """out = x · m / (1 − p), m ~ Bernoulli(1 − p) at train time; out = x in eval.

    x (any shape) -> out (same shape). Mirrors torch.nn.functional.dropout.
    """
    check_range("p", p, 0.0, 1.0)
    x = as_float(x)
    if not training or p == 0:
        return x, None
    # Inverted dropout: scale the kept units at train time so that eval is the identity.
    keep = rng.random(x.shape) >= p
    mask = keep.astype(x.dtype) / (1.0 - p) if p < 1 else np.zeros_like(x)
    return x * mask, mask


def dropout_backward(dout: np.ndarray, cache) -> np.ndarray:
    """dx = dout · m / (1 − p) (the same mask as forward); the identity when forward was in eval."""
    return dout if cache is None else dout * cache


def flatten(x: np.ndarray, start_dim: int = 1, end_dim: int = -1) -> np.ndarray:
    """Merge dims start_dim..end_dim into one: (N, C, H, W) -> (N, C·H·W). Mirrors torch.flatten."""
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])


def flatten_forward(x: np.ndarray, start_dim: int = 1, end_dim: int = -1):
    """out = flatten(x); the cache is the input shape."""
    x = as_float(x)
    return flatten(x, start_dim, end_dim), x.shape


def flatten_backward(dout: np.ndarray, cache) -> np.ndarray:
    """dx = dout reshaped back to the input shape."""
    return dout.reshape(cache)
