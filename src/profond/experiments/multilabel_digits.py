"""Deck 004's taxonomy, « classification supervisée (simple, multi-labels) »: an image may carry
several labels at once. One sigmoid per label and the binary cross-entropy let a network answer
« a 3 and a 7 »; a softmax picks one class and cannot.

Images: two 8x8 digits side by side (8x16), one half blank in two images of three; the labels
are the set of digits present. Both nets: MLP 128-256-10, Adam.
"""

from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import accuracy_score, f1_score, hamming_loss

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.models import logits, new_model
from profond.plotting import pyplot, save_png
from profond.train.recipe import fit_model

BUDGETS = {True: (3000, 12), False: (10_000, 40)}  # (training images, epochs)
N_TEST = 1000
LR = 2e-3


def pairs(X: np.ndarray, y: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n images (n, 1, 8, 16) of a left and a right half, and their multi-hot labels (n, 10);
    in two images of three one half is blank (never both)."""
    rng = np.random.default_rng(seed)
    left, right = rng.integers(len(X), size=(2, n))
    blank = rng.integers(3, size=n)  # 0: left blank, 1: right blank, 2: both digits
    images = np.concatenate([X[left], X[right]], axis=-1)
    images[blank == 0, ..., :8] = 0
    images[blank == 1, ..., 8:] = 0
    labels = np.zeros((n, 10), dtype=np.float32)
    labels[np.flatnonzero(blank != 0), y[left][blank != 0]] = 1
    labels[np.flatnonzero(blank != 1), y[right][blank != 1]] = 1
    return images, labels


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: subset accuracy, Hamming loss and mean F1 of each head, then F1 per label."""
    torch.set_num_threads(1)
    n_train, epochs = BUDGETS[quick]
    data = load("digits")
    X, Y = pairs(data.X_train, data.y_train, n_train, seed)
    X_test, Y_test = pairs(data.X_test, data.y_test, N_TEST, seed + 1)
    heads = {"sigmoid per label + BCE": torch.nn.BCEWithLogitsLoss(),
             "softmax + cross-entropy": None}
    predictions = {}
    for head, loss_fn in heads.items():
        model = new_model("mlp", X.shape[1:], 10, hidden=(256,), seed=seed)
        # the softmax head learns the label distribution: each present digit equally likely
        targets = Y if loss_fn else Y / Y.sum(1, keepdims=True)
        # task "regression": float targets, raw outputs; the loss makes it a classifier
        fit_model(model, (X, targets), epochs=epochs, lr=LR, seed=seed, task="regression",
            loss_fn=loss_fn or torch.nn.CrossEntropyLoss(), eval_train=False)
        out = logits(model, X_test)
        predictions[head] = (out > 0 if loss_fn else np.eye(10)[out.argmax(1)]).astype(int)
    rows = [{"head": head, "subset accuracy %": round(100 * accuracy_score(Y_test, P), 2),
             "Hamming loss": round(float(hamming_loss(Y_test, P)), 4),
             "mean F1": round(float(f1_score(Y_test, P, average="macro")), 3)}
            for head, P in predictions.items()]
    per_label = {head: f1_score(Y_test, P, average=None) for head, P in predictions.items()}
    figure = _plot(per_label, out_dir / "multilabel_digits.png")
    two = Y_test.sum(1) == 2
    return ExperimentResult(
        name="multilabel-digits", rows=rows,
        title="Multi-label digits (8x16 pairs): one sigmoid per label vs one softmax",
        figures=[str(figure)],
        claims={"subset_acc_sigmoid": rows[0]["subset accuracy %"] / 100,
                "subset_acc_softmax": rows[1]["subset accuracy %"] / 100,
                "share_two_labels": float(two.mean()),
                "f1_per_label_sigmoid": per_label[rows[0]["head"]].round(3).tolist()},
        notes=[f"{n_train} training images, {N_TEST} test images from the held-out digits; "
               f"{100 * two.mean():.0f} % of test images carry two different labels.",
               "Subset accuracy: the predicted set equals the true set. The softmax head "
               "predicts one label (its argmax), so it is wrong on every two-label image.",
               "Sigmoid head: label k is predicted when its logit > 0 (probability > 0.5)."])


def _plot(per_label: dict, path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    width = 0.4
    for i, (head, f1) in enumerate(per_label.items()):
        ax.bar(np.arange(10) + (i - 0.5) * width, f1, width, label=head)
    ax.set(xticks=range(10), xlabel="label (digit)", ylabel="F1 on test", ylim=(0, 1.05),
           title="F1 per label: sigmoid per label vs softmax")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return save_png(fig, path)
