"""A run killed with SIGKILL mid-epoch, then resumed, ends where an uninterrupted run ends."""

import json
import signal
import subprocess
import sys

import pytest

from profond.train.runs import RunStore

# One training run in a child process: a dropout MLP (so torch's RNG state matters) on a fixed
# synthetic task, 4 epochs, recorded in the store given as argv[1]. argv[2]: "kill" (SIGKILL
# itself at epoch 3, batch 2), "resume RUN_ID", or "full".
SCRIPT = r"""
import json, os, signal, sys
import numpy as np, torch
from profond.models import create_model
from profond.train.callbacks import Callback
from profond.train.runs import RunStore
from profond.train.recording import RunRecorder, guard, restore
from profond.train.torch_learner import TorchLearner, seed_everything
from profond.train.trainer import Trainer

torch.set_num_threads(1)
rng = np.random.default_rng(0)
X = rng.standard_normal((240, 10)).astype(np.float32)
y = (X[:, :3].sum(1) > 0).astype(np.int64) + (X[:, 3] > 1)
store, mode = RunStore(sys.argv[1]), sys.argv[2]


class KillMidEpoch(Callback):
    def on_batch_end(self, step, loss):
        if self.trainer.epoch == 3 and step == 2:
            os.kill(os.getpid(), signal.SIGKILL)


seed_everything(0)
model = create_model("mlp", (10,), 3, hidden=(32, 32), dropout=0.2)
learner = TorchLearner(model, None, torch.optim.Adam(model.parameters(), lr=0.01), "cpu")
run = store.open(sys.argv[3]) if mode == "resume" else store.create({"model": "mlp"})
initial_epoch = restore(run, learner) if mode == "resume" else 0
callbacks = [RunRecorder(run)] + ([KillMidEpoch()] if mode == "kill" else [])
with guard(run, learner):
    Trainer(4, 32, seed=0, callbacks=callbacks).fit(learner, (X[:200], y[:200]),
                                                     initial_epoch=initial_epoch)
final = learner.evaluate(learner.prepare(X[200:], y[200:]))
run.finish("finished", final)
print(json.dumps({"run_id": run.id, **final}))
"""


def _child(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True,
                          timeout=240)


@pytest.mark.slow
def test_resume_after_sigkill_matches_an_uninterrupted_run(tmp_path):
    killed = _child(str(tmp_path / "a"), "kill")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    store = RunStore(tmp_path / "a")
    (record,) = store.list()
    assert record["status"] == "interrupted"  # its process is gone
    assert [e["epoch"] for e in record["epochs"]] == [1, 2]

    resumed = _child(str(tmp_path / "a"), "resume", record["id"])
    assert resumed.returncode == 0, resumed.stderr
    full = _child(str(tmp_path / "b"), "full")
    assert full.returncode == 0, full.stderr

    got, expected = (json.loads(p.stdout.splitlines()[-1]) for p in (resumed, full))
    # Same seed, same thread count, same batches: CPU kernels are deterministic, so the tolerance
    # is float32 round-off only.
    assert got["loss"] == pytest.approx(expected["loss"], rel=1e-6, abs=1e-7)
    assert got["acc"] == expected["acc"]
    record = store.get(record["id"])
    assert record["status"] == "finished"
    assert [e["epoch"] for e in record["epochs"]] == [1, 2, 3, 4]
    other = RunStore(tmp_path / "b").list()[0]
    for a, b in zip(record["epochs"], other["epochs"], strict=True):
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-6, abs=1e-7)
