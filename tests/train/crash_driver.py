"""Fault injection for tests/test_run_faults.py (test-only; nothing in profond reads it).

    python tests/train/crash_driver.py RUNS [--epochs-covered 2]

Trains a small scratch-engine MLP with the recipe, uninterrupted, into the store RUNS/full. Then,
for every atomic rename of profond.io (os.replace) up to the end of the covered epochs, and for
each way of dying there, it trains the same config into RUNS/<mode>-<n>, dies, and resumes the
run with `recipe.resumable` + `recipe.train`. Modes: "before" (the temporary file is complete,
the rename not done), "after" (the rename done, nothing after it), "mid" (the temporary file cut
to half its size, as a write killed midway). os._exit skips every finally block and atexit
hook, as SIGKILL does. Each attempt runs in a forked child, so the imports are paid once.
Prints one JSON object: the renames of the uninterrupted run, and each store's exit codes.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import matplotlib  # noqa: F401  (imported once, before the forks)

from profond.train import energy, recipe, runs
from profond.train.config import TrainConfig

energy.emissions_meters = list  # energy is not what this checks; codecarbon's start is slow

CONFIG = TrainConfig("mlp", "iris", engine="scratch", hidden=(8,), epochs=3, batch_size=16,
                     dropout=0.2, seed=3)
MODES = ("before", "after", "mid")
KILLED = 9


def arm(mode: str, n: int, seen: list) -> None:
    """os.replace that records its targets and dies at the n-th call as `mode` says ("count":
    never)."""
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        seen.append(str(dst))
        if len(seen) == n and mode == "mid":
            os.truncate(src, os.path.getsize(src) // 2)
            os._exit(KILLED)
        if len(seen) == n and mode == "before":
            os._exit(KILLED)
        real(src, dst, *args, **kwargs)
        if len(seen) == n and mode == "after":
            os._exit(KILLED)
    os.replace = replace


def in_child(store: Path, mode: str = "", n: int = 0, resume: bool = False) -> int:
    """Train (or resume the store's one run) in a forked child; its exit code."""
    pid = os.fork()
    if pid:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    code = 1
    try:
        os.environ["PROFOND_RUNS"] = str(store)
        seen: list = []
        if mode:
            arm(mode, n, seen)
        run, config = (recipe.resumable(runs.RunStore().list()[0]["id"]) if resume
                       else (None, CONFIG))
        recipe.train(config, run=run)
        if mode == "count":
            (store / "renames.json").write_text(json.dumps(seen))
        code = 0
    finally:
        sys.stdout.flush()
        os._exit(code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", type=Path)
    parser.add_argument("--epochs-covered", type=int, default=2)
    args = parser.parse_args()
    assert in_child(args.runs / "full", "count") == 0
    renames = json.loads((args.runs / "full" / "renames.json").read_text())
    # the renames up to the end of the covered epochs' last model.safetensors
    last = [i for i, r in enumerate(renames, 1) if r.endswith("model.safetensors")]
    points = range(1, last[args.epochs_covered - 1] + 1)
    codes = {}
    for n in points:
        for mode in MODES:
            store = args.runs / f"{mode}-{n}"
            codes[f"{mode}-{n}"] = [in_child(store, mode, n), in_child(store, resume=True)
                                    if (store / "runs.sqlite").exists() else None]
    print(json.dumps({"renames": renames[:len(points)], "codes": codes}))


if __name__ == "__main__":
    main()
