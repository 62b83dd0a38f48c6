"""TorchLearner behind the one Trainer: metrics against sklearn, divergence, Ctrl-C, sampling."""

import os
import signal

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, log_loss

from profond.models import create_model
from profond.train.callbacks import Callback, TrainingDiverged
from profond.train.checkpoint import load_checkpoint, load_weights
from profond.train.recording import RunRecorder, guard
from profond.train.runs import RunStore
from profond.train.torch_learner import TorchLearner, resolve_device, seed_everything
from profond.train.trainer import Trainer


def _blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = (rng.standard_normal((n, 4)) + 2.5 * np.eye(3, 4)[y]).astype(np.float32)
    return X, y.astype(np.int64)


def _learner(lr=0.05, seed=0, **kwargs):
    seed_everything(seed)
    model = create_model("mlp", (4,), 3, hidden=(16,))
    return TorchLearner(model, None, torch.optim.Adam(model.parameters(), lr=lr), "cpu", **kwargs)


def test_trained_learner_metrics_match_sklearn():
    X, y = _blobs()
    learner = _learner()
    history = Trainer(5, 32, seed=0).fit(learner, (X, y))
    assert history.loss[-1] < history.loss[0]
    metrics = learner.evaluate(learner.prepare(X, y))
    proba = learner.predict(X)
    assert proba.shape == (300, 3)
    np.testing.assert_allclose(proba.sum(1), 1, rtol=1e-5)
    assert metrics["acc"] == pytest.approx(accuracy_score(y, proba.argmax(1)))
    assert metrics["loss"] == pytest.approx(log_loss(y, proba, labels=[0, 1, 2]), rel=1e-4)
    assert metrics["acc"] > 0.85


def test_seed_everything_makes_models_and_runs_repeat():
    X, y = _blobs()
    runs = []
    for _ in range(2):
        learner = _learner(seed=3)
        Trainer(2, 50, seed=1).fit(learner, (X, y))
        runs.append(learner.state_dict())
    for key in runs[0]:
        np.testing.assert_array_equal(runs[0][key], runs[1][key], err_msg=key)


def test_regression_uses_mse():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3)).astype(np.float32)
    y = (X @ np.array([[1.0], [-2.0], [0.5]])).astype(np.float32)
    model = torch.nn.Linear(3, 1)
    learner = TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.1), "cpu",
                           task="regression")
    Trainer(30, 16, seed=0).fit(learner, (X, y))
    out = learner.predict(X)
    assert learner.evaluate(learner.prepare(X, y)) == {
        "loss": pytest.approx(float(np.mean((out - y) ** 2)), rel=1e-4)}
    assert learner.evaluate(learner.prepare(X, y))["loss"] < 1e-3


def test_lr_property_reads_and_writes_every_group():
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD([{"params": [model.weight]}, {"params": [model.bias]}], lr=0.1)
    learner = TorchLearner(model, None, opt, "cpu")
    learner.lr = 0.02
    assert learner.lr == 0.02 and [g["lr"] for g in opt.param_groups] == [0.02, 0.02]


def test_sgd_momentum_state_round_trips():
    X, y = _blobs()
    seed_everything(0)
    model = create_model("mlp", (4,), 3, hidden=(8,))
    learner = TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                                        nesterov=True), "cpu")
    Trainer(1, 64, seed=0).fit(learner, (X, y))
    state = learner.state_dict()
    assert state["optimizer.group.0.momentum"] == pytest.approx(0.9)
    before = {k: v.copy() for k, v in state.items()}
    model2 = create_model("mlp", (4,), 3, hidden=(8,))
    other = TorchLearner(model2, None, torch.optim.SGD(model2.parameters(), lr=0.5), "cpu")
    other.load_state_dict(state)
    assert other.lr == pytest.approx(0.1) and other.optimizer.param_groups[0]["nesterov"] is True
    for key, value in other.state_dict().items():
        np.testing.assert_array_equal(value, before[key], err_msg=key)


