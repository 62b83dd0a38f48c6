"""Deck 003, "Limitations - Bruit": test accuracy falls as a growing fraction of training labels
is flipped to a wrong class, while the network still fits the noisy labels it was given.

An MLP on sklearn digits; fraction p of the training labels replaced by a different class drawn
uniformly (profond.limits.noise.flip_labels); the test labels stay clean.
"""

from pathlib import Path

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.limits.noise import flip_labels
from profond.limits.plots import line_plot
from profond.models import new_model
from profond.train.recipe import accuracy, fit_model

# (noise fractions, epochs, hidden width) by `quick`
BUDGETS = {True: ((0.0, 0.4, 0.8), 30, 128),
           False: ((0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), 100, 512)}
LR = 3e-3


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per noise fraction: accuracy on the noisy and true training labels and on test."""
    fractions, epochs, width = BUDGETS[quick]
    data = load("digits")
    rows = []
    for p in fractions:
        y_noisy, flipped = flip_labels(data.y_train, p, len(data.classes), seed)
        model = new_model("mlp", (1, 8, 8), 10, hidden=(width,), seed=seed)
        learner, _ = fit_model(model, (data.X_train, y_noisy), epochs=epochs, lr=LR, seed=seed,
                         eval_train=False)
        rows.append({"noise %": round(100 * p, 1), "flipped": int(flipped.sum()),
                     "train % (noisy labels)": _pct(accuracy(learner, data.X_train, y_noisy)),
                     "train % (true labels)": _pct(accuracy(learner, data.X_train, data.y_train)),
                     "test %": _pct(accuracy(learner, data.X_test, data.y_test))})
    figure = _plot(rows, out_dir / "label_noise.png")
    tests = [r["test %"] for r in rows]
    return ExperimentResult(
        name="label-noise", rows=rows,
        title=f"Label noise on digits: MLP 64-{width}-10, {epochs} epochs",
        figures=[str(figure)],
        claims={"test_acc_clean": tests[0] / 100, "test_acc_noisiest": tests[-1] / 100,
                "test_acc_falls": tests[-1] < tests[0]},
        notes=[f"Adam lr {LR:g}, batch 64, no regularisation, no early stopping; noisy labels "
               "are flipped to a different class uniformly, once, before training.",
               "'train % (true labels)' above 'train % (noisy labels)' means the network "
               "partly recovers the true class of flipped images; the gap closes as it "
               "memorises the noise."])


def _pct(acc: float) -> float:
    return round(100 * acc, 2)


def _plot(rows: list[dict], path: Path) -> Path:
    xs = [r["noise %"] for r in rows]
    curves = {key: (xs, [r[key] for r in rows])
              for key in ("train % (noisy labels)", "train % (true labels)", "test %")}
    line_plot(curves, path, xlabel="flipped labels (%)", ylabel="accuracy (%)",
              title="Accuracy vs label noise (digits)", hline=10.0)
    return path
