"""Every input feature switched off, as TFP allows (issue #18): each first-layer neuron sees only
its bias, so the network's answer is one number over the whole plane. Checked against torch's
forward pass of the same biases and against the least-squares constant, the mean target."""

import base64

import numpy as np
import pytest
import torch

from profond.lab.engine import Playground
from profond.lab.frames import build_frame
from profond.lab.labdata import make_data
from profond.lab.schema import Config


def _playground(fast: bool = True, **changes) -> Playground:
    cfg = Config(features=[], **changes)
    return Playground(cfg, make_data(cfg, np.zeros((0, 3))), init_seed=2, fast=fast)


def _torch_output(pg: Playground) -> np.ndarray:
    """The net's output computed by torch from its biases and weights alone (no input)."""
    act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[pg.cfg.activation]
    h = torch.zeros(0, dtype=torch.float64)
    for i, lin in enumerate(pg.linears):
        z = torch.tensor(lin.weight.data) @ h + torch.tensor(lin.bias.data)
        last = i == len(pg.linears) - 1
        h = act(z) if not last else torch.tanh(z) if pg.classify and not pg.softmax else z
    return h.numpy()


@pytest.mark.parametrize("changes", [{}, {"activation": "relu", "hidden": [3, 3, 2]},
                                     {"dataset": "spirals", "n_classes": 4, "optimizer": "adam",
                                      "lr": 0.01, "activation": "sigmoid"}])
def test_the_output_is_the_same_everywhere_and_torchs(changes):
    pg = _playground(**changes)
    for _ in range(5):
        pg.step()
    out = pg.activations()[-1]
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, np.broadcast_to(_torch_output(pg), out.shape), atol=1e-5)


@pytest.mark.parametrize("fast", [True, False])
def test_a_bias_only_regression_learns_the_mean_target(fast):
    """No input, no hidden layer, a linear output: ŷ = b, and ½(b − y)² is least at b = mean y."""
    pg = _playground(fast, problem="regression", dataset="reg-gauss", hidden=[], lr=0.01,
                     batch_size=30)
    before = pg.linears[0].bias.data.copy()
    for _ in range(100):
        pg.step()
    b = pg.linears[0].bias.data[0]
    assert b != before[0]
    assert b == pytest.approx(pg.data.y_train.mean(), abs=1e-3)


def test_backward_reaches_every_bias_and_the_deeper_weights():
    pg = _playground(hidden=[4, 2])
    before = [(lin.weight.data.copy(), lin.bias.data.copy()) for lin in pg.linears]
    pg.step()
    assert pg.linears[0].weight.shape == (4, 0)
    for (w, b), lin in zip(before, pg.linears, strict=True):
        assert not np.array_equal(b, lin.bias.data)
        assert w.size == 0 or not np.array_equal(w, lin.weight.data)


def test_a_frame_has_no_feature_nodes_no_nan_and_a_uniform_heatmap():
    pg = _playground()
    pg.step()
    frame = build_frame(pg, hover=(0, 0))  # hovering a feature that is not there: no hover map
    assert frame["nodes"][0] == [] and len(frame["nodes"]) == 3 and "hover" not in frame
    assert frame["weights"][0] == [[]] * 4
    assert frame["train_loss"] is not None and frame["nan"] == []
    heatmap = base64.b64decode(frame["heatmap"]["data"])
    assert len(heatmap) == 100 * 100 and len(set(heatmap)) == 1
    for thumb in frame["nodes"][1]:  # a hidden neuron sees its bias alone: one colour too
        assert len(set(base64.b64decode(thumb))) == 1
