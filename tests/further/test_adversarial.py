"""FGSM, PGD and adversarial training against hand computations and the slide's claim."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from profond.further.adversarial import (
    AdversarialLearner,
    adversarial_accuracy,
    fgsm,
    input_gradient,
    pgd,
)


def _linear(seed=0, features=5, classes=3):
    torch.manual_seed(seed)
    return nn.Linear(features, classes).double()


def test_fgsm_equals_eps_sign_of_the_hand_gradient_on_a_linear_model():
    model = _linear()
    rng = np.random.default_rng(0)
    X, y = rng.uniform(0.2, 0.8, (7, 5)), rng.integers(0, 3, 7)
    W, b = model.weight.detach().numpy(), model.bias.detach().numpy()
    z = X @ W.T + b
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    # ∂CE/∂x = Wᵀ (softmax(z) - onehot(y)) for a linear model
    grad = (p - np.eye(3)[y]) @ W
    eps = 0.05
    got = fgsm(model, torch.from_numpy(X), torch.from_numpy(y), eps, clamp=None).numpy()
    np.testing.assert_allclose(got, X + eps * np.sign(grad), atol=1e-12)
    clamped = fgsm(model, torch.from_numpy(X), torch.from_numpy(y), 0.5).numpy()
    np.testing.assert_allclose(clamped, np.clip(X + 0.5 * np.sign(grad), 0, 1), atol=1e-12)


def test_input_gradient_leaves_parameters_and_mode_alone():
    model = _linear().eval()
    X, y = torch.rand(4, 5, dtype=torch.float64), torch.tensor([0, 1, 2, 0])
    input_gradient(model, X, y)
    pgd(model, X, y, 0.1, steps=2)
    assert all(p.grad is None for p in model.parameters())
    assert not model.training


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 6), side=st.integers(4, 7), eps=st.floats(0.0, 0.5),
       steps=st.integers(1, 5), seed=st.integers(0, 100))
def test_pgd_stays_in_the_eps_ball_and_the_data_range(n, side, eps, steps, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.Flatten(),
                          nn.Linear(3 * side * side, 4))
    X = torch.rand(n, 1, side, side)
    y = torch.randint(0, 4, (n,))
    X_adv = pgd(model, X, y, eps, alpha=eps / 2 + 0.01, steps=steps,
                generator=torch.Generator().manual_seed(seed))
    assert (X_adv - X).abs().max() <= eps + 1e-6
    assert X_adv.min() >= 0 and X_adv.max() <= 1


@pytest.fixture(scope="module")
def trained_digits():
    """A logistic regression on the digits (a few seconds), and its test split."""
    from profond.data import load

    data = load("digits")
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)
    for _ in range(150):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model, data.X_test, data.y_test


def test_accuracy_falls_as_eps_grows(trained_digits):
    model, X, y = trained_digits
    fgsm_acc = [adversarial_accuracy(model, X, y, eps, "fgsm") for eps in (0.0, 0.05, 0.1, 0.2)]
    assert fgsm_acc[0] > 0.9
    assert all(a > b for a, b in zip(fgsm_acc, fgsm_acc[1:], strict=False))
    gen = torch.Generator().manual_seed(0)
    pgd_acc = adversarial_accuracy(model, X, y, 0.1, "pgd", steps=10, generator=gen)
    assert pgd_acc <= fgsm_acc[2] + 0.02  # PGD is at least as strong as its first step


def test_clean_accuracy_matches_argmax(trained_digits):
    model, X, y = trained_digits
    with torch.no_grad():
        expected = (model(torch.from_numpy(X)).argmax(1).numpy() == y).mean()
    assert adversarial_accuracy(model, X, y, 0.0, "pgd", random_start=False) == expected


def test_adversarial_learner_steps_on_clean_and_adversarial_halves():
    from profond.train.torch_learner import TorchLearner

    torch.manual_seed(0)
    model = _linear().float()
    X, y = np.random.default_rng(0).uniform(0, 1, (8, 5)).astype(np.float32), np.arange(8) % 3
    snapshot = {k: v.clone() for k, v in model.state_dict().items()}
    learner = AdversarialLearner(model, None, torch.optim.SGD(model.parameters(), lr=1.0),
                                 eps=0.1, device="cpu")
    loss = learner.train_batch(learner.prepare(X, y), np.arange(8))
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    twin = _linear().float()
    twin.load_state_dict(snapshot)
    X_adv = fgsm(twin, Xt, yt, 0.1)
    expected = 0.5 * (nn.functional.cross_entropy(twin(Xt), yt)
                      + nn.functional.cross_entropy(twin(X_adv), yt))
    assert loss == pytest.approx(expected.item(), rel=1e-6)
    plain = TorchLearner(twin, None, torch.optim.SGD(twin.parameters(), lr=1.0), device="cpu")
    plain.train_batch(plain.prepare(np.r_[X, X_adv.numpy()], np.r_[y, y]), np.arange(16))
    torch.testing.assert_close(model.weight, twin.weight)


def test_bad_arguments_are_named():
    model = _linear()
    X, y = torch.rand(2, 5, dtype=torch.float64), torch.tensor([0, 1])
    with pytest.raises(ValueError, match=r"eps: expected a number >= 0; got -0.1"):
        fgsm(model, X, y, -0.1)
    with pytest.raises(ValueError, match=r"steps: expected an integer >= 1; got 0"):
        pgd(model, X, y, 0.1, steps=0)
    with pytest.raises(ValueError, match=r"attack: expected one of 'fgsm', 'pgd'; got 'cw'"):
        adversarial_accuracy(model, X, y, 0.1, "cw")


def test_quick_adversarial_eps_experiment(tmp_path):
    from profond.experiments import run_experiment

    result = run_experiment("adversarial-eps", quick=True, seed=0, out_dir=tmp_path)
    fgsm_acc = [r["fgsm %"] for r in result.rows]
    assert result.claims["clean_acc"] > 0.85
    assert fgsm_acc[-1] < 20 < fgsm_acc[0] and result.claims["fgsm_falls_with_eps"]
    example = result.claims["figure_example"]
    assert example["before"] == example["label"] != example["after"]
    assert all((tmp_path / name).exists() for name in ("adversarial_eps.png",
                                                       "adversarial_panda.png",
                                                       "adversarial_linearity.png"))
    slide = next(r for r in result.rows if r["eps"] == 0.007)
    # pixels in [0, 1] and every image reaches 1: the sign step's L∞ is ε, clamping aside
    assert 0.5 < slide["L∞ %"] <= 0.7 and 0 < slide["L2 %"] < slide["L∞ %"] * 8
    linear = result.claims["linearity"]
    assert [r["inputs"] for r in linear] == [64, 256, 1024]
    assert linear[-1]["‖w‖₁"] > 2 * linear[0]["‖w‖₁"]  # the weights keep their size per input
    assert linear[-1]["fgsm % at ε=0.05"] < linear[0]["fgsm % at ε=0.05"] - 15
    assert all(abs(r["fgsm % at ε=0"] - linear[0]["fgsm % at ε=0"]) < 5 for r in linear)


def test_fgsm_l2_over_linf_is_the_square_root_of_the_inputs_it_moves():
    """‖ε sign(g)‖₂ = ε √n when no input is clamped and no gradient is zero."""
    from profond.further.adversarial import fgsm

    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 3))
    X = torch.full((2, 1, 4, 4), 0.5)
    delta = fgsm(model, X, torch.tensor([0, 1]), 0.01) - X
    assert torch.allclose(delta.flatten(1).norm(dim=1), torch.full((2,), 0.01 * 4.0))


@pytest.mark.slow
def test_quick_adversarial_training_experiment(tmp_path):
    from profond.experiments import run_experiment

    result = run_experiment("adversarial-training", quick=True, seed=0, out_dir=tmp_path)
    standard, pgd_trained = result.rows[0], result.rows[2]
    assert pgd_trained["pgd %"] > standard["pgd %"] + 5
    assert result.figures == [str(tmp_path / "adversarial_training.png")]
    assert (tmp_path / "adversarial_training.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
