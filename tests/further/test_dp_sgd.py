"""Hand DP-SGD against a per-example autograd loop and against Opacus's DPOptimizer."""

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from profond.further.privacy.dp_sgd import (
    DPSGDLearner,
    clip_per_example,
    dp_sgd_gradients,
    make_private_learner,
    per_example_grads,
)
from profond.models import create_model

pytest.importorskip("opacus")


def _batch(n=12, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand((n, 1, 8, 8), generator=gen), torch.randint(0, 10, (n,), generator=gen)


def _twins(name):
    torch.manual_seed(0)
    model = create_model(name, (1, 8, 8), 10)
    twin = create_model(name, (1, 8, 8), 10)
    twin.load_state_dict(model.state_dict())
    return model, twin


def _opacus_grads(model, X, y, max_grad_norm, noise_multiplier, seed):
    """Opacus's DPOptimizer.pre_step (clip, sum, noise, divide) on one batch: name -> p.grad."""
    from opacus import PrivacyEngine
    from torch.utils.data import DataLoader, TensorDataset

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        private, dp_opt, _ = PrivacyEngine().make_private(
            module=model, optimizer=optimizer, noise_multiplier=noise_multiplier,
            data_loader=DataLoader(TensorDataset(X, y), batch_size=len(X)),
            max_grad_norm=max_grad_norm, poisson_sampling=False,
            noise_generator=torch.Generator().manual_seed(seed))
        dp_opt.zero_grad()
        nn.functional.cross_entropy(private(X), y).backward()
        dp_opt.pre_step()
    return {k: p.grad for k, p in model.named_parameters()}


def test_per_example_grads_match_a_loop_of_autograd_calls():
    model, _ = _twins("lenet5")
    X, y = _batch(5)
    grads = per_example_grads(model, nn.CrossEntropyLoss(), X, y)
    for i in range(len(X)):
        model.zero_grad()
        nn.functional.cross_entropy(model(X[i:i + 1]), y[i:i + 1]).backward()
        for name, p in model.named_parameters():
            torch.testing.assert_close(grads[name][i], p.grad, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name", ["mlp", "lenet5"])
@pytest.mark.parametrize("noise_multiplier", [0.0, 1.3])
def test_hand_dp_sgd_equals_opacus(name, noise_multiplier):
    model, twin = _twins(name)
    X, y = _batch()
    expected = _opacus_grads(twin, X, y, 0.5, noise_multiplier, seed=3)
    got = dp_sgd_gradients(model, nn.CrossEntropyLoss(), X, y, 0.5, noise_multiplier,
                           torch.Generator().manual_seed(3))
    for key, grad in got.items():
        torch.testing.assert_close(grad, expected[key], atol=1e-6, rtol=0)


@pytest.mark.parametrize("max_grad_norm", [0.01, 0.3, 100.0])
def test_clipped_per_example_norms_are_at_most_c(max_grad_norm):
    model, _ = _twins("mlp")
    grads = per_example_grads(model, nn.CrossEntropyLoss(), *_batch())
    clipped, norms = clip_per_example(grads, max_grad_norm)
    flat = torch.cat([g.reshape(len(g), -1) for g in clipped.values()], dim=1)
    after = flat.norm(dim=1)
    assert (after <= max_grad_norm * (1 + 1e-5)).all()
    small = norms <= max_grad_norm
    torch.testing.assert_close(after[small], norms[small])  # short gradients are kept


def test_noise_has_std_sigma_c_over_the_batch_size():
    model, _ = _twins("mlp")
    X, y = _batch(8)
    sigma, C = 2.0, 0.7
    clean = dp_sgd_gradients(model, nn.CrossEntropyLoss(), X, y, C, 0.0)
    noisy = dp_sgd_gradients(model, nn.CrossEntropyLoss(), X, y, C, sigma,
                             torch.Generator().manual_seed(0))
    noise = torch.cat([(noisy[k] - clean[k]).flatten() for k in clean]) * len(X)
    assert len(noise) > 10_000
    assert noise.std().item() == pytest.approx(sigma * C, rel=0.03)
    assert abs(noise.mean().item()) < 0.05 * sigma * C


def test_bad_arguments_are_named():
    model, _ = _twins("mlp")
    with pytest.raises(ValueError, match=r"max_grad_norm: expected a number > 0; got 0"):
        dp_sgd_gradients(model, nn.CrossEntropyLoss(), *_batch(), 0, 1.0)
    with pytest.raises(ValueError, match=r"noise_multiplier: expected a number >= 0; got -1"):
        dp_sgd_gradients(model, nn.CrossEntropyLoss(), *_batch(), 1.0, -1)


def _digits():
    from profond.data import load

    return load("digits")


def test_hand_dp_sgd_learner_trains_with_the_one_trainer():
    from profond.train.trainer import Trainer

    data = _digits()
    torch.manual_seed(0)
    model = create_model("logistic", (1, 8, 8), 10)
    learner = DPSGDLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.5),
                           max_grad_norm=1.0, noise_multiplier=0.5, device="cpu")
    Trainer(5, 64, seed=0, eval_train=False).fit(learner, data)
    assert learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"] > 0.7


def test_opacus_learner_spends_the_target_epsilon():
    from profond.train.trainer import Trainer

    data = _digits()
    torch.manual_seed(0)
    model = create_model("logistic", (1, 8, 8), 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        learner, engine = make_private_learner(
            model, torch.optim.SGD(model.parameters(), lr=0.5), len(data.y_train), 64, 3,
            target_epsilon=2.0, target_delta=1e-5, max_grad_norm=1.0, device="cpu")
        Trainer(3, 64, seed=0, eval_train=False).fit(learner, data)
    spent = engine.get_epsilon(1e-5)
    assert 1.8 < spent <= 2.0 + 1e-3
    assert learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"] > 0.5
    assert np.isfinite(learner.optimizer.noise_multiplier)
