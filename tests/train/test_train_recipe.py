"""The training recipe: a typed config, per-model recipes, schedules, threads, the CLI on top."""

import json
import math
import os
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from profond.cli import app
from profond.train.callbacks import OneCycle
from profond.train.config import TrainConfig
from profond.train.recipe import build_learner, choose_threads, resolve, step_flops
from profond.train.recipes import DEFAULTS, RECIPES
from profond.train.trainer import Trainer

runner = CliRunner()


def test_fields_left_out_take_the_models_recipe_and_flags_win():
    cnn = resolve(TrainConfig("mnist1d-cnn", "mnist1d"))
    assert (cnn.optimizer, cnn.lr, cnn.batch_size, cnn.epochs, cnn.schedule, cnn.augment) == \
        ("adam", 0.02, 250, 150, "onecycle", "crop1d")
    assert resolve(TrainConfig("mnist1d-cnn", "mnist1d", lr=0.1, epochs=3)).lr == 0.1
    mlp = resolve(TrainConfig("mlp", "mnist1d"))
    assert mlp.hidden == (100, 100) and mlp.residual is True
    digits = resolve(TrainConfig("mlp", "digits"))  # no recipe there: the general defaults
    assert digits.hidden == DEFAULTS["hidden"] and digits.lr == DEFAULTS["lr"]
    # the scratch engine has no per-batch augmentation: the recipe's crop1d is not asked of it
    assert resolve(TrainConfig("mnist1d-cnn", "mnist1d", engine="scratch")).augment == ""
    assert all(set(r.values) <= set(DEFAULTS) for r in RECIPES.values())


def test_a_config_survives_json_and_reads_runs_written_before_it():
    config = resolve(TrainConfig("mlp", "digits", hidden="32,16", seed=3))
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    old = {"model": "mlp", "data": "digits", "engine": "torch", "hidden": "64,32", "lr": 0.001,
           "epochs": 30, "tune": "t1", "trial": 0}  # bookkeeping keys are not config fields
    assert TrainConfig.from_dict(old).hidden == (64, 32)


@pytest.mark.parametrize(("changes", "message"), [
    ({"model": "mnist1d_cnn"}, r"model: expected one of .*; got 'mnist1d_cnn' \(did you mean "
                               r"'mnist1d-cnn'\?\)"),
    ({"engine": "scratch", "model": "transformer"}, r"model \(with --engine scratch\)"),
    ({"schedule": "cosine"}, r"--schedule: expected one of 'constant', 'onecycle'"),
    ({"threads": -1}, r"--threads: expected an integer >= 0; got -1"),
])
def test_bad_fields_name_their_option(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**{"model": "mlp", **changes}).check()


def test_one_cycle_follows_its_formula_and_a_resumed_run_continues_the_curve():
    X, y = np.random.default_rng(0).normal(size=(40, 3)).astype(np.float32), np.zeros(40, int)
    config = resolve(TrainConfig("logistic", "iris", lr=0.5, optimizer="sgd"))

    def lrs(epochs, initial_epoch=0, stop_after=None):
        learner = build_learner(config, (3,), 2, "classification")
        seen = []
        record = type("R", (OneCycle,), {"on_batch_end": lambda self, s, loss: (
            OneCycle.on_batch_end(self, s, loss), seen.append(learner.lr))})
        trainer = Trainer(epochs, 10, callbacks=[record(0.5)], eval_train=False)
        for logs in trainer.epochs(learner, (X, y), initial_epoch=initial_epoch):
            if logs["epoch"] == stop_after:
                break
        return seen

    whole = lrs(5)
    total, warm = 20, 4  # 5 epochs x 4 steps, 20 % warm-up
    expected = [0.5 * (t + 1) / warm if t < warm else
                0.5 * (1 + math.cos(math.pi * (t - warm) / (total - warm))) / 2
                for t in range(1, total + 1)]
    assert whole == pytest.approx(expected)
    assert lrs(5, stop_after=2) + lrs(5, initial_epoch=2) == pytest.approx(whole)


def test_step_flops_match_a_hand_count_and_small_models_get_one_thread():
    config = resolve(TrainConfig("logistic", "digits"))
    learner = build_learner(config, (64,), 10, "classification")
    example = np.zeros(64, np.float32)
    # forward x W^T: 2 N in out; backward: dW only (the input needs no gradient): 2 N in out
    assert step_flops(learner, 32, example) == 4 * 32 * 64 * 10
    assert choose_threads(learner, 32, example) == 1
    big = build_learner(resolve(TrainConfig("mlp", "digits", hidden=(2048, 2048))), (64,), 10,
                        "classification")
    assert step_flops(big, 256, example) > 1e9
    assert choose_threads(big, 256, example) == len(os.sched_getaffinity(0))


def test_help_shows_the_recipes_and_a_run_records_the_resolved_config(tmp_path, monkeypatch):
    result = runner.invoke(app, ["train", "--help"], terminal_width=200)
    assert "mnist1d-cnn on mnist1d: optimizer adam, lr 0.02" in " ".join(result.stdout.split())
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    result = runner.invoke(app, ["train", "logistic", "--data", "iris", "--epochs", "2",
                                 "--json"])
    assert result.exit_code == 0, result.output
    final = json.loads(result.stdout)  # --json: the object alone on stdout
    config = json.loads((tmp_path / final["run_id"] / "config.json").read_text())
    assert config["lr"] == DEFAULTS["lr"] and config["epochs"] == 2 and config["threads"] == 1
    shown = runner.invoke(app, ["runs", "show", final["run_id"]], terminal_width=200)
    assert re.search(r"batch_size\W+64\b", shown.stdout), shown.stdout


@pytest.mark.slow
def test_the_readme_command_reaches_the_papers_cnn_accuracy(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    result = runner.invoke(app, ["train", "mnist1d-cnn", "--data", "mnist1d", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["test_acc"] >= 0.92


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adagrad", "adam"])
def test_every_optimizer_name_builds_the_same_step_on_both_engines(optimizer):
    from profond import names

    assert set(names.OPTIMIZERS) == {"sgd", "momentum", "adagrad", "adam"}
    config = resolve(TrainConfig("mlp", "iris", hidden=(5,), optimizer=optimizer, lr=0.1,
                                 weight_decay=0.01))
    torch_learner = build_learner(config, (4,), 3, "classification")
    scratch = build_learner(config.replace(engine="scratch"), (4,), 3, "classification")
    scratch.model.load_state_dict({k: v.astype(np.float32)
                                   for k, v in torch_learner.model_state().items()})
    X = np.random.default_rng(1).normal(size=(12, 4)).astype(np.float32)
    y = np.arange(12) % 3
    data_t, data_s = torch_learner.prepare(X, y), scratch.prepare(X, y)
    for start in (0, 4, 8, 0):
        idx = np.arange(start, start + 4)
        torch_learner.train_batch(data_t, idx)
        scratch.train_batch(data_s, idx)
    for key, value in torch_learner.model_state().items():
        np.testing.assert_allclose(scratch.model.state_dict()[key], value, rtol=1e-4, atol=1e-5)
