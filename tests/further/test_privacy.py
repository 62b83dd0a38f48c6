"""Membership inference and gradient inversion against independent references."""

import numpy as np
import pytest
import torch
from torch import nn

from profond.further.privacy.attacks import (
    gradient_inversion,
    membership_inference_auc,
    per_example_loss,
    shared_gradient,
)
from profond.models import create_model


def _mann_whitney_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(score_pos > score_neg) + ½ P(tie), by counting every pair."""
    diff = pos[:, None] - neg[None, :]
    return float((diff > 0).mean() + 0.5 * (diff == 0).mean())


@pytest.fixture(scope="module")
def mnist1d():
    from profond.data import load

    return load("mnist1d")


def _fit(model, X, y, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(epochs):
        opt.zero_grad()
        nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
    return model


def test_per_example_loss_matches_cross_entropy():
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    X, y = torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])
    logits = model(X).detach().numpy()
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(per_example_loss(model, X, y), -log_p[np.arange(6), y.numpy()],
                               rtol=1e-5)


def test_mia_auc_is_high_on_an_overfit_model_and_matches_pair_counting(mnist1d):
    torch.manual_seed(0)
    n = 200
    members = mnist1d.X_train[:n], mnist1d.y_train[:n]
    non_members = mnist1d.X_test[:n], mnist1d.y_test[:n]
    model = _fit(create_model("mlp", (40,), 10, hidden=(256,)), *members, epochs=300)
    auc = membership_inference_auc(model, members, non_members)
    expected = _mann_whitney_auc(-per_example_loss(model, *members),
                                 -per_example_loss(model, *non_members))
    assert auc == pytest.approx(expected, abs=1e-12)
    assert auc > 0.8


def test_mia_auc_is_near_chance_on_an_untrained_model(mnist1d):
    torch.manual_seed(0)
    model = create_model("mlp", (40,), 10, hidden=(64,))
    auc = membership_inference_auc(model, (mnist1d.X_train[:500], mnist1d.y_train[:500]),
                                   (mnist1d.X_test[:500], mnist1d.y_test[:500]))
    assert abs(auc - 0.5) < 0.06


def test_shared_gradient_is_the_autograd_gradient_of_the_batch_loss():
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    x, y = torch.randn(2, 4), torch.tensor([1, 2])
    grads = shared_gradient(model, x, y)
    p = model(x).softmax(1).detach()
    dz = (p - nn.functional.one_hot(y, 3)) / 2  # ∂ mean CE / ∂ logits
    torch.testing.assert_close(grads[0], dz.T @ x)
    torch.testing.assert_close(grads[1], dz.sum(0))


@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_inversion_rebuilds_the_digit_and_its_label(seed):
    from profond.data import load

    data = load("digits")
    torch.manual_seed(seed)
    model = create_model("mlp", (1, 8, 8), 10, hidden=(32,), activation="sigmoid")
    x = torch.from_numpy(data.X_test[seed:seed + 1])
    y = torch.from_numpy(data.y_test[seed:seed + 1])
    x_hat, label, history = gradient_inversion(model, shared_gradient(model, x, y), (1, 8, 8), 10,
                                               steps=20, seed=seed)
    start = torch.rand((1, 1, 8, 8), generator=torch.Generator().manual_seed(seed))
    before, after = ((start - x) ** 2).mean().item(), ((x_hat - x) ** 2).mean().item()
    assert after < 0.01 * before
    assert int(label.argmax()) == int(y)
    assert history[-1] < 1e-2 * history[0]


def test_bad_steps_is_named():
    model = nn.Linear(4, 3)
    with pytest.raises(ValueError, match=r"steps: expected an integer >= 1; got 0"):
        gradient_inversion(model, [], (4,), 3, steps=0)


def test_quick_privacy_dp_experiment(tmp_path):
    pytest.importorskip("opacus")
    from profond.experiments import run_experiment

    result = run_experiment("privacy-dp", quick=True, seed=0, out_dir=tmp_path)
    rows = {str(r["epsilon"]): r for r in result.rows}
    assert rows["inf"]["mia auc"] > 0.8
    assert abs(rows["1.0"]["mia auc"] - 0.5) < abs(rows["inf"]["mia auc"] - 0.5) - 0.15
    assert rows["1.0"]["test %"] < rows["inf"]["test %"] - 5
    assert rows["1.0"]["spent ε"] <= 1.0 + 1e-3
    assert (tmp_path / "privacy_dp.png").exists()


def test_privacy_inversion_quick_experiment_recovers_label_and_pixels(tmp_path):
    from profond.experiments.registry import run_experiment

    result = run_experiment("privacy-inversion", quick=True, seed=0, out_dir=tmp_path)
    assert len(result.rows) >= 3
    for row in result.rows:
        assert row["recovered label"] == row["label"]
        assert row["mse after 30 steps"] < 0.01 < row["mse after 1 step"]
    assert (tmp_path / "privacy_inversion.png").read_bytes()[:4] == b"\x89PNG"
