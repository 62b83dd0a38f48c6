"""ScratchLearner against torch: same weights, same Trainer, same batches -> same training run."""

import numpy as np
import pytest
import torch

from profond.scratch import nn, optim
from profond.scratch.learner import ScratchLearner
from profond.train.torch_learner import TorchLearner
from profond.train.trainer import Trainer


def _twins(seed=0, sizes=(5, 8, 3)):
    """A torch MLP and a scratch MLP holding the same float32 weights."""
    torch.manual_seed(seed)
    t_model = torch.nn.Sequential(torch.nn.Linear(sizes[0], sizes[1]), torch.nn.ReLU(),
                                  torch.nn.Linear(sizes[1], sizes[2]))
    s_model = nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]))
    s_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    return t_model, s_model


def _data(n=22, d=5, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)).astype(np.float32), rng.integers(0, k, n)


@pytest.mark.parametrize("make_opt", [
    lambda lib, p: lib.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3),
    lambda lib, p: lib.Adam(p, lr=0.01),
    lambda lib, p: lib.Adagrad(p, lr=0.05),
])
def test_a_trainer_run_matches_torch_step_for_step(make_opt):
    t_model, s_model = _twins()
    t_learner = TorchLearner(t_model, None, make_opt(torch.optim, t_model.parameters()),
                             device="cpu")
    s_learner = ScratchLearner(s_model, nn.CrossEntropyLoss(),
                               make_opt(optim, s_model.parameters()), eval_batch_size=7)
    train, val = _data(), _data(9, seed=1)
    t_hist = Trainer(4, 4, seed=3).fit(t_learner, train, val)
    s_hist = Trainer(4, 4, seed=3).fit(s_learner, train, val)
    for key in ("loss", "acc", "val_loss", "val_acc"):
        np.testing.assert_allclose(getattr(s_hist, key), getattr(t_hist, key), rtol=1e-4,
                                   atol=1e-6, err_msg=key)
    for name, value in t_model.state_dict().items():
        np.testing.assert_allclose(s_model.state_dict()[name], value.numpy(), rtol=1e-4,
                                   atol=1e-5, err_msg=name)


def test_predict_gives_torch_softmax_probabilities():
    t_model, s_model = _twins(seed=2)
    learner = ScratchLearner(s_model, nn.CrossEntropyLoss(), optim.SGD(s_model.parameters(), lr=1),
                             eval_batch_size=4)
    X, _ = _data(10)
    expected = torch.softmax(t_model(torch.from_numpy(X)), dim=1).detach().numpy()
    np.testing.assert_allclose(learner.predict(X), expected, rtol=1e-5, atol=1e-6)


def test_state_dict_round_trip_restores_model_and_optimizer():
    _, model_a = _twins(seed=0)
    _, model_b = _twins(seed=1)
    a = ScratchLearner(model_a, nn.CrossEntropyLoss(), optim.Adam(model_a.parameters(), lr=0.01))
    b = ScratchLearner(model_b, nn.CrossEntropyLoss(), optim.Adam(model_b.parameters(), lr=0.5))
    data = a.prepare(*_data())
    for start in range(0, 12, 4):
        a.train_batch(data, np.arange(start, start + 4))
    state = a.state_dict()
    assert {"model.0.weight", "model.2.bias", "optimizer.lr", "optimizer.0.exp_avg"} <= set(state)
    b.load_state_dict(state)
    assert b.lr == pytest.approx(0.01)
    idx = np.array([5, 1, 17, 20])
    # the next Adam step depends on the moments and the step count: equal only if all came back
    assert b.train_batch(data, idx) == a.train_batch(data, idx)
    for name, value in model_a.state_dict().items():
        np.testing.assert_array_equal(model_b.state_dict()[name], value)


def test_regression_task_reports_loss_only():
    model = nn.Sequential(nn.Linear(2, 1))
    learner = ScratchLearner(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1),
                             task="regression")
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=np.float32)
    y = np.zeros((3, 1), dtype=np.float32)
    out = model(X)
    metrics = learner.evaluate(learner.prepare(X, y))
    assert set(metrics) == {"loss"}
    assert metrics["loss"] == pytest.approx(float(np.mean(out**2)), rel=1e-6)
    with pytest.raises(ValueError, match="task: expected one of 'classification', 'regression'"):
        ScratchLearner(model, nn.MSELoss(), optim.SGD(model.parameters(), lr=0.1), task="rank")


def test_the_first_linear_skips_the_data_gradient_with_unchanged_weight_gradients():
    t_model, s_model = _twins(seed=4)
    ScratchLearner(s_model, nn.CrossEntropyLoss(), optim.SGD(s_model.parameters(), lr=0.1))
    X, y = _data(6)
    crit = nn.CrossEntropyLoss()
    crit(s_model(X), y)
    assert s_model.backward(crit.backward()) is None
    torch.nn.functional.cross_entropy(t_model(torch.from_numpy(X)), torch.from_numpy(y)).backward()
    np.testing.assert_allclose(s_model[0].weight.grad, t_model[0].weight.grad.numpy(), rtol=1e-5,
                               atol=1e-7)

