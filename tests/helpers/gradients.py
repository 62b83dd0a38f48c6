"""Reference checks shared by the scratch-engine tests: torch autograd parity, finite differences.

`assert_matches_torch` runs a scratch Module (or a functional forward/backward pair) and its torch
twin on the same input, weights and upstream gradient, and compares the outputs, dx and every
parameter gradient by state_dict name. `assert_grads_numerical` compares a Module's
backward with centred finite differences in float64. Conv, recurrent and other helpers reuse both.
"""

import numpy as np
import torch

from profond.scratch.gradcheck import numerical_grad_array, rel_error
from profond.scratch.module import Module

_TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}


def _copy_weights(scratch: Module, reference: torch.nn.Module) -> None:
    """Load scratch's state_dict into torch; torch-only counters (num_batches_tracked) may stay."""
    target = reference.state_dict()
    state = scratch.state_dict()
    unknown = sorted(set(state) - set(target))
    assert not unknown, f"scratch keys missing in torch: {unknown}; torch has {sorted(target)}"
    extra = sorted(k for k in set(target) - set(state) if not k.endswith("num_batches_tracked"))
    assert not extra, f"torch keys missing in scratch: {extra}; scratch has {sorted(state)}"
    with torch.no_grad():
        for name, value in state.items():
            target[name].copy_(torch.from_numpy(np.ascontiguousarray(value)))


def _close(name: str, got, expected, atol: float, rtol: float) -> None:
    got = np.asarray(got)
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    assert got.shape == expected.shape, f"{name}: shape {got.shape} != torch's {expected.shape}"
    np.testing.assert_allclose(got, expected, atol=atol, rtol=rtol, err_msg=name)


def assert_matches_torch(scratch, reference, x, dout=None, atol: float = 1e-6, rtol: float = 1e-6,
                         seed: int = 0) -> None:
    """Assert that scratch and torch agree on out, dx and (for Modules) every parameter grad.

    scratch: a scratch Module, or a pair `(forward, backward)` with `forward(x) -> (out, cache)` and
        `backward(dout, cache) -> dx` or a tuple whose first item is dx (bind W, b with lambdas).
    reference: the torch twin, an nn.Module (its weights are overwritten with scratch's, it is cast
        to x's dtype and put in scratch's train/eval mode) or any function of a tensor.
    x: the input (float32 or float64; the same dtype runs on both sides).
    dout: the upstream gradient; default a seeded standard normal of the output's shape.
    """
    x = np.asarray(x)
    dtype = _TORCH_DTYPES[x.dtype]
    if isinstance(scratch, Module):
        reference.to(dtype).train(scratch.training)
        _copy_weights(scratch, reference)
        scratch.zero_grad()
        forward = lambda a: (scratch(a), None)
        backward = lambda d, _: scratch.backward(d)
    else:
        forward, backward = scratch
    out, cache = forward(x.copy())
    xt = torch.tensor(x, dtype=dtype, requires_grad=True)
    out_t = reference(xt)
    _close("out", out, out_t, atol, rtol)
    if dout is None:
        dout = np.random.default_rng(seed).standard_normal(np.shape(out)).astype(x.dtype)
    dx = backward(dout, cache)
    dx = dx[0] if isinstance(dx, tuple) else dx
    out_t.backward(torch.tensor(dout, dtype=dtype))
    _close("dx", dx, xt.grad, atol, rtol)
    if isinstance(scratch, Module):
        theirs = dict(reference.named_parameters())
        for name, p in scratch.named_parameters():
            _close(f"grad of {name}", p.grad, theirs[name].grad, atol, rtol)


def assert_grads_numerical(module: Module, x: np.ndarray, dout: np.ndarray | None = None,
                           tol: float = 1e-7, eps: float = 1e-5, seed: int = 0) -> None:
    """Assert rel_error(backward, centred differences) < tol for dx and every parameter grad.

    The module is cast to float64 and x must be float64; the scalar checked is Σ out · dout. The
    step eps = 1e-5 balances truncation (eps²) against rounding (1e-16 / eps) for O(1) inputs.
    """
    module.double()
    if dout is None:
        dout = np.random.default_rng(seed).standard_normal(np.shape(module(x.copy())))
    module.zero_grad()
    module(x.copy())
    dx = module.backward(dout)
    forward = lambda _: module(x)
    err = rel_error(dx, numerical_grad_array(forward, x, dout, eps))
    assert err < tol, f"dx: rel_error {err:.2e} >= {tol:.0e}"
    for name, p in module.named_parameters():
        err = rel_error(p.grad, numerical_grad_array(forward, p.data, dout, eps))
        assert err < tol, f"grad of {name}: rel_error {err:.2e} >= {tol:.0e}"


def numerical_grad_richardson(f, x: np.ndarray, dout: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    """Richardson's extrapolation of centred differences at ε/2 and ε: (4 D(ε/2) − D(ε)) / 3.

    Its error is O(ε⁴) instead of O(ε²), so a larger ε cuts rounding: gates and softmax give some
    gradients near 1e-5, where a plain centred difference (about 1e-11 off) misses
    rel_error < 1e-7; this one is about 1e-12 off.
    """
    half = numerical_grad_array(f, x, dout, eps / 2)
    return (4 * half - numerical_grad_array(f, x, dout, eps)) / 3
