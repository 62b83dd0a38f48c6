"""Batch normalisation Modules: BatchNorm1d, BatchNorm2d (PyTorch names, buffers and defaults)."""

import numpy as np

from profond.checks import check_int, check_positive, check_range
from profond.scratch.functional import norm as F
from profond.scratch.module import Module, Parameter


class _BatchNorm(Module):
    """γ (weight) = 1, β (bias) = 0; buffers running_mean = 0, running_var = 1, as torch."""

    _ndims: tuple[int, ...] = ()
    _buffers = ("running_mean", "running_var")

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 dtype=np.float32):
        self.num_features = check_int("num_features", num_features, minimum=1)
        self.eps = check_positive("eps", eps)
        self.momentum = check_range("momentum", momentum, 0.0, 1.0)
        self.weight = Parameter(np.ones(num_features), dtype=dtype)
        self.bias = Parameter(np.zeros(num_features), dtype=dtype)
        self.running_mean = np.zeros(num_features, dtype=dtype)
        self.running_var = np.ones(num_features, dtype=dtype)

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim not in self._ndims or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected x with {self._ndims} dimensions and "
                             f"{self.num_features} channels on axis 1; got shape {x.shape}")
        out, self._cache = F.batch_norm_forward(
            x, self.weight.data, self.bias.data, self.running_mean, self.running_var,
            self.training, self.momentum, self.eps)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, dgamma, dbeta = F.batch_norm_backward(dout, self._cache)
        self.weight.grad += dgamma
        self.bias.grad += dbeta
        return dx

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.num_features}, eps={self.eps}, "
                f"momentum={self.momentum})")


class BatchNorm1d(_BatchNorm):
    """y = γ (x − μ) / √(σ² + ε) + β per feature; x (N, C) or (N, C, L).

    Mirrors torch.nn.BatchNorm1d (affine, track_running_stats).
    """

    _ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """y = γ (x − μ) / √(σ² + ε) + β per channel, statistics over N, H, W; x (N, C, H, W).

    Mirrors torch.nn.BatchNorm2d (affine, track_running_stats).
    """

    _ndims = (4,)
