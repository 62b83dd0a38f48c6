"""Dropout: inverted scaling statistics, the same mask in backward, eval = identity, seeding."""

import numpy as np
import pytest

from profond import scratch
from profond.scratch import F, nn


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.8])
def test_drop_fraction_and_mean_are_preserved(p):
    scratch.manual_seed(0)
    x = np.ones((400, 500), dtype=np.float32)
    out = nn.Dropout(p)(x)
    n = x.size
    # Binomial(n, p): 6 standard deviations leave no room for flakiness.
    assert abs((out == 0).mean() - p) < 6 * np.sqrt(p * (1 - p) / n)
    assert abs(out.mean() - 1.0) < 6 * np.sqrt(p / (1 - p) / n)
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / (1 - p)], rtol=1e-6)


def test_backward_uses_the_forward_mask():
    scratch.manual_seed(1)
    layer = nn.Dropout(0.4)
    x = np.random.default_rng(1).standard_normal((50, 20)).astype(np.float32)
    out = layer(x)
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx == 0, out == 0)
    np.testing.assert_allclose(dx[dx != 0], 1 / 0.6, rtol=1e-6)


def test_eval_mode_is_the_identity():
    layer = nn.Dropout(0.9).eval()
    x = np.random.default_rng(2).standard_normal((10, 10)).astype(np.float32)
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer.backward(x), x)


def test_p_zero_keeps_everything_and_p_one_drops_everything():
    x = np.ones((8, 8), dtype=np.float32)
    np.testing.assert_array_equal(nn.Dropout(0.0)(x), x)
    layer = nn.Dropout(1.0)
    np.testing.assert_array_equal(layer(x), 0)
    np.testing.assert_array_equal(layer.backward(x), 0)


def test_manual_seed_reproduces_masks():
    x = np.ones((30, 30))
    scratch.manual_seed(5)
    a = nn.Dropout(0.5)(x)
    scratch.manual_seed(5)
    b = nn.Dropout(0.5)(x)
    c = nn.Dropout(0.5)(x)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_functional_dropout_uses_the_given_generator():
    x = np.ones(1000)
    a, _ = F.dropout_forward(x, 0.5, True, np.random.default_rng(3))
    b, _ = F.dropout_forward(x, 0.5, True, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


def test_p_outside_unit_interval_is_rejected():
    with pytest.raises(ValueError, match=r"p: expected a number in \[0.0, 1.0\]; got 1.5"):
        nn.Dropout(1.5)


def test_gradient_matches_finite_differences_and_torch_through_the_same_mask():
    """With the mask held fixed (the generator reseeded before every forward), Dropout is linear:
    centred differences and torch autograd through x * mask / (1 - p) give our backward."""
    torch = pytest.importorskip("torch")
    from profond.scratch.gradcheck import numerical_grad_array, rel_error

    p, rng = 0.3, np.random.default_rng(2)
    x, dout = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))
    layer = nn.Dropout(p)

    def forward(a):
        scratch.manual_seed(7)
        return layer(a)

    out = forward(x)
    dx = layer.backward(dout)
    assert rel_error(dx, numerical_grad_array(forward, x.copy(), dout, eps=1e-5)) < 1e-7
    mask = torch.tensor(out != 0, dtype=torch.float64)
    x_t = torch.tensor(x, requires_grad=True)
    (x_t * mask / (1 - p)).backward(torch.tensor(dout))
    np.testing.assert_allclose(dx, x_t.grad.numpy(), atol=1e-12)
