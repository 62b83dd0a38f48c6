"""What a finished training run leaves in its folder: curves, confusion matrix, final metrics
(the metrics per epoch, as JSON and CSV, are written after every epoch by `Run.log_epoch`)."""

from pathlib import Path

import numpy as np

from profond.io import atomic_write_json
from profond.train.history import History


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """M[i, j] = number of examples of class i predicted as j; (C, C) int64.

    Mirrors sklearn.metrics.confusion_matrix(y_true, y_pred, labels=range(C)).
    """
    y_true, y_pred = np.asarray(y_true, dtype=np.int64), np.asarray(y_pred, dtype=np.int64)
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)


def plot_confusion_matrix(matrix: np.ndarray, classes: list[str],
                          out: str | Path | None = None):
    """The matrix as a matplotlib Figure (written as the PNG `out` too when given): rows are true
    classes, columns predictions, counts in the cells."""
    from profond.plotting import finish, pyplot

    plt = pyplot()

    n = len(matrix)
    fig, ax = plt.subplots(figsize=(1.0 + 0.45 * n, 0.8 + 0.45 * n))
    ax.imshow(matrix, cmap="Blues")
    ticks = np.arange(n)
    ax.set_xticks(ticks, classes, rotation=90 if n > 12 else 0)
    ax.set_yticks(ticks, classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if n <= 20:
        threshold = matrix.max() / 2
        for (i, j), count in np.ndenumerate(matrix):
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                    color="white" if count > threshold else "black")
    fig.tight_layout()
    return finish(fig, out)


def write_outputs(folder: str | Path, history: History, final: dict, y_true: np.ndarray,
                  y_pred: np.ndarray | None, classes: list[str]) -> dict[str, Path]:
    """learning_curves.png, confusion_matrix.png (classification) and final.json in `folder`."""
    folder = Path(folder)
    history.plot(folder / "learning_curves.png")
    written = {"learning_curves": folder / "learning_curves.png"}
    if y_pred is not None and classes:
        matrix = confusion_matrix(y_true, y_pred, len(classes))
        written["confusion_matrix"] = folder / "confusion_matrix.png"
        plot_confusion_matrix(matrix, classes, written["confusion_matrix"])
    written["final"] = atomic_write_json(folder / "final.json", final)
    return written
