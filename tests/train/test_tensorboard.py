"""`profond.train.tensorboard.export`: a recorded run's history and options as event files that
TensorBoard's own reader reads back as the run recorded them."""

import json

import pytest

from profond.train import tensorboard
from profond.train.runs import RunStore

pytest.importorskip("tensorboard")  # the tensorboard extra is part of `all`, which CI installs
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402

CONFIG = {"model": "mlp", "data": "iris", "lr": 0.05, "hidden": [8, 4], "amp": False,
          "augment": None}


def _recorded_run(tmp_path):
    """A run recorded without TensorBoard (no RunRecorder writer), one epoch without val_acc."""
    run = RunStore(tmp_path / "runs").create(CONFIG, run_id="r1")
    for epoch, loss in enumerate((1.0, 0.5, 1 / 3), 1):
        logs = {"epoch": epoch, "lr": 0.05, "loss": loss, "acc": 1 - loss / 2}
        run.log_epoch(logs if epoch == 2 else {**logs, "val_acc": 0.3 + epoch / 10})
    run.finish("finished", {"test_acc": 0.8})
    return run


def _read(folder) -> EventAccumulator:
    events = EventAccumulator(str(folder))
    events.Reload()
    return events


def test_export_writes_scalars_and_hparams_equal_to_the_recorded_history(tmp_path):
    run = _recorded_run(tmp_path)
    folder = tensorboard.export(RunStore(tmp_path / "runs").get("r1"), tmp_path / "tb")
    events = _read(folder)
    history = json.loads((run.folder / "metrics.json").read_text())
    for key in ("epoch", "lr", "loss", "acc", "val_acc"):
        logged = [(e["epoch"], e[key]) for e in history if key in e]
        assert [(s.step, s.value) for s in events.Scalars(key)] == [
            (step, pytest.approx(value, rel=1e-6)) for step, value in logged], key
    start = plugin_data_pb2.HParamsPluginData.FromString(
        events.PluginTagToContent("hparams")["_hparams_/session_start_info"]).session_start_info
    assert set(start.hparams) == {"model", "data", "lr", "hidden", "amp"}  # None is left out
    assert start.hparams["model"].string_value == "mlp"
    assert start.hparams["lr"].number_value == 0.05
    assert start.hparams["hidden"].string_value == "[8, 4]"
    assert start.hparams["amp"].bool_value is False
    assert events.Scalars("hparam/loss")[-1].value == pytest.approx(1 / 3)
    assert events.Scalars("hparam/val_acc")[-1].value == pytest.approx(0.6)


def test_a_second_export_replaces_the_first(tmp_path):
    run = _recorded_run(tmp_path)
    record = RunStore(tmp_path / "runs").get(run.id)
    tensorboard.export(record, tmp_path / "tb")
    tensorboard.export(record, tmp_path / "tb")
    assert [s.step for s in _read(tmp_path / "tb").Scalars("loss")] == [1, 2, 3]


def test_without_the_extra_the_error_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr(tensorboard, "installed", lambda: False)
    with pytest.raises(RuntimeError, match=r'pip install "profond\[tensorboard\]"'):
        tensorboard.export({"epochs": [], "config": {}}, tmp_path)
    assert tensorboard.writer(tmp_path) is None
