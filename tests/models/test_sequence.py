"""Torch sequence classifiers: shapes, parameter counts, attention maps by hand, MNIST-1D."""

import math

import numpy as np
import pytest
import torch

from helpers.figures import check_figure
from profond.models import create_model
from profond.models.sequence import (
    LSTMClassifier,
    RNNClassifier,
    TransformerClassifier,
    attention_maps,
    plot_attention,
)


@pytest.mark.parametrize("name", ["rnn", "lstm", "transformer"])
@pytest.mark.parametrize("shape", [(40,), (40, 2)])
def test_classifiers_map_signals_to_logits(name, shape):
    model = create_model(name, shape, 7)
    assert model(torch.randn(5, *shape)).shape == (5, 7)


def test_recurrent_parameter_counts_follow_the_gate_formulas():
    # per direction: gates × (hidden × (input + hidden) + 2 × hidden biases); head 2·6·40 -> 10
    head = 2 * 6 * 40 * 10 + 10
    for cls, gates in ((RNNClassifier, 1), (LSTMClassifier, 4)):
        per_direction = gates * (6 * (1 + 6) + 2 * 6)
        assert sum(p.numel() for p in cls().parameters()) == 2 * per_direction + head


@pytest.mark.parametrize("patch_size, pool", [(1, "mean"), (4, "cls"), (8, "mean")])
def test_transformer_tokens_and_maps_shapes(patch_size, pool):
    model = TransformerClassifier(3, 40, patch_size=patch_size, d_model=16, nhead=2,
                                  num_layers=3, pool=pool)
    L = 40 // patch_size + (pool == "cls")
    x = torch.randn(4, 40)
    assert model.tokens(x).shape == (4, L, 16)
    maps = attention_maps(model, x)
    assert len(maps) == 3 and all(m.shape == (4, 2, L, L) for m in maps)
    torch.testing.assert_close(maps[1].sum(-1), torch.ones(4, 2, L))
    assert model.training  # the maps leave the model's mode as they found it


def test_attention_maps_are_softmax_qk_of_each_layer_input():
    torch.manual_seed(0)
    model = TransformerClassifier(10, 40, patch_size=4, d_model=8, nhead=2, num_layers=2).eval()
    x = torch.randn(3, 40)
    maps = attention_maps(model, x)
    z = model.tokens(x)
    with torch.no_grad():
        for layer, got in zip(model.encoder.layers, maps, strict=True):
            h = layer.norm1(z)  # pre-norm: attention reads the normalised tokens
            W_q, W_k, _ = layer.self_attn.in_proj_weight.chunk(3)
            b_q, b_k, _ = layer.self_attn.in_proj_bias.chunk(3)
            q = (h @ W_q.T + b_q).view(3, 10, 2, 4).transpose(1, 2)
            k = (h @ W_k.T + b_k).view(3, 10, 2, 4).transpose(1, 2)
            expected = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(4), dim=-1)
            torch.testing.assert_close(got, expected, atol=1e-6, rtol=1e-5)
            z = layer(z)
        # replaying the layers one by one is the encoder's own forward
        out = model.head(model.norm(z.mean(1)))
        torch.testing.assert_close(out, model(x), atol=1e-5, rtol=1e-5)


def test_transformer_checks_its_arguments():
    with pytest.raises(ValueError, match="patch_size: expected a divisor of seq_len=40; got 3"):
        TransformerClassifier(patch_size=3)
    with pytest.raises(ValueError, match="pool: expected one of 'mean', 'cls'; got 'max'"):
        TransformerClassifier(pool="max")


def test_attention_picture_is_a_figure_with_one_map_per_layer_and_head(tmp_path):
    model = TransformerClassifier(10, 40, d_model=8, nhead=2)
    maps = attention_maps(model, torch.randn(1, 40))
    fig = check_figure(tmp_path, plot_attention, maps, title="x")
    assert len(fig.axes) == len(maps) * 2
    for ax, (layer, head) in zip(fig.axes, [(0, 0), (0, 1), (1, 0), (1, 1)], strict=True):
        assert ax.get_title() == f"layer {layer + 1}, head {head + 1}"
        np.testing.assert_array_equal(ax.images[0].get_array(), maps[layer][0, head].numpy())


@pytest.mark.parametrize("name, floor", [("rnn", 0.22), ("lstm", 0.3), ("transformer", 0.3)])
def test_classifiers_learn_mnist1d_on_a_small_budget(name, floor):
    from profond.data import load
    from profond.train.torch_learner import TorchLearner, seed_everything
    from profond.train.trainer import Trainer

    torch.set_num_threads(1)
    data = load("mnist1d")
    seed_everything(0)
    model = create_model(name, data.input_shape, data.n_classes)
    learner = TorchLearner(model, None, torch.optim.Adam(model.parameters(), lr=1e-2), "cpu")
    # 80 Adam steps on half the training set; chance is 10 %
    Trainer(4, 100, seed=0, eval_train=False).fit(learner, (data.X_train[:2000],
                                                            data.y_train[:2000]))
    assert learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"] > floor
