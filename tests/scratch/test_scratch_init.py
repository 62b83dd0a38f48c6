"""Initialisers against torch.nn.init: gains, fans, and the statistics of large draws."""

import numpy as np
import pytest
import torch

from profond import scratch
from profond.scratch import init
from profond.scratch.module import Parameter

SHAPE = (300, 200, 3)  # fan_in 600, fan_out 900: receptive field included


@pytest.mark.parametrize("nonlinearity", init.NONLINEARITIES)
def test_calculate_gain_equals_torch(nonlinearity):
    assert init.calculate_gain(nonlinearity) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity))


@pytest.mark.parametrize("slope", [None, 0.0, 0.2, np.sqrt(5)])
def test_leaky_relu_gain_equals_torch(slope):
    assert init.calculate_gain("leaky_relu", slope) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", slope))


@pytest.mark.parametrize("shape", [(3, 4), (8, 3, 5, 5), (6, 2, 7)])
def test_fans_equal_torch(shape):
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init.fan_in_and_fan_out(shape) == expected


CASES = [
    ("xavier_uniform_", dict()),
    ("xavier_uniform_", dict(gain=5 / 3)),
    ("xavier_normal_", dict(gain=2.0)),
    ("kaiming_uniform_", dict()),
    ("kaiming_uniform_", dict(a=np.sqrt(5))),
    ("kaiming_uniform_", dict(mode="fan_out", nonlinearity="relu")),
    ("kaiming_normal_", dict(nonlinearity="relu")),
    ("kaiming_normal_", dict(a=0.1, mode="fan_out")),
    ("uniform_", dict(a=-2.0, b=0.5)),
]


@pytest.mark.parametrize(("name", "kwargs"), CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_draws_have_torch_statistics(name, kwargs):
    scratch.manual_seed(0)
    torch.manual_seed(0)
    ours = getattr(init, name)(Parameter(np.zeros(SHAPE)), **kwargs).data
    theirs = getattr(torch.nn.init, name)(torch.empty(SHAPE), **kwargs).numpy()
    # 180k draws: the sample mean and std are within 1% of the law's (many standard errors).
    scale = theirs.std()
    assert abs(ours.mean() - theirs.mean()) < 0.01 * scale
    np.testing.assert_allclose(ours.std(), scale, rtol=0.01)
    if "uniform" in name:
        np.testing.assert_allclose([ours.min(), ours.max()], [theirs.min(), theirs.max()],
                                   atol=0.001 * scale)


def test_zeros_and_dtype_are_kept():
    p = Parameter(np.ones((3, 3)))
    assert init.zeros_(p) is p and not p.data.any() and p.data.dtype == np.float32
    q = init.xavier_uniform_(Parameter(np.ones((3, 3)), dtype=np.float64))
    assert q.data.dtype == np.float64


def test_explicit_generator_is_reproducible():
    a = init.kaiming_normal_(Parameter(np.zeros((4, 4))), generator=np.random.default_rng(9))
    b = init.kaiming_normal_(Parameter(np.zeros((4, 4))), generator=np.random.default_rng(9))
    np.testing.assert_array_equal(a.data, b.data)


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match=r"param: expected at least 2 dimensions .*got \(5,\)"):
        init.xavier_uniform_(Parameter(np.zeros(5)))
    with pytest.raises(ValueError, match="mode: expected one of 'fan_in', 'fan_out'; got 'fan'"):
        init.kaiming_normal_(Parameter(np.zeros((2, 2))), mode="fan")
    with pytest.raises(ValueError, match="nonlinearity: expected one of .*; got 'gelu'"):
        init.calculate_gain("gelu")
