"""Convolution Modules: Conv1d, Conv2d (PyTorch names, signatures and default init)."""

import math

import numpy as np

from profond.checks import check_int
from profond.scratch import init
from profond.scratch.functional import conv as F
from profond.scratch.module import Module, Parameter


class _ConvNd(Module):
    """Holds the kernel (out_channels, in_channels, *kernel) and bias; d = 1 or 2 spatial axes."""

    _d = 0
    _forward = _backward = None
    _cols = None  # the im2col buffer, refilled by each forward (its shape permitting)

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 bias: bool = True, dtype=np.float32):
        self.in_channels = check_int("in_channels", in_channels, minimum=1)
        self.out_channels = check_int("out_channels", out_channels, minimum=1)
        # as torch: an integer, or one per spatial axis (kept as given; the maths reads per axis)
        kernel = F.per_axis("kernel_size", kernel_size, self._d, minimum=1)
        F.per_axis("stride", stride, self._d, minimum=1)
        F.per_axis("padding", padding, self._d)
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        shape = (out_channels, in_channels) + kernel
        self.weight = Parameter(np.zeros(shape), dtype=dtype)
        self.bias = Parameter(np.zeros(out_channels), dtype=dtype) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # torch's default: kaiming_uniform_(a=√5) gives U(−1/√fan_in, 1/√fan_in), as for the bias.
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init.fan_in_and_fan_out(self.weight.shape)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def output_size(self, dim_in: int, axis: int = 0) -> int:
        """dim_out = ⌊(dim_in + 2·padding − kernel_size) / stride⌋ + 1 along spatial `axis`."""
        k, s, p = (F.per_axis(name, getattr(self, name), self._d)[axis]
                   for name in ("kernel_size", "stride", "padding"))
        return F.conv_output_size(dim_in, k, s, p)

    def forward(self, x: np.ndarray) -> np.ndarray:
        b = None if self.bias is None else self.bias.data
        out, self._cache = type(self)._forward(x, self.weight.data, b, self.stride, self.padding,
                                               self._cols)
        self._cols = self._cache[3]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, dW, db = type(self)._backward(dout, self._cache)
        self.weight.grad += dW
        if self.bias is not None:
            self.bias.grad += db
        return dx

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"bias={self.bias is not None})")


class Conv1d(_ConvNd):
    """out[n, f, i] = b[f] + Σ_{c,u} W[f, c, u] · x_pad[n, c, s·i + u].

    x (N, C_in, L) -> out (N, C_out, L_out), L_out = ⌊(L + 2·padding − kernel_size)/stride⌋ + 1.
    Mirrors torch.nn.Conv1d (dilation 1, groups 1, zero padding).
    """

    _d = 1
    _forward, _backward = F.conv1d_forward, F.conv1d_backward


class Conv2d(_ConvNd):
    """out[n, f, i, j] = b[f] + Σ_{c,u,v} W[f, c, u, v] · x_pad[n, c, s·i + u, s·j + v].

    x (N, C_in, H, W) -> out (N, C_out, OH, OW), OH = ⌊(H + 2·padding − kernel_size)/stride⌋ + 1
    (per axis: kernel_size, stride and padding take one integer or an (H, W) pair). Mirrors
    torch.nn.Conv2d (dilation 1, groups 1, zero padding).
    """

    _d = 2
    _forward, _backward = F.conv2d_forward, F.conv2d_backward
