"""RNN/LSTM/GRU layers and cells: torch autograd (outputs, dx, dh0, every grad), finite diffs."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradients import numerical_grad_richardson
from profond.scratch import rng
from profond.scratch.functional import recurrent as F
from profond.scratch.gradcheck import rel_error
from profond.scratch.nn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

LAYERS = {"RNN": (RNN, torch.nn.RNN), "LSTM": (LSTM, torch.nn.LSTM), "GRU": (GRU, torch.nn.GRU)}
CELLS = {"RNNCell": (RNNCell, torch.nn.RNNCell), "LSTMCell": (LSTMCell, torch.nn.LSTMCell),
         "GRUCell": (GRUCell, torch.nn.GRUCell)}


def _as_list(state) -> list:
    return list(state) if isinstance(state, tuple) else [state]


def _pack(states: list):
    return tuple(states) if len(states) == 2 else states[0]


def _twin(scratch, reference, dtype):
    reference.to(dtype)
    reference.load_state_dict({k: torch.from_numpy(v) for k, v in scratch.state_dict().items()})
    return reference


def _case(module, x, is_cell: bool, seed: int):
    """Random initial state and upstream gradients of the output and final state."""
    g = np.random.default_rng(seed)
    out, state = (module(x), None) if is_cell else module(x)
    shape = _as_list(out)[0].shape if is_cell else _as_list(state)[0].shape
    n_state = 2 if "LSTM" in type(module).__name__ else 1
    h0 = [g.standard_normal(shape).astype(x.dtype) for _ in range(n_state)]
    d_state = [g.standard_normal(shape).astype(x.dtype) for _ in range(n_state)]
    dout = None if is_cell else g.standard_normal(out.shape).astype(x.dtype)
    return h0, dout, d_state


def _scratch_run(module, x, h0, dout, d_state, is_cell: bool):
    """-> (every output, every input gradient) of the scratch module, grads zeroed first."""
    module.zero_grad()
    if is_cell:
        outs = _as_list(module(x, _pack(h0)))
        dx = module.backward(*d_state)
        return outs, [dx, *_as_list(module.dhx)]
    out, state = module(x, _pack(h0))
    dx = module.backward(dout, _pack(d_state))
    return [out, *_as_list(state)], [dx, *_as_list(module.dh0)]


def _torch_run(reference, x, h0, dout, d_state, is_cell: bool):
    xt = torch.tensor(x, requires_grad=True)
    h0t = [torch.tensor(h, requires_grad=True) for h in h0]
    if is_cell:
        outs, upstream = _as_list(reference(xt, _pack(h0t))), d_state
    else:
        out, state = reference(xt, _pack(h0t))
        outs, upstream = [out, *_as_list(state)], [dout, *d_state]
    sum(torch.sum(o * torch.from_numpy(d)) for o, d in zip(outs, upstream, strict=True)).backward()
    return outs, [xt.grad, *(h.grad for h in h0t)]


def assert_matches_torch_recurrent(scratch, reference, x, tol: float, seed: int = 0) -> None:
    """Outputs, final state, dx, d(initial state) and every parameter grad equal torch's."""
    is_cell = type(scratch).__name__.endswith("Cell")
    reference = _twin(scratch, reference, torch.float64 if x.dtype == np.float64 else torch.float32)
    h0, dout, d_state = _case(scratch, x, is_cell, seed)
    ours = _scratch_run(scratch, x, h0, dout, d_state, is_cell)
    theirs = _torch_run(reference, x, h0, dout, d_state, is_cell)
    for kind, got, expected in zip(("output", "input grad"), ours, theirs, strict=True):
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            np.testing.assert_allclose(a, b.detach().numpy(), atol=tol, rtol=tol,
                                       err_msg=f"{kind} {i}")
    grads = dict(reference.named_parameters())
    for name, p in scratch.named_parameters():
        np.testing.assert_allclose(p.grad, grads[name].grad.numpy(), atol=tol, rtol=tol,
                                   err_msg=f"grad of {name}")


def assert_grads_numerical_recurrent(module, x: np.ndarray, tol: float = 1e-7) -> None:
    """rel_error(backward, finite differences of Σ outputs · upstream) < tol, in float64."""
    is_cell = type(module).__name__.endswith("Cell")
    module.double()
    h0, dout, d_state = _case(module, x, is_cell, seed=1)
    outs, grads = _scratch_run(module, x, h0, dout, d_state, is_cell)
    upstream = np.concatenate([d.ravel() for d in ([] if is_cell else [dout]) + d_state])

    def f(_):
        outs = _as_list(module(x, _pack(h0))) if is_cell else module(x, _pack(h0))
        return np.concatenate([o.ravel() for o in _as_list(outs[0]) + _as_list(outs[1])]
                              if not is_cell else [o.ravel() for o in outs])

    checks = [("dx", x, grads[0]), *((f"dh0[{i}]", h, g) for i, (h, g) in
                                     enumerate(zip(h0, grads[1:], strict=True)))]
    checks += [(f"grad of {n}", p.data, p.grad.copy()) for n, p in module.named_parameters()]
    for name, array, analytic in checks:
        err = rel_error(analytic, numerical_grad_richardson(f, array, upstream))
        assert err < tol, f"{name}: rel_error {err:.2e} >= {tol:.0e}"


