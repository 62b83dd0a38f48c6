"""Training on several processes: `profond train --nproc 2` (torchrun, DDP on gloo) against one."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from profond.cli import launch
from profond.train import distributed
from profond.train.config import TrainConfig
from profond.train.runs import RunStore

# Digits, an MLP, 4 epochs; batch 50 leaves a last batch of 43 that splits 22 / 21 over 2 ranks.
ARGS = ["train", "mlp", "--data", "digits", "--hidden", "32", "--epochs", "4", "--batch-size",
        "50", "--lr", "3e-3", "--seed", "1", "--json"]


def _run(command: list[str], runs) -> dict:
    env = {**os.environ, "PROFOND_RUNS": str(runs), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _assert_same_training(one: dict, two: dict) -> None:
    # Each rank takes its share of the same global batch and DDP averages the share-weighted
    # gradients: the same steps as one process up to float summation order. Stated tolerance:
    # test accuracy within 1 point (3 of the 360 test digits), test loss within 1e-3 relative.
    assert abs(one["test_acc"] - two["test_acc"]) <= 0.01
    assert two["test_loss"] == pytest.approx(one["test_loss"], rel=1e-3)
    assert two["epochs"] == one["epochs"] == 4


def test_two_processes_train_as_one_and_write_one_run(tmp_path):
    runs = tmp_path / "runs"
    one = _run([sys.executable, "-m", "profond", *ARGS], runs)
    two = _run([sys.executable, "-m", "profond", *ARGS, "--nproc", "2"], runs)
    _assert_same_training(one, two)
    records = RunStore(runs).list()
    assert sorted(r["id"] for r in records) == sorted([one["run_id"], two["run_id"]])
    record = RunStore(runs).get(two["run_id"])
    assert record["status"] == "finished" and len(record["epochs"]) == 4
    # the epoch metrics are all-reduced over both ranks: the whole train split, as one process
    assert record["epochs"][-1]["acc"] == pytest.approx(
        RunStore(runs).get(one["run_id"])["epochs"][-1]["acc"], abs=0.01)


def test_a_diverging_two_process_run_reports_once_from_rank_0(tmp_path):
    env = {**os.environ, "PROFOND_RUNS": str(tmp_path / "runs"), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "profond", "train", "mlp", "--data", "iris",
                           "--optimizer", "sgd", "--lr", "1e6", "--epochs", "2", "--nproc", "2"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 1
    assert done.stderr.count("error: loss ") == 1 and "try a lower learning rate" in done.stderr
    assert "[rank1]" not in done.stderr and "FutureWarning" not in done.stderr
    assert "ChildFailedError" not in done.stderr and "Traceback" not in done.stderr
    (record,) = RunStore(tmp_path / "runs").list()
    assert record["status"] == "failed" and record["error"].startswith("loss ")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("torchrun") is None, reason="the torchrun script is not on PATH")
def test_the_torchrun_command_itself(tmp_path):
    runs = tmp_path / "runs"
    one = _run([sys.executable, "-m", "profond", *ARGS], runs)
    two = _run(["torchrun", "--standalone", "--nproc-per-node=2", "-m", "profond", *ARGS], runs)
    _assert_same_training(one, two)
    assert len(RunStore(runs).list()) == 2


def test_nproc_launches_exactly_the_torchrun_command(monkeypatch):
    from torch.distributed import run

    calls = []
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.setattr(run, "run", calls.append)
    config = TrainConfig("mlp", "digits", batch_size=64)
    assert launch.relaunch(2, config, out=None, json=True) == 0
    (args,) = calls
    assert (args.standalone, args.nproc_per_node, args.module) == (True, "2", True)
    assert [args.training_script, *args.training_script_args] == [
        "profond", "train", "mlp", "--data", "digits", "--engine", "torch", "--batch-size", "64",
        "--seed", "0", "--device", "auto", "--json"]
    assert distributed.init_from_env() is None  # one process: nothing to join


@pytest.mark.parametrize(("codes", "expected"), [({0: 1, 1: 1}, 1), ({1: 3}, 3), ({0: -9}, 137)])
def test_a_failed_group_exits_with_rank_0s_code_without_torchruns_report(monkeypatch, capsys,
                                                                         codes, expected):
    from torch.distributed import run
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError, ProcessFailure

    def fail(args):
        raise ChildFailedError("profond", {rank: ProcessFailure(rank, 100 + rank, code, "")
                                           for rank, code in codes.items()})
    monkeypatch.setattr(run, "run", fail)
    assert launch.relaunch(2, TrainConfig("mlp")) == expected
    out, err = capsys.readouterr()
    assert "ChildFailedError" not in out + err and "Traceback" not in out + err


def test_leaving_the_group_joins_the_threads_it_started(tmp_path):
    """The cause of rank 1's rare abort at exit: DDP's reducer kept the group, and its gloo
    threads, alive past destroy_process_group into interpreter finalization."""
    import numpy as np
    import torch
    import torch.distributed as dist

    from profond.models import create_model
    from profond.train.torch_learner import TorchLearner

    def threads() -> int:
        return len(os.listdir("/proc/self/task"))

    model = create_model("mlp", (4,), 2, hidden=(8,))
    learner = TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.1), "cpu")
    data = learner.prepare(np.ones((8, 4), np.float32), np.arange(8) % 2)
    learner.train_batch(data, np.arange(8))  # torch's own thread pools start here, not below
    before = threads()
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0,
                            world_size=1)
    try:
        ctx = distributed.Context(0, 1, 0, "gloo")
        wrapped = distributed.wrap(learner, ctx)
        wrapped.train_batch(data, np.arange(8))
        assert threads() > before  # gloo's worker threads
        distributed.leave(ctx)
        assert threads() == before and not dist.is_initialized()
        assert learner.forward is model  # the learner works alone again
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def test_the_workers_get_the_config_back_as_flags():
    config = TrainConfig("mlp", hidden=(64, 32), device="cpu", amp=False, compile=True,
                         residual=True)
    argv = launch.config_argv(config)
    assert argv == ["train", "mlp", "--data", "digits", "--engine", "torch", "--hidden", "64,32",
                    "--residual", "--seed", "0", "--device", "cpu", "--no-amp", "--compile"]
    assert "--no-amp" not in launch.config_argv(TrainConfig("mlp"))  # the default, None
    # the argv parses back into the same config
    from typer.main import get_command

    from profond.cli import app

    seen = {}
    cli = get_command(app)  # a click group built afresh: patching its command touches nothing else
    cli.commands["train"].callback = lambda **kw: seen.update(kw)
    cli.main(argv, standalone_mode=False)
    assert seen["hidden"] == "64,32" and seen["amp"] is False and seen["residual"] is True


def test_several_processes_need_the_torch_engine():
    with pytest.raises(ValueError, match=r"--nproc: expected --engine torch for several "
                                         r"processes; got --engine scratch"):
        launch.relaunch(2, TrainConfig("mlp", engine="scratch"))


@pytest.mark.slow
def test_a_killed_two_process_run_resumes_on_two_processes_as_if_uninterrupted(tmp_path):
    import signal
    import time

    runs = tmp_path / "runs"
    args = [*ARGS[:ARGS.index("--epochs")], "--epochs", "25", "--batch-size", "50", "--json"]
    env = {**os.environ, "PROFOND_RUNS": str(runs), "OMP_NUM_THREADS": "1"}
    job = subprocess.Popen([sys.executable, "-m", "profond", *args, "--nproc", "2"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        while not (RunStore(runs).list() and len(RunStore(runs).list()[0]["epochs"]) >= 3):
            assert job.poll() is None, "the run ended before it could be killed"
            time.sleep(0.5)
    finally:
        # the launcher and both ranks (its own session); torchrun reaps the ranks it started
        os.killpg(job.pid, signal.SIGTERM)
        job.wait()
    for _ in range(120):  # the ranks may outlive the launcher by a moment
        killed = RunStore(runs).list()[0]
        if killed["status"] != "running":
            break
        time.sleep(0.5)
    assert killed["status"] == "interrupted" and len(killed["epochs"]) < 25
    resumed = _run([sys.executable, "-m", "profond", "train", "--resume", killed["id"],
                    "--nproc", "2", "--json"], runs)
    whole = _run([sys.executable, "-m", "profond", *args], runs)
    assert resumed["run_id"] == killed["id"] and resumed["epochs"] == 25
    assert resumed["test_loss"] == pytest.approx(whole["test_loss"], rel=1e-3)
