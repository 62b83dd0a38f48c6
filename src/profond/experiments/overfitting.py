"""Decks 001/003, overfitting: polynomials of degree 1, 3, 9 (underfit, fit, zero training loss),
then an MLP on few digits: width and epochs against train/validation accuracy, and what L2
(weight decay), dropout and data augmentation do to the gap.
"""

from pathlib import Path

import numpy as np

from profond.data import load
from profond.data.augment import RandomCrop
from profond.experiments.registry import ExperimentResult
from profond.limits.polyfit import polyfit, polyval, rms_error, sine_data
from profond.models import new_model
from profond.plotting import pyplot
from profond.train.recipe import fit_model

DEGREES = (1, 3, 9)
# (training digits, epochs, widths) by `quick`
BUDGETS = {True: (200, 40, (8, 256)), False: (300, 200, (4, 16, 64, 256, 1024))}
REGULARISERS = {"none": {}, "L2 (weight decay 1e-3)": {"weight_decay": 1e-3},
                "dropout 0.5": {"dropout": 0.5}, "augmentation (1-px shifts)": {"augment": True}}
LR = 3e-3


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: one per polynomial degree, per MLP width, per regulariser (train, val, gap)."""
    n, epochs, widths = BUDGETS[quick]
    rows, poly_figure = _polynomials(seed, out_dir / "polyfit.png")
    mlp_rows, curves = _mlp_rows(n, epochs, widths, seed)
    rows += mlp_rows
    figure = _curves_plot(curves, out_dir / "mlp_curves.png")
    poly = {r["setting"]: r for r in rows if r["part"] == "polynomial"}
    reg = {r["setting"]: r for r in rows if r["part"] == "regulariser"}
    return ExperimentResult(
        name="overfitting", rows=rows,
        title="Overfitting: polynomial degree, MLP width, and regularisers (digits)",
        figures=[str(poly_figure), str(figure)],
        claims={"degree9_train_rms": poly["degree 9"]["train"],
                "degree9_test_rms": poly["degree 9"]["test / val"],
                "degree3_test_rms": poly["degree 3"]["test / val"],
                "gap_none": reg["none"]["gap"],
                "gap_regularised_min": min(r["gap"] for k, r in reg.items() if k != "none")},
        notes=["Polynomials: 10 training points of sin(2 pi x) + N(0, 0.3^2), 100 test points; "
               "columns are RMS errors (Bishop's E_RMS). Degree 9 passes through all 10 points.",
               f"MLP rows: {n} training digits, validation = the 360 test digits, {epochs} "
               f"epochs of Adam lr {LR:g}; columns are accuracies in %, gap = train - val.",
               "Regulariser rows use the widest MLP."])


def _polynomials(seed: int, path: Path) -> tuple[list[dict], Path]:
    x, t = sine_data(10, seed=seed)
    x_test, t_test = sine_data(100, seed=seed + 1)
    fits = {d: polyfit(x, t, d) for d in DEGREES}
    rows = []
    for d, w in fits.items():
        train, test = rms_error(w, x, t), rms_error(w, x_test, t_test)
        rows.append({"part": "polynomial", "setting": f"degree {d}", "train": round(train, 4),
                     "test / val": round(test, 4), "gap": round(test - train, 4)})
    return rows, _poly_plot(x, t, fits, path)


def _mlp_rows(n: int, epochs: int, widths, seed: int) -> tuple[list[dict], dict]:
    data = load("digits")
    train, val = (data.X_train[:n], data.y_train[:n]), (data.X_test, data.y_test)
    rows, curves = [], {}
    settings = [("width", f"width {w}", w, {}) for w in widths]
    settings += [("regulariser", name, widths[-1], opts) for name, opts in REGULARISERS.items()]
    for part, name, width, opts in settings:
        model = new_model("mlp", (1, 8, 8), 10, hidden=(width,),
                             dropout=opts.get("dropout", 0.0), seed=seed)
        _, h = fit_model(model, train, val, epochs=epochs, lr=LR, seed=seed,
                   weight_decay=opts.get("weight_decay", 0.0),
                   augment=RandomCrop(1) if opts.get("augment") else None)
        tr, va = 100 * h.acc[-1], 100 * h.val_acc[-1]
        rows.append({"part": part, "setting": name, "train": round(tr, 2),
                     "test / val": round(va, 2), "gap": round(tr - va, 2)})
        curves[name] = (h.epoch, h.acc, h.val_acc)
    return rows, curves


def _poly_plot(x, t, fits: dict, path: Path) -> Path:
    plt = pyplot()


    grid = np.linspace(0, 1, 200)
    fig, axes = plt.subplots(1, len(fits), figsize=(4 * len(fits), 3.2), sharey=True)
    for ax, (degree, w) in zip(axes, fits.items(), strict=True):
        ax.plot(grid, np.sin(2 * np.pi * grid), color="green", label="sin(2πx)")
        ax.plot(grid, polyval(w, grid), color="red", label=f"degree {degree}")
        ax.scatter(x, t, facecolors="none", edgecolors="blue")
        ax.set(ylim=(-1.8, 1.8), title=f"degree {degree}", xlabel="x")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _curves_plot(curves: dict, path: Path) -> Path:
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for k, (name, (epochs, acc, val_acc)) in enumerate(curves.items()):
        color = f"C{k % 10}"
        ax.plot(epochs, acc, color=color, label=f"{name} train")
        ax.plot(epochs, val_acc, color=color, linestyle="--", label=f"{name} val")
    ax.set(xlabel="epoch", ylabel="accuracy", title="MLP on few digits: train (—) vs val (- -)")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