def _layer(name, input_size, hidden, **kwargs):
    rng.manual_seed(0)
    cls, torch_cls = LAYERS[name]
    return cls(input_size, hidden, **kwargs), torch_cls(input_size, hidden, **kwargs)


def _x(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@st.composite
def layer_case(draw, nonlinearities=("tanh", "relu")):
    name = draw(st.sampled_from(sorted(LAYERS)))
    kwargs = {"num_layers": draw(st.integers(1, 2)), "bias": draw(st.booleans()),
              "batch_first": draw(st.booleans()), "bidirectional": draw(st.booleans())}
    if name == "RNN":
        kwargs["nonlinearity"] = draw(st.sampled_from(nonlinearities))
    T, N = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    input_size, hidden = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shape = (N, T, input_size) if kwargs["batch_first"] else (T, N, input_size)
    return name, input_size, hidden, kwargs, _x(shape, draw(st.integers(0, 2**16)))


@settings(max_examples=40, deadline=None)
@given(case=layer_case())
def test_layers_match_torch(case):
    name, input_size, hidden, kwargs, x = case
    scratch, reference = _layer(name, input_size, hidden, **kwargs)
    assert_matches_torch_recurrent(scratch.double(), reference, x, tol=1e-10)


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("batch_first", [False, True])
def test_two_layer_bidirectional_matches_torch_float32(name, batch_first):
    scratch, reference = _layer(name, 3, 4, num_layers=2, bidirectional=True,
                                batch_first=batch_first)
    x = _x((2, 5, 3), dtype=np.float32)
    assert scratch(x)[0].dtype == np.float32
    assert_matches_torch_recurrent(scratch, reference, x, tol=1e-5)


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("batch_first", [False, True])
def test_two_layer_bidirectional_finite_differences(name, batch_first):
    scratch, _ = _layer(name, 2, 2, num_layers=2, bidirectional=True, batch_first=batch_first)
    assert_grads_numerical_recurrent(scratch, _x((2, 3, 2) if batch_first else (3, 2, 2), seed=4))


# relu's kink would sit within ε of some pre-activation too often; torch checks relu exactly.
# derandomize: a gradient entry near 1e-6 among O(1) ones misses rel_error < 1e-7 on the
# differences' rounding alone (1e-13; about once in 100 random cases), so the finite-difference
# tests replay one fixed set of cases while the torch comparisons stay random.
@settings(max_examples=6, deadline=None, derandomize=True)
@given(case=layer_case(nonlinearities=("tanh",)))
def test_layers_finite_differences(case):
    name, input_size, hidden, kwargs, x = case
    scratch, _ = _layer(name, input_size, hidden, **kwargs)
    assert_grads_numerical_recurrent(scratch, x)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(name=st.sampled_from(sorted(CELLS)), bias=st.booleans(), n=st.integers(1, 3),
       sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)), seed=st.integers(0, 2**16))
def test_cells_match_torch_and_finite_differences(name, bias, n, sizes, seed):
    input_size, hidden = sizes
    rng.manual_seed(seed)
    cls, torch_cls = CELLS[name]
    scratch = cls(input_size, hidden, bias=bias).double()
    x = _x((n, input_size), seed)
    assert_matches_torch_recurrent(scratch, torch_cls(input_size, hidden, bias=bias), x, 1e-10)
    assert_grads_numerical_recurrent(scratch, x)


def test_relu_cell_matches_torch():
    rng.manual_seed(1)
    scratch = RNNCell(3, 5, nonlinearity="relu").double()
    reference = torch.nn.RNNCell(3, 5, nonlinearity="relu")
    assert_matches_torch_recurrent(scratch, reference, _x((4, 3), seed=2), tol=1e-10)


def test_sequence_functions_are_one_layer_torch():
    """rnn_/lstm_/gru_forward and backward against torch's one-layer modules (dc_n included)."""
    x, g = _x((5, 2, 3)), np.random.default_rng(3)
    for name, forward, backward in [("RNN", F.rnn_forward, F.rnn_backward),
                                    ("LSTM", F.lstm_forward, F.lstm_backward),
                                    ("GRU", F.gru_forward, F.gru_backward)]:
        reference = LAYERS[name][1](3, 4).double()
        W = [p.detach().numpy() for p in reference.parameters()]
        h0 = [g.standard_normal((2, 4)) for _ in range(2 if name == "LSTM" else 1)]
        dout, dc_n = g.standard_normal((5, 2, 4)), g.standard_normal((2, 4))
        out, *c_n, cache = forward(x, *h0, *W)
        grads = backward(dout, dc_n, cache) if name == "LSTM" else backward(dout, cache)
        xt, h0t = torch.tensor(x, requires_grad=True), [torch.tensor(h[None]) for h in h0]
        for h in h0t:
            h.requires_grad_()
        out_t, state = reference(xt, _pack(h0t))
        loss = torch.sum(out_t * torch.from_numpy(dout))
        if name == "LSTM":
            np.testing.assert_allclose(c_n[0], state[1][0].detach().numpy(), atol=1e-12)
            loss = loss + torch.sum(state[1][0] * torch.from_numpy(dc_n))
        loss.backward()
        np.testing.assert_allclose(out, out_t.detach().numpy(), atol=1e-12)
        expected = [xt.grad, *(h.grad[0] for h in h0t), *(p.grad for p in reference.parameters())]
        for i, (a, b) in enumerate(zip(grads, expected, strict=True)):
            np.testing.assert_allclose(a, b.numpy(), atol=1e-12, err_msg=f"{name} grad {i}")


