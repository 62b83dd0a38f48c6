"""Scaled dot-product attention as a forward/backward pair; the cache holds the weights."""

import math
from typing import NamedTuple

import numpy as np

from profond.scratch.dtypes import as_float
from profond.scratch.functional.activations import softmax_backward


class AttentionCache(NamedTuple):
    """What backward needs; `weights` (..., L, S) are the attention weights, for pictures."""

    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    weights: np.ndarray
    scale: float


def _check_shapes(q, k, v) -> None:
    if q.ndim < 2 or k.ndim != q.ndim or v.ndim != q.ndim:
        raise ValueError(f"q, k, v: expected arrays (..., L, E), (..., S, E), (..., S, Ev) of the "
                         f"same rank >= 2; got {q.shape}, {k.shape}, {v.shape}")
    if k.shape[-1] != q.shape[-1] or k.shape[:-1] != v.shape[:-1] or q.shape[:-2] != k.shape[:-2]:
        raise ValueError(f"k: expected shape (..., S, {q.shape[-1]}) with the batch dims of q "
                         f"{q.shape} and the leading dims of v {v.shape}; got {k.shape}")


def _masked_scores(scores: np.ndarray, attn_mask, is_causal: bool) -> np.ndarray:
    L, S = scores.shape[-2:]
    if is_causal and attn_mask is not None:
        raise ValueError("attn_mask: expected None when is_causal=True (the mask is implied); "
                         "got a mask")
    if is_causal:
        attn_mask = np.tril(np.ones((L, S), dtype=bool))
    if attn_mask is None:
        return scores
    attn_mask = np.asarray(attn_mask)
    try:
        np.broadcast_shapes(attn_mask.shape, scores.shape)
    except ValueError:
        raise ValueError(f"attn_mask: expected a shape that broadcasts to the scores "
                         f"{scores.shape}; got {attn_mask.shape}") from None
    if attn_mask.dtype == bool:
        return np.where(attn_mask, scores, -np.inf)
    return scores + attn_mask


def _safe_softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the keys; a row whose keys are all masked (−∞) gets weights 0, as torch's."""
    row_max = scores.max(axis=-1, keepdims=True)
    e = np.exp(scores - np.where(np.isfinite(row_max), row_max, 0))
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1)


def scaled_dot_product_attention_forward(q, k, v, attn_mask=None, is_causal: bool = False,
                                         scale: float | None = None):
    """out = softmax(q kᵀ / √E + mask) v.

    q (..., L, E), k (..., S, E), v (..., S, Ev) -> out (..., L, Ev), cache (cache.weights is the
    (..., L, S) attention). attn_mask broadcasts to (..., L, S): boolean, True = takes part, or
    float, added to the scores; is_causal keeps key j <= query i. A query with no key gets 0.
    Mirrors torch.nn.functional.scaled_dot_product_attention (no dropout).
    """
    q, k, v = as_float(q), as_float(k), as_float(v)
    _check_shapes(q, k, v)
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    # Dividing by √E keeps the scores' variance near 1, so softmax does not saturate.
    scores = _masked_scores(q @ k.swapaxes(-1, -2) * scale, attn_mask, is_causal)
    weights = _safe_softmax(scores)
    return weights @ v, AttentionCache(q, k, v, weights, scale)


def scaled_dot_product_attention_backward(dout, cache: AttentionCache):
    """dv = Aᵀ dout, dA = dout vᵀ, dS = softmax'(dA) / √E, dq = dS k, dk = dSᵀ q.

    dout (..., L, Ev) -> (dq, dk, dv); masked pairs have weight 0, so they pass no gradient.
    """
    q, k, v, weights, scale = cache
    dv = weights.swapaxes(-1, -2) @ dout
    dscores = softmax_backward(dout @ v.swapaxes(-1, -2), (weights, -1)) * scale
    return dscores @ k, dscores.swapaxes(-1, -2) @ q, dv
