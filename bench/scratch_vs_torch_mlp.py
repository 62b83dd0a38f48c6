"""Train-step time of the scratch engine over torch's, for a 784-256-10 MLP, batch 128, float32.

Both sides start from the same weights and see the same batches. The scratch step is
`ScratchLearner.train_batch` (what the Trainer runs); the torch step is the usual five lines
(zero_grad, forward, loss, backward, step) plus `loss.item()`, as the learner returns a float.
Blocks of steps alternate between the two so that machine load hits both alike; the ratio uses
each side's fastest block (the least disturbed). Goal: ratio <= 0.8.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/scratch_vs_torch_mlp.py
"""

import argparse
import time

import numpy as np
import torch
from threadpoolctl import threadpool_info, threadpool_limits

from profond.scratch import nn, optim
from profond.scratch.learner import ScratchLearner


def twins(optimizer: str, lr: float):
    """A ScratchLearner and a torch model, optimizer and loss, from the same initial weights."""
    t_model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                  torch.nn.Linear(256, 10))
    s_model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    s_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    t_opt = getattr(torch.optim, optimizer)(t_model.parameters(), lr=lr)
    learner = ScratchLearner(s_model, nn.CrossEntropyLoss(),
                             getattr(optim, optimizer)(s_model.parameters(), lr=lr))
    criterion = torch.nn.CrossEntropyLoss()
    return learner, t_model, t_opt, criterion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--optimizer", choices=("SGD", "Adam"), default="Adam")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--steps", type=int, default=10, help="steps per timed block")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    threadpool_limits(args.threads)
    rng = np.random.default_rng(args.seed)
    N, B = 8192, 128
    X = rng.normal(size=(N, 784)).astype(np.float32)
    y = rng.integers(0, 10, N)
    batches = [rng.permutation(N)[:B] for _ in range(args.steps)]

    learner, t_model, t_opt, criterion = twins(args.optimizer, 1e-3)
    data = learner.prepare(X, y)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    t_batches = [torch.from_numpy(idx) for idx in batches]

    def scratch_block() -> None:
        for idx in batches:
            learner.train_batch(data, idx)

    def torch_block() -> None:
        for idx in t_batches:
            t_opt.zero_grad()
            loss = criterion(t_model(X_t[idx]), y_t[idx])
            loss.backward()
            t_opt.step()
            loss.item()

    times = {"scratch": [], "torch": []}
    for round_ in range(args.rounds + 2):
        for name, block in (("scratch", scratch_block), ("torch", torch_block)):
            start = time.perf_counter()
            block()
            if round_ >= 2:  # two warm-up rounds
                times[name].append((time.perf_counter() - start) / args.steps)

    for pool in threadpool_info():
        print(f"NumPy threadpool: {pool['internal_api']} {pool.get('version')} "
              f"kernel={pool.get('architecture')} threads={pool['num_threads']}")
    print(f"torch {torch.__version__}: threads={torch.get_num_threads()} "
          f"mkl={torch.backends.mkl.is_available()} mkldnn={torch.backends.mkldnn.is_available()}")
    best = {}
    for name, values in times.items():
        values = np.array(values) * 1e3
        best[name] = values.min()
        print(f"{name:8s} ms/step: best {values.min():.3f}  median {np.median(values):.3f}")
    print(f"median ratio {np.median(times['scratch']) / np.median(times['torch']):.3f}")
    print(f"ratio scratch/torch (best blocks, {args.optimizer}, {args.threads} threads): "
          f"{best['scratch'] / best['torch']:.3f}  (goal <= 0.8)")


if __name__ == "__main__":
    main()
