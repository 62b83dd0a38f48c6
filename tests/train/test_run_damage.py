"""Runs and checkpoints that lose nothing: incomplete checkpoints count as none, one writer per
run, damaged files are named and never loaded, and the CLI says so in one line."""

import errno
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from profond.cli import app
from profond.io import DamagedFileError
from profond.train.checkpoint import load_weights, save_checkpoint, save_weights
from profond.train.recording import restore
from profond.train.runs import RunBusy, RunStore

runner = CliRunner()
TRAIN = ["train", "logistic", "--data", "iris", "--epochs", "1", "--engine", "scratch"]


class _Learner:
    def __init__(self):
        self.loaded = None

    def load_state_dict(self, state):
        self.loaded = state


def _run_with_epochs(tmp_path, n):
    run = RunStore(tmp_path / "runs").create({"model": "mlp"}, "r")
    for epoch in range(1, n + 1):
        run.log_epoch({"epoch": epoch, "loss": 1.0 / epoch})
    return run


def test_a_checkpoint_without_its_index_is_none_and_resume_forgets_its_epochs(tmp_path):
    run = _run_with_epochs(tmp_path, 1)  # killed after epoch 1's record, in its checkpoint
    run.checkpoint_dir.mkdir()
    (run.checkpoint_dir / "checkpoint-0123.safetensors").write_bytes(b"complete tensors")
    (run.checkpoint_dir / ".checkpoint.json.x1.tmp").write_text("{")  # a killed write
    learner = _Learner()
    assert restore(run, learner) == 0 and learner.loaded is None
    assert run.record["epochs"] == []
    assert json.loads((run.folder / "metrics.json").read_text()) == []
    assert not list(run.checkpoint_dir.glob(".*.tmp"))


def test_resume_cuts_the_epochs_back_to_the_checkpoints(tmp_path):
    run = _run_with_epochs(tmp_path, 3)  # killed after epoch 3's record, before its checkpoint
    save_checkpoint(run.checkpoint_dir, {"w": np.ones(2)}, {"epoch": 2})
    learner = _Learner()
    assert restore(run, learner) == 2 and learner.loaded["w"].tolist() == [1, 1]
    assert [e["epoch"] for e in run.record["epochs"]] == [1, 2]


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path):
    run = RunStore(tmp_path / "runs").create({"model": "mlp"}, "r")
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time; "
                               "fd = os.open(sys.argv[1], os.O_RDWR); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); "
                               "time.sleep(60)", str(run.folder / ".lock")],
                              stdout=subprocess.PIPE, text=True)
    try:
        run.unlock()
        assert holder.stdout.readline() == "held\n"
        other = RunStore(tmp_path / "runs").open("r")
        with pytest.raises(RunBusy, match=rf"run r: expected no other process writing it; "
                                          rf"process {os.getpid()} holds"):
            other.lock()
    finally:
        holder.kill()
        holder.wait()
    assert other.lock() is other  # the holder is gone: its lock with it


