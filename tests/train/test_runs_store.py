"""The runs store: folder and SQLite row stay in step, statuses, WAL mode, clear errors."""

import csv
import json
import shutil
import sqlite3

import numpy as np
import pytest

from profond.train.callbacks import Callback
from profond.train.runs import RunStore, epoch_columns


def test_a_run_round_trips_through_folder_and_database(tmp_path):
    store = RunStore(tmp_path)
    run = store.create({"model": "mlp", "lr": 0.01}, run_id="r1")
    run.log_epoch({"epoch": 1, "loss": np.float32(0.5), "acc": 0.75})
    run.log_epoch({"epoch": 2, "loss": 0.25, "acc": 0.875})
    (run.folder / "curves.png").write_bytes(b"png")
    run.add_artifact("learning_curves", run.folder / "curves.png")
    run.finish("finished", {"test_acc": 0.9, "test_loss": 0.3})

    record = RunStore(tmp_path).get("r1")  # a fresh store reads the same database
    assert record["status"] == "finished"
    assert record["config"] == {"model": "mlp", "lr": 0.01}
    assert record["epochs"] == [{"epoch": 1, "loss": 0.5, "acc": 0.75},
                                {"epoch": 2, "loss": 0.25, "acc": 0.875}]
    assert record["final"] == {"test_acc": 0.9, "test_loss": 0.3}
    assert record["artifacts"] == {"metrics_csv": "metrics.csv", "learning_curves": "curves.png"}
    assert json.loads((run.folder / "metrics.json").read_text()) == record["epochs"]
    assert json.loads((run.folder / "final.json").read_text()) == record["final"]
    assert json.loads((run.folder / "config.json").read_text()) == record["config"]
    assert epoch_columns(record["epochs"]) == {"epoch": [1, 2], "loss": [0.5, 0.25],
                                               "acc": [0.75, 0.875]}


def test_a_store_copied_from_another_machine_finds_its_runs_in_its_own_folders(tmp_path):
    """A teacher copies a student's runs/ folder: its rows name the student's paths."""
    store = RunStore(tmp_path / "student")
    run = store.create({"model": "mlp"}, run_id="r1")
    run.log_epoch({"epoch": 1, "loss": 0.5})
    run.finish("finished", {"test_acc": 0.9})
    outside = store.create({"model": "mlp"}, run_id="r2", folder=tmp_path / "elsewhere")
    outside.finish("finished", {})
    shutil.copytree(tmp_path / "student", tmp_path / "teacher")
    shutil.rmtree(tmp_path / "student")

    copied = RunStore(tmp_path / "teacher")
    assert copied.get("r1")["folder"] == str(tmp_path / "teacher" / "r1")
    assert [r["folder"] for r in copied.list() if r["id"] == "r1"] == [
        str(tmp_path / "teacher" / "r1")]
    reopened = copied.open("r1")
    assert json.loads((reopened.folder / "metrics.json").read_text()) == [
        {"epoch": 1, "loss": 0.5}]
    # a run recorded outside the store keeps its folder: nothing to find under the store
    assert copied.get("r2")["folder"] == str((tmp_path / "elsewhere").resolve())


