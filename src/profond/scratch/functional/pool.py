"""Max and average pooling, 1d and 2d (deck 003, "Couche de Pooling").

Backward as the slide says: max pooling sends each output's gradient to the input that held the
max (the first one in the window when several tie, as torch does); average pooling spreads it
evenly over the window, like a neuron whose weights are all 1/window size.
Shapes: x (N, C, *S) -> out (N, C, *O), S = (L,) or (H, W).
"""

from math import prod

import numpy as np

from profond.scratch.dtypes import as_float
from profond.scratch.functional.conv import col2im, conv_output_size, pad, per_axis, windows


def _geometry(x: np.ndarray, d: int, kernel_size, stride, padding) -> tuple[tuple[int, ...], ...]:
    """(kernel, stride, padding) per spatial axis from torch's int-or-tuple arguments."""
    if x.ndim != d + 2:
        raise ValueError(f"pool{d}d: expected x with {d + 2} dimensions (N, C, ...); "
                         f"got shape {x.shape}")
    kernel = per_axis("kernel_size", kernel_size, d, minimum=1)
    steps = kernel if stride is None else per_axis("stride", stride, d, minimum=1)
    pads = per_axis("padding", padding, d)
    for s, k, t, p in zip(x.shape[2:], kernel, steps, pads, strict=True):
        conv_output_size(s, k, t, p)
        if 2 * p > k:
            raise ValueError(f"pool{d}d: expected padding <= kernel_size / 2 (as torch); "
                             f"got padding={padding}, kernel_size={kernel_size}")
    return kernel, steps, pads


def _max_forward(x, kernel_size, stride, padding, d):
    x = as_float(x)
    kernel, stride, padding = _geometry(x, d, kernel_size, stride, padding)
    # -inf padding: a padded position can never be the max, as in torch.
    view = windows(pad(x, padding, -np.inf), kernel, stride)          # (N, C, *K, *O)
    n, c = x.shape[:2]
    out_size = view.shape[2 + d:]
    flat = view.reshape(n, c, prod(kernel), *out_size)
    arg = flat.argmax(axis=2)                                         # first max wins ties
    out = np.take_along_axis(flat, arg[:, :, None], axis=2)[:, :, 0]
    return out, (x.shape, arg, kernel, stride, padding)


def _max_backward(dout, cache):
    x_shape, arg, kernel, stride, padding = cache
    k = prod(kernel)
    onehot = arg[:, :, None] == np.arange(k).reshape(1, 1, k, *([1] * (arg.ndim - 2)))
    dcols = (onehot * dout[:, :, None]).reshape(*x_shape[:2], *kernel, *dout.shape[2:])
    return col2im(dcols, x_shape[2:], stride, padding)


def _avg_forward(x, kernel_size, stride, padding, d):
    x = as_float(x)
    kernel, stride, padding = _geometry(x, d, kernel_size, stride, padding)
    view = windows(pad(x, padding), kernel, stride)
    # Zero padding counted in the divisor: torch's default count_include_pad=True.
    out = view.mean(axis=tuple(range(2, 2 + d)))
    return out, (x.shape, kernel, stride, padding)


def _avg_backward(dout, cache):
    x_shape, kernel, stride, padding = cache
    share = (dout / prod(kernel))[:, :, *([None] * len(kernel))]
    dcols = np.broadcast_to(share, (*x_shape[:2], *kernel, *dout.shape[2:]))
    return col2im(dcols, x_shape[2:], stride, padding)


def max_pool2d_forward(x: np.ndarray, kernel_size: int, stride: int | None = None,
                       padding: int = 0) -> tuple[np.ndarray, tuple]:
    """out[n, c, i, j] = max_{u,v} x_pad[n, c, s·i + u, s·j + v]   (x_pad padded with −∞).

    x (N, C, H, W) -> out (N, C, OH, OW); stride defaults to kernel_size.
    Mirrors torch.nn.functional.max_pool2d (dilation 1, ceil_mode False).
    """
    return _max_forward(x, kernel_size, stride, padding, 2)


def max_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """dx: each dout[n, c, i, j] goes to the (first) arg max of its window; dout (N, C, OH, OW)."""
    return _max_backward(dout, cache)


def max_pool1d_forward(x: np.ndarray, kernel_size: int, stride: int | None = None,
                       padding: int = 0) -> tuple[np.ndarray, tuple]:
    """out[n, c, i] = max_u x_pad[n, c, s·i + u].

    x (N, C, L) -> out (N, C, L_out). Mirrors torch.nn.functional.max_pool1d.
    """
    return _max_forward(x, kernel_size, stride, padding, 1)


def max_pool1d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """dx: each dout[n, c, i] goes to the (first) arg max of its window."""
    return _max_backward(dout, cache)


def avg_pool2d_forward(x: np.ndarray, kernel_size: int, stride: int | None = None,
                       padding: int = 0) -> tuple[np.ndarray, tuple]:
    """out[n, c, i, j] = (1 / KH·KW) Σ_{u,v} x_pad[n, c, s·i + u, s·j + v]   (zero padding).

    x (N, C, H, W) -> out (N, C, OH, OW). Mirrors torch.nn.functional.avg_pool2d
    (count_include_pad=True, ceil_mode False).
    """
    return _avg_forward(x, kernel_size, stride, padding, 2)


def avg_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """dx: each dout[n, c, i, j] / (KH·KW) added to every input of its window."""
    return _avg_backward(dout, cache)


def avg_pool1d_forward(x: np.ndarray, kernel_size: int, stride: int | None = None,
                       padding: int = 0) -> tuple[np.ndarray, tuple]:
    """out[n, c, i] = (1 / K) Σ_u x_pad[n, c, s·i + u]   (zero padding).

    x (N, C, L) -> out (N, C, L_out). Mirrors torch.nn.functional.avg_pool1d.
    """
    return _avg_forward(x, kernel_size, stride, padding, 1)


def avg_pool1d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """dx: each dout[n, c, i] / K added to every input of its window."""
    return _avg_backward(dout, cache)
