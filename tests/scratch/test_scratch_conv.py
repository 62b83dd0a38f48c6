"""Conv1d/Conv2d and conv_output_size: the slide's formula, torch autograd, finite differences."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradients import assert_grads_numerical, assert_matches_torch
from profond.scratch import rng
from profond.scratch.functional.conv import conv2d_backward, conv2d_forward, conv_output_size
from profond.scratch.nn import Conv1d, Conv2d

# The deck's padding/stride pictures did not survive the text extraction; these are the classic
# worked examples that go with its formula ⌊(dim_in + 2·padding − kernel)/stride⌋ + 1: a 7-wide
# input and a 3-wide kernel (stride 1, 2, 3; padding 1 keeps the size), 32 with 5×5 and padding 2
# ("same"), AlexNet's first layer (227, 11×11, stride 4 -> 55), and 2×2 pooling of 4 pixels.
SLIDE_EXAMPLES = [  # dim_in, kernel, padding, stride, dim_out
    (7, 3, 0, 1, 5), (7, 3, 0, 2, 3), (7, 3, 0, 3, 2), (7, 3, 1, 1, 7), (7, 3, 1, 2, 4),
    (32, 5, 0, 1, 28), (32, 5, 2, 1, 32), (227, 11, 0, 4, 55), (4, 2, 0, 2, 2), (4, 2, 0, 1, 3),
]


@pytest.mark.parametrize("dim_in, kernel, padding, stride, dim_out", SLIDE_EXAMPLES)
def test_conv_output_size_slide_examples(dim_in, kernel, padding, stride, dim_out):
    assert conv_output_size(dim_in, kernel, stride, padding) == dim_out
    layer = torch.nn.Conv1d(1, 1, kernel, stride=stride, padding=padding)
    assert layer(torch.zeros(1, 1, dim_in)).shape[-1] == dim_out


def test_conv_output_size_empty_output_names_everything():
    with pytest.raises(ValueError, match=r"dim_in=2, kernel_size=5, padding=1, stride=1, "
                                         r"which gives dim_out=0"):
        conv_output_size(2, 5, stride=1, padding=1)


@pytest.mark.parametrize("kwargs, message", [
    ({"stride": 0}, r"stride: expected an integer >= 1; got 0"),
    ({"padding": -1}, r"padding: expected an integer >= 0; got -1"),
    ({"kernel_size": 0}, r"kernel_size: expected an integer >= 1; got 0"),
    ({"dim_in": 2.5}, r"dim_in: expected an integer >= 1; got 2.5"),
])
def test_conv_output_size_rejects_bad_arguments(kwargs, message):
    args = {"dim_in": 7, "kernel_size": 3, "stride": 1, "padding": 0} | kwargs
    with pytest.raises(ValueError, match=message):
        conv_output_size(**args)


def test_layer_too_small_input_raises_the_formula_error():
    with pytest.raises(ValueError, match=r"dim_in=3, kernel_size=5, padding=0, stride=2"):
        Conv2d(1, 2, 5, stride=2)(np.zeros((1, 1, 8, 3), np.float32))


def test_channel_mismatch_is_named():
    with pytest.raises(ValueError, match=r"expected x with 3 channels \(W.shape\[1\]\); got x"):
        Conv1d(3, 2, 3)(np.zeros((1, 2, 8), np.float32))


@st.composite
def conv_case(draw, d):
    kernel = draw(st.integers(1, 4))
    stride, padding = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    low = max(1, kernel - 2 * padding)
    size = tuple(draw(st.integers(low, low + 6)) for _ in range(d))  # non-square when d = 2
    n, c, f = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).standard_normal((n, c, *size))
    return (c, f, kernel, stride, padding, bias), x


def _pair(cls, torch_cls, args, dtype):
    rng.manual_seed(0)
    c, f, kernel, stride, padding, bias = args
    return (cls(c, f, kernel, stride=stride, padding=padding, bias=bias).to(dtype),
            torch_cls(c, f, kernel, stride=stride, padding=padding, bias=bias))


@settings(max_examples=30, deadline=None)
@given(case=conv_case(2))
def test_conv2d_matches_torch(case):
    args, x = case
    scratch, reference = _pair(Conv2d, torch.nn.Conv2d, args, np.float64)
    assert_matches_torch(scratch, reference, x, atol=1e-10, rtol=1e-10)


@settings(max_examples=30, deadline=None)
@given(case=conv_case(1))
def test_conv1d_matches_torch(case):
    args, x = case
    scratch, reference = _pair(Conv1d, torch.nn.Conv1d, args, np.float64)
    assert_matches_torch(scratch, reference, x, atol=1e-10, rtol=1e-10)


@settings(max_examples=10, deadline=None)
@given(case=conv_case(2))
def test_conv2d_float32_matches_torch(case):
    args, x = case
    scratch, reference = _pair(Conv2d, torch.nn.Conv2d, args, np.float32)
    x = x.astype(np.float32)
    assert scratch(x).dtype == np.float32
    assert_matches_torch(scratch, reference, x, atol=1e-4, rtol=1e-4)


@settings(max_examples=8, deadline=None)
@given(case=conv_case(2))
def test_conv2d_finite_differences(case):
    args, x = case
    scratch, _ = _pair(Conv2d, torch.nn.Conv2d, args, np.float64)
    assert_grads_numerical(scratch, x)


@settings(max_examples=8, deadline=None)
@given(case=conv_case(1))
def test_conv1d_finite_differences(case):
    args, x = case
    scratch, _ = _pair(Conv1d, torch.nn.Conv1d, args, np.float64)
    assert_grads_numerical(scratch, x)


def test_shared_kernel_gradient_is_the_sum_over_positions():
    """The slide: the kernel is shared, so its gradient aggregates every position's (a sum)."""
    x = np.random.default_rng(1).standard_normal((2, 1, 5, 4))
    W, b = np.ones((1, 1, 2, 2)), np.zeros(1)
    out, cache = conv2d_forward(x, W, b, 1, 0)
    _, dW, db = conv2d_backward(np.ones_like(out), cache)
    per_offset = [x[:, :, u:u + 4, v:v + 3].sum() for u in range(2) for v in range(2)]
    np.testing.assert_allclose(dW.ravel(), per_offset)
    assert db[0] == out.size


