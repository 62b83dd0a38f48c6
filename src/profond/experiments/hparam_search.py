"""Hyper-parameter search (deck 003, « Hyperparamétrage … typiquement grid search »): grid against
random search on the same budget, when one of two hyper-parameters matters (Bergstra & Bengio
2012, Figure 1), with real trainings.

The two: the learning rate (it matters) and the weight decay (over [1e-6, 1e-3] and 5 epochs it
does not). The box is lr ∈ [1e-3, 3] × weight decay ∈ [1e-6, 1e-3], both log-scaled; the grid
takes 3 × 3 (quick) or 4 × 4 points at the centres of equal cells of the box, random search as
many draws of profond.train.tune.random_configs. Every trial is `profond train mlp --engine
scratch --hidden 32 --optimizer sgd --epochs 5` on the digits through the recipe, scored on a
validation part of the training set (no trial is scored on the test set). The grey curve is the
validation accuracy along lr at weight decay 1e-4, what the searches try to find. A grid of n × n
trials tries n learning rates, random search n² of them.
"""

import math
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png
from profond.train.callbacks import TrainingDiverged
from profond.train.config import TrainConfig
from profond.train.recipe import fit, load_splits
from profond.train.tune import Range, grid_configs, random_configs

BOX = {"lr": Range(1e-3, 3.0, log=True), "weight_decay": Range(1e-6, 1e-3, log=True)}
SIDE = {True: 3, False: 4}  # grid side; random search gets SIDE² draws as well
EPOCHS, VAL_FRACTION, PROFILE = 5, 0.25, 15
LABELS = {
    "en": {"lr": "learning rate", "wd": "weight decay", "acc": "validation accuracy (%)",
           "searches": {"grid": "grid: {} trials, {} learning rates",
                        "random": "random: {} trials, {} learning rates"},
           "profile": "weight decay 1e-4, every lr", "diverged": "diverged"},
    "fr": {"lr": "taux d'apprentissage", "wd": "pénalité L2 (weight decay)",
           "acc": "exactitude en validation (%)",
           "searches": {"grid": "grille : {} essais, {} taux d'apprentissage",
                        "random": "aléatoire : {} essais, {} taux d'apprentissage"},
           "profile": "pénalité 1e-4, tous les taux", "diverged": "divergé"},
}


def grid_points(side: int) -> dict[str, list[float]]:
    """`side` values per hyper-parameter, at the centres of `side` equal cells of its log range."""
    return {name: [float(math.exp(math.log(r.low) + (i + 0.5) / side
                                  * (math.log(r.high) - math.log(r.low)))) for i in range(side)]
            for name, r in BOX.items()}


def trial(params: dict, splits: dict, seed: int) -> float | None:
    """Validation accuracy of one configuration; None if its loss exploded (DivergenceStop)."""
    config = TrainConfig("mlp", "digits", "scratch", hidden=(32,), optimizer="sgd",
                         epochs=EPOCHS, val_fraction=VAL_FRACTION, eval_train=False, seed=seed,
                         **params)
    try:
        return float(fit(config, splits=splits)[2].val_acc[-1])
    except TrainingDiverged:
        return None


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per trial (search, lr, weight decay, validation %), then the lr profile."""
    splits, _ = load_splits("digits", VAL_FRACTION, seed)
    splits = {"train": splits["train"], "val": splits["val"]}
    side = SIDE[quick]
    searches = {"grid": grid_configs(grid_points(side)),
                "random": random_configs(BOX, side * side, seed)}
    lrs = np.geomspace(BOX["lr"].low, BOX["lr"].high, PROFILE)
    with threadpool_limits(limits=1):  # small products: BLAS threads only wait for each other
        rows = [_row(search, p, trial(p, splits, seed))
                for search, configs in searches.items() for p in configs]
        profile = [_row("profile", p, trial(p, splits, seed))
                   for p in ({"lr": float(lr), "weight_decay": 1e-4} for lr in lrs)]
    figures = [_plot(rows, profile, out_dir / f"hparam_search{suffix}.png", lang)
               for lang, suffix in (("en", ""), ("fr", ".fr"))]
    best = {s: max((r["val %"] or 0) for r in rows if r["search"] == s) for s in searches}
    return ExperimentResult(
        name="hparam-search", rows=rows + profile,
        title=f"Grid vs random search, {side * side} trials each: lr × weight decay, MLP on digits",
        figures=[str(f) for f in figures],
        claims={"best_val_acc": {s: v / 100 for s, v in best.items()},
                "distinct_lr": {s: len({r["lr"] for r in rows if r["search"] == s})
                                for s in searches},
                "profile_best_val_acc": max((r["val %"] or 0) for r in profile) / 100},
        notes=[f"Each trial: MLP 64-32-10, SGD, {EPOCHS} epochs, batches of the recipe; "
               f"validation: {VAL_FRACTION:.0%} of the training digits, seed {seed}. val % None: "
               "the loss exploded and DivergenceStop ended the run."])


def _row(search: str, params: dict, acc: float | None) -> dict:
    return {"search": search, "lr": float(f"{params['lr']:.4g}"),
            "weight decay": float(f"{params['weight_decay']:.4g}"),
            "val %": None if acc is None else round(100 * acc, 2)}


def _plot(rows: list[dict], profile: list[dict], path: Path, lang: str) -> Path:
    """Per search: validation accuracy against lr above (the grey profile behind), the trials
    in the lr × weight decay plane below, coloured by accuracy."""
    text = LABELS[lang]
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(9, 5.6), sharex=True, height_ratios=[1, 1.2],
                             layout="constrained")
    margin = {name: (r.low / 1.3, r.high * 1.3) for name, r in BOX.items()}
    for col, search in enumerate(("grid", "random")):
        trials = [r for r in rows if r["search"] == search]
        top, plane = axes[0, col], axes[1, col]
        top.plot([r["lr"] for r in profile], [np.nan if r["val %"] is None else r["val %"]
                                              for r in profile],
                 color="0.6", lw=1.5, label=text["profile"])
        done = [r for r in trials if r["val %"] is not None]
        top.scatter([r["lr"] for r in done], [r["val %"] for r in done], color="tab:blue",
                    zorder=3)
        for r in done:
            top.axvline(r["lr"], color="tab:blue", lw=0.5, alpha=0.4)
        top.set(ylim=(0, 100), xscale="log", title=text["searches"][search].format(
            len(trials), len({r["lr"] for r in trials})))
        points = plane.scatter([r["lr"] for r in done], [r["weight decay"] for r in done],
                               c=[r["val %"] for r in done], cmap="viridis", vmin=0, vmax=100,
                               s=60, edgecolor="k")
        failed = [r for r in trials if r["val %"] is None]
        plane.scatter([r["lr"] for r in failed], [r["weight decay"] for r in failed],
                      marker="x", color="tab:red", s=60, label=text["diverged"])
        top.scatter([r["lr"] for r in profile + failed if r["val %"] is None],
                    [0] * sum(r["val %"] is None for r in profile + failed), marker="x",
                    color="tab:red", clip_on=False, zorder=3, label=text["diverged"])
        plane.set(xscale="log", yscale="log", xlabel=text["lr"], xlim=margin["lr"],
                  ylim=margin["weight_decay"])
    axes[0, 0].set_ylabel(text["acc"], fontsize=9)
    axes[1, 0].set_ylabel(text["wd"], fontsize=9)
    axes[0, 0].legend(fontsize=8, loc="center right")
    fig.colorbar(points, ax=axes[1, :], label=text["acc"], shrink=0.9)
    return save_png(fig, path)