def test_damaged_weights_are_never_loaded(tmp_path):
    path = save_weights(tmp_path / "model.safetensors", {"w": np.arange(4, dtype=np.float32)})
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x40  # one bit of the last weight
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedFileError, match=r"model.safetensors: expected weights with sha256"):
        load_weights(path)
    path.write_bytes(bytes(data[:len(data) // 2]))
    with pytest.raises(DamagedFileError, match=r"expected a safetensors file"):
        load_weights(path)


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_damaged_checkpoint_index_is_named(tmp_path, damage):
    from profond.train.checkpoint import load_checkpoint

    index = save_checkpoint(tmp_path, {"w": np.zeros(3)}, {"epoch": 1})
    text = index.read_text()
    index.write_text(text[:len(text) // 2] if damage == "truncate" else '{"format": 3}')
    with pytest.raises(DamagedFileError, match=r"checkpoint.json: expected"):
        load_checkpoint(tmp_path)


def _one_line_error(result, code=1):
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()  # a progress bar may come before
    assert "Traceback" not in result.output and lines[-1].startswith("error: "), result.output
    assert sum(line.startswith("error: ") for line in lines) == 1, result.output
    return lines[-1]


def test_a_damaged_runs_database_is_one_line_for_every_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    (tmp_path / "runs.sqlite").write_bytes(b"not a database at all" * 100)
    for args in (["runs", "list"], ["runs", "show", "x"], TRAIN):
        line = _one_line_error(runner.invoke(app, args))
        assert "runs.sqlite: expected a runs database" in line


def test_a_damaged_checkpoint_stops_resume_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    run = RunStore().create({"model": "logistic", "data": "iris", "engine": "scratch",
                             "epochs": 2}, "r")
    save_checkpoint(run.checkpoint_dir, {"w": np.zeros(3)}, {"epoch": 1})
    (run.checkpoint_dir / "checkpoint.json").write_text("{trunc")
    run.unlock()
    line = _one_line_error(runner.invoke(app, ["train", "--resume", "r"]))
    assert "checkpoint.json: expected JSON" in line


def test_out_naming_a_file_or_an_unwritable_folder_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    (tmp_path / "afile").write_text("x")
    line = _one_line_error(runner.invoke(app, [*TRAIN, "--out", str(tmp_path / "afile")]))
    assert "--out: expected a folder" in line
    line = _one_line_error(runner.invoke(app, [*TRAIN, "--out", "/proc/profond-run"]))
    assert "/proc/profond-run" in line


def test_a_full_disk_is_one_line_and_the_run_is_marked_failed(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    real = os.replace

    def full(src, dst, *args, **kwargs):
        if str(dst).endswith("model.safetensors"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", full)
    line = _one_line_error(runner.invoke(app, TRAIN))
    assert line.endswith("model.safetensors: No space left on device")
    (record,) = RunStore(tmp_path).list()
    assert record["status"] == "failed" and "No space left" in record["error"]


@pytest.mark.parametrize("damage", [b"", b"PK\x03\x04 truncated"])
def test_a_damaged_cache_file_is_set_aside_and_made_again(tmp_path, monkeypatch, caplog, damage):
    from profond.data.cache import cached_arrays

    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path))
    (tmp_path / "k.npz").write_bytes(damage)
    arrays = cached_arrays("k", lambda: {"x": np.arange(3)})
    assert arrays["x"].tolist() == [0, 1, 2]
    assert (tmp_path / "k.npz.damaged").read_bytes() == damage
    assert "k.npz: expected a readable cache file" in caplog.text
    assert cached_arrays("k", lambda: {"x": np.zeros(1)})["x"].tolist() == [0, 1, 2]  # rewritten


def test_an_offline_dataset_is_one_line_naming_each_file_to_fetch(tmp_path, monkeypatch):
    from profond.data import download

    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path))
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))

    def offline(url, dest, sha256):
        raise OSError("network is unreachable")
    monkeypatch.setattr(download, "download", offline)
    (tmp_path / "mnist").mkdir()
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"truncated")
    for args in (["train", "mlp", "--data", "mnist"],
                 ["tune", "mlp", "--data", "mnist", "--grid", "lr=1e-3"]):
        line = _one_line_error(runner.invoke(app, args))
        assert line.count("sha256") == 4 and "copy it to" in line
    assert (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz.damaged").exists()


def test_a_model_too_big_for_memory_is_refused_in_one_line(tmp_path, monkeypatch):
    from profond.train import recipe

    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    monkeypatch.setattr(recipe, "available_memory", lambda: 8 * 2**30)
    result = runner.invoke(app, ["train", "mlp", "--data", "iris", "--hidden", "100000000",
                                 "--batch-size", "16"])
    # iris: 4 inputs, 3 classes: (4 + 1) x 1e8 + (1e8 + 1) x 3 parameters, 16 bytes each, and
    # 12 bytes per hidden unit and example: 12.8e9 + 19.2e9 bytes = 29.8 GiB
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        "error: --hidden: expected layers that fit in memory (800,000,003 parameters and a "
        "batch's activations need 29.8 GiB; 8.0 GiB available); got 100000000")
    assert not RunStore(tmp_path).list()


def test_a_huge_grid_needs_yes(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    grid = "lr=" + ",".join(f"{i + 1}e-4" for i in range(20)) + ";batch_size=" + ",".join(
        str(i + 1) for i in range(20))
    result = runner.invoke(app, ["tune", "mlp", "--data", "iris", "--grid", grid])
    assert result.exit_code == 2
    assert "--yes: expected to confirm a search of more than 200 trials; got 400 trials" \
        in result.output


@pytest.mark.parametrize(("out", "written"), [("x.png", "x.png"), ("adir", "adir.png"),
                                              ("folder", "folder/iris.png")])
def test_data_show_prints_the_file_it_wrote(tmp_path, monkeypatch, out, written):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    result = runner.invoke(app, ["data", "show", "iris", "--out", out])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == written and (tmp_path / written).is_file()


def test_data_show_refuses_other_formats_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["data", "show", "iris", "--out", "x.txt"])
    assert result.exit_code == 2 and not (tmp_path / "x.txt").exists()
    assert result.output.strip() == "error: --out: expected a .png file or a folder; got 'x.txt'"


def test_a_read_only_store_is_listed_and_shown_and_refuses_writes_in_one_line(tmp_path,
                                                                               monkeypatch):
    """Every connection is opened read-only, as SQLite opens a store on a read-only disk (this
    test runs as root, whom file modes do not stop)."""
    import sqlite3

    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path))
    run = RunStore().create({"model": "mlp", "data": "iris"}, "r1")
    run.log_epoch({"epoch": 1, "loss": 0.5})
    run.finish("finished", {"test_acc": 0.9, "test_loss": 0.5})
    connect = sqlite3.connect

    def read_only(path, *args, uri=False, **kwargs):
        if not uri:
            path, uri = f"{os.path.abspath(path)}".join(("file:", "?mode=ro")), True
        return connect(path, *args, uri=uri, **kwargs)
    monkeypatch.setattr(sqlite3, "connect", read_only)
    listed = runner.invoke(app, ["runs", "list"])
    assert listed.exit_code == 0 and "r1" in listed.output, listed.output
    shown = runner.invoke(app, ["runs", "show", "r1", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.output.splitlines()[-1])["epochs"] == [
        {"epoch": 1, "loss": 0.5}]
    line = _one_line_error(runner.invoke(app, TRAIN))
    assert "runs.sqlite: expected a runs store this user may write" in line
