"""Scratch layers against centred finite differences (float64) and torch autograd, random shapes."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradients import assert_grads_numerical, assert_matches_torch
from profond import scratch
from profond.scratch import F, nn

SETTINGS = settings(max_examples=25, deadline=None)
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


def away_from_kink(x: np.ndarray) -> np.ndarray:
    """Move entries off 0 so that finite differences never straddle a ReLU kink."""
    return x + np.where(x >= 0, 0.01, -0.01)


def twin_pairs():
    """(scratch module, torch module) for every parameter-free layer."""
    return [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.Sigmoid(), torch.nn.Sigmoid()),
        (nn.Tanh(), torch.nn.Tanh()),
        (nn.LeakyReLU(), torch.nn.LeakyReLU()),
        (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
        (nn.Softmax(), torch.nn.Softmax(dim=-1)),
        (nn.Softmax(dim=0), torch.nn.Softmax(dim=0)),
        (nn.Identity(), torch.nn.Identity()),
        (nn.Flatten(), torch.nn.Flatten()),
        (nn.Flatten(0), torch.nn.Flatten(0)),
    ]


IDS = ["relu", "sigmoid", "tanh", "leaky", "leaky0.2", "softmax", "softmax0", "identity",
       "flatten", "flatten0"]


@pytest.mark.parametrize("index", range(len(IDS)), ids=IDS)
@SETTINGS
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_activation_gradients_and_torch_parity(index, shape, seed):
    ours, theirs = twin_pairs()[index]
    if isinstance(ours, nn.Flatten) and ours.start_dim >= len(shape):
        shape = shape + (2,)
    x = away_from_kink(np.random.default_rng(seed).standard_normal(shape))
    assert_grads_numerical(ours, x.copy(), tol=1e-7, seed=seed)
    assert_matches_torch(ours, theirs, x, atol=1e-12, seed=seed)


@SETTINGS
@given(N=st.integers(1, 4), fin=st.integers(1, 5), fout=st.integers(1, 5), bias=st.booleans(),
       lead=st.sampled_from([(), (2,)]), seed=st.integers(0, 2**16))
def test_linear_gradients_and_torch_parity(N, fin, fout, bias, lead, seed):
    scratch.manual_seed(seed)
    x = np.random.default_rng(seed).standard_normal(lead + (N, fin))
    assert_grads_numerical(nn.Linear(fin, fout, bias=bias), x.copy(), tol=1e-7, seed=seed)
    layer = nn.Linear(fin, fout, bias=bias, dtype=np.float64)
    assert_matches_torch(layer, torch.nn.Linear(fin, fout, bias=bias), x, atol=1e-12, seed=seed)


def test_linear_float32_matches_torch():
    scratch.manual_seed(0)
    x = np.random.default_rng(0).standard_normal((16, 20)).astype(np.float32)
    layer = nn.Linear(20, 30)
    assert layer(x).dtype == np.float32
    assert_matches_torch(layer, torch.nn.Linear(20, 30), x, atol=1e-5, rtol=1e-5)


def test_linear_pair_matches_torch_functional():
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), rng.standard_normal(4)
    Wt = torch.tensor(W, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    pair = (lambda a: F.linear_forward(a, W, b), F.linear_backward)
    assert_matches_torch(pair, lambda a: torch.nn.functional.linear(a, Wt, bt), x, atol=1e-12)
    dout = rng.standard_normal((5, 4))
    Wt.grad = bt.grad = None
    _, dW, db = F.linear_backward(dout, F.linear_forward(x, W, b)[1])
    torch.nn.functional.linear(torch.tensor(x), Wt, bt).backward(torch.tensor(dout))
    np.testing.assert_allclose(dW, Wt.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(db, bt.grad.numpy(), atol=1e-12)


def test_mlp_state_dict_keys_equal_torch_and_outputs_match():
    scratch.manual_seed(3)
    ours = nn.Sequential(nn.Flatten(), nn.Linear(6, 8), nn.Tanh(), nn.Dropout(0.5), nn.Linear(8, 5),
                         nn.LeakyReLU(), nn.Linear(5, 3, bias=False))
    theirs = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(6, 8), torch.nn.Tanh(),
                                 torch.nn.Dropout(0.5), torch.nn.Linear(8, 5), torch.nn.LeakyReLU(),
                                 torch.nn.Linear(5, 3, bias=False))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    x = np.random.default_rng(3).standard_normal((4, 2, 3))
    ours.eval().double()
    assert_matches_torch(ours, theirs, x, atol=1e-12)
    assert_grads_numerical(ours, x.copy(), tol=1e-7)


def test_backward_accumulates_into_grad():
    scratch.manual_seed(0)
    layer = nn.Linear(3, 2, dtype=np.float64)
    x, dout = np.ones((4, 3)), np.ones((4, 2))
    layer(x)
    layer.backward(dout)
    once = layer.weight.grad.copy()
    layer(x)
    layer.backward(dout)
    np.testing.assert_allclose(layer.weight.grad, 2 * once)
    np.testing.assert_allclose(once, np.full((2, 3), 4.0))


def test_linear_default_init_matches_torch_bounds():
    scratch.manual_seed(0)
    torch.manual_seed(0)
    for fin in (4, 64, 300):
        ours, theirs = nn.Linear(fin, 400), torch.nn.Linear(fin, 400)
        for name in ("weight", "bias"):
            w = getattr(ours, name).data
            t = getattr(theirs, name).detach().numpy()
            bound = 1 / np.sqrt(fin)
            assert np.abs(w).max() <= bound and np.abs(t).max() <= bound
            # U(-b, b): std b/√3, the max reaches b within a few 1/size.
            np.testing.assert_allclose(w.std(), t.std(), rtol=0.1)
            np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.1)
            assert np.abs(w).max() > 0.95 * bound


def test_linear_init_is_reproducible_with_manual_seed():
    scratch.manual_seed(7)
    a = nn.Linear(5, 4).state_dict()
    scratch.manual_seed(7)
    b = nn.Linear(5, 4).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_linear_shape_mismatch_names_argument_and_shapes():
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"x: expected shape \(\*, 3\) .*\(2, 3\); got \(4, 5\)"):
        layer(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="in_features: expected an integer >= 0; got -1"):
        nn.Linear(-1, 2)


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # torch's Linear(0, 3)
def test_a_linear_with_no_input_is_its_bias_as_in_torch():
    """Linear(0, h) (the lab with every feature off): y = b, dW is (h, 0), db = Σ dout."""
    layer, twin = nn.Linear(0, 3, dtype=np.float64), torch.nn.Linear(0, 3).double()
    assert layer.weight.shape == (3, 0) and np.array_equal(layer.bias.data, twin.bias.detach())
    b = np.array([0.5, -1.0, 2.0])
    layer.bias.data[...] = b
    twin.bias.data = torch.tensor(b)
    x, dout = np.zeros((4, 0)), np.arange(12.0).reshape(4, 3)
    out = twin(torch.tensor(x))
    out.backward(torch.tensor(dout))
    np.testing.assert_array_equal(layer(x), out.detach().numpy())
    dx = layer.backward(dout)
    assert dx.shape == (4, 0) and layer.weight.grad.shape == (3, 0)
    np.testing.assert_array_equal(layer.bias.grad, twin.bias.grad.numpy())


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="modules\\[1\\]: expected a Module; got int"):
        nn.Sequential(nn.ReLU(), 3)


@pytest.mark.parametrize("make", [nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.Softmax,
                                  nn.Flatten, nn.Dropout, lambda: nn.Linear(4, 3)])
def test_dtypes_float32_by_default_float64_kept(make):
    module = make()
    x32 = np.arange(12, dtype=np.int64).reshape(3, 4)
    out = module(x32)
    assert out.dtype == np.float32 and module.backward(np.ones_like(out)).dtype == np.float32
    module.double()
    out = module(x32.astype(np.float64))
    assert out.dtype == np.float64 and module.backward(np.ones_like(out)).dtype == np.float64


def test_sigmoid_and_softmax_are_stable_for_large_inputs():
    x = np.array([[-1000.0, 0.0, 1000.0], [88.0, -89.0, 500.0]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = nn.Sigmoid()(x)
        p = nn.Softmax()(x)
    np.testing.assert_allclose(s, torch.sigmoid(torch.tensor(x)).numpy(), atol=1e-7)
    np.testing.assert_allclose(p, torch.softmax(torch.tensor(x), -1).numpy(), atol=1e-7)


def test_module_to_double_casts_parameters_and_grads():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    assert all(p.data.dtype == np.float64 and p.grad.dtype == np.float64
               for p in net.parameters())
    assert all(p.data.dtype == np.float32 for p in net.float().parameters())
