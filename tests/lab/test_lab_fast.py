"""The playground's compiled epoch (lab/fast.py) against the white-box engine it stands in for:
after 100 epochs the weights agree to 1e-6 for every activation, loss, penalty, optimizer and
batch size the page offers, with no input feature too."""

import numpy as np
import pytest

from profond.lab.engine import Playground
from profond.lab.labdata import make_data
from profond.lab.schema import Config

HEAVY = {"dataset": "spiral", "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)",
                                           "sin(x2)"], "hidden": [8, 8, 8, 8, 8, 8]}
SETTINGS = [
    *({"activation": a} for a in ("tanh", "relu", "sigmoid", "linear")),
    *({"optimizer": o, "lr": 0.01} for o in ("sgd", "momentum", "adagrad", "adam")),
    *({"regularization": r, "reg_rate": 0.01} for r in ("L1", "L2")),
    {"regularization": "L1", "reg_rate": 0.003, "activation": "relu", "optimizer": "adam",
     "lr": 0.003},
    # batch 1 at lr 0.01: at 0.03 the circle's SGD is chaotic (a 1e-16 rounding difference
    # grows to 1e-2 in 30 epochs), which no implementation but a bitwise copy would follow
    {"batch_size": 1, "lr": 0.01}, *({"batch_size": b} for b in (2, 7, 30)),
    {"dataset": "xor", "output": "softmax", "optimizer": "momentum", "lr": 0.01},
    {"dataset": "spirals", "n_classes": 4, "activation": "relu", "optimizer": "adam", "lr": 0.01},
    {"problem": "regression", "dataset": "reg-gauss", "activation": "sigmoid"},
    {"problem": "regression", "dataset": "reg-plane", "optimizer": "adagrad", "lr": 0.1},
    {"init": "xavier", "hidden": []},
    {**HEAVY, "batch_size": 1, "lr": 0.003}, {**HEAVY, "batch_size": 30},
    # every feature off (TFP allows it): a 0-wide input, the first layer's W is (h, 0)
    {"features": []}, {"features": [], "hidden": [], "optimizer": "adam", "lr": 0.01},
    {"features": [], "dataset": "spirals", "n_classes": 3, "activation": "relu",
     "regularization": "L2", "reg_rate": 0.01},
    {"features": [], "problem": "regression", "dataset": "reg-plane", "optimizer": "momentum",
     "lr": 0.01, "regularization": "L1", "reg_rate": 0.001},
]


def _id(changes: dict) -> str:
    return ",".join(f"{k}={v}" if k != "features" else f"features={len(v)}"
                    for k, v in changes.items())


def _weights(pg: Playground) -> list[np.ndarray]:
    return [a for lin in pg.linears for a in (lin.weight.data, lin.bias.data)]


@pytest.mark.parametrize("changes", SETTINGS, ids=_id)
def test_compiled_epochs_give_the_engines_weights(changes):
    cfg = Config(**changes)
    data = make_data(cfg, np.zeros((0, 3)))
    engine, compiled = Playground(cfg, data, 4, fast=False), Playground(cfg, data, 4)
    epochs = 100 if len(cfg.hidden) < 6 else 30  # the heavy net: the engine takes 50 ms an epoch
    for _ in range(epochs):
        engine.step()
        compiled.step()
    for a, b in zip(_weights(compiled), _weights(engine), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    assert compiled.epoch == engine.epoch == epochs
    assert compiled.metrics(compiled.F_train, data.y_train)["loss"] == pytest.approx(
        engine.metrics(engine.F_train, data.y_train)["loss"], abs=1e-9)


def test_the_trainer_runs_batches_when_the_learner_or_a_callback_needs_them():
    from profond.train.callbacks import Callback
    from profond.train.trainer import Trainer

    class Batches(Callback):
        seen = 0

        def on_batch_end(self, step, loss):
            Batches.seen += 1

    cfg = Config(dropout=0.1)  # dropout: the engine's masks, so the batch loop
    data = make_data(cfg, np.zeros((0, 3)))
    pg = Playground(cfg, data, 0)
    assert pg.train_epoch(pg.prepare(data.X_train, data.y_train), np.arange(3), 1) is None
    before = pg.linears[0].weight.data.copy()
    pg.step()
    assert not np.array_equal(before, pg.linears[0].weight.data)
    fast = Playground(Config(), data, 0)
    Trainer(1, 10, callbacks=[Batches()], stop_on_divergence=False).fit(
        fast, (data.X_train, data.y_train))
    assert Batches.seen == 25  # 250 points in batches of 10, each reported
