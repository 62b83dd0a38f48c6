"""Activation Modules wrapping the functional pairs (PyTorch names)."""

import numpy as np

from profond.scratch.functional import activations as F
from profond.scratch.module import Module


class _Activation(Module):
    """Calls a forward/backward pair with the module's extra arguments; keeps the cache."""

    _forward = _backward = None

    def _args(self) -> tuple:
        return ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = type(self)._forward(x, *self._args())
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return type(self)._backward(dout, self._cache)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self._args()))})"


class ReLU(_Activation):
    """y = max(0, x). Mirrors torch.nn.ReLU."""

    _forward, _backward = F.relu_forward, F.relu_backward


class Sigmoid(_Activation):
    """y = 1 / (1 + e^(−x)). Mirrors torch.nn.Sigmoid."""

    _forward, _backward = F.sigmoid_forward, F.sigmoid_backward


class Tanh(_Activation):
    """y = tanh(x). Mirrors torch.nn.Tanh."""

    _forward, _backward = F.tanh_forward, F.tanh_backward


class LeakyReLU(_Activation):
    """y = x if x > 0 else negative_slope · x. Mirrors torch.nn.LeakyReLU."""

    _forward, _backward = F.leaky_relu_forward, F.leaky_relu_backward

    def __init__(self, negative_slope: float = 0.01):
        self.negative_slope = negative_slope

    def _args(self) -> tuple:
        return (self.negative_slope,)


class Softmax(_Activation):
    """y_i = e^(x_i) / Σ_j e^(x_j) along dim. Mirrors torch.nn.Softmax."""

    _forward, _backward = F.softmax_forward, F.softmax_backward

    def __init__(self, dim: int = -1):
        self.dim = dim

    def _args(self) -> tuple:
        return (self.dim,)
