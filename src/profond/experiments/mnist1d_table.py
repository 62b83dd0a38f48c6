"""MNIST-1D (Greydanus 2020, "Scaling down deep learning"): logistic, MLP, CNN and GRU side by side,
then an RNN, an LSTM (the GRU's recipe) and a small transformer encoder with its attention maps.

The paper's recipe for every model: Adam lr 1e-2, batch 100, 6000 steps on the 4000 training
signals, test accuracy on the 1000 test signals. Its figures: logistic 32 %, MLP 68 %, CNN 94 %,
GRU 91 %. The paper walks the training set in order; the one Trainer reshuffles every epoch.
"""

import time
from pathlib import Path

import numpy as np
import torch

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.models.sequence import attention_maps, plot_attention
from profond.plotting import pyplot, save_png
from profond.train.config import TrainConfig
from profond.train.recipe import fit, load_splits

PAPER = {"logistic": 0.32, "mlp": 0.68, "mnist1d-cnn": 0.94, "gru": 0.91}
# beyond the paper (no figure of its own): the GRU's recipe with other cells, and a transformer
MODELS = (*PAPER, "rnn", "lstm", "transformer")
OPTIONS = {"mlp": {"hidden": (100, 100), "residual": True}}  # the paper's MLPBase
# the paper's training loop for every model (profond's own CNN recipe is faster: its train recipe)
PAPER_RECIPE = {"optimizer": "adam", "lr": 1e-2, "batch_size": 100, "schedule": "constant",
                "augment": "", "val_fraction": 0.0, "eval_train": False}
FULL_STEPS, QUICK_STEPS = 6000, 200


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Three seeds and 6000 steps per model; `quick`: one seed and 200 steps, far short of the
    paper's accuracies (the GRU in particular is still learning)."""
    seeds = (seed,) if quick else (seed, seed + 1, seed + 2)
    results = table(seeds=seeds, steps=QUICK_STEPS if quick else FULL_STEPS)
    rows = [{"model": name, "params": r["params"], "test acc (%)": 100 * float(np.mean(r["accs"])),
             "std (%)": 100 * float(np.std(r["accs"])),
             "paper (%)": 100 * PAPER[name] if name in PAPER else None,
             "seconds": r["seconds"]} for name, r in results.items()]
    figures = [_plot(results, out_dir / "mnist1d_table.png"),
               _attention(results["transformer"]["model"], out_dir)]
    steps = QUICK_STEPS if quick else FULL_STEPS
    return ExperimentResult(
        name="mnist1d-table",
        rows=rows,
        title=f"MNIST-1D test accuracy, {steps} steps, seeds {list(seeds)} (paper: Greydanus 2020)",
        figures=[str(f) for f in figures],
        claims={"test_acc": {name: float(np.mean(r["accs"])) for name, r in results.items()},
                "paper_test_acc": PAPER, "steps": steps, "seeds": list(seeds)},
        notes=["Recipe: Adam lr 1e-2, batch 100, no weight decay, the 4000 training signals "
               "standardised (profond.train.recipe), a reshuffle every epoch."]
              + (["--quick trains 200 steps only: accuracies are far below the paper's."]
                 if quick else []),
    )


def table(models=MODELS, seeds=(0,), steps: int = FULL_STEPS, threads: int = 1) -> dict:
    """{model: {"accs": [test accuracy per seed], "params": n, "seconds": mean time, "model": the
    last seed's network}}.

    One thread by default: at batch 100 these layers are too small for intra-op parallelism to
    pay for its synchronisation (and on a busy machine extra threads only wait for each other).
    """
    data = load("mnist1d")
    X_test, y_test = load_splits("mnist1d", 0.0, 0)[0]["test"]  # standardised as for training
    results = {}
    for name in models:
        accs, seconds = [], []
        for s in seeds:
            start = time.perf_counter()
            learner = _train(name, data, s, steps, threads)
            seconds.append(time.perf_counter() - start)
            accs.append(learner.evaluate(learner.prepare(X_test, y_test))["acc"])
        params = sum(p.numel() for p in learner.model.parameters())
        results[name] = {"accs": accs, "params": params, "seconds": float(np.mean(seconds)),
                         "model": learner.model}
    return results


def _train(name: str, data, seed: int, steps: int, threads: int):
    """The paper's recipe for every model, through the training recipe (whole training set, no
    validation part, one thread)."""
    steps_per_epoch = -(-len(data.X_train) // PAPER_RECIPE["batch_size"])
    # whole epochs only: the Trainer's unit; 6000 steps are exactly 150 epochs of 40
    epochs = max(1, round(steps / steps_per_epoch))
    config = TrainConfig(name, "mnist1d", seed=seed, epochs=epochs, threads=threads,
                         device="cpu", **PAPER_RECIPE, **OPTIONS.get(name, {}))
    return fit(config)[1]


def _plot(results: dict, path: Path) -> Path:
    plt = pyplot()

    names = list(results)
    x = np.arange(len(names))
    ours = [100 * np.mean(results[n]["accs"]) for n in names]
    spread = [100 * np.std(results[n]["accs"]) for n in names]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.bar(x - 0.2, ours, 0.4, yerr=spread, label="profond (torch)", color="#0877bd")
    ax.bar(x + 0.2, [100 * PAPER.get(n, np.nan) for n in names], 0.4, label="paper",
           color="#f59322")
    ax.set_xticks(x, names)
    ax.set_ylabel("test accuracy (%)")
    ax.set_ylim(0, 100)
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return save_png(fig, path)


def _attention(model, out_dir: Path) -> Path:
    """The transformer's attention maps (every layer and head) for the first test signal."""
    X_test = load_splits("mnist1d", 0.0, 0)[0]["test"][0]  # as the model saw its inputs
    x = torch.from_numpy(X_test[:1].reshape(1, *load("mnist1d").input_shape))
    path = out_dir / "mnist1d_transformer_attention.png"
    plot_attention(attention_maps(model, x), path,
                   "MNIST-1D transformer: attention weights for test signal 0")
    return path
