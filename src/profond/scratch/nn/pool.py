"""Pooling Modules: MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d (PyTorch names and signatures)."""

import numpy as np

from profond.scratch.functional import pool as F
from profond.scratch.functional.conv import conv_output_size, per_axis
from profond.scratch.module import Module


class _PoolNd(Module):
    """kernel_size, stride (default kernel_size) and padding: one integer, or one per spatial axis
    as torch accepts."""

    _forward = _backward = None
    _d = 0

    def __init__(self, kernel_size, stride=None, padding=0):
        per_axis("kernel_size", kernel_size, self._d, minimum=1)
        if stride is not None:
            per_axis("stride", stride, self._d, minimum=1)
        per_axis("padding", padding, self._d)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def output_size(self, dim_in: int, axis: int = 0) -> int:
        """dim_out = ⌊(dim_in + 2·padding − kernel_size) / stride⌋ + 1 along spatial `axis`."""
        k, s, p = (per_axis(name, getattr(self, name), self._d)[axis]
                   for name in ("kernel_size", "stride", "padding"))
        return conv_output_size(dim_in, k, s, p)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = type(self)._forward(x, self.kernel_size, self.stride, self.padding)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return type(self)._backward(dout, self._cache)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding})")


class MaxPool1d(_PoolNd):
    """out[n, c, i] = max_u x_pad[n, c, s·i + u]; the gradient goes to the (first) max.

    x (N, C, L) -> (N, C, L_out). Mirrors torch.nn.MaxPool1d.
    """

    _d = 1
    _forward, _backward = F.max_pool1d_forward, F.max_pool1d_backward


class MaxPool2d(_PoolNd):
    """out[n, c, i, j] = max_{u,v} x_pad[n, c, s·i + u, s·j + v]; the gradient goes to the max.

    x (N, C, H, W) -> (N, C, OH, OW). Mirrors torch.nn.MaxPool2d.
    """

    _d = 2
    _forward, _backward = F.max_pool2d_forward, F.max_pool2d_backward


class AvgPool1d(_PoolNd):
    """out[n, c, i] = (1/K) Σ_u x_pad[n, c, s·i + u]; the gradient is spread evenly.

    x (N, C, L) -> (N, C, L_out). Mirrors torch.nn.AvgPool1d (count_include_pad=True).
    """

    _d = 1
    _forward, _backward = F.avg_pool1d_forward, F.avg_pool1d_backward


class AvgPool2d(_PoolNd):
    """out[n, c, i, j] = (1/K²) Σ_{u,v} x_pad[n, c, s·i + u, s·j + v]; the gradient is spread.

    x (N, C, H, W) -> (N, C, OH, OW). Mirrors torch.nn.AvgPool2d (count_include_pad=True).
    """

    _d = 2
    _forward, _backward = F.avg_pool2d_forward, F.avg_pool2d_backward
