"""Time to 97 % test accuracy on the digits: the scratch engine over sklearn's MLPClassifier.

Same data (flattened, standardised on the train split), same architecture (64-64-32-10, ReLU),
same optimizer (Adam, lr 1e-3, batch 64, no L2 penalty), float32 for both. The scratch side is
`profond train`'s model on the one Trainer; sklearn trains one epoch per `partial_fit`. Test
accuracy is checked after each epoch, off the clock. The ratio compares the median over seeds
of each side's training time until the target is first reached. Goal: ratio <= 0.5.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/scratch_vs_sklearn_digits.py
"""

import argparse
import math
import time
import warnings

import numpy as np
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_info, threadpool_limits

from profond.data import load
from profond.data.split import Standardizer
from profond.train.callbacks import Callback
from profond.train.config import TrainConfig
from profond.train.recipe import build_learner, resolve
from profond.train.trainer import Trainer

HIDDEN = (64, 32)


class TargetStop(Callback):
    """Stop once test accuracy reaches `target`; time spent testing is kept off the clock."""

    def __init__(self, test, target: float):
        self.test, self.target = test, target
        self.off_clock, self.reached = 0.0, None

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        start = time.perf_counter()
        learner = self.trainer.learner
        if learner.evaluate(learner.prepare(*self.test))["acc"] >= self.target:
            self.reached = epoch
            self.trainer.stop_training = True
        self.off_clock += time.perf_counter() - start


def scratch_time(train, test, seed: int, args) -> tuple[float, int, int | None]:
    """(training seconds, epochs run, epoch where the target was reached or None)."""
    config = resolve(TrainConfig("mlp", "digits", "scratch", hidden=HIDDEN, activation="relu",
                                 optimizer="adam", lr=args.lr, seed=seed))
    learner = build_learner(config, (train[0].shape[1],), 10, "classification")
    stop = TargetStop(test, args.target)
    trainer = Trainer(args.max_epochs, args.batch_size, seed=seed, callbacks=[stop],
                      eval_train=False)
    start = time.perf_counter()
    history = trainer.fit(learner, train)
    return time.perf_counter() - start - stop.off_clock, len(history), stop.reached


def sklearn_time(train, test, seed: int, args) -> tuple[float, int, int | None]:
    clf = MLPClassifier(HIDDEN, activation="relu", solver="adam", alpha=0.0,
                        batch_size=args.batch_size, learning_rate_init=args.lr, shuffle=True,
                        random_state=seed)
    elapsed, classes = 0.0, np.arange(10)
    for epoch in range(1, args.max_epochs + 1):
        start = time.perf_counter()
        clf.partial_fit(*train, classes=classes)
        elapsed += time.perf_counter() - start
        if clf.score(*test) >= args.target:
            return elapsed, epoch, epoch
    return elapsed, args.max_epochs, None


def digits():
    dataset = load("digits")
    X_train = dataset.X_train.reshape(len(dataset.X_train), -1)
    X_test = dataset.X_test.reshape(len(dataset.X_test), -1)
    scaler = Standardizer().fit(X_train)
    return (scaler.transform(X_train), dataset.y_train), (scaler.transform(X_test), dataset.y_test)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--target", type=float, default=0.97)
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    threadpool_limits(args.threads)
    warnings.filterwarnings("ignore", module="sklearn")
    train, test = digits()
    to_target, per_epoch = {"scratch": [], "sklearn": []}, {"scratch": [], "sklearn": []}
    for seed in range(args.seeds):
        for name, run in (("scratch", scratch_time), ("sklearn", sklearn_time)):
            seconds, epochs, reached = run(train, test, seed, args)
            to_target[name].append(seconds if reached else math.inf)
            per_epoch[name].append(seconds / epochs)
            print(f"seed {seed} {name:8s} {seconds:7.3f} s for {epochs:3d} epochs "
                  f"({1e3 * seconds / epochs:6.2f} ms/epoch); target reached at epoch {reached}")
    for pool in threadpool_info():
        print(f"NumPy threadpool: {pool['internal_api']} kernel={pool.get('architecture')} "
              f"threads={pool['num_threads']}")
    epoch_ms = {name: 1e3 * float(np.median(values)) for name, values in per_epoch.items()}
    print(f"median ms per epoch: scratch {epoch_ms['scratch']:.2f}, sklearn "
          f"{epoch_ms['sklearn']:.2f} (ratio {epoch_ms['scratch'] / epoch_ms['sklearn']:.3f})")
    medians = {name: float(np.median(values)) for name, values in to_target.items()}
    print(f"median seconds to {args.target:.0%}: scratch {medians['scratch']:.3f}, "
          f"sklearn {medians['sklearn']:.3f}")
    print(f"ratio scratch/sklearn: {medians['scratch'] / medians['sklearn']:.3f}  (goal <= 0.5)")


if __name__ == "__main__":
    main()
