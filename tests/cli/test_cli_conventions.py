"""Command-line conventions: JSON alone on stdout, exit codes, "did you mean", whole values in
tables on 80 columns, experiment progress, energy metering only when asked."""

import io
import json
import re

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from profond.cli import app
from profond.cli.common import pairs_table, rows_table
from profond.train.callbacks import ArmProgress, watching
from profond.train.runs import RunStore
from profond.train.trainer import Trainer

runner = CliRunner()


def _render(table, width=80) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), soft_wrap=True)
    console.print(table)
    return console.export_text()


def test_no_value_is_cut_on_80_columns():
    # a runs list row and a run's options as `runs show` prints them: every value whole
    row = {"id": "20261129-090554-finetune-mnist1d-cnn-mnist1d-s0-da59", "status": "interrupted",
           "epochs": 20, "test_acc": 0.6312}
    text = _render(rows_table([row]))
    for value in (row["id"], "interrupted", "20", "63.12 %"):
        assert value in text
    assert "…" not in text
    options = {"model": "mnist1d-cnn", "lr": 0.001, "weight_decay": 0.0005, "hidden": [64, 32],
               "from": "/home/student/cours/profond/runs/20261129-090554-mlp-digits-torch-s0-da59"}
    text = _render(pairs_table(options, "options", "option"), width=60)
    assert "…" not in text
    for value in ("0.001", "0.0005", "[64, 32]", "weight_decay"):
        assert value in text
    # a path longer than the terminal folds onto the next line, every character kept
    assert options["from"] in "".join(line.strip(" │") for line in text.splitlines())


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    return RunStore()


def test_runs_json_is_alone_on_stdout_and_unknown_ids_exit_1(store):
    run = store.create({"model": "mlp", "data": "iris", "lr": 0.1}, run_id="a1")
    run.log_epoch({"epoch": 1, "loss": 0.5})
    run.finish("finished", {"test_acc": 0.75, "test_loss": 0.5})
    for args in (["runs", "list"], ["runs", "show", "a"], ["runs", "compare", "a1", "a1"]):
        result = runner.invoke(app, [*args, "--json"])
        assert result.exit_code == 0, result.output
        json.loads(result.stdout)  # the object alone: `profond runs list --json | jq` works
        assert "75.00 %" in result.stderr  # the table went to stderr, as a percentage
    missing = runner.invoke(app, ["runs", "show", "zzz"])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == (f"error: run: expected the id of a run in "
                                      f"{store.db_path}; got 'zzz'")


def test_train_measures_energy_only_with_energy(store):
    result = runner.invoke(app, ["train", "logistic", "--data", "iris", "--epochs", "1",
                                 "--json"])
    assert result.exit_code == 0, result.output
    final = json.loads(result.stdout)
    assert "energy_kwh" not in final and store.get(final["run_id"])["config"]["energy"] is False
    shown = runner.invoke(app, ["runs", "show", final["run_id"]])
    assert "energy: not measured (--energy on train, tune or finetune measures it)" in \
        shown.stdout


def test_energy_without_codecarbon_is_a_usage_error(store, monkeypatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "codecarbon" else find_spec(name, *a))
    result = runner.invoke(app, ["train", "logistic", "--data", "iris", "--energy"])
    assert result.exit_code == 2
    assert "--energy: expected codecarbon installed (pip install 'profond[carbon]')" in \
        result.stderr


@pytest.mark.parametrize("args, hint", [
    (["train", "mlp", "--data", "irs"], "(did you mean 'iris'?)"),
    (["train", "mpl", "--data", "iris"], "(did you mean 'mlp'?)"),
    (["experiment", "run", "overfiting"], "(did you mean 'overfitting'?)"),
    (["data", "show", "moon"], "(did you mean 'moons'?)"),
])
def test_misspelled_names_get_a_did_you_mean(args, hint):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert hint in result.stderr


class _Learner:
    """A learner that learns nothing, for the Trainer's hooks."""

    lr = 0.1
    model = object()

    def prepare(self, X, y):
        return X, y

    def train_batch(self, data, idx):
        return 1.0

    def evaluate(self, data):
        return {"loss": 1.0}


def test_watching_shows_each_training_as_an_arm_with_its_epochs():
    shown = []
    with watching(ArmProgress("exp", shown.append)):
        for epochs in (2, 1):  # two arms, built inside the block as an experiment does
            Trainer(epochs, 4).fit(_Learner(), (np.zeros((8, 1)), np.zeros(8)))
    Trainer(1, 4).fit(_Learner(), (np.zeros((8, 1)), np.zeros(8)))  # outside: not shown
    assert [re.sub(r", ~\d+ s left", "", s) for s in shown] == [
        "exp: arm 1 (object), starting", "exp: arm 1 (object), epoch 1/2",
        "exp: arm 1 (object), epoch 2/2", "exp: arm 2 (object), starting",
        "exp: arm 2 (object), epoch 1/1"]
    assert shown[1].endswith("s left") and shown[2].endswith("~0 s left")
