"""`profond train`: the digits requirement, its output files, and clean errors for bad options."""

import json
import re

import pytest
from typer.testing import CliRunner

from profond.cli import app

runner = CliRunner()
DIGITS = ["train", "mlp", "--engine", "scratch", "--data", "digits", "--hidden", "64,32",
          "--activation", "relu", "--optimizer", "adam", "--lr", "1e-3", "--epochs", "30",
          "--batch-size", "64", "--seed", "0", "--json"]


@pytest.fixture(autouse=True)
def _runs(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_scratch_mlp_reaches_97_percent_on_digits(tmp_path):
    result = runner.invoke(app, DIGITS)
    assert result.exit_code == 0, result.output
    summary = _last_json(result.stdout)
    assert set(summary) >= {"run_id", "test_acc", "test_loss", "epochs", "seconds"}
    assert summary["test_acc"] >= 0.97
    assert summary["epochs"] == 30 and 0 < summary["test_loss"] < 0.5
    folder = tmp_path / "runs" / summary["run_id"]
    for name in ("learning_curves.png", "confusion_matrix.png"):
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((folder / "final.json").read_text())["test_acc"] == summary["test_acc"]


def test_logistic_regression_on_iris_writes_into_out(tmp_path):
    out = tmp_path / "iris-run"
    result = runner.invoke(app, ["train", "logistic", "--engine", "scratch", "--data", "iris",
                                 "--lr", "0.05", "--epochs", "40", "--batch-size", "16",
                                 "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    # iris is close to linearly separable: a softmax regression gets most of it right
    assert _last_json(result.stdout)["test_acc"] > 0.85
    assert (out / "learning_curves.png").exists() and (out / "confusion_matrix.png").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["cnn"], "model: expected one of 'logistic', 'mlp', .*; got 'cnn' .did you mean 'rnn'..?"),
    (["mlp", "--data", "nope"], "--data: expected one of .*'digits'.*; got 'nope'"),
    (["mlp", "--activation", "swish"],
     "--activation: expected one of 'relu', 'tanh', 'sigmoid', 'leaky-relu', 'linear'; "
     "got 'swish'"),
    (["mlp", "--optimizer", "rmsprop"],
     "--optimizer: expected one of 'sgd', 'momentum', 'adagrad', 'adam'; got 'rmsprop'"),
    (["mlp", "--engine", "jax"], "--engine: expected one of .*'scratch'.*; got 'jax'"),
    (["mlp", "--lr", "0"], r"--lr: expected a number > 0; got 0.0"),
    (["mlp", "--lr", "-1"], r"--lr: expected a number > 0; got -1.0"),
    (["mlp", "--hidden", "64,x"],
     "--hidden: expected comma-separated positive integers like 64,32; got '64,x'"),
    (["mlp", "--hidden", "0"],
     "--hidden: expected comma-separated positive integers like 64,32; got '0'"),
    (["mlp", "--epochs", "0"], "--epochs: expected an integer >= 1; got 0"),
    (["mlp", "--dropout", "1.5"], r"--dropout: expected a number in \[0.0, 0.95\]; got 1.5"),
])
def test_bad_options_fail_with_one_line_naming_option_expected_and_received(args, message):
    result = runner.invoke(app, ["train", *args])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(f"error: {message}", lines[0]), lines[0]


def test_a_diverging_run_stops_with_the_divergence_message():
    result = runner.invoke(app, ["train", "mlp", "--optimizer", "sgd", "--lr", "1e4",
                                 "--epochs", "3"])
    assert result.exit_code == 1
    assert re.search(r"error: loss (became nan|became inf|"
                     r"exploded to \S+ \(over 1e\+06 x the first batch's \S+\))"
                     r" at epoch 1 step \d+; "
                     r"try a lower learning rate \(got lr=10000\)", result.stderr)


@pytest.mark.parametrize(("args", "message"), [
    (["--device", "tpu"], r"--device: expected auto, cpu, cuda, cuda:N or mps; got 'tpu'"),
    (["--engine", "scratch", "--compile"], r"--device, --amp, --compile, --augment, --balanced: "
                                            r"expected the torch engine"),
    (["--engine", "scratch", "--amp"], r"expected the torch engine"),
])
def test_device_options_are_checked_by_name(args, message):
    result = runner.invoke(app, ["train", "mlp", "--data", "iris", "--epochs", "1", *args])
    assert result.exit_code == 2 and re.search(message, result.stderr)


def test_augment_and_balanced_reach_the_learner_and_the_run(tmp_path):
    result = runner.invoke(app, ["train", "lenet5", "--data", "digits", "--epochs", "1",
                                 "--augment", "crop,flip", "--balanced", "--json"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "runs" / _last_json(result.stdout)["run_id"]
    config = json.loads((folder / "config.json").read_text())
    assert (config["augment"], config["balanced"]) == ("crop,flip", True)
    bad = runner.invoke(app, ["train", "mnist1d-cnn", "--data", "mnist1d", "--epochs", "1",
                              "--augment", "flip"])
    assert bad.exit_code == 2
    assert "--augment: expected names among crop1d for inputs of shape (40,)" in bad.stderr


def test_a_missing_gpu_is_named():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = runner.invoke(app, ["train", "mlp", "--data", "iris", "--device", "cuda:0"])
    assert result.exit_code == 2
    assert "--device: expected a device this machine has (cpu); got 'cuda:0'" in result.stderr


def test_device_and_amp_choices_are_recorded_in_the_run(tmp_path):
    result = runner.invoke(app, ["train", "logistic", "--data", "iris", "--epochs", "2",
                                 "--device", "cpu", "--no-amp", "--json"])
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "runs" / _last_json(result.stdout)["run_id"] / "config.json")
                        .read_text())
    assert (config["device"], config["amp"], config["compile"]) == ("cpu", False, False)


@pytest.mark.slow
def test_compile_trains_the_same_numbers_as_eager():
    """torch.compile (inductor builds C++ on the CPU: ~40 s) changes speed, not the maths."""
    args = ["train", "logistic", "--data", "iris", "--epochs", "2", "--json"]
    eager = _last_json(runner.invoke(app, args).stdout)
    compiled = runner.invoke(app, [*args, "--compile"])
    assert compiled.exit_code == 0, compiled.output
    compiled = _last_json(compiled.stdout)
    assert compiled["test_acc"] == eager["test_acc"]
    assert compiled["test_loss"] == pytest.approx(eager["test_loss"], abs=1e-5)


def test_the_recurrent_twins_train_on_the_scratch_engine():
    result = runner.invoke(app, ["train", "gru", "--engine", "scratch", "--data", "mnist1d",
                                 "--epochs", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert _last_json(result.stdout)["test_acc"] > 0.2  # chance is 0.1
