"""`--energy` on tune and finetune, as on train: each run records the meter's reading, `runs show`
prints it, and without the carbon extra the option is a usage error. The meter is a stand-in
(CodeCarbon's own reading is checked by tests/cli/test_runs_cli.py); the plumbing is real."""

import importlib.util
import json
import re

import pytest
from typer.testing import CliRunner

from profond.cli import app
from profond.train import energy
from profond.train.callbacks import Callback
from profond.train.runs import RunStore

runner = CliRunner()
READING = {"energy_kwh": 0.0025, "co2e_kg": 0.000125, "carbon_country": "FRA"}


class _Meter(Callback):
    def __init__(self, started: list):
        self.started = started

    def on_train_begin(self):
        self.started.append(True)

    def summary(self):
        return dict(READING)


@pytest.fixture
def started(tmp_path, monkeypatch) -> list:
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    pytest.importorskip("codecarbon")  # --energy checks that the carbon extra is there
    started: list = []
    monkeypatch.setattr(energy, "emissions_meters", lambda: [_Meter(started)])
    return started


def _json(args) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def _shows_the_reading(run_id: str) -> None:
    shown = runner.invoke(app, ["runs", "show", run_id])
    assert "energy: 0.0025 kWh, CO2e: 0.000125 kg (FRA grid, CodeCarbon)" in shown.stdout


def test_tune_with_energy_meters_every_trial_and_the_retrained_run(started, tmp_path):
    summary = _json(["tune", "logistic", "--data", "iris", "--grid", "lr=1e-2,1e-1",
                     "--epochs", "1", "--workers", "1", "--energy", "--json"])
    store = RunStore(tmp_path / "runs")
    run_ids = [t["run_id"] for t in summary["trials"]] + [summary["run_id"]]
    assert len(started) == len(run_ids) == 3
    for run_id in run_ids:
        record = store.get(run_id)
        assert record["config"]["energy"] is True
        assert {k: record["final"][k] for k in READING} == READING
    _shows_the_reading(summary["run_id"])


def test_finetune_with_energy_records_and_shows_the_reading(started, tmp_path):
    pre = _json(["train", "logistic", "--data", "digits", "--epochs", "1", "--json"])
    assert started == []  # train without --energy: no meter
    tuned = _json(["finetune", "--from", pre["run_id"], "--data", "digits", "--epochs", "1",
                   "--classes", "0,1", "--energy", "--json"])
    record = RunStore(tmp_path / "runs").get(tuned["run_id"])
    assert started == [True] and record["config"]["energy"] is True
    assert {k: record["final"][k] for k in READING} == READING
    _shows_the_reading(tuned["run_id"])


@pytest.mark.parametrize("args", [
    ["tune", "logistic", "--data", "iris", "--grid", "lr=1e-2", "--energy"],
    ["finetune", "--from", "x", "--data", "digits", "--energy"],
])
def test_energy_without_codecarbon_is_a_usage_error(args, monkeypatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "codecarbon" else find_spec(name, *a))
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert re.search(r"--energy: expected codecarbon installed \(pip install "
                     r"'profond\[carbon\]'\)", result.stderr)


def test_the_energy_option_has_the_same_help_on_every_training_command():
    import typer

    root = typer.main.get_command(app)
    helps = set()
    for path in (["train"], ["tune"], ["finetune"], ["rl", "train"]):
        command = root
        for name in path:
            command = command.commands[name]
        (option,) = [p for p in command.params if "--energy" in p.opts]
        helps.add(option.help)
    assert helps == {"Measure the training's energy (kWh) and CO2e with CodeCarbon (the carbon "
                     "extra); it slows short runs."}
