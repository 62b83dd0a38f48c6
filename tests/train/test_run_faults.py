"""Nothing lost on kill: a run killed before, after or in the middle of any of its atomic writes
over its first two epochs resumes, and ends as the uninterrupted run ends
(tests/train/crash_driver.py does the killing)."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from profond.train.checkpoint import load_weights
from profond.train.runs import RunStore

DRIVER = Path(__file__).with_name("crash_driver.py")


def _outcome(store: Path) -> tuple[dict, list[int], dict]:
    (record,) = RunStore(store).list()
    weights = load_weights(Path(record["folder"]) / "model.safetensors")
    return record, [e["epoch"] for e in record["epochs"]], weights


@pytest.mark.slow
def test_every_killed_write_of_the_first_two_epochs_resumes_to_the_same_weights(tmp_path):
    done = subprocess.run([sys.executable, str(DRIVER), str(tmp_path)], capture_output=True,
                          text=True, timeout=3000, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # every kind of write of an epoch is covered: config, metrics (JSON and CSV), checkpoint
    # tensors and index, model weights
    names = {Path(r).name.split("-")[0] for r in report["renames"]}
    assert names == {"config.json", "metrics.json", "metrics.csv", "checkpoint",
                     "checkpoint.json", "model.safetensors"}
    assert len(report["codes"]) == 3 * len(report["renames"])
    full, full_epochs, full_weights = _outcome(tmp_path / "full")
    assert full_epochs == [1, 2, 3]
    for point, (killed, resumed) in report["codes"].items():
        assert (killed, resumed) == (9, 0), point
        record, epochs, weights = _outcome(tmp_path / point)
        assert record["status"] == "finished" and epochs == [1, 2, 3], point
        assert record["final"]["test_loss"] == full["final"]["test_loss"], point
        assert weights.keys() == full_weights.keys()
        for key, value in weights.items():
            np.testing.assert_array_equal(value, full_weights[key], err_msg=point)
        with open(Path(record["folder"]) / "metrics.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [{k: float(v) for k, v in row.items()} for row in rows] == record["epochs"], point
        leftovers = list(Path(record["folder"]).rglob(".*.tmp"))
        assert not leftovers, point