def test_divergence_stops_with_the_message_and_the_run_is_marked_failed(tmp_path):
    X, y = _blobs()
    store = RunStore(tmp_path)
    run = store.create({"model": "mlp"})
    model = torch.nn.Linear(4, 3)
    learner = TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=1e12), "cpu")
    message = (r"loss (became nan|became inf|"
               r"exploded to \S+ \(over 1e\+06 x the first batch's \S+\)) at epoch 1 step \d+; "
               r"try a lower learning rate \(got lr=1e\+12\)")
    with pytest.raises(TrainingDiverged, match=message), guard(run, learner):
        Trainer(3, 32, seed=0, callbacks=[RunRecorder(run)]).fit(learner, (X * 100, y))
    record = store.get(run.id)
    assert record["status"] == "failed"
    assert "try a lower learning rate (got lr=1e+12)" in record["error"]


class _InterruptAt(Callback):
    def on_batch_end(self, step, loss):
        if self.trainer.epoch == 2 and step == 3:
            os.kill(os.getpid(), signal.SIGINT)


def test_ctrl_c_stops_at_a_batch_boundary_and_keeps_the_run(tmp_path):
    X, y = _blobs()
    store = RunStore(tmp_path)
    run = store.create({"model": "mlp"})
    learner = _learner()
    previous = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), guard(run, learner):
        Trainer(5, 32, seed=0, callbacks=[RunRecorder(run), _InterruptAt()]).fit(learner, (X, y))
    assert signal.getsignal(signal.SIGINT) is previous
    record = store.get(run.id)
    assert record["status"] == "interrupted" and len(record["epochs"]) == 1
    assert load_checkpoint(run.checkpoint_dir)[1]["epoch"] == 1
    weights = load_weights(run.folder / "model.safetensors")
    for key, value in learner.model.state_dict().items():  # the weights at the interruption
        np.testing.assert_array_equal(weights[key], value.numpy())


def test_balanced_sampling_evens_out_the_classes():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((1000, 4)).astype(np.float32)
    y = (np.arange(1000) < 50).astype(np.int64)  # 5 % positives
    seen = []

    def recording_loss(out, target):
        seen.append(target.clone())
        return torch.nn.functional.cross_entropy(out, target)

    model = torch.nn.Linear(4, 2)
    learner = TorchLearner(model, recording_loss, torch.optim.SGD(model.parameters(), lr=0.01),
                           "cpu", balanced=True)
    Trainer(1, 100, seed=0, eval_train=False).fit(learner, (X, y))
    positives = torch.cat(seen).float().mean().item()
    assert abs(positives - 0.5) < 4 * np.sqrt(0.25 / 1000)


def test_augment_runs_on_training_batches_only():
    X, y = _blobs(64)
    calls = []

    def augment(xb):
        calls.append(len(xb))
        return xb + 0.01

    learner = _learner(augment=augment)
    Trainer(1, 16, seed=0, eval_train=False).fit(learner, (X, y))
    learner.evaluate(learner.prepare(X, y))
    learner.predict(X)
    assert calls == [16, 16, 16, 16]


def test_auto_device_and_bad_task():
    expected = ("cuda" if torch.cuda.is_available() else
                "mps" if torch.backends.mps.is_available() else "cpu")
    assert resolve_device("auto").type == expected
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match=r"task: expected one of .*; got 'ranking'"):
        TorchLearner(torch.nn.Linear(2, 2), None, torch.optim.SGD([torch.zeros(1)], lr=1),
                     "cpu", task="ranking")


def test_seed_everything_seeds_the_scratch_engine_too():
    from profond.scratch import nn as snn

    seed_everything(5)
    a = snn.Linear(4, 3).weight.data.copy()
    snn.Linear(4, 3)  # moves the engine's generator on
    seed_everything(5)
    assert np.array_equal(snn.Linear(4, 3).weight.data, a)
