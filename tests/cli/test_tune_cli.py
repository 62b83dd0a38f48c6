"""`profond tune`: trials are runs judged on validation; the test split never steers the search."""

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import profond.data
from profond.cli import app
from profond.train.runs import RunStore

runner = CliRunner()
TUNE = ["tune", "mlp", "--data", "iris", "--grid", "lr=3e-3,3e-2,1e-1;hidden=16", "--epochs", "4",
        "--workers", "1", "--val-fraction", "0.25", "--json"]


@pytest.fixture(autouse=True)
def _runs(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


def _tune(args=TUNE) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def _garbage_test_split(dataset):
    """Test inputs all NaN, test labels shuffled: any use of them would show."""
    rng = np.random.default_rng(0)
    return dataclasses.replace(dataset, X_test=np.full_like(dataset.X_test, np.nan),
                               y_test=rng.permutation(dataset.y_test))


def test_trials_are_runs_ranked_on_validation_and_test_data_cannot_change_the_choice(
        tmp_path, monkeypatch):
    clean = _tune()
    trials = clean["trials"]
    assert [t["params"]["lr"] for t in trials] == [3e-3, 3e-2, 1e-1]
    best = max(trials, key=lambda t: (t["val_acc"], -t["trial"]))
    assert clean["best_trial"] == best["trial"] and clean["best"] == best["params"]
    assert clean["metric"] == "val_acc" and clean["best_metric"] == best["val_acc"]
    assert 0 <= clean["test_acc"] <= 1 and math.isfinite(clean["test_loss"])

    store = RunStore(tmp_path / "runs")
    records = {r["id"]: r for r in store.list()}
    trial_runs = [records[t["run_id"]] for t in trials]
    assert all(r["config"]["tune"] == clean["tune_id"] for r in trial_runs)
    assert all(r["status"] == "finished" and "test_acc" not in r["final"] for r in trial_runs)
    assert [r["final"]["val_acc"] for r in trial_runs] == [t["val_acc"] for t in trials]
    final = records[clean["run_id"]]  # the winner, retrained on train + val and tested once
    assert final["config"]["val_fraction"] == 0 and final["config"]["lr"] == best["params"]["lr"]
    assert final["final"]["test_acc"] == clean["test_acc"]
    # its id is its folder's name, beside the trials'
    assert clean["run_id"] == f"{clean['tune_id']}-final" == Path(final["folder"]).name
    assert len(records) == len(trials) + 1
    # energy metering is opt-in (`profond train --energy`): trials are not metered
    assert not any("energy_kwh" in r["final"] for r in trial_runs)

    load = profond.data.load
    monkeypatch.setattr(profond.data, "load", lambda name, **kw: _garbage_test_split(load(name)))
    spoiled = _tune()
    strip = [{k: v for k, v in t.items() if k != "run_id"} for t in spoiled["trials"]]
    assert strip == [{k: v for k, v in t.items() if k != "run_id"} for t in trials]
    assert spoiled["best"] == clean["best"]
    assert math.isnan(spoiled["test_loss"])  # the test split was read once, after the choice


class _SealedTest:
    """A dataset whose test split raises on access."""

    def __init__(self, dataset):
        self._dataset = dataset

    def __getattr__(self, name):
        if "test" in name:
            raise AssertionError(f"the search read {name}")
        return getattr(self._dataset, name)


def test_the_search_never_touches_the_test_attributes(tmp_path):
    from profond.cli.tune import search_trials, trial_configs

    options = trial_configs("logistic", "iris", "torch", 2, 0, 0.2, [{"lr": lr}
                                                                    for lr in (0.01, 0.1)])
    sealed = _SealedTest(profond.data.load("iris"))
    trials = search_trials(sealed, options, 1, "sealed", root=tmp_path / "store")
    assert [t.error for t in trials] == ["", ""]
    # a 20 % validation part of iris's 105 training examples: 21 examples
    assert all(round(t.metrics["val_acc"] * 21, 6).is_integer() for t in trials)


@pytest.mark.parametrize(("args", "message"), [
    (["--grid", "lr=0,0.1"], r"--lr: expected a number > 0; got 0.0"),
    (["--grid", "activation=swish"], r"--activation: expected one of .*; got 'swish'"),
    (["--grid", "lr=0.1", "--workers", "0"], r"--workers: expected an integer >= 1; got 0"),
    (["--grid", "lr=0.1", "--trials", "4"], r"--trials: expected only with --search random"),
    (["--grid", "lr=0.1", "--val-fraction", "0"],
     r"--val-fraction: expected a number in \[0.01, 0.9\]; got 0.0"),
    (["--grid-file", "nope.toml"], r"--grid-file: expected a TOML file; got 'nope.toml'"),
])
def test_bad_options_fail_with_one_line(args, message):
    result = runner.invoke(app, ["tune", "mlp", "--data", "iris", *args])
    assert result.exit_code == 2, result.output
    assert re.fullmatch(f"error: {message}.*", result.stderr.strip()), result.stderr


def test_epochs_can_be_searched(tmp_path):
    # epochs is a documented search parameter; it came twice into one call and always crashed
    summary = _tune(["tune", "logistic", "--data", "iris", "--grid", "epochs=1,3", "--workers",
                     "1", "--json"])
    assert [t["params"]["epochs"] for t in summary["trials"]] == [1, 3]
    runs = [RunStore(tmp_path / "runs").get(t["run_id"]) for t in summary["trials"]]
    assert [len(r["epochs"]) for r in runs] == [1, 3]


def test_random_search_from_a_grid_file_with_a_range(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text("lr = {low = 1e-3, high = 1e-1, log = true}\n")
    summary = _tune(["tune", "logistic", "--data", "iris", "--grid-file", str(grid), "--search",
                     "random", "--trials", "3", "--epochs", "2", "--workers", "1", "--json"])
    lrs = [t["params"]["lr"] for t in summary["trials"]]
    assert len(set(lrs)) == 3 and all(1e-3 <= lr <= 1e-1 for lr in lrs)
