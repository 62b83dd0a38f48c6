"""Torch models: sizes from the papers' layer tables, twins that agree with the scratch engine."""

import numpy as np
import pytest
import torch

from helpers.gradients import assert_matches_torch
from profond.models import MODELS, create_model
from profond.models.recurrent import GRUClassifier
from profond.models.sequence import LSTMClassifier, RNNClassifier
from profond.scratch import models as sm


def _load_into_scratch(scratch, model: torch.nn.Module) -> None:
    """The torch weights into the scratch twin: the key sets must be equal."""
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    assert set(state) == set(scratch.state_dict())
    scratch.load_state_dict(state)


TWINS = [  # (torch model, scratch twin, one example's shape)
    (lambda: create_model("logistic", (1, 4, 4), 3), lambda: sm.LogisticRegression(16, 3),
     (1, 4, 4)),
    (lambda: create_model("mlp", (12,), 3, hidden=(8, 8), activation="tanh"),
     lambda: sm.MLP(12, (8, 8), 3, activation="tanh"), (12,)),
    (lambda: create_model("mlp", (12,), 3, hidden=(8, 8, 5), residual=True),
     lambda: sm.MLP(12, (8, 8, 5), 3, residual=True), (12,)),  # 8 -> 8 is the residual block
    (lambda: GRUClassifier(5, 12, hidden_size=4), lambda: sm.GRUClassifier(5, 12, hidden_size=4),
     (12,)),
    (lambda: RNNClassifier(5, 12, hidden_size=4), lambda: sm.RNNClassifier(5, 12, hidden_size=4),
     (12,)),
    (lambda: LSTMClassifier(5, 12, hidden_size=3), lambda: sm.LSTMClassifier(5, 12, hidden_size=3),
     (12,)),
]


@pytest.mark.parametrize(("make_torch", "make_scratch", "shape"), TWINS,
                         ids=["logistic", "mlp", "mlp-residual", "gru", "rnn", "lstm"])
def test_dense_and_recurrent_twins_agree_with_torch_forward_and_backward(make_torch, make_scratch,
                                                                        shape):
    torch.manual_seed(0)
    model, scratch = make_torch().eval(), make_scratch().eval()
    assert type(scratch).__name__ == type(model).__name__
    _load_into_scratch(scratch, model)
    X = np.random.default_rng(0).standard_normal((4, *shape))
    # float64 on both sides: outputs, dx and every parameter's gradient by state_dict name
    assert_matches_torch(scratch.double(), model, X, atol=1e-9, rtol=1e-7)


def test_residual_mlp_adds_its_input():
    model = create_model("mlp", (4,), 2, hidden=(6, 6), residual=True, activation="tanh").eval()
    x = torch.randn(3, 4)
    first, block, head = model[0], model[2], model[3]
    h = torch.tanh(first(x))
    expected = head(h + torch.tanh(block[0](h)))
    torch.testing.assert_close(model(x), expected)


def test_paper_models_have_the_papers_parameter_counts():
    # Greydanus 2020: Conv1d 1->25 k5 (25*5+25), 25->25 k3 twice (25*25*3+25), Linear 125->10;
    # bidirectional GRU(1, 6): per direction 3*6*(1+6) weights + 2*3*6 biases, Linear 480->10.
    counts = {name: sum(p.numel() for p in create_model(name, (40,), 10).parameters())
              for name in ("mnist1d-cnn", "gru", "logistic")}
    assert counts == {"mnist1d-cnn": 150 + 2 * 1900 + 1260, "gru": 2 * (126 + 36) + 4810,
                      "logistic": 410}


@pytest.mark.parametrize("name, shape", [("logistic", (40,)), ("mlp", (1, 8, 8)),
                                         ("mnist1d-cnn", (40,)), ("gru", (40,)),
                                         ("lenet5", (1, 8, 8)), ("lenet5", (1, 28, 28)),
                                         ("alexnet-small", (3, 32, 32))])
def test_every_model_maps_a_batch_to_class_scores(name, shape):
    model = create_model(name, shape, 7)
    assert model(torch.randn(2, *shape)).shape == (2, 7)


def test_the_builders_cover_the_table_of_model_names():
    from profond import names
    from profond.scratch import models as scratch_models

    assert set(MODELS) == set(names.MODELS)
    assert all(spec.help and "\n" not in spec.help for spec in names.MODELS.values())
    assert set(scratch_models.MODELS) == {m for m, spec in names.MODELS.items()
                                         if "scratch" in spec.engines}


def test_bad_names_and_shapes_are_named_in_the_error():
    with pytest.raises(ValueError, match=r"model: expected one of .*mlp.*; got 'resnet'"):
        create_model("resnet", (4,), 2)
    with pytest.raises(ValueError, match=r"lenet5: expected square images \(C, H, W\); got"):
        create_model("lenet5", (64,), 10)
    with pytest.raises(ValueError, match=r"activation: expected one of .*; got 'swish'"):
        create_model("mlp", (4,), 2, activation="swish")


@pytest.mark.parametrize("name, shape", [("mnist1d-cnn", (40,)), ("lenet5", (1, 8, 8)),
                                         ("lenet5", (1, 28, 28))])
def test_cnn_twins_give_the_scratch_outputs(name, shape):
    from profond.scratch import models as scratch_models

    torch.manual_seed(2)
    model = create_model(name, shape, 10).eval()
    scratch = scratch_models.create_model(name, shape, 10)
    assert type(scratch).__name__ == type(model).__name__
    _load_into_scratch(scratch.eval(), model)
    X = np.random.default_rng(2).standard_normal((3, *shape)).astype(np.float32)
    np.testing.assert_allclose(scratch(X), model(torch.from_numpy(X)).detach().numpy(),
                               atol=1e-5, rtol=1e-4)
