"""Deck 001, "Plus proche moyenne": the class means and the distances of x = {5, 2} to them."""

from pathlib import Path

import numpy as np

from profond.classic import NearestMean
from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png

RED_EXAMPLES = [[5, 8], [7, 9], [6, 10]]
# The deck lists examples for the red class only; blue and green come as means, so each enters
# the fit as a single example placed at its mean.
GIVEN_MEANS = {"bleu": [3, 7], "vert": [3, 1]}
X_QUERY = [5, 2]
COLOURS = {"rouge": "tab:red", "bleu": "tab:blue", "vert": "tab:green"}


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per class in the slide's order; nothing is random: quick and seed change nothing."""
    X = np.array(RED_EXAMPLES + list(GIVEN_MEANS.values()), dtype=float)
    y = np.array(["rouge"] * len(RED_EXAMPLES) + list(GIVEN_MEANS))
    model = NearestMean().fit(X, y)
    distances = dict(zip(model.classes_, model.transform([X_QUERY])[0], strict=True))
    means = dict(zip(model.classes_, model.means_, strict=True))
    rows = [{"class": name, "examples": int((y == name).sum()), "mean_x1": float(means[name][0]),
             "mean_x2": float(means[name][1]), "distance": float(distances[name])}
            for name in COLOURS]
    predicted = str(model.predict([X_QUERY])[0])
    figure = _plot(X, y, means, distances, out_dir / "nearest_mean_example.png")
    return ExperimentResult(
        name="nearest-mean-example",
        rows=rows,
        title="Nearest mean (deck 001): distance of x = (5, 2) to each class mean",
        figures=[str(figure)],
        claims={"x": X_QUERY, "predicted_class": predicted,
                "rouge_mean": means["rouge"].tolist()},
        notes=[f"x = (5, 2) is nearest to the {predicted} mean, so it is classified {predicted}."],
    )


def _plot(X, y, means, distances, path: Path) -> Path:
    """The examples, the class means (large), x (black star) and its distance to each mean."""
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(5, 5))
    for name, colour in COLOURS.items():
        ax.scatter(*X[y == name].T, s=30, color=colour, alpha=0.6)
        ax.scatter(*means[name], s=160, marker="s", color=colour, edgecolor="k",
                   label=f"mean {name}")
        ax.plot(*np.c_[X_QUERY, means[name]], "--", color=colour, lw=1)
        middle = (np.asarray(X_QUERY) + means[name]) / 2
        ax.annotate(f"{distances[name]:.2f}", middle, fontsize=8, color=colour)
    ax.scatter(*X_QUERY, s=200, marker="*", color="k", label="x = (5, 2)")
    ax.set(title="Nearest mean: x goes to the closest class mean", xlabel="x1", ylabel="x2",
           xlim=(0, 10), ylim=(0, 11), aspect="equal")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return save_png(fig, path)