def test_database_is_in_wal_mode(tmp_path):
    RunStore(tmp_path)
    with sqlite3.connect(tmp_path / "runs.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_list_is_newest_first_and_ids_are_unique(tmp_path):
    store = RunStore(tmp_path)
    ids = [store.create({"model": "gru"}).id for _ in range(3)]
    assert len(set(ids)) == 3 and all("-gru-" in i for i in ids)
    listed = [r["id"] for r in store.list()]
    assert sorted(listed) == sorted(ids)
    created = [r["created"] for r in store.list()]
    assert created == sorted(created, reverse=True)


def test_failed_runs_keep_their_error_and_truncation_reopens_a_run(tmp_path):
    store = RunStore(tmp_path)
    run = store.create({"model": "mlp"}, run_id="r2")
    for epoch in (1, 2, 3):
        run.log_epoch({"epoch": epoch, "loss": 1.0 / epoch})
    run.finish("failed", error="loss became nan at epoch 3 step 2")
    assert store.get("r2")["status"] == "failed"
    assert "nan" in store.get("r2")["error"]
    assert [e["epoch"] for e in run.truncate_epochs(2)] == [1, 2]
    assert store.get("r2")["status"] == "running" and store.get("r2")["error"] == ""


def test_a_unique_prefix_finds_a_run_as_a_short_hash_does_in_git(tmp_path):
    store = RunStore(tmp_path)
    for run_id in ("20261129-0905-mlp", "20261129-0906-gru", "20261129-0906-gru-b", "x_1"):
        store.create({"model": "m"}, run_id=run_id)
    assert store.get("20261129-0905")["id"] == "20261129-0905-mlp"
    assert store.open("20261129-0905").id == "20261129-0905-mlp"
    assert store.get("20261129-0906-gru")["id"] == "20261129-0906-gru"  # exact id wins
    assert store.get("x_")["id"] == "x_1"
    with pytest.raises(KeyError, match=r"'20261129-090' starts several \(20261129-0905-mlp, "
                                       r"20261129-0906-gru, 20261129-0906-gru-b\)"):
        store.get("20261129-090")
    for unknown in ("20261129-0905-MLP", "x%", ""):  # case counts; no SQL wildcards
        with pytest.raises(KeyError, match=r"run: expected the id of a run"):
            store.get(unknown)


def test_errors_name_what_was_expected(tmp_path):
    store = RunStore(tmp_path)
    with pytest.raises(KeyError, match=r"run: expected the id of a run in .*; got 'nope'"):
        store.get("nope")
    run = store.create({"model": "mlp"})
    with pytest.raises(ValueError, match=r"status: expected one of .*; got 'done'"):
        run.finish("done")


def test_tensorboard_events_hold_the_scalars_and_the_hyper_parameters(tmp_path):
    # the tensorboard extra is part of `all`, which CI installs: this runs there
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams import plugin_data_pb2

    from profond.train.recording import RunRecorder
    from profond.train.torch_learner import TorchLearner
    from profond.train.trainer import Trainer

    torch = pytest.importorskip("torch")
    run = RunStore(tmp_path).create({"model": "logistic", "lr": 0.1, "hidden": [3, 2]})
    model = torch.nn.Linear(3, 2)
    learner = TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.1), "cpu")
    X = np.random.default_rng(0).standard_normal((20, 3)).astype(np.float32)
    history = Trainer(2, 10, callbacks=[RunRecorder(run)]).fit(
        learner, (X, (X[:, 0] > 0).astype(int)))
    events = EventAccumulator(str(run.folder / "tensorboard"))
    events.Reload()
    assert [e.value for e in events.Scalars("loss")] == pytest.approx(history.loss)
    start = plugin_data_pb2.HParamsPluginData.FromString(
        events.PluginTagToContent("hparams")["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["model"].string_value == "logistic"
    assert start.hparams["lr"].number_value == 0.1
    assert start.hparams["hidden"].string_value == "[3, 2]"
    assert events.Scalars("hparam/loss")[-1].value == pytest.approx(history.loss[-1])


def test_checkpoints_keep_every_gpu_generator_and_resume_restores_them(tmp_path, monkeypatch):
    """No GPU here: torch.cuda's generator calls are stood in for, the plumbing is real."""
    torch = pytest.importorskip("torch")
    from profond.train.recording import RunRecorder, restore
    from profond.train.torch_learner import TorchLearner
    from profond.train.trainer import Trainer

    gpus = [torch.tensor([1, 2, 3], dtype=torch.uint8), torch.tensor([4, 5, 6], dtype=torch.uint8)]
    restored = []
    for name, value in (("is_available", lambda: True), ("is_initialized", lambda: True),
                        ("device_count", lambda: 2), ("get_rng_state_all", lambda: gpus),
                        ("set_rng_state_all", restored.extend)):
        monkeypatch.setattr(torch.cuda, name, value)

    def learner():
        model = torch.nn.Linear(4, 3)
        return TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.1), "cpu")

    store = RunStore(tmp_path)
    run = store.create({"model": "linear"})
    X, y = np.random.default_rng(0).standard_normal((20, 4)).astype(np.float32), np.arange(20) % 3
    Trainer(1, 8, callbacks=[RunRecorder(run)]).fit(learner(), (X, y))
    assert "checkpoint" in store.get(run.id)["artifacts"]
    assert restore(run, learner()) == 1
    assert [t.tolist() for t in restored] == [[1, 2, 3], [4, 5, 6]]


