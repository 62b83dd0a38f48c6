"""Batch normalisation (Ioffe & Szegedy 2015, Figure 1, on the digits): the same deep sigmoid
MLP trained with and without BatchNorm1d, in the scratch engine.

64 -> 3 × [Linear(100) (-> BatchNorm1d) -> Sigmoid] -> Linear(10), torch's default init, SGD
(lr 0.1, momentum 0.9, batches of 64), the same seed and the same batches for both. After every
epoch: the test accuracy and the 15th, 50th and 85th percentiles of the input of the last sigmoid
on the test digits (eval mode), the paper's picture of the distribution a layer sees moving during
training. Without BN the net sits on the plateau of deep sigmoid nets (Glorot & Bengio 2010) for
tens of epochs; with it, the deck's « Données centrées normées » applied to every layer, it
learns in a few. Deeper (4 or 5 layers) the net without BN does not leave chance in 60 epochs.
"""

from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.plotting import integer_ticks, pyplot, save_png
from profond.scratch import rng
from profond.scratch.learner import ScratchLearner
from profond.scratch.nn import BatchNorm1d, CrossEntropyLoss, Linear, Sigmoid
from profond.scratch.nn.container import Sequential
from profond.scratch.optim import SGD
from profond.train.recipe import accuracy
from profond.train.trainer import Trainer

DEPTH, WIDTH, LR, MOMENTUM, BATCH = 3, 100, 0.1, 0.9, 64
EPOCHS = {True: 60, False: 120}
PERCENTILES = (15, 50, 85)
LABELS = {
    "en": {"epoch": "epoch", "acc": "test accuracy (%)", "arms": ("without BN", "with BN"),
           "input": "input of the last sigmoid\n(median, 15th to 85th percentile)",
           "title": "{} sigmoid layers, digits"},
    "fr": {"epoch": "époque", "acc": "exactitude en test (%)", "arms": ("sans BN", "avec BN"),
           "input": "entrée de la dernière sigmoïde\n(médiane, centiles 15 à 85)",
           "title": "{} couches sigmoïdes, chiffres"},
}


def mlp(batch_norm: bool, in_features: int, num_classes: int) -> Sequential:
    """The network; the index of the last sigmoid is len(model) − 2."""
    layers, width = [], in_features
    for _ in range(DEPTH):
        layers += [Linear(width, WIDTH), *([BatchNorm1d(WIDTH)] if batch_norm else []), Sigmoid()]
        width = WIDTH
    return Sequential(*layers, Linear(width, num_classes))


def sigmoid_input(model: Sequential, X: np.ndarray) -> np.ndarray:
    """What the last sigmoid receives on X, in eval mode (BN with its running statistics)."""
    model.eval()
    h = X
    for layer in list(model)[:len(model) - 2]:
        h = layer(h)
    model.train()
    return h


def train(batch_norm: bool, data, epochs: int, seed: int) -> list[dict]:
    """One record per epoch (0 = before training): test accuracy and the percentiles."""
    rng.manual_seed(seed)
    X_train, X_test = (x.reshape(len(x), -1) for x in (data.X_train, data.X_test))
    model = mlp(batch_norm, X_train.shape[1], data.n_classes)
    learner = ScratchLearner(model, CrossEntropyLoss(), SGD(model.parameters(), lr=LR,
                                                                momentum=MOMENTUM))
    trainer = Trainer(epochs, BATCH, seed=seed, eval_train=False)
    test = (X_test, data.y_test)
    record = [_record(learner, model, test, 0)]
    for epoch, _ in enumerate(trainer.epochs(learner, (X_train, data.y_train)), 1):
        record.append(_record(learner, model, test, epoch))
    return record


def _record(learner, model, test, epoch: int) -> dict:
    a = sigmoid_input(model, test[0])
    return {"epoch": epoch, "test %": round(100 * accuracy(learner, *test), 2),
            **{f"p{q}": round(float(v), 3)
               for q, v in zip(PERCENTILES, np.percentile(a, PERCENTILES), strict=True)}}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per arm and epoch; figures in English and French (the concept pages')."""
    data = load("digits")
    with threadpool_limits(limits=1):  # 64 x 100 products: BLAS threads only wait for each other
        curves = {bn: train(bn, data, EPOCHS[quick], seed) for bn in (False, True)}
    rows = [{"batch norm": bn, **r} for bn, record in curves.items() for r in record]
    figures = [_plot(curves, out_dir / f"batchnorm_depth{suffix}.png", lang)
               for lang, suffix in (("en", ""), ("fr", ".fr"))]
    final = {bn: record[-1]["test %"] for bn, record in curves.items()}
    return ExperimentResult(
        name="batchnorm-depth", rows=rows,
        title=f"Batch norm: a {DEPTH}-layer sigmoid MLP on digits, SGD lr {LR}, "
              f"momentum {MOMENTUM}",
        figures=[str(f) for f in figures],
        claims={"final_test_acc_without_bn": final[False] / 100,
                "final_test_acc_with_bn": final[True] / 100,
                "epochs_to_50_without_bn": _epochs_to(curves[False], 50),
                "epochs_to_50_with_bn": _epochs_to(curves[True], 50)},
        notes=[f"{EPOCHS[quick]} epochs, batches of {BATCH}, same seed ({seed}) and batches for "
               "both; percentiles of the last sigmoid's input over the 360 test digits × "
               f"{WIDTH} units, in eval mode."])


def _epochs_to(record: list[dict], percent: float) -> int | None:
    """The first epoch whose test accuracy reaches `percent`; None if none does."""
    return next((r["epoch"] for r in record if r["test %"] >= percent), None)


def _plot(curves: dict, path: Path, lang: str) -> Path:
    text = LABELS[lang]
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.3))
    axes[2].sharey(axes[1])
    for bn, colour in ((False, "tab:red"), (True, "tab:blue")):
        record = curves[bn]
        epochs = [r["epoch"] for r in record]
        axes[0].plot(epochs, [r["test %"] for r in record], color=colour,
                     label=text["arms"][bn])
        low, mid, high = ([r[f"p{q}"] for r in record] for q in PERCENTILES)
        axes[1 + bn].fill_between(epochs, low, high, color=colour, alpha=0.25, lw=0)
        axes[1 + bn].plot(epochs, mid, color=colour)
        axes[1 + bn].set_title(text["arms"][bn], fontsize=9)
    axes[1].set_ylabel(text["input"], fontsize=8)
    axes[0].set(ylabel=text["acc"], ylim=(0, 100))
    axes[0].set_title(text["title"].format(DEPTH), fontsize=9)
    axes[0].legend(fontsize=8)
    for ax in axes:
        ax.set_xlabel(text["epoch"])
        integer_ticks(ax)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_png(fig, path)
