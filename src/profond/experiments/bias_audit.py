"""Deck 003, "Limitations - Biais" (Gender Shades): a classifier trained on data where one subgroup
is rare and looks different, audited per subgroup with the slide's table, then retrained on a
rebalanced set and with augmentation.

Offline stand-in: sklearn digits, task "is the digit odd?" (positive = odd), subgroup "mirrored":
a quarter of the digits (train and test alike) are flipped left to right, as if written by a
population that draws them the other way. The skewed training set keeps only 5 % of its mirrored
digits; the test set keeps its quarter, so the overall error hides the mirrored group's.
"""

from pathlib import Path

import numpy as np

from profond.data import load
from profond.data.augment import RandomHorizontalFlip
from profond.experiments.registry import ExperimentResult
from profond.limits.audit import (
    METRICS,
    apply_mirror,
    audit,
    mirror_groups,
    rebalance,
    under_represent,
)
from profond.models import new_model
from profond.plotting import pyplot, save_png
from profond.train.recipe import fit_model

MIRRORED, KEEP = 0.25, 0.05  # share of mirrored digits, share of them the skewed training keeps
CLASSES = {0: "even", 1: "odd"}
GROUPS = ("upright", "mirrored")
EPOCHS = {True: 30, False: 100}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows as the slide: Classifier, Metric, All, the classes, the groups, the pairs."""
    data = load("digits")
    y_train, y_test = (data.y_train % 2).astype("int64"), (data.y_test % 2).astype("int64")
    groups = mirror_groups(len(y_train), MIRRORED, seed)
    test_groups = mirror_groups(len(y_test), MIRRORED, seed + 1)
    X_train, X_test = apply_mirror(data.X_train, groups), apply_mirror(data.X_test, test_groups)
    skewed = under_represent(groups, "mirrored", KEEP, seed)
    arms = {"skewed training": (skewed, None),
            "rebalanced (mirrored resampled)": (skewed[rebalance(groups[skewed], seed)], None),
            "augmented (random flips)": (skewed, RandomHorizontalFlip(0.5))}
    rows, claims = [], {}
    for name, (idx, augment) in arms.items():
        y_pred = _train_predict(X_train[idx], y_train[idx], X_test, augment, EPOCHS[quick], seed)
        table = audit(y_test, y_pred, test_groups, CLASSES)
        rows += [{"Classifier": name, "Metric": m, **table[m]} for m in (*METRICS, "count")]
        rows.append({"Classifier": name, "Metric": "train count", "All": len(idx),
                     **{g: int((groups[idx] == g).sum()) for g in GROUPS}})
        errors = table["Error Rate (%)"]
        claims[name] = {"error_all": round(errors["All"] / 100, 4),
                        **{f"error_{g}": round(errors[g] / 100, 4) for g in GROUPS}}
    figure = _plot(rows, out_dir / "bias_audit.png")
    return ExperimentResult(
        name="bias-audit", rows=rows,
        title="Gender Shades-style audit on digits (odd vs even; mirrored digits rare in training)",
        figures=[str(figure)], claims=claims,
        notes=[f"{100 * MIRRORED:g} % of the digits are mirrored (train and test); the skewed "
               f"training set keeps {100 * KEEP:g} % of its mirrored digits.",
               "Rebalanced: the few mirrored training digits resampled with replacement up to the "
               "upright count (no new data, only the weighting changes). Augmented: the skewed "
               "set, each batch image flipped with probability 0.5.",
               "Columns without a class (All, upright, mirrored) score every prediction: PPV = "
               "TPR = accuracy; columns with a class (even, odd, 'mirrored odd') score that "
               "class's predictions. Error Rate = 100 − PPV in every cell, as on the slide.",
               "Metrics with fairlearn.metrics.MetricFrame; MLP 64-64-2, Adam lr 0.003, "
               f"{EPOCHS[quick]} epochs."])


def _train_predict(X, y, X_test, augment, epochs: int, seed: int):
    model = new_model("mlp", (1, 8, 8), 2, hidden=(64,), seed=seed)
    learner, _ = fit_model(model, (X, y), epochs=epochs, lr=3e-3, seed=seed, eval_train=False,
                     augment=augment)
    return learner.predict(X_test).argmax(1)


def _plot(rows: list[dict], path: Path) -> Path:
    """Error rate of All, upright and mirrored per training arm, as grouped bars."""
    plt = pyplot()
    errors = [r for r in rows if r["Metric"] == "Error Rate (%)"]
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    x = np.arange(len(errors))
    for shift, column in zip((-0.27, 0, 0.27), ("All", *GROUPS), strict=True):
        ax.bar(x + shift, [r[column] for r in errors], 0.27, label=column)
    ax.set_xticks(x, [r["Classifier"].split(" (")[0] for r in errors])
    ax.set(ylabel="Error Rate (%) = 100 − PPV", title="Subgroup error on the test digits")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    return save_png(fig, path)
