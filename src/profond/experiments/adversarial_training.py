"""Deck 000, defending against the panda -> gibbon attack: adversarial training.

The same LeNet-5 recipe as adversarial-eps is trained three ways on the digits: on clean images,
on clean + FGSM images, and on clean + PGD images (AdversarialLearner, ε = 0.1); each is then tested
on clean images and under FGSM and PGD at the training budget.
"""

from pathlib import Path

import numpy as np
import torch

from profond.data import load
from profond.experiments.registry import ExperimentResult
from profond.further.adversarial import (
    EPOCHS,
    MODEL,
    PGD_STEPS,
    AdversarialLearner,
    adversarial_accuracy,
    train_digits,
)
from profond.plotting import pyplot, save_png

EPS = 0.1
TRAIN_STEPS = 5  # PGD steps while training: cheaper than the 10 of the test attack


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per training method: clean, FGSM and PGD test accuracy."""
    data = load("digits")
    arms = {"standard": {},
            "adversarial (FGSM)": {"learner_cls": AdversarialLearner, "attack": "fgsm",
                                   "eps": EPS},
            "adversarial (PGD)": {"learner_cls": AdversarialLearner, "attack": "pgd",
                                  "eps": EPS, "steps": TRAIN_STEPS}}
    rows = []
    for training, options in arms.items():
        model = train_digits(data, EPOCHS[quick], seed, **options)
        test = (model, data.X_test, data.y_test)
        gen = torch.Generator().manual_seed(seed)
        rows.append({"training": training,
                     "clean %": round(100 * adversarial_accuracy(*test, 0.0), 2),
                     "fgsm %": round(100 * adversarial_accuracy(*test, EPS, "fgsm"), 2),
                     "pgd %": round(100 * adversarial_accuracy(*test, EPS, "pgd", steps=PGD_STEPS,
                                                               generator=gen), 2)})
    standard, pgd_trained = rows[0], rows[2]
    figure = _plot(rows, out_dir / "adversarial_training.png")
    return ExperimentResult(
        name="adversarial-training", rows=rows,
        title=f"{MODEL} on digits, test accuracy: standard vs adversarial training (ε = {EPS:g})",
        figures=[str(figure)],
        claims={"pgd_gain": round(pgd_trained["pgd %"] - standard["pgd %"], 2),
                "clean_cost": round(standard["clean %"] - pgd_trained["clean %"], 2),
                "adversarial_training_helps": pgd_trained["pgd %"] > standard["pgd %"]},
        notes=[f"Each model: {EPOCHS[quick]} epochs of the adversarial-eps recipe; adversarial "
               "training minimises ½ L(x) + ½ L(x_adv) with x_adv made on the fly against the "
               f"current weights (PGD: {TRAIN_STEPS} steps while training, {PGD_STEPS} at test)."])


def _plot(rows: list[dict], path: Path) -> Path:
    """Grouped bars: per training method, test accuracy on clean, FGSM and PGD images."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    x = np.arange(len(rows))
    tests = (("clean %", "clean"), ("fgsm %", f"FGSM, ε = {EPS:g}"),
             ("pgd %", f"PGD ({PGD_STEPS} steps), ε = {EPS:g}"))
    for i, (key, label) in enumerate(tests):
        bars = ax.bar(x + (i - 1) * 0.27, [r[key] for r in rows], 0.27, label=label)
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.set(xticks=x, xticklabels=[f"{r['training']} training".replace(" (", "\n(")
                                   for r in rows],
           ylabel="test accuracy (%)", ylim=(0, 122), yticks=range(0, 101, 20),
           title=f"{MODEL} on digits: training on attacks buys robustness")
    ax.legend(fontsize=8, loc="upper center", ncol=3)
    fig.tight_layout()
    return save_png(fig, path)
