"""`profond experiment run batchnorm-depth`: what the figure reads, checked against torch, and
the direction of Ioffe & Szegedy's Figure 1 on the quick run."""

import numpy as np
import torch

from profond.experiments import run_experiment
from profond.experiments.batchnorm_depth import mlp, sigmoid_input
from profond.scratch import rng

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _torch_twin(model):
    """The same network in torch, with the scratch model's weights and running statistics."""
    layers = []
    for layer in model:
        name = type(layer).__name__
        if name == "Linear":
            twin = torch.nn.Linear(*layer.weight.shape[::-1], dtype=torch.float64)
            twin.weight.data = torch.tensor(layer.weight.data, dtype=torch.float64)
            twin.bias.data = torch.tensor(layer.bias.data, dtype=torch.float64)
        elif name == "BatchNorm1d":
            twin = torch.nn.BatchNorm1d(layer.weight.shape[0], dtype=torch.float64)
            twin.weight.data = torch.tensor(layer.weight.data, dtype=torch.float64)
            twin.bias.data = torch.tensor(layer.bias.data, dtype=torch.float64)
            twin.running_mean = torch.tensor(layer.running_mean, dtype=torch.float64)
            twin.running_var = torch.tensor(layer.running_var, dtype=torch.float64)
        else:
            twin = torch.nn.Sigmoid()
        layers.append(twin)
    return torch.nn.Sequential(*layers).eval()


def test_the_last_sigmoids_input_is_what_torch_feeds_it():
    rng.manual_seed(1)
    model = mlp(True, 64, 10)
    X = np.random.default_rng(0).random((32, 64)).astype(np.float32)
    for _ in range(3):  # move the running statistics away from (0, 1)
        model(X * 2 + 1)
    for layer in model:
        if type(layer).__name__ == "BatchNorm1d":  # and γ, β away from (1, 0)
            layer.weight.data[:] = 1.5
            layer.bias.data[:] = -0.3
    twin, seen = _torch_twin(model), []
    sigmoids = [m for m in twin if isinstance(m, torch.nn.Sigmoid)]
    sigmoids[-1].register_forward_hook(lambda _m, inputs, _out: seen.append(inputs[0]))
    twin(torch.tensor(X, dtype=torch.float64))
    np.testing.assert_allclose(sigmoid_input(model, X), seen[0].detach().numpy(), atol=1e-5)
    assert model.training  # sigmoid_input puts the model back in training mode


def test_quick_run_bn_learns_in_epochs_where_the_plain_net_sits_at_chance(tmp_path):
    result = run_experiment("batchnorm-depth", quick=True, seed=0, out_dir=tmp_path)
    claims = result.claims
    assert claims["epochs_to_50_with_bn"] <= 3
    assert claims["epochs_to_50_without_bn"] is None or claims["epochs_to_50_without_bn"] > 20
    assert claims["final_test_acc_with_bn"] > 0.9
    with_bn = [r for r in result.rows if r["batch norm"] and r["epoch"] >= 5]
    assert all(abs(r["p50"]) < 0.5 < r["p85"] - r["p15"] for r in with_bn)
    assert result.figures == [str(tmp_path / "batchnorm_depth.png"),
                              str(tmp_path / "batchnorm_depth.fr.png")]
    assert all(open(f, "rb").read(8) == PNG_MAGIC for f in result.figures)
