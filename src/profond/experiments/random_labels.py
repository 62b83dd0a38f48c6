"""Deck 003, Zhang et al. (2016): the same network fits true labels and random labels alike.

An MLP wide enough to memorise (one hidden layer) is trained on sklearn digits with the slide's
switches (data augmentation, dropout, weight decay). On random labels the training accuracy
still reaches ~100 % while the test accuracy stays at chance (10 %): capacity alone does not
explain generalisation, and the explicit regularisers are not what prevents memorisation.
"""

from pathlib import Path

import numpy as np

from profond.data import load
from profond.data.augment import RandomCrop
from profond.experiments.registry import ExperimentResult
from profond.limits.noise import random_labels
from profond.limits.plots import line_plot
from profond.models import logits, new_model
from profond.train.callbacks import Callback
from profond.train.recipe import fit_model

# (labels, data aug, dropout, weight decay): the slide's seven rows
ARMS = (("true", True, True, True), ("true", True, False, False), ("true", False, False, True),
        ("true", False, False, False), ("random", False, True, True),
        ("random", False, False, True), ("random", False, False, False))
# (training examples, epochs, hidden width) by `quick`
BUDGETS = {True: (300, 80, 512), False: (None, 300, 1024)}
LR, DROPOUT, WEIGHT_DECAY = 3e-3, 0.2, 1e-5


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per arm: top-1/top-5 train and test accuracy, in %."""
    n, epochs, width = BUDGETS[quick]
    data = load("digits")
    X, y = data.X_train[:n], data.y_train[:n]
    y_random = random_labels(y, len(data.classes), seed)
    rows, curves = [], {}
    for labels, aug, dropout, decay in ARMS:
        y_fit = y if labels == "true" else y_random
        row, curve = _arm((X, y_fit), (data.X_test, data.y_test), aug, dropout, decay,
                          epochs, width, seed)
        rows.append({"labels": labels, "data aug": _yes(aug), "dropout": _yes(dropout),
                     "weight decay": _yes(decay), **row})
        curves[f"{labels} labels, aug={_yes(aug)} drop={_yes(dropout)} wd={_yes(decay)}"] = curve
    figure = _plot(curves, epochs, out_dir / "random_labels.png")
    random_rows = [r for r in rows if r["labels"] == "random"]
    return ExperimentResult(
        name="random-labels", rows=rows,
        title=f"Zhang et al. on digits: MLP 64-{width}-10, {len(y)} training images, {epochs} "
              "epochs (accuracies in %)",
        figures=[str(figure)],
        claims={"random_train_top1_min": min(r["top-1 train"] for r in random_rows) / 100,
                "random_test_top1_max": max(r["top-1 test"] for r in random_rows) / 100,
                "chance": 1 / len(data.classes),
                "true_test_top1_best": max(r["top-1 test"] for r in rows
                                           if r["labels"] == "true") / 100},
        notes=["Random labels: y drawn uniformly in 0..9 once, independent of the image, kept "
               "fixed over epochs (Zhang et al.'s 'random labels').",
               f"Adam lr {LR:g}, batch 64; dropout p={DROPOUT}; weight decay {WEIGHT_DECAY:g} "
               "(L2 in Adam); augmentation: random 1-pixel shifts (RandomCrop, padding 1).",
               "Top-5 with 10 classes: chance is 50 %, as 0.5 % is chance for ImageNet's 1000."])


def _arm(train, test, aug: bool, dropout: bool, decay: bool, epochs: int, width: int,
         seed: int) -> tuple[dict, tuple]:
    model = new_model("mlp", (1, 8, 8), 10, hidden=(width,), dropout=DROPOUT if dropout else 0,
                      seed=seed)
    best = BestTest(model, *test)
    _, history = fit_model(model, train, epochs=epochs, lr=LR, batch_size=64, seed=seed,
                     weight_decay=WEIGHT_DECAY if decay else 0.0,
                     augment=RandomCrop(1) if aug else None, callbacks=[best])
    row = {}
    for split, (X, y) in (("train", train), ("test", test)):
        out = logits(model, X)
        row[f"top-1 {split}"] = round(100 * _topk(out, y, 1), 2)
        row[f"top-5 {split}"] = round(100 * _topk(out, y, 5), 2)
    row["top-1 test (early stop)"] = round(100 * best.top1, 2)
    row["top-5 test (early stop)"] = round(100 * best.top5, 2)
    row["early-stop epoch"] = best.epoch
    return row, (history.epoch, history.acc)


class BestTest(Callback):
    """Zhang et al.'s parentheses: the best top-1 test accuracy along training (and the top-5 at
    that epoch), an early stopping that reads the test set as an oracle would."""

    def __init__(self, model, X, y):
        self.model, self.X, self.y = model, X, y
        self.top1, self.top5, self.epoch = -1.0, 0.0, 0

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        out = logits(self.model, self.X)
        top1 = _topk(out, self.y, 1)
        if top1 > self.top1:
            self.top1, self.top5, self.epoch = top1, _topk(out, self.y, 5), epoch


def _topk(out, y, k: int) -> float:
    top = np.argsort(-out, axis=1)[:, :k]
    return float((top == y[:, None]).any(1).mean())


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _plot(curves: dict, epochs: int, path: Path) -> Path:
    line_plot(curves, path, xlabel="epoch", ylabel="train accuracy",
              title="Training accuracy, true vs random labels (Zhang et al. Fig. 1a)")
    return path
