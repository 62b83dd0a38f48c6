"""Deck 003, "Un exemple : le OU": the perceptron learns OR from w = (0, 1, 0) with eta = 1."""

from pathlib import Path

import numpy as np

from profond.classic import Perceptron
from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png

OR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
OR_TARGETS = np.array([0, 1, 1, 1])
SLIDE_START = (0, 1, 0)


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per example seen, as the slides' table; the order is fixed, so quick and seed
    change nothing."""
    model = Perceptron(lr=1.0, init_weights=SLIDE_START).fit(OR_INPUTS, OR_TARGETS)
    w = [float(model.intercept_), *map(float, model.coef_)]
    figure = _plot(w, out_dir / "perceptron_or.png")
    return ExperimentResult(
        name="perceptron-or",
        rows=[_row(step) for step in model.trace_],
        title="Perceptron on OR (deck 003): x | W before | y | t | W after",
        figures=[str(figure)],
        claims={"final_weights": w, "n_updates": sum(step.updated for step in model.trace_),
                "converged": bool(model.converged_), "epochs": model.n_iter_},
        notes=["The slides stop after the 9th example; training ends with epoch 3, the first "
               "without an update.",
               "Output 1 only if w.x > 0: with the final weights, (0, 0) gives w.x = 0, so y = 0."],
    )


def _row(step) -> dict:
    return {"epoch": step.epoch,
            **{f"x{i}": float(v) for i, v in enumerate(step.x)},
            **{f"w{i}": float(v) for i, v in enumerate(step.w_before)},
            "y": step.y, "t": step.t,
            **{f"w{i}'": float(v) for i, v in enumerate(step.w_after)}}


def _plot(w: list[float], path: Path) -> Path:
    """The four OR inputs coloured by t, and the region where w0 + w1 x1 + w2 x2 > 0 (y = 1)."""
    plt = pyplot()

    grid = np.linspace(-0.5, 1.5, 201)
    x1, x2 = np.meshgrid(grid, grid)
    score = w[0] + w[1] * x1 + w[2] * x2
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.contourf(x1, x2, score > 0, levels=[-0.5, 0.5, 1.5], colors=["#fde0c5", "#cfe3f3"])
    ax.contour(x1, x2, score, levels=[0], colors="k")
    for t, colour in ((0, "#f59322"), (1, "#0877bd")):
        keep = OR_TARGETS == t
        ax.scatter(*OR_INPUTS[keep].T, s=90, color=colour, edgecolor="k", label=f"t = {t}")
    ax.set(title=f"OR learned: w = ({w[0]:g}, {w[1]:g}, {w[2]:g})", xlabel="x1", ylabel="x2",
           aspect="equal")
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return save_png(fig, path)
