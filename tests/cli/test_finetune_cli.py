"""`profond finetune` from a `profond train` run, and the finetune-gain experiment (quick)."""

import json
import re

import pytest
from typer.testing import CliRunner

from profond.cli import app
from profond.experiments.registry import run_experiment
from profond.train.runs import RunStore

runner = CliRunner()


@pytest.fixture(autouse=True)
def _runs(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


def _json(args) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_trained_run_is_fine_tuned_on_other_classes(tmp_path):
    pre = _json(["train", "mlp", "--data", "digits", "--hidden", "32", "--epochs", "3", "--json"])
    tuned = _json(["finetune", "--from", pre["run_id"], "--data", "digits", "--classes",
                   "5,6,7,8,9", "--per-class", "20", "--mode", "full", "--unfreeze-schedule",
                   "every:2", "--epochs", "5", "--batch-size", "20", "--json"])
    assert tuned["unfrozen_blocks"] == [0, 0, 1, 1, 1]
    assert 0 <= tuned["test_acc"] <= 1 and tuned["epochs"] == 5
    record = RunStore(tmp_path / "runs").get(tuned["run_id"])
    assert record["status"] == "finished" and record["config"]["from"] == pre["run_id"]
    assert record["config"]["hidden"] == [32]  # the architecture travels with the run
    again = _json(["finetune", "--from", tuned["run_id"], "--data", "digits", "--classes",
                   "0,1", "--mode", "features", "--epochs", "1", "--json"])
    assert again["unfrozen_blocks"] == [0]


@pytest.mark.parametrize(("args", "message"), [
    # torchvision is not installed here (its PyPI build does not import beside torch 2.13)
    (["--from", "torchvision:resnet18"], r"--from: torchvision:resnet18 needs the torchvision "
                                         r"package, which is not installed"),
    (["--from", "nope"], r"--from: expected a run id of .*; got 'nope'"),
    (["--from", "x", "--classes", "5"], r"--classes: expected at least two distinct labels in "
                                        r"0..9 separated by commas; got '5'"),
    (["--from", "x", "--per-class", "0"], r"--per-class: expected an integer >= 1; got 0"),
])
def test_bad_options_fail_with_one_line(args, message):
    result = runner.invoke(app, ["finetune", "--data", "digits", *args])
    assert result.exit_code == 2, result.output
    assert re.fullmatch(f"error: {message}.*", result.stderr.strip(), re.S), result.stderr


def test_finetune_gain_quick_beats_scratch_with_ten_examples_per_class(tmp_path):
    result = run_experiment("finetune-gain", quick=True, seed=0, out_dir=tmp_path / "exp")
    assert [r["per_class"] for r in result.rows] == [10, 50, "all"]
    few = result.rows[0]
    assert few["n_train"] == 50
    # checked with seeds 0-5: full fine-tuning beats scratch by 10-14 points at 10 per class
    assert few["full %"] > few["scratch %"] + 3 and few["features %"] > few["scratch %"]
    assert result.claims["finetune_beats_scratch_few_shot"] is True
    assert (tmp_path / "exp" / "finetune_gain.png").read_bytes()[:4] == b"\x89PNG"
    store = RunStore(tmp_path / "exp" / "runs")
    assert store.get(result.claims["pretrained_run"])["status"] == "finished"
