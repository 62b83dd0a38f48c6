"""Epoch time of the one Trainer driving a TorchLearner over a hand-written five-line torch loop.

Same model (the MNIST-1D paper's MLP, or --model), same data (MNIST-1D, 4000 x 40), same batch
size, same optimizer, both reshuffling every epoch and indexing tensors already in memory. The
hand loop is the textbook one: randperm, then per batch forward, loss, zero_grad, backward, step.
The Trainer side runs what `profond train` runs minus the progress bar and the per-epoch
evaluation: `Trainer(eval_train=False).fit(learner, ...)`, with its DivergenceStop reading every
batch loss as a float. Epochs alternate between the two so that machine load hits both alike;
the ratio uses each side's median epoch. Goal: ratio <= 1.05.

Run: python bench/trainer_overhead.py [--model mlp] [--epochs 30] [--threads 2]
"""

import argparse
import statistics
import time

import numpy as np
import torch

from profond.data import load
from profond.models import create_model
from profond.train.torch_learner import TorchLearner
from profond.train.trainer import Trainer


def hand_loop_epoch(model, opt, loss_fn, X, y, batch_size: int) -> None:
    perm = torch.randperm(len(X))
    for start in range(0, len(X), batch_size):
        idx = perm[start:start + batch_size]
        loss = loss_fn(model(X[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="mlp")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = load("mnist1d")
    options = {"hidden": (100, 100), "residual": True} if args.model == "mlp" else {}

    def build():
        torch.manual_seed(0)
        model = create_model(args.model, data.input_shape, data.n_classes, **options)
        return model, torch.optim.Adam(model.parameters(), lr=1e-3)

    model, opt = build()
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)
    loss_fn = torch.nn.CrossEntropyLoss()
    twin, twin_opt = build()
    learner = TorchLearner(twin, loss_fn, twin_opt, device="cpu")
    trainer = Trainer(1, args.batch_size, eval_train=False)
    hand, ours = [], []
    for epoch in range(args.epochs + 2):  # the first two are warm-up
        start = time.perf_counter()
        hand_loop_epoch(model, opt, loss_fn, X, y, args.batch_size)
        middle = time.perf_counter()
        trainer.seed = epoch
        trainer.fit(learner, (data.X_train, data.y_train))
        end = time.perf_counter()
        if epoch >= 2:
            hand.append(middle - start)
            ours.append(end - middle)
    steps = -(-len(X) // args.batch_size)
    hand_ms, ours_ms = (1e3 * statistics.median(t) for t in (hand, ours))
    print(f"model {args.model}, batch {args.batch_size}, {steps} steps/epoch, "
          f"{args.threads} threads, torch {torch.__version__}, numpy {np.__version__}")
    print(f"hand-written loop: {hand_ms:.2f} ms/epoch ({1e3 * hand_ms / steps:.0f} us/step)")
    print(f"Trainer+TorchLearner: {ours_ms:.2f} ms/epoch ({1e3 * ours_ms / steps:.0f} us/step)")
    print(f"ratio (Trainer / hand loop, goal <= 1.05): {ours_ms / hand_ms:.3f}")


if __name__ == "__main__":
    main()
