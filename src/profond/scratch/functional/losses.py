"""Losses as forward/backward pairs: cross-entropy on logits (stable log-softmax) and MSE."""

import numpy as np

from profond.checks import check_choice
from profond.scratch.dtypes import as_float

REDUCTIONS = ("none", "mean", "sum")


def log_softmax(x: np.ndarray, dim: int = -1) -> np.ndarray:
    """log softmax(x) = x − log Σ_j e^(x_j), via log-sum-exp so large logits do not overflow."""
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def _reduce(values: np.ndarray, reduction: str):
    if reduction == "none":
        return values
    return values.mean() if reduction == "mean" else values.sum()


def _upstream(dloss, per_item: np.ndarray, reduction: str, count: int):
    """The gradient reaching each item's loss: dloss (× 1/count for mean; per item for 'none')."""
    dloss = 1.0 if dloss is None else dloss
    if reduction == "none":
        return np.broadcast_to(np.asarray(dloss, dtype=per_item.dtype), per_item.shape)
    return dloss / count if reduction == "mean" else dloss


def cross_entropy_forward(logits: np.ndarray, y: np.ndarray, reduction: str = "mean"):
    """L = −(1/N) Σ_n log softmax(logits_n)[y_n].

    logits (N, C) floats, y (N,) class indices in [0, C) -> a scalar, or (N,) with reduction="none".
    Mirrors torch.nn.functional.cross_entropy.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    logits, y = as_float(logits), np.asarray(y)
    if logits.ndim != 2:
        raise ValueError(f"logits: expected shape (N, C); got {logits.shape}")
    N, C = logits.shape
    if y.shape != (N,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y: expected integer class indices of shape ({N},); "
                         f"got {y.dtype} {y.shape}")
    if N and (y.min() < 0 or y.max() >= C):
        raise ValueError(f"y: expected class indices in [0, {C - 1}]; got values in "
                         f"[{y.min()}, {y.max()}]")
    logp = log_softmax(logits)
    per_item = -logp[np.arange(N), y]
    return _reduce(per_item, reduction), (np.exp(logp), y, reduction)


def cross_entropy_backward(cache, dloss=None) -> np.ndarray:
    """dL/dlogits = (softmax(logits) − onehot(y)) · dloss (/ N for mean); dloss defaults to 1."""
    probs, y, reduction = cache
    N = len(y)
    dlogits = probs.copy()
    dlogits[np.arange(N), y] -= 1
    scale = _upstream(dloss, probs[:, 0], reduction, N)
    return dlogits * (scale[:, None] if reduction == "none" else scale)


def mse_forward(y_hat: np.ndarray, y: np.ndarray, reduction: str = "mean"):
    """L = (1/n) Σ (ŷ − y)² over all n elements.

    y_hat and y of the same shape -> a scalar, or that shape with reduction="none".
    Mirrors torch.nn.functional.mse_loss.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    y_hat, y = as_float(y_hat), np.asarray(y)
    if y.shape != y_hat.shape:
        raise ValueError(f"y: expected the shape of y_hat {y_hat.shape}; got {y.shape}")
    diff = y_hat - y.astype(y_hat.dtype, copy=False)
    return _reduce(diff * diff, reduction), (diff, reduction)


def mse_backward(cache, dloss=None) -> np.ndarray:
    """dL/dŷ = 2 (ŷ − y) · dloss (/ n for mean); dloss defaults to 1."""
    diff, reduction = cache
    return 2 * diff * _upstream(dloss, diff, reduction, diff.size)
