"""`profond runs` and the store writes of `profond train` (tiny budgets)."""

import io
import json
import re

import pytest
from typer.testing import CliRunner

from profond.cli import app
from profond.train.runs import RunStore

runner = CliRunner()


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    store = RunStore()
    for run_id, lr, accs in (("a", 0.1, [0.5, 0.7]), ("b", 0.01, [0.4, 0.6])):
        run = store.create({"model": "mlp", "data": "iris", "lr": lr}, run_id=run_id)
        for epoch, acc in enumerate(accs, 1):
            run.log_epoch({"epoch": epoch, "loss": 1 - acc, "val_acc": acc})
        run.finish("finished", {"test_acc": accs[-1], "test_loss": 1 - accs[-1]})
    return store


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_list_show_compare(store):
    listed = runner.invoke(app, ["runs", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert {r["id"]: r["test_acc"] for r in _last_json(listed.stdout)["runs"]} == {"a": 0.7,
                                                                                  "b": 0.6}
    shown = _last_json(runner.invoke(app, ["runs", "show", "a", "--json"]).stdout)
    assert shown["status"] == "finished" and [e["val_acc"] for e in shown["epochs"]] == [0.5, 0.7]
    compared = _last_json(runner.invoke(app, ["runs", "compare", "a", "b", "--json"]).stdout)
    assert compared["differing"] == ["lr"]
    assert [(r["id"], r["lr"], r["test_acc"]) for r in compared["runs"]] == [("a", 0.1, 0.7),
                                                                              ("b", 0.01, 0.6)]


def test_a_narrow_terminal_shows_the_whole_run_id_to_copy():
    from rich.console import Console

    from profond.cli.common import rows_table

    run_id = "20261129-090554-mnist1d-cnn-mnist1d-torch-s0-da59"
    row = {"id": run_id, "status": "finished", "model": "mnist1d-cnn", "data": "mnist1d",
           "engine": "torch", "epochs": 20, "test_acc": 0.63}
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(rows_table([row]))
    assert run_id in console.export_text()


def test_plot_writes_a_png_and_errors_are_one_line(store, tmp_path):
    out = tmp_path / "cmp.png"
    result = runner.invoke(app, ["runs", "plot", "a", "b", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = runner.invoke(app, ["runs", "plot", "a", "--metric", "f1"])
    assert bad.exit_code == 2
    assert re.fullmatch(r"error: --metric: expected one of epoch, loss, val_acc; got 'f1'",
                        bad.stderr.strip())
    missing = runner.invoke(app, ["runs", "show", "zzz"])
    assert missing.exit_code == 1 and "got 'zzz'" in missing.stderr  # a runtime failure


def test_train_records_a_finished_run_that_cannot_be_resumed(store):
    result = runner.invoke(app, ["train", "logistic", "--data", "iris", "--epochs", "2",
                                 "--lr", "0.05", "--json"])
    assert result.exit_code == 0, result.output
    run_id = _last_json(result.stdout)["run_id"]
    record = store.get(run_id)
    assert record["status"] == "finished" and record["config"]["engine"] == "torch"
    assert [e["epoch"] for e in record["epochs"]] == [1, 2]
    assert set(record["artifacts"]) >= {"model", "learning_curves", "confusion_matrix", "final"}
    assert record["final"]["test_acc"] == _last_json(result.stdout)["test_acc"]
    again = runner.invoke(app, ["train", "--resume", run_id])
    assert again.exit_code == 2
    assert f"--resume: expected an unfinished run; '{run_id}' is finished" in again.stderr


def test_energy_recorded_with_energy_and_runs_show_prints_it(store):
    pytest.importorskip("codecarbon")
    result = runner.invoke(app, ["train", "logistic", "--data", "iris", "--epochs", "1", "--json",
                                 "--energy"])
    assert result.exit_code == 0, result.output
    run_id = _last_json(result.stdout)["run_id"]
    final = store.get(run_id)["final"]
    assert final["energy_kwh"] > 0 and final["co2e_kg"] > 0 and final["carbon_country"] == "FRA"
    # France's grid: tens of g CO2e per kWh, far below coal's ~800 g
    assert 10 < 1000 * final["co2e_kg"] / final["energy_kwh"] < 150
    shown = runner.invoke(app, ["runs", "show", run_id])
    assert re.search(r"energy: \S+ kWh, CO2e: \S+ kg \(FRA grid", shown.stdout)


def test_a_diverging_train_is_stored_as_failed_with_the_message(store):
    result = runner.invoke(app, ["train", "mlp", "--data", "iris", "--optimizer", "sgd",
                                 "--lr", "1e6", "--epochs", "2"])
    assert result.exit_code == 1
    (record,) = [r for r in store.list() if r["id"] not in ("a", "b")]
    assert record["status"] == "failed"
    assert re.fullmatch(r"loss (became nan|became inf|"
                        r"exploded to \S+ \(over 1e\+06 x the first batch's \S+\))"
                        r" at epoch 1 step \d+; "
                        r"try a lower learning rate \(got lr=1e\+06\)", record["error"])


def test_an_ambiguous_prefix_gets_the_same_line_in_viz_and_finetune(tmp_path, monkeypatch):
    from profond.train.runs import RunStore

    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    store = RunStore(tmp_path)
    for suffix in ("a", "b"):
        store.create({"model": "mlp"}, f"20990101-000000-twin-{suffix}")
    shown = runner.invoke(app, ["runs", "show", "20990101"])
    for args in (["viz", "filters", "20990101"],
                 ["finetune", "--from", "20990101", "--data", "digits"]):
        result = runner.invoke(app, args)
        assert result.exit_code in (1, 2), result.output
        assert "starts several" in result.stderr
        assert result.stderr.strip().splitlines()[-1] == shown.stderr.strip().splitlines()[-1]


def test_tensorboard_exports_runs_by_prefix_and_errors_are_one_line(store, tmp_path, monkeypatch):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = store.create({"model": "gru", "lr": 0.1}, run_id="20261206-gru-x")
    run.log_epoch({"epoch": 1, "loss": 0.75})
    result = runner.invoke(app, ["runs", "tensorboard", "20261206", "a", "--out",
                                 str(tmp_path / "tb")])
    assert result.exit_code == 0, result.output
    for run_id, losses in (("20261206-gru-x", [0.75]), ("a", [0.5, 0.3])):
        events = EventAccumulator(str(tmp_path / "tb" / run_id))
        events.Reload()
        assert [s.value for s in events.Scalars("loss")] == pytest.approx(losses)
    default = runner.invoke(app, ["runs", "tensorboard", "b"])  # into the run's own folder
    assert default.exit_code == 0, default.output
    assert list((tmp_path / "runs" / "b" / "tensorboard").glob("events.out.tfevents.*"))
    # a store copied from another machine: its rows hold that machine's folders
    store.update("a", folder="/home/elsewhere/runs/a")
    copied = runner.invoke(app, ["runs", "tensorboard", "a"])
    assert copied.exit_code == 0, copied.output
    assert list((tmp_path / "runs" / "a" / "tensorboard").glob("events.out.tfevents.*"))

    store.create({"model": "gru"}, run_id="20261206-gru-y")
    ambiguous = runner.invoke(app, ["runs", "tensorboard", "20261206"])
    assert ambiguous.exit_code == 1
    assert re.fullmatch(r"error: run: expected the id of one run; '20261206' starts several "
                        r"\(20261206-gru-x, 20261206-gru-y\)", ambiguous.stderr.strip())

    from profond.train import tensorboard

    monkeypatch.setattr(tensorboard, "installed", lambda: False)
    missing = runner.invoke(app, ["runs", "tensorboard", "a"])
    assert missing.exit_code == 1
    assert re.fullmatch(r'error: tensorboard: expected the tensorboard extra installed '
                        r'\(pip install "profond\[tensorboard\]"\); got none',
                        missing.stderr.strip())
