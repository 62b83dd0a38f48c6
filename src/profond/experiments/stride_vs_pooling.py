"""Deck 003, « Couche de pooling »: no need for full resolution to recognise, « mais augmenter le
stride est risqué... on préfère faire un pooling, généralement avec un max ».

Three CNNs on 8x8 digits halve the resolution twice (8 -> 4 -> 2) in three ways: a stride-1 conv
then max pooling, then average pooling, or a stride-2 conv that computes a quarter of the
positions. Same convs (3x3, 16 and 32 channels), same Linear(128, 10), same parameter count.
Each is scored on the test digits and on the same digits shifted by one pixel.
"""

from pathlib import Path

import numpy as np
import torch
from torch import nn

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.models import n_params
from profond.plotting import pyplot, save_png
from profond.train.recipe import accuracy, fit_model
from profond.train.torch_learner import seed_everything

BUDGETS = {True: (15, (0, 1)), False: (40, (0, 1, 2, 3, 4))}  # epochs, seeds
ARMS = ("stride 1 + max pool", "stride 1 + average pool", "stride 2, no pooling")
LR = 3e-3


def cnn(arm: str):
    """Two stages (conv 3x3 -> ReLU -> halve), then Linear(32·2·2, 10); x (N, 1, 8, 8)."""
    def stage(c_in, c_out):
        if arm.startswith("stride 2"):
            return [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.ReLU()]
        pool = nn.MaxPool2d(2) if "max" in arm else nn.AvgPool2d(2)
        return [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), pool]

    return nn.Sequential(*stage(1, 16), *stage(16, 32), nn.Flatten(), nn.Linear(32 * 2 * 2, 10))


def shifted(X: np.ndarray, seed: int) -> np.ndarray:
    """Each image moved by one pixel up, down, left or right (drawn from the seed), zero fill."""
    rng = np.random.default_rng(seed)
    out = np.zeros_like(X)
    moves = rng.integers(4, size=len(X))
    for move, (dy, dx) in enumerate(((-1, 0), (1, 0), (0, -1), (0, 1))):
        chosen = moves == move
        out[chosen] = _clear_edge(np.roll(X[chosen], (dy, dx), axis=(-2, -1)), dy, dx)
    return out


def _clear_edge(images: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Zero the row or column np.roll wrapped around."""
    if dy:
        images[..., -1 if dy < 0 else 0, :] = 0
    if dx:
        images[..., :, -1 if dx < 0 else 0] = 0
    return images


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per arm: test accuracy and shifted-test accuracy, mean and spread over seeds."""
    torch.set_num_threads(1)
    epochs, seeds = BUDGETS[quick]
    data = load("digits")
    X_shift = shifted(data.X_test, seed)
    scores = {arm: [] for arm in ARMS}
    for s in (seed + k for k in seeds):
        for arm in ARMS:
            seed_everything(s)
            model = cnn(arm)
            learner, _ = fit_model(model, (data.X_train, data.y_train), epochs=epochs, lr=LR,
                                   seed=s, eval_train=False)
            scores[arm].append((accuracy(learner, data.X_test, data.y_test),
                                accuracy(learner, X_shift, data.y_test)))
    rows = [_row(arm, np.array(scores[arm]), n_params(cnn(arm))) for arm in ARMS]
    figure = _plot(rows, out_dir / "stride_vs_pooling.png")
    return ExperimentResult(
        name="stride-vs-pooling", rows=rows,
        title="Halving the resolution: max pool, average pool or stride 2 (digits 8x8)",
        figures=[str(figure)],
        claims={"test_acc": {r["arm"]: r["test %"] / 100 for r in rows},
                "shifted_acc": {r["arm"]: r["shifted test %"] / 100 for r in rows},
                "seeds": len(seeds)},
        notes=[f"Adam lr {LR:g}, batch 64, {epochs} epochs; mean ± standard deviation over "
               f"{len(seeds)} seeds; the three arms have the same layers and parameter count.",
               "'shifted test': the test digits moved by one pixel in a random direction."])


def _row(arm: str, scores: np.ndarray, params: int) -> dict:
    mean, std = 100 * scores.mean(0), 100 * scores.std(0)
    return {"arm": arm, "params": params, "test %": round(float(mean[0]), 2),
            "± test": round(float(std[0]), 2), "shifted test %": round(float(mean[1]), 2),
            "± shifted": round(float(std[1]), 2)}


def _plot(rows: list[dict], path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = np.arange(len(rows))
    for i, (key, err) in enumerate((("test %", "± test"), ("shifted test %", "± shifted"))):
        ax.bar(x + (i - 0.5) * 0.38, [r[key] for r in rows], 0.38,
               yerr=[r[err] for r in rows], label=key, capsize=3)
    ax.set(xticks=x, xticklabels=[r["arm"] for r in rows], ylabel="accuracy (%)",
           ylim=(0, 100), title="« Augmenter le stride est risqué »")
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_png(fig, path)
