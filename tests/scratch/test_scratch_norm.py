"""BatchNorm1d/2d: torch autograd in train and eval, running statistics, finite differences."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradients import assert_grads_numerical, assert_matches_torch
from profond.scratch.nn import BatchNorm1d, BatchNorm2d

# random small shapes with at least 3 values per channel (the batch statistics need spread)
_N, _C, _S = st.integers(1, 5), st.integers(1, 4), st.integers(1, 5)
SHAPES = {
    BatchNorm1d: st.one_of(st.tuples(_N, _C), st.tuples(_N, _C, _S)),
    BatchNorm2d: st.tuples(_N, _C, _S, _S),
}
SHAPES = {cls: shapes.filter(lambda s: np.prod(s) // s[1] >= 3) for cls, shapes in SHAPES.items()}
TWINS = {BatchNorm1d: torch.nn.BatchNorm1d, BatchNorm2d: torch.nn.BatchNorm2d}


def _layer(cls, channels, seed, momentum=0.1):
    """A layer with non-trivial γ, β and running statistics, so that eval mode is tested too."""
    gen = np.random.default_rng(seed)
    layer = cls(channels, momentum=momentum).double()
    layer.weight.data[...] = gen.uniform(0.5, 2.0, channels)
    layer.bias.data[...] = gen.standard_normal(channels)
    layer.running_mean[...] = gen.standard_normal(channels)
    layer.running_var[...] = gen.uniform(0.5, 2.0, channels)
    return layer


@pytest.mark.parametrize("cls", [BatchNorm1d, BatchNorm2d])
@pytest.mark.parametrize("training", [True, False])
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_batch_norm_matches_torch(cls, training, data):
    shape, seed = data.draw(SHAPES[cls]), data.draw(st.integers(0, 2**16))
    x = np.random.default_rng(seed).standard_normal(shape) * 3 + 1
    layer = _layer(cls, shape[1], seed).train(training)
    assert_matches_torch(layer, TWINS[cls](shape[1]), x, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize(("cls", "shape"), [
    (BatchNorm1d, (4, 3)), (BatchNorm1d, (3, 2, 4)), (BatchNorm1d, (1, 3, 5)),
    (BatchNorm2d, (3, 2, 3, 2)), (BatchNorm2d, (1, 3, 2, 2)), (BatchNorm2d, (2, 1, 4, 3))])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_finite_differences(cls, shape, training):
    # fixed shapes (a batch of one included): an elementwise relative error is only meaningful
    # where no gradient element is near zero by chance, which random draws cannot promise
    x = np.random.default_rng(1).standard_normal(shape)
    assert_grads_numerical(_layer(cls, shape[1], 1).train(training), x)


@pytest.mark.parametrize("cls, shape", [(BatchNorm1d, (8, 3)), (BatchNorm1d, (8, 3, 5)),
                                        (BatchNorm2d, (6, 4, 3, 5))])
def test_running_statistics_follow_torch_over_steps(cls, shape):
    """Momentum 0.3 and unbiased running variance, as torch, then eval uses them."""
    ours, theirs = cls(shape[1], momentum=0.3), TWINS[cls](shape[1], momentum=0.3)
    gen = np.random.default_rng(2)
    for _ in range(4):
        x = (gen.standard_normal(shape) * 2 + 5).astype(np.float32)
        ours(x)
        theirs(torch.from_numpy(x))
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name).numpy(), rtol=1e-5)
    x = gen.standard_normal(shape).astype(np.float32)
    np.testing.assert_allclose(ours.eval()(x), theirs.eval()(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)


def test_state_dict_keys_match_torch_except_the_batch_counter():
    theirs = [k for k in torch.nn.BatchNorm2d(3).state_dict() if k != "num_batches_tracked"]
    assert list(BatchNorm2d(3).state_dict()) == theirs


def test_eval_does_not_touch_running_statistics():
    layer = BatchNorm1d(2).eval()
    layer(np.full((4, 2), 7.0, np.float32))
    np.testing.assert_array_equal(layer.running_mean, [0, 0])
    np.testing.assert_array_equal(layer.running_var, [1, 1])


def test_wrong_shape_and_single_value_batches_are_named():
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected x with \(4,\) dimensions and 3 "
                                         r"channels on axis 1; got shape \(2, 3\)"):
        BatchNorm2d(3)(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"expected more than 1 value per channel in training; "
                                         r"got x of shape \(1, 3\)"):
        BatchNorm1d(3)(np.zeros((1, 3), np.float32))
    with pytest.raises(ValueError, match=r"momentum: expected a number in \[0.0, 1.0\]; got 2"):
        BatchNorm1d(3, momentum=2)
