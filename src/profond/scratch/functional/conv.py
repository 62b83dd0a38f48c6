"""Convolution as im2col + one matrix product (deck 003, "Couche de convolution").

Each output position is a neuron computing a weighted sum over a window of the input; all positions
share the same kernel. im2col copies every window into a column so that the whole layer becomes one
BLAS matrix product; col2im adds the columns' gradients back onto the input (windows overlap).
Shapes follow torch: x (N, C, *S), W (F, C, *K), b (F,), out (N, F, *O); conv1d has S = (L,),
conv2d S = (H, W).
"""

from math import prod

import numpy as np
from numpy.lib.stride_tricks import as_strided

from profond.checks import check_int
from profond.scratch.dtypes import as_float


def conv_output_size(dim_in: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """dim_out = floor((dim_in + 2·padding − kernel_size) / stride) + 1   (deck 003, "Bilan").

    Raises ValueError naming every argument when no window fits (the output would be empty).
    Mirrors the output-size formula of torch.nn.Conv2d / MaxPool2d (dilation 1, ceil_mode False).
    """
    check_int("dim_in", dim_in, minimum=1)
    check_int("kernel_size", kernel_size, minimum=1)
    check_int("stride", stride, minimum=1)
    check_int("padding", padding, minimum=0)
    dim_out = (dim_in + 2 * padding - kernel_size) // stride + 1
    if dim_out < 1:
        raise ValueError(
            f"conv_output_size: expected kernel_size <= dim_in + 2*padding (an output of at least "
            f"1); got dim_in={dim_in}, kernel_size={kernel_size}, padding={padding}, "
            f"stride={stride}, which gives dim_out={dim_out}")
    return dim_out


def per_axis(name: str, value, d: int, minimum: int = 0) -> tuple[int, ...]:
    """torch's int-or-tuple sizes: 3 -> (3,) * d; (3, 5) stays when d = 2; anything else raises."""
    values = (value,) * d if isinstance(value, int | np.integer) else value
    if not isinstance(values, tuple | list) or len(values) != d:
        raise ValueError(f"{name}: expected an integer or {d} integers; got {value!r}")
    return tuple(check_int(name, v, minimum=minimum) for v in values)


def pad(x: np.ndarray, padding, value: float = 0.0) -> np.ndarray:
    """x (N, C, *S) -> (N, C, *(S + 2·padding)), borders filled with `value`; padding is one
    integer or one per spatial axis."""
    pads = per_axis("padding", padding, x.ndim - 2)
    if not any(pads):
        return x
    xp = np.full(x.shape[:2] + tuple(s + 2 * p for s, p in zip(x.shape[2:], pads, strict=True)),
                 value, dtype=x.dtype)
    xp[(..., *(slice(p, p + s) for s, p in zip(x.shape[2:], pads, strict=True)))] = x
    return xp


def windows(xp: np.ndarray, kernel: tuple[int, ...], stride) -> np.ndarray:
    """A read-only view (N, C, *K, *O) of every window of the padded input; no copy. `stride` is
    one integer or one per spatial axis.

    Kernel offsets come before output positions so that copying the view keeps the input's
    contiguous last axis innermost (im2col then runs over long contiguous rows).
    """
    n, c, *size = xp.shape
    steps = per_axis("stride", stride, len(size), minimum=1)
    out = tuple((s - k) // t + 1 for s, k, t in zip(size, kernel, steps, strict=True))
    sn, sc, *ss = xp.strides
    return as_strided(xp, (n, c, *kernel, *out),
                      (sn, sc, *ss, *(s * t for s, t in zip(ss, steps, strict=True))),
                      writeable=False)


def col2im(dcols: np.ndarray, size: tuple[int, ...], stride, padding) -> np.ndarray:
    """The adjoint of `windows`: dcols (N, C, *K, *O) summed back onto dx (N, C, *size).

    One vectorised add per kernel offset (KH·KW of them): overlapping windows accumulate.
    """
    n, c = dcols.shape[:2]
    d = len(size)
    steps, pads = per_axis("stride", stride, d, minimum=1), per_axis("padding", padding, d)
    kernel, out = dcols.shape[2:2 + d], dcols.shape[2 + d:]
    dxp = np.zeros((n, c, *(s + 2 * p for s, p in zip(size, pads, strict=True))),
                   dtype=dcols.dtype)
    for offset in np.ndindex(*kernel):
        target = tuple(slice(o, o + t * (m - 1) + 1, t)
                       for o, m, t in zip(offset, out, steps, strict=True))
        dxp[(slice(None), slice(None), *target)] += dcols[(slice(None), slice(None), *offset)]
    if not any(pads):
        return dxp
    return dxp[(..., *(slice(p, p + s) for s, p in zip(size, pads, strict=True)))]


def _check_conv(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, d: int,
                stride: int, padding: int) -> tuple[int, ...]:
    if x.ndim != d + 2 or W.ndim != d + 2:
        raise ValueError(f"conv{d}d: expected x and W with {d + 2} dimensions; "
                         f"got x {x.shape} and W {W.shape}")
    if x.shape[1] != W.shape[1]:
        raise ValueError(f"conv{d}d: expected x with {W.shape[1]} channels (W.shape[1]); "
                         f"got x {x.shape}")
    if b is not None and b.shape != (W.shape[0],):
        raise ValueError(f"conv{d}d: expected b of shape ({W.shape[0]},); got {b.shape}")
    return tuple(conv_output_size(s, k, t, p) for s, k, t, p in zip(
        x.shape[2:], W.shape[2:], per_axis("stride", stride, d, 1), per_axis("padding", padding, d),
        strict=True))


def _conv_forward(x, W, b, stride, padding, d, cols_out):
    x = as_float(x)
    out_size = _check_conv(x, W, b, d, stride, padding)
    n, f = x.shape[0], W.shape[0]
    view = windows(pad(x, padding), W.shape[2:], stride)            # (N, C, *K, *O)
    # Channel-and-offset rows, (batch, position) columns: the whole layer is ONE matrix product,
    # and the copy's inner loop runs along the input's contiguous last axis.
    view = view.transpose(1, *range(2, 2 + d), 0, *range(2 + d, 2 + 2 * d))
    shape = (prod(view.shape[:1 + d]), n * prod(out_size))            # (C·ΠK, N·ΠO)
    cols = cols_out
    if cols is None or cols.shape != shape or cols.dtype != x.dtype:
        cols = np.empty(shape, x.dtype)
    # Refilling a reused buffer skips the page faults of a fresh one on large layers.
    np.copyto(cols.reshape(view.shape), view)
    out = W.reshape(f, -1) @ cols                                    # (F, N·ΠO)
    if b is not None:
        out += b[:, None]
    out = np.ascontiguousarray(out.reshape(f, n, *out_size).swapaxes(0, 1))
    return out, [x.shape, W, b is not None, cols, stride, padding]


def _conv_backward(dout, cache):
    x_shape, W, has_bias, cols, stride, padding = cache
    if cols is None:
        raise ValueError("cache: expected the cache of a forward pass not yet back-propagated; "
                         "got one whose columns backward already reused (run forward again)")
    n, f, *out_size = dout.shape
    d = len(out_size)
    dout = np.ascontiguousarray(dout.swapaxes(0, 1)).reshape(f, -1)  # (F, N·ΠO)
    # The kernel is shared by every output position: its gradient is the sum over positions
    # (and over the batch) of each position's contribution, as the slide says.
    dW = (dout @ cols.T).reshape(W.shape)
    db = dout.sum(axis=1) if has_bias else None
    # Like torch freeing saved tensors after backward, the columns are done with: their buffer
    # takes the columns' gradient, and the next forward of the layer refills it.
    cache[3] = None
    dcols = np.matmul(W.reshape(f, -1).T, dout, out=cols)
    dcols = dcols.reshape(x_shape[1], *W.shape[2:], n, *out_size)
    dcols = dcols.transpose(1 + d, 0, *range(1, 1 + d), *range(2 + d, 2 + 2 * d))
    return col2im(dcols, x_shape[2:], stride, padding), dW, db


def conv2d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, stride: int = 1,
                   padding: int = 0, cols_out: np.ndarray | None = None) -> tuple[np.ndarray, list]:
    """out[n, f, i, j] = b[f] + Σ_{c,u,v} W[f, c, u, v] · x_pad[n, c, s·i + u, s·j + v].

    x (N, C, H, W), W (F, C, KH, KW), b (F,) or None -> out (N, F, OH, OW) with
    OH = conv_output_size(H, KH, stride, padding). Mirrors torch.nn.functional.conv2d
    (cross-correlation, zero padding, dilation 1, groups 1). `cols_out`: an optional buffer
    (C·KH·KW, N·OH·OW) for the im2col columns, e.g. the last cache's (its layer reuses it).
    """
    return _conv_forward(x, W, b, stride, padding, 2, cols_out)


def conv2d_backward(dout: np.ndarray, cache: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dx, dW, db of conv2d; dW[f] = Σ_{n,i,j} dout[n, f, i, j] · window(n, i, j), summed over
    all positions because the kernel is shared; db[f] = Σ_{n,i,j} dout[n, f, i, j].

    dout (N, F, OH, OW) -> dx (N, C, H, W), dW (F, C, KH, KW), db (F,) or None. One backward
    per forward: backward reuses the cache's column buffer (torch frees its saved tensors).
    """
    return _conv_backward(dout, cache)


def conv1d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, stride: int = 1,
                   padding: int = 0, cols_out: np.ndarray | None = None) -> tuple[np.ndarray, list]:
    """out[n, f, i] = b[f] + Σ_{c,u} W[f, c, u] · x_pad[n, c, s·i + u].

    x (N, C, L), W (F, C, K), b (F,) or None -> out (N, F, L_out) with
    L_out = conv_output_size(L, K, stride, padding); `cols_out` as in conv2d_forward.
    Mirrors torch.nn.functional.conv1d.
    """
    return _conv_forward(x, W, b, stride, padding, 1, cols_out)


def conv1d_backward(dout: np.ndarray, cache: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dx, dW, db of conv1d; the shared kernel's gradient is summed over all positions.

    dout (N, F, L_out) -> dx (N, C, L), dW (F, C, K), db (F,) or None; one backward per forward.
    """
    return _conv_backward(dout, cache)
