"""The MNIST-1D CNN recipe (Adam lr 1e-2, batch 100, 6000 steps) on the scratch engine and on torch.

Both run through the one Trainer with the same data, seed and schedule; the script prints each
engine's training time and test accuracy, then the time ratio scratch / torch LAST. Use --steps for
a shorter run. Run with the machine's OpenBLAS overrides unset:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/mnist1d_cnn_scratch_vs_torch.py
"""

import argparse
import time

import torch
from threadpoolctl import threadpool_info, threadpool_limits

from profond.data import load
from profond.models.conv import MNIST1DCNN as TorchMNIST1DCNN
from profond.scratch import manual_seed, nn, optim
from profond.scratch.learner import ScratchLearner
from profond.scratch.models import MNIST1DCNN
from profond.train.torch_learner import TorchLearner, seed_everything
from profond.train.trainer import Trainer

BATCH, LR = 100, 1e-2


def scratch_learner(seed: int) -> ScratchLearner:
    manual_seed(seed)
    model = MNIST1DCNN()
    return ScratchLearner(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=LR))


def torch_learner(seed: int) -> TorchLearner:
    seed_everything(seed)
    model = TorchMNIST1DCNN()
    return TorchLearner(model, None, torch.optim.Adam(model.parameters(), lr=LR), device="cpu")


def run(make, data, epochs: int, seed: int) -> tuple[float, float]:
    """(training seconds, test accuracy) for one engine."""
    learner = make(seed)
    start = time.perf_counter()
    Trainer(epochs, BATCH, seed=seed, eval_train=False).fit(learner, (data.X_train, data.y_train))
    seconds = time.perf_counter() - start
    return seconds, learner.evaluate(learner.prepare(data.X_test, data.y_test))["acc"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = load("mnist1d")
    epochs = max(1, args.steps // (len(data.X_train) // BATCH))
    torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        for info in threadpool_info():
            print(f"{info['internal_api']}: {info.get('architecture')} kernel, "
                  f"{info['num_threads']} threads")
        print(f"{epochs} epochs of {len(data.X_train) // BATCH} steps, batch {BATCH}, Adam {LR}")
        times = {}
        for name, make in (("scratch", scratch_learner), ("torch", torch_learner)):
            times[name], acc = run(make, data, epochs, args.seed)
            print(f"{name}: {times[name]:.1f} s, test accuracy {acc:.3f}")
    print(f"ratio scratch/torch: {times['scratch'] / times['torch']:.2f}")


if __name__ == "__main__":
    main()
