"""Max and average pooling 1d/2d: torch autograd, finite differences, ties and errors."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradients import assert_grads_numerical, assert_matches_torch
from profond.scratch.nn import AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d

PAIRS = {1: [(MaxPool1d, torch.nn.MaxPool1d), (AvgPool1d, torch.nn.AvgPool1d)],
         2: [(MaxPool2d, torch.nn.MaxPool2d), (AvgPool2d, torch.nn.AvgPool2d)]}


@st.composite
def pool_case(draw, d):
    kernel = draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.integers(1, 3)))
    padding = draw(st.integers(0, kernel // 2))  # torch allows at most half the kernel
    low = max(1, kernel - 2 * padding)
    size = tuple(draw(st.integers(low, low + 6)) for _ in range(d))
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    # A shuffled grid of values in [0, 1) spaced 1/count apart (>= 1e-3 >> the FD step): no ties,
    # so finite differences see one max, and O(1) magnitudes keep rounding far below 1e-7.
    count = n * c * int(np.prod(size))
    values = np.random.default_rng(draw(st.integers(0, 2**16))).permutation(count) / count
    return (kernel, stride, padding), values.reshape(n, c, *size).astype(np.float64)


@pytest.mark.parametrize("d", [1, 2])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_pooling_matches_torch(d, data):
    (kernel, stride, padding), x = data.draw(pool_case(d))
    for scratch_cls, torch_cls in PAIRS[d]:
        assert_matches_torch(scratch_cls(kernel, stride, padding),
                             torch_cls(kernel, stride, padding), x, atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("d", [1, 2])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_pooling_finite_differences(d, data):
    (kernel, stride, padding), x = data.draw(pool_case(d))
    for scratch_cls, _ in PAIRS[d]:
        assert_grads_numerical(scratch_cls(kernel, stride, padding), x)


@pytest.mark.parametrize("stride", [1, 2])
def test_max_pool_ties_go_to_the_first_max_as_torch(stride):
    x = np.random.default_rng(0).integers(0, 2, (2, 3, 6, 7)).astype(np.float64)
    assert_matches_torch(MaxPool2d(3, stride, 1), torch.nn.MaxPool2d(3, stride, 1), x,
                         atol=1e-12, rtol=1e-12)
    pool = MaxPool1d(2)
    pool(np.array([[[5.0, 5.0, 1.0, 1.0]]]))
    np.testing.assert_array_equal(pool.backward(np.ones((1, 1, 2))), [[[1, 0, 1, 0]]])


def test_average_pool_spreads_gradient_evenly_counting_padding():
    pool = AvgPool1d(3, stride=3, padding=1)
    out = pool(np.array([[[3.0, 6.0, 9.0, 12.0]]]))
    np.testing.assert_allclose(out, [[[3.0, 7.0]]])  # (0+3+6)/3, (9+12+0)/3: zeros counted
    np.testing.assert_allclose(pool.backward(np.array([[[3.0, 6.0]]])), [[[1, 1, 2, 2]]])


def test_stride_defaults_to_kernel_size():
    assert MaxPool2d(2)(np.zeros((1, 1, 8, 6), np.float32)).shape == (1, 1, 4, 3)


def test_padding_over_half_kernel_rejected_as_torch():
    with pytest.raises(ValueError, match=r"expected padding <= kernel_size / 2 \(as torch\); "
                                         r"got padding=2, kernel_size=3"):
        MaxPool2d(3, padding=2)(np.zeros((1, 1, 8, 8), np.float32))


def test_too_small_input_raises_the_formula_error():
    with pytest.raises(ValueError, match=r"dim_in=1, kernel_size=2, padding=0, stride=2"):
        AvgPool2d(2)(np.zeros((1, 1, 4, 1), np.float32))


@pytest.mark.parametrize(("cls", "twin"), [(MaxPool2d, torch.nn.MaxPool2d),
                                           (AvgPool2d, torch.nn.AvgPool2d)])
@pytest.mark.parametrize(("kernel", "stride", "padding"), [
    ((2, 3), None, 0), ((3, 2), (1, 2), (1, 0)), (2, (2, 1), (0, 1))])
def test_pool2d_takes_torchs_per_axis_sizes(cls, twin, kernel, stride, padding):
    x = np.random.default_rng(7).standard_normal((2, 3, 7, 8))
    assert_matches_torch(cls(kernel, stride, padding), twin(kernel, stride, padding), x,
                         atol=1e-12, rtol=1e-12)
