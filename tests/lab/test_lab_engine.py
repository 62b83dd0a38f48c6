"""The lab's engine against torch: one TFP step (an epoch of mini-batches) gives torch's weights;
the exported PyTorch script rebuilds the same network; data, CSV and frame encodings."""

import base64
import runpy
import sys
import warnings

import numpy as np
import pytest
import torch

from profond.lab.engine import Playground
from profond.lab.export import torch_script
from profond.lab.frames import encode_signed
from profond.lab.labdata import make_data, parse_csv
from profond.lab.schema import Config

TORCH_ACT = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}


def _torch_twin(pg: Playground) -> torch.nn.Sequential:
    modules = []
    for m in pg.model._modules:
        name = type(m).__name__
        if name == "Linear":
            lin = torch.nn.Linear(m.weight.shape[1], m.weight.shape[0]).double()
            lin.weight.data = torch.tensor(m.weight.data, dtype=torch.float64)
            lin.bias.data = torch.tensor(m.bias.data, dtype=torch.float64)
            modules.append(lin)
        else:
            modules.append({"Tanh": torch.nn.Tanh(), "ReLU": torch.nn.ReLU(),
                            "Sigmoid": torch.nn.Sigmoid()}[name])
    return torch.nn.Sequential(*modules)


@pytest.mark.parametrize("changes", [
    {},  # TFP's defaults: tanh, SGD 0.03, batch 10, ½ squared error on ±1 targets
    {"dataset": "xor", "activation": "relu", "batch_size": 7, "lr": 0.1, "regularization": "L2",
     "reg_rate": 0.01},
    {"dataset": "blobs", "n_classes": 3, "output": "softmax", "optimizer": "adam", "lr": 0.01,
     "init": "xavier", "activation": "sigmoid"},
    {"problem": "regression", "dataset": "reg-gauss", "optimizer": "momentum", "lr": 0.01,
     "hidden": [3], "features": ["x1", "x2", "x1*x2"]},
    # every feature off, as TFP allows: torch's Linear(0, h) is the same bias-only network
    {"features": []},
    {"features": [], "dataset": "blobs", "n_classes": 3, "output": "softmax", "optimizer": "adam",
     "lr": 0.01, "regularization": "L2", "reg_rate": 0.01},
    {"features": [], "hidden": [], "problem": "regression", "dataset": "reg-plane"},
])
@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # torch's Linear(0, h)
def test_one_step_matches_torch(changes):
    cfg = Config(**changes)
    pg = Playground(cfg, make_data(cfg, np.zeros((0, 3))), init_seed=3)
    twin = _torch_twin(pg)
    # the one Trainer's first epoch: its seeded generator shuffles arange(N) in place
    perm = np.arange(len(pg.F_train))
    np.random.default_rng(pg.trainer.seed).shuffle(perm)
    X = torch.tensor(pg.F_train, dtype=torch.float64)
    y = torch.tensor(pg.data.y_train)
    opt = {"sgd": lambda p: torch.optim.SGD(p, lr=cfg.lr),
           "momentum": lambda p: torch.optim.SGD(p, lr=cfg.lr, momentum=0.9),
           "adam": lambda p: torch.optim.Adam(p, lr=cfg.lr)}[cfg.optimizer](twin.parameters())
    for start in range(0, len(perm), cfg.batch_size):
        idx = torch.tensor(perm[start:start + cfg.batch_size])
        out = twin(X[idx])
        if pg.softmax:
            loss = torch.nn.functional.cross_entropy(out, y[idx])
        else:
            target = 2.0 * y[idx].double() - 1 if pg.classify else y[idx].double()
            loss = 0.5 * ((out[:, 0] - target) ** 2).mean()
        if cfg.regularization == "L2":
            loss = loss + 0.5 * cfg.reg_rate * sum((m.weight ** 2).sum() for m in twin
                                                   if isinstance(m, torch.nn.Linear))
        opt.zero_grad()
        loss.backward()
        opt.step()
    pg.step()
    assert pg.epoch == 1
    ours = [p.data for lin in pg.linears for p in (lin.weight, lin.bias)]
    theirs = [p.detach().numpy() for m in twin if isinstance(m, torch.nn.Linear)
              for p in (m.weight, m.bias)]
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, atol=2e-5)


def test_a_step_is_one_epoch_of_the_one_trainer():
    """The lab's step and Trainer.fit on a fresh twin give the same weights after 3 epochs."""
    from profond.train.trainer import Trainer

    cfg = Config(dataset="spiral", activation="relu", optimizer="adam", lr=0.01, batch_size=7,
                 regularization="L1", reg_rate=0.001)
    data = make_data(cfg, np.zeros((0, 3)))
    stepped, fitted = Playground(cfg, data, init_seed=5), Playground(cfg, data, init_seed=5)
    for _ in range(3):
        stepped.step()
    history = Trainer(3, cfg.batch_size, seed=fitted.trainer.seed, eval_train=False,
                      stop_on_divergence=False).fit(
        fitted, (data.X_train, data.y_train))
    assert stepped.epoch == 3 and history.epoch == [1, 2, 3]
    for a, b in zip(stepped.linears, fitted.linears, strict=True):
        np.testing.assert_array_equal(a.weight.data, b.weight.data)