def _csv_rows(path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _as_json_numbers(rows: list[dict]) -> list[dict]:
    """metrics.csv's rows as metrics.json holds them: numbers, an empty cell a missing key."""
    return [{k: float(v) for k, v in row.items() if v != ""} for row in rows]


def test_metrics_csv_has_one_row_per_epoch_that_csv_readers_read_back(tmp_path):
    run = RunStore(tmp_path).create({"model": "mlp"})
    losses = [1 / 3, 0.2, 0.1]
    for epoch, loss in enumerate(losses[:2], 1):
        run.log_epoch({"epoch": epoch, "lr": 0.1, "loss": loss, "acc": 0.5 + epoch / 10,
                       "val_loss": loss * 1.2, "val_acc": 0.4 + epoch / 10})
    run.log_epoch({"epoch": 3, "lr": 0.05, "loss": losses[2]})  # an epoch without accuracies
    rows = _csv_rows(run.folder / "metrics.csv")
    assert list(rows[0]) == ["epoch", "lr", "loss", "acc", "val_loss", "val_acc"]
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert [float(r["loss"]) for r in rows] == losses  # every digit kept
    assert rows[2]["acc"] == rows[2]["val_loss"] == ""
    assert RunStore(tmp_path).get(run.id)["artifacts"]["metrics_csv"] == "metrics.csv"


class _StopAfter(Callback):
    """Ctrl-C once epoch `epoch` is recorded (after the RunRecorder's on_epoch_end), keeping a
    copy of epoch 2's checkpoint: a run killed between epoch 3's metrics and its checkpoint."""

    def __init__(self, folder, epoch: int):
        self.folder, self.epoch = folder, epoch

    def on_epoch_end(self, epoch, logs):
        if epoch == 2:
            shutil.copytree(self.folder / "checkpoint", self.folder / "checkpoint2")
        if epoch == self.epoch:
            raise KeyboardInterrupt


def test_an_interrupted_run_has_metrics_csv_up_to_its_last_epoch_and_resume_cuts_it(tmp_path):
    torch = pytest.importorskip("torch")
    from profond.train.recording import RunRecorder, restore
    from profond.train.torch_learner import TorchLearner
    from profond.train.trainer import Trainer

    def learner():
        model = torch.nn.Linear(4, 3)
        return TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.1), "cpu")

    store = RunStore(tmp_path)
    run = store.create({"model": "linear"})
    X = np.random.default_rng(0).standard_normal((30, 4)).astype(np.float32)
    with pytest.raises(KeyboardInterrupt):
        Trainer(5, 8, callbacks=[RunRecorder(run), _StopAfter(run.folder, 3)]).fit(
            learner(), (X, np.arange(30) % 3))
    recorded = json.loads((run.folder / "metrics.json").read_text())
    assert [e["epoch"] for e in recorded] == [1, 2, 3]
    assert _as_json_numbers(_csv_rows(run.folder / "metrics.csv")) == recorded

    shutil.rmtree(run.folder / "checkpoint")
    (run.folder / "checkpoint2").rename(run.folder / "checkpoint")
    assert restore(run, learner()) == 2  # as --resume does
    assert _as_json_numbers(_csv_rows(run.folder / "metrics.csv")) == recorded[:2]
    assert json.loads((run.folder / "metrics.json").read_text()) == recorded[:2]
    shutil.rmtree(run.folder / "checkpoint")  # killed before its first checkpoint was whole
    assert restore(run, learner()) == 0
    assert (run.folder / "metrics.csv").read_text() == "epoch\n"
