"""Batch normalisation (Ioffe & Szegedy, 2015), forward and backward, for (N, C) and (N, C, *S).

Statistics are per channel C, over the batch and every spatial position.
"""

import numpy as np

from profond.scratch.dtypes import as_float


def _axes(x: np.ndarray) -> tuple[int, ...]:
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected x with at least 2 dimensions (N, C, ...); "
                         f"got shape {x.shape}")
    return (0, *range(2, x.ndim))


def _per_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    return v.reshape(1, -1, *([1] * (ndim - 2)))


def batch_norm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                       running_mean: np.ndarray, running_var: np.ndarray, training: bool = True,
                       momentum: float = 0.1, eps: float = 1e-5) -> tuple[np.ndarray, tuple]:
    """y = γ · (x − μ) / √(σ² + ε) + β; μ, σ² from the batch (training) or the running ones (eval).

    x (N, C) or (N, C, *S); gamma, beta, running_mean, running_var (C,). In training the running
    statistics are updated in place: r ← (1 − momentum)·r + momentum·batch, using the unbiased
    batch variance (m / (m − 1)) as torch does; normalisation itself uses the biased one.
    Mirrors torch.nn.functional.batch_norm.
    """
    x = as_float(x)
    axes = _axes(x)
    if training:
        m = x.size // x.shape[1]
        if m < 2:
            raise ValueError(f"batch_norm: expected more than 1 value per channel in training; "
                             f"got x of shape {x.shape}")
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        running_mean *= 1 - momentum
        running_mean += momentum * mean
        running_var *= 1 - momentum
        running_var += momentum * var * (m / (m - 1))
    else:
        mean, var = running_mean, running_var
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - _per_channel(mean, x.ndim)) * _per_channel(inv_std, x.ndim)
    out = x_hat * _per_channel(gamma, x.ndim) + _per_channel(beta, x.ndim)
    return out, (x_hat, inv_std, gamma, training)


def batch_norm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    """dx = γ/(m·σ) · (m·dout − Σ dout − x̂ · Σ dout·x̂) in training; dx = γ/σ · dout in eval.

    dout like x -> dx like x, dgamma = Σ dout·x̂, dbeta = Σ dout (C,), sums over N and S.
    """
    x_hat, inv_std, gamma, training = cache
    axes = _axes(dout)
    dbeta = dout.sum(axis=axes)
    dgamma = (dout * x_hat).sum(axis=axes)
    scale = _per_channel(gamma * inv_std, dout.ndim)
    if not training:
        return dout * scale, dgamma, dbeta
    m = dout.size // dout.shape[1]
    # The batch mean and variance depend on every x, hence the two correction terms.
    dx = scale * (dout - _per_channel(dbeta / m, dout.ndim)
                  - x_hat * _per_channel(dgamma / m, dout.ndim))
    return dx, dgamma, dbeta