@pytest.mark.parametrize("changes", [{}, {"dataset": "blobs", "n_classes": 3}])
def test_predict_gives_probabilities_that_agree_with_the_accuracy(changes):
    cfg = Config(**changes)
    data = make_data(cfg, np.zeros((0, 3)))
    pg = Playground(cfg, data, init_seed=2)
    for _ in range(5):
        pg.step()
    p = pg.predict(data.X_test)
    assert p.shape == (len(data.X_test), max(data.n_classes, 2))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    assert ((p >= 0) & (p <= 1)).all()
    acc = float((p.argmax(axis=1) == data.y_test).mean())
    assert acc == pytest.approx(pg.evaluate(pg.prepare(data.X_test, data.y_test))["acc"])


def test_a_diverging_network_keeps_stepping_with_a_nan_loss_as_in_tfp():
    cfg = Config(problem="regression", dataset="reg-plane", lr=10.0, activation="linear")
    pg = Playground(cfg, make_data(cfg, np.zeros((0, 3))), init_seed=0)
    with np.errstate(all="ignore"):
        for _ in range(30):
            pg.step()
        assert pg.epoch == 30
        assert pg.metrics(pg.F_train, pg.data.y_train)["loss"] is None


def test_a_failed_epoch_does_not_end_training(monkeypatch):
    cfg = Config()
    pg = Playground(cfg, make_data(cfg, np.zeros((0, 3))), init_seed=0)
    pg.step()
    with monkeypatch.context() as patch:
        patch.setattr(pg, "train_epoch", lambda data, order, batch_size: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            pg.step()
    pg.step()
    assert pg.epoch == 2  # the failed epoch is run again, not counted twice


def test_l1_prunes_weights_to_exact_zero():
    cfg = Config(regularization="L1", reg_rate=0.3, lr=0.1)
    pg = Playground(cfg, make_data(cfg, np.zeros((0, 3))), init_seed=0)
    for _ in range(5):
        pg.step()
    weights = np.concatenate([lin.weight.data.ravel() for lin in pg.linears])
    assert (weights == 0).sum() >= 3


def test_the_exported_script_prunes_with_l1_as_the_lab_does(tmp_path, monkeypatch):
    cfg = Config(regularization="L1", reg_rate=0.3, lr=0.1)
    pg = Playground(cfg, make_data(cfg, np.zeros((0, 3))), init_seed=0)
    script = tmp_path / "model.py"
    script.write_text(torch_script(pg))
    monkeypatch.setattr(sys, "argv", [str(script), "--epochs", "5"])
    namespace = runpy.run_path(str(script), run_name="__main__")
    weights = np.concatenate([w.detach().numpy().ravel() for w in namespace["weights"]])
    assert (weights == 0).sum() >= 3  # exact zeros: a sign flip is cut, not left to oscillate


@pytest.mark.parametrize("changes", [
    {"features": ["x1", "x2", "x1^2", "sin(x2)"], "hidden": [3, 2], "activation": "relu",
     "dropout": 0.1, "optimizer": "adam", "lr": 0.01},
    {"features": [], "optimizer": "adam", "lr": 0.01},  # no input: a bias-only network
])
def test_exported_script_rebuilds_the_network(tmp_path, monkeypatch, capsys, changes):
    cfg = Config(**changes)
    pg = Playground(cfg, make_data(cfg, np.zeros((0, 3))), init_seed=1)
    pg.step()
    lab_loss = pg.metrics(pg.F_train, pg.data.y_train)["loss"]
    script = tmp_path / "model.py"
    script.write_text(torch_script(pg))
    monkeypatch.setattr(sys, "argv", [str(script), "--epochs", "10"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the script runs clean: no torch warning either
        namespace = runpy.run_path(str(script), run_name="__main__")
    stdout = capsys.readouterr().out
    first = stdout.splitlines()[0]
    assert first.startswith("start: train loss")
    assert float(first.split("train loss ")[1].split(",")[0]) == pytest.approx(lab_loss, abs=2e-4)
    assert "epoch 10:" in stdout
    trained = namespace["model"][0]  # the first layer kept training in torch
    assert trained.weight.shape == (cfg.hidden[0], len(cfg.features))
    assert not np.allclose(trained.bias.detach().numpy(), pg.linears[0].bias.data, atol=1e-4)


def test_split_follows_train_ratio_and_seed():
    cfg = Config(dataset="spiral", train_ratio=70, seed=5, noise=20)
    a, b = make_data(cfg, np.zeros((0, 3))), make_data(cfg, np.zeros((0, 3)))
    assert len(a.X_train) == 350 and len(a.X_test) == 150
    np.testing.assert_array_equal(a.X_train, b.X_train)
    c = make_data(cfg.model_copy(update={"seed": 6}), np.zeros((0, 3)))
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize(("text", "classify", "match"), [
    ("x1,x2,label\n", True, "got no data rows"),
    ("1,2\n", True, "csv: line 1: expected 3 values"),
    ("7,0,1\n", True, r"expected x1, x2 in \[-6, 6\]; got 7.0, 0.0"),
    ("0,0,1.5\n", True, "expected a class in 0..5; got 1.5"),
    ("0,0,2\n", False, r"expected a target in \[-1, 1\]; got 2$"),
])
def test_parse_csv_errors_name_line_and_value(text, classify, match):
    with pytest.raises(ValueError, match=match):
        parse_csv(text, classify)


def test_signed_encoding_maps_minus_one_to_0_and_one_to_255():
    raw = base64.b64decode(encode_signed(np.array([-1.0, 0.0, 1.0, 5.0, np.nan])))
    assert list(raw) == [0, 128, 255, 255, 128]