def test_default_init_follows_torch_bound_and_state_dict_keys():
    rng.manual_seed(3)
    layer = Conv2d(4, 64, 3)
    bound = 1 / math.sqrt(4 * 3 * 3)  # torch: kaiming_uniform_(a=√5) -> U(±1/√fan_in)
    w = layer.weight.data
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    assert np.abs(layer.bias.data).max() <= bound
    assert list(layer.state_dict()) == list(torch.nn.Conv2d(4, 64, 3).state_dict())
    assert w.dtype == np.float32


def test_one_backward_per_forward_as_torch():
    x = np.random.default_rng(2).standard_normal((2, 3, 6, 5))
    out, cache = conv2d_forward(x, np.ones((4, 3, 3, 3)), None, 1, 1)
    conv2d_backward(np.ones_like(out), cache)
    with pytest.raises(ValueError, match=r"cache: expected the cache of a forward pass not yet "
                                         r"back-propagated"):
        conv2d_backward(np.ones_like(out), cache)


def test_reused_column_buffer_gives_the_next_batch_its_own_results():
    """The layer refills one im2col buffer per forward; a stale one must not leak through."""
    rng.manual_seed(1)
    layer = Conv2d(3, 4, 3, stride=2, padding=1).double()
    gen = np.random.default_rng(3)
    first = layer(gen.standard_normal((2, 3, 7, 6)))
    layer.backward(np.ones_like(first))
    assert_matches_torch(layer, torch.nn.Conv2d(3, 4, 3, stride=2, padding=1),
                         gen.standard_normal((2, 3, 7, 6)), atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize(("kernel", "stride", "padding"), [
    ((3, 5), 1, 0), ((2, 3), (1, 2), (0, 2)), (3, (2, 1), (1, 0)), ((1, 4), (3, 2), (0, 1))])
def test_conv2d_takes_torchs_per_axis_sizes(kernel, stride, padding):
    rng.manual_seed(5)
    scratch = Conv2d(2, 3, kernel, stride=stride, padding=padding).double()
    reference = torch.nn.Conv2d(2, 3, kernel, stride=stride, padding=padding)
    x = np.random.default_rng(5).standard_normal((2, 2, 7, 9))
    assert_matches_torch(scratch, reference, x, atol=1e-10, rtol=1e-10)
    out = scratch(x)
    assert out.shape[2:] == (scratch.output_size(7, axis=0), scratch.output_size(9, axis=1))
    assert_grads_numerical(Conv2d(2, 2, kernel, stride=stride, padding=padding),
                           np.random.default_rng(6).standard_normal((1, 2, 5, 6)))


def test_per_axis_sizes_are_checked_by_name():
    with pytest.raises(ValueError, match=r"kernel_size: expected an integer or 2 integers; "
                                         r"got \(3, 3, 3\)"):
        Conv2d(1, 1, (3, 3, 3))
    with pytest.raises(ValueError, match=r"stride: expected an integer >= 1; got 0"):
        Conv2d(1, 1, 3, stride=(1, 0))
