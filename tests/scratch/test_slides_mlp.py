"""Deck 003's δ rules (SlidesMLP) against the generic engine: same weights, example and step."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.scratch import nn, optim
from profond.scratch.slides_mlp import SlidesMLP


def engine_twin(mlp: SlidesMLP) -> nn.Sequential:
    """Sequential(Linear, Sigmoid, Linear, Sigmoid) in float64 holding the slides' weights."""
    (H, n_in1), (K, _) = mlp.W_hidden.shape, mlp.W_output.shape
    model = nn.Sequential(nn.Linear(n_in1 - 1, H, dtype=np.float64), nn.Sigmoid(),
                          nn.Linear(H, K, dtype=np.float64), nn.Sigmoid())
    for layer, W in ((model[0], mlp.W_hidden), (model[2], mlp.W_output)):
        layer.bias.data[...] = W[:, 0]
        layer.weight.data[...] = W[:, 1:]
    return model


@settings(max_examples=25, deadline=None)
@given(n_in=st.integers(1, 5), n_hidden=st.integers(1, 6), n_out=st.integers(1, 4),
       lr=st.floats(0.01, 2.0), seed=st.integers(0, 2**16))
def test_slides_updates_equal_minus_lr_times_the_engine_gradients(n_in, n_hidden, n_out, lr, seed):
    mlp = SlidesMLP(n_in, n_hidden, n_out, lr=lr, seed=seed)
    rng = np.random.default_rng(seed + 1)
    x, t = rng.normal(size=n_in), rng.uniform(size=n_out)
    dW_hidden, dW_output, error = mlp.updates(x, t)

    model, crit = engine_twin(mlp), nn.HalfSSE()
    loss = crit(model(x[None, :]), t[None, :])
    model.backward(crit.backward())
    assert error == pytest.approx(loss, rel=1e-12)
    for layer, dW in ((model[0], dW_hidden), (model[2], dW_output)):
        np.testing.assert_allclose(dW[:, 0], -lr * layer.bias.grad, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(dW[:, 1:], -lr * layer.weight.grad, rtol=1e-12, atol=1e-15)


def test_one_online_step_equals_one_sgd_step_of_the_engine():
    mlp = SlidesMLP(3, 4, 2, lr=0.3, seed=7)
    model, crit = engine_twin(mlp), nn.HalfSSE()
    opt = optim.SGD(model.parameters(), lr=0.3)
    x, t = np.array([0.5, -1.0, 2.0]), np.array([1.0, 0.0])
    mlp.train_step(x, t)
    opt.zero_grad()
    crit(model(x[None, :]), t[None, :])
    model.backward(crit.backward())
    opt.step()
    np.testing.assert_allclose(model[0].weight.data, mlp.W_hidden[:, 1:], rtol=1e-12)
    np.testing.assert_allclose(model[2].bias.data, mlp.W_output[:, 0], rtol=1e-12)


def test_hand_computed_deltas_for_one_hidden_unit():
    # 1-1-1 net, all weights 0: every s = 0, y = ½; δ_k = ½·½·(1 − ½) = 1/8, δ_j = ½·½·(1/8·0) = 0
    mlp = SlidesMLP(1, 1, 1, lr=1.0)
    mlp.W_hidden[:] = 0.0
    mlp.W_output[:] = 0.0
    dW_hidden, dW_output, error = mlp.updates(np.array([1.0]), np.array([1.0]))
    assert error == 0.125
    np.testing.assert_array_equal(dW_output, [[1 / 8, 1 / 16]])
    np.testing.assert_array_equal(dW_hidden, [[0.0, 0.0]])


def test_a_2_2_1_sigmoid_network_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    T = np.array([0, 1, 1, 0], dtype=float)
    mlp = SlidesMLP(2, 2, 1, lr=1.0, seed=0)
    errors = mlp.fit(X, T, epochs=1000)
    assert errors[-1] < errors[0]
    np.testing.assert_array_equal(mlp.predict(X)[:, 0] > 0.5, T > 0.5)


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match=r"lr: expected a number > 0; got 0"):
        SlidesMLP(2, 2, 1, lr=0)
    with pytest.raises(ValueError, match=r"n_hidden: expected an integer >= 1; got 0"):
        SlidesMLP(2, 0, 1)
