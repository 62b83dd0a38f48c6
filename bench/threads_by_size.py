"""torch threads against model size: the step time with every core over the step time with one,
for models from a logistic regression to a small AlexNet, beside the FLOPs of one step.

Baseline: the same model and batch on one thread, measured in the same run, alternating. A ratio
below 1 means the extra threads pay; above 1, they cost (synchronisation on layers too small to
split, or cores busy with other work: `--busy N` starts N spinning processes beside the bench, as
a shared classroom machine or parallel tune trials would). profond.train.recipe picks one thread
below ONE_THREAD_FLOPS per step, every core above.

Run: python bench/threads_by_size.py [--steps 30] [--busy 0]
"""

import argparse
import multiprocessing
import os
import statistics
import time

import numpy as np
import torch

from profond.train.config import TrainConfig
from profond.train.recipe import ONE_THREAD_FLOPS, build_learner, resolve, step_flops

# (label, model, input shape, classes, batch, options)
CASES = [
    ("logistic, digits", "logistic", (64,), 10, 64, {}),
    ("mlp 64-32, digits", "mlp", (64,), 10, 64, {}),
    ("mnist1d-cnn, batch 250", "mnist1d-cnn", (1, 40), 10, 250, {}),
    ("mlp 512-512, 28x28", "mlp", (784,), 10, 64, {"hidden": (512, 512)}),
    ("lenet5, 28x28", "lenet5", (1, 28, 28), 10, 64, {}),
    ("mlp 2048-2048, 28x28", "mlp", (784,), 10, 256, {"hidden": (2048, 2048)}),
    ("alexnet-small, 32x32", "alexnet-small", (3, 32, 32), 10, 64, {}),
]


def spin() -> None:
    while True:
        pass


def step_time(learner, data, batch: int, threads: int, steps: int) -> float:
    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    times = []
    for _ in range(steps):
        idx = rng.integers(0, len(data), batch)
        start = time.perf_counter()
        learner.train_batch(data, idx)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="timed steps per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of 1 and N threads")
    parser.add_argument("--busy", type=int, default=0, help="spinning processes beside")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
    for p in spinners:
        p.start()
    print(f"{cores} cores, {args.busy} busy processes beside; threshold "
          f"{ONE_THREAD_FLOPS:.0e} FLOPs per step")
    print(f"{'model':24} {'FLOPs/step':>11} {'1 thread ms':>12} {f'{cores} threads ms':>13} "
          f"{'ratio':>6}  recipe picks")
    try:
        for label, model, shape, classes, batch, options in CASES:
            config = resolve(TrainConfig(model, "digits", device="cpu", **(
                {k: v for k, v in options.items()})))
            learner = build_learner(config, shape, classes, "classification")
            X = np.random.default_rng(0).normal(size=(2048, int(np.prod(shape))))
            data = learner.prepare(X.astype(np.float32), np.zeros(2048, np.int64))
            flops = step_flops(learner, batch, X[0].astype(np.float32))
            one, many = [], []
            step_time(learner, data, batch, 1, 3)  # warm-up
            for _ in range(args.rounds):
                one.append(step_time(learner, data, batch, 1, args.steps))
                many.append(step_time(learner, data, batch, cores, args.steps))
            t1, tn = statistics.median(one), statistics.median(many)
            picks = 1 if flops < ONE_THREAD_FLOPS else cores
            print(f"{label:24} {flops:11.2e} {1e3 * t1:12.2f} {1e3 * tn:13.2f} "
                  f"{tn / t1:6.2f}  {picks}")
    finally:
        for p in spinners:
            p.terminate()


if __name__ == "__main__":
    main()
