"""Run `profond train --nproc 2` (torchrun, DDP on gloo) N times in a row; count the clean runs.

    nice python bench/torchrun_loop.py 100 --log torchrun_loop.log

A run is clean when torchrun exits 0, stdout's last line is the JSON result and stderr holds no
"terminate called", "Traceback" or "ChildFailedError". Each failure's stderr goes to the log.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ARGS = ["train", "mlp", "--data", "digits", "--hidden", "32", "--epochs", "4", "--batch-size",
        "50", "--lr", "3e-3", "--seed", "1", "--json"]
BAD = ("terminate called", "Traceback", "ChildFailedError")


def one_run(runs: str) -> tuple[bool, str]:
    env = {**os.environ, "PROFOND_RUNS": runs, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "profond", *ARGS, "--nproc", "2"],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    try:
        json.loads(done.stdout.strip().splitlines()[-1])
        parsed = True
    except (IndexError, ValueError):
        parsed = False
    clean = done.returncode == 0 and parsed and not any(b in done.stderr for b in BAD)
    return clean, f"rc {done.returncode}\n{done.stderr[-3000:]}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--log", default="torchrun_loop.log")
    args = parser.parse_args()
    clean = 0
    with open(args.log, "a", encoding="utf-8") as log, tempfile.TemporaryDirectory() as runs:
        for i in range(1, args.n + 1):
            start = time.perf_counter()
            ok, report = one_run(runs)
            clean += ok
            log.write(f"run {i}: {'clean' if ok else 'FAILED'} "
                      f"({time.perf_counter() - start:.1f} s); clean so far {clean}/{i}\n")
            if not ok:
                log.write(report + "\n")
            log.flush()
    print(f"{clean}/{args.n} clean runs")


if __name__ == "__main__":
    main()