def test_gru_update_gate_one_copies_the_state():
    """z = 1 keeps h: h' = (1 − z) ⊙ n + z ⊙ h, torch's convention (not Cho's 1 − z on h)."""
    H = 2
    W_ih, W_hh = np.zeros((3 * H, 1)), np.zeros((3 * H, H))
    b_ih = np.zeros(3 * H)
    b_ih[H:2 * H] = 50.0  # σ(50) = 1 for z
    h = np.array([[0.3, -0.7]])
    h_next, _ = F.gru_cell_forward(np.ones((1, 1)), h, W_ih, W_hh, b_ih, np.zeros(3 * H))
    np.testing.assert_allclose(h_next, h, atol=1e-12)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_init_bounds_and_state_dict_keys_are_torch(name):
    scratch, reference = _layer(name, 3, 16, num_layers=2, bidirectional=True)
    assert list(scratch.state_dict()) == list(reference.state_dict())
    for key, value in scratch.state_dict().items():
        assert value.dtype == np.float32 and value.shape == reference.state_dict()[key].shape
    values = np.concatenate([v.ravel() for v in scratch.state_dict().values()])
    bound = 1 / math.sqrt(16)  # torch: every weight and bias ~ U(±1/√hidden_size)
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.95 * bound
    assert abs(values.std() - bound / math.sqrt(3)) < 0.05 * bound


def test_torch_state_dict_loads_into_scratch():
    reference = torch.nn.GRU(3, 4, num_layers=2, bias=False, batch_first=True).double()
    scratch = GRU(3, 4, num_layers=2, bias=False, batch_first=True).double()
    scratch.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    x = _x((2, 6, 3))
    out, h_n = scratch(x)
    out_t, h_n_t = reference(torch.from_numpy(x))
    np.testing.assert_allclose(out, out_t.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(h_n, h_n_t.detach().numpy(), atol=1e-12)


def test_grads_accumulate_over_backward_calls():
    rng.manual_seed(0)
    layer, x = LSTM(2, 3).double(), _x((4, 1, 2))
    dout = np.ones((4, 1, 3))
    layer(x)
    layer.backward(dout)
    once = layer.weight_hh_l0.grad.copy()
    layer(x)
    layer.backward(dout)
    np.testing.assert_allclose(layer.weight_hh_l0.grad, 2 * once)


@pytest.mark.parametrize("call, message", [
    (lambda: RNN(3, 4, nonlinearity="sigmoid"),
     r"nonlinearity: expected one of 'tanh', 'relu'; got 'sigmoid'"),
    (lambda: GRU(3, 0), r"hidden_size: expected an integer >= 1; got 0"),
    (lambda: LSTM(3, 4, num_layers=0), r"num_layers: expected an integer >= 1; got 0"),
    (lambda: GRU(3, 4)(np.zeros((5, 2, 2))), r"x: expected shape \(T, N, 3\) .*got \(5, 2, 2\)"),
    (lambda: RNN(3, 4)(np.zeros((5, 2, 3)), np.zeros((2, 2, 4))),
     r"h0: expected shape \(1, 2, 4\); got \(2, 2, 4\)"),
    (lambda: LSTM(3, 4)(np.zeros((5, 2, 3)), np.zeros((1, 2, 4))),
     r"h0: expected a pair \(h0, c0\) for LSTM; got ndarray"),
    (lambda: LSTMCell(3, 4)(np.zeros((2, 3)), (np.zeros((2, 4)), np.zeros((1, 4)))),
     r"hx\[1\]: expected shape \(2, 4\); got \(1, 4\)"),
    (lambda: GRUCell(3, 4)(np.zeros((2, 5))), r"x: expected shape \(N, 3\); got \(2, 5\)"),
    (lambda: F.rnn_forward(np.zeros((0, 2, 3)), np.zeros((2, 4)), np.zeros((4, 3)),
                           np.zeros((4, 4)), None, None),
     r"x: expected a 3-d array \(T, N, input_size\) with T >= 1; got shape \(0, 2, 3\)"),
])
def test_bad_inputs_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
