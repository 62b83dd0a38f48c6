"""Decks 001/003, universal approximation (Cybenko 1989, Hornik 1991): one hidden layer of enough
units fits any continuous function on a compact set. The error falls as the hidden layer widens,
with a sigmoid or a Gaussian activation, and an RBF network (Gaussian bumps on k-means centres,
least-squares output) does the same with the same number of units.

Targets: f(x) = sin(3x) + 0.3 x² on [−2, 2] (1-D), and the playground's reg-gauss (2-D).
Each net is trained full batch with Adam; the error is the mean squared error on held-out points.
"""

from pathlib import Path

import numpy as np
import torch

from profond.classic import RBFNetwork
from profond.data.toy2d import load_toy
from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png
from profond.train.torch_learner import seed_everything

WIDTHS = (1, 2, 4, 8, 16, 32)
STEPS = {True: 1000, False: 8000}
LR = 0.02
ACTIVATIONS = ("sigmoid", "gaussian")


def target_1d(x: np.ndarray) -> np.ndarray:
    """f(x) = sin(3x) + 0.3 x²."""
    return np.sin(3 * x) + 0.3 * x ** 2


def datasets(seed: int) -> dict:
    """name -> (X_train, y_train, X_test, y_test), float32, inputs scaled to about [−2, 2]."""
    rng = np.random.default_rng(seed)
    x_train, x_test = rng.uniform(-2, 2, (200, 1)), np.linspace(-2, 2, 400)[:, None]
    gauss = load_toy("reg-gauss", n_samples=1200, seed=seed)
    scale = 3.0  # reg-gauss spans [−6, 6]
    sets = {"f(x), 1-D": (x_train, target_1d(x_train[:, 0]), x_test, target_1d(x_test[:, 0])),
            "reg-gauss, 2-D": (gauss.X_train / scale, gauss.y_train,
                               gauss.X_test / scale, gauss.y_test)}
    return {name: tuple(np.asarray(a, dtype=np.float32) for a in arrays)
            for name, arrays in sets.items()}


def one_hidden_layer_nets(n_inputs: int, widths, seed: int):
    """One net per width, Linear(n_inputs, H) -> act -> Linear(H, 1), stacked in tensors padded
    to the widest: W1 (M, n_inputs, H_max), b1 (M, 1, H_max), W2 (M, H_max), b2 (M, 1), and the
    mask (M, 1, H_max) of the units each net has. torch.nn.Linear's init U(±1/√fan_in)."""
    seed_everything(seed)
    M, H = len(widths), max(widths)
    fan = torch.tensor(widths, dtype=torch.float32)[:, None]
    bound_in, bound_out = 1 / n_inputs ** 0.5, 1 / fan.sqrt()
    mask = (torch.arange(H)[None, :] < fan).float()
    params = [(2 * torch.rand(M, n_inputs, H) - 1) * bound_in,
              (2 * torch.rand(M, 1, H) - 1) * bound_in,
              (2 * torch.rand(M, H) - 1) * bound_out * mask, (2 * torch.rand(M, 1) - 1) * bound_out]
    return [p.requires_grad_() for p in params], mask[:, None, :]


def fit_mse(X, y, X_test, y_test, widths, activation: str, steps: int, seed: int) -> list[float]:
    """Trains one net per width at once, full-batch Adam on the MSE (the nets share nothing:
    their losses add, and Adam is elementwise); returns each net's test mean squared error."""
    act = torch.sigmoid if activation == "sigmoid" else (lambda s: torch.exp(-s * s))
    params, mask = one_hidden_layer_nets(X.shape[1], widths, seed)
    W1, b1, W2, b2 = params

    def predict(inputs):  # (N, d) -> (M, N)
        hidden = act(inputs[None] @ W1 + b1) * mask
        return (hidden * W2[:, None, :]).sum(-1) + b2

    X, y, X_test = (torch.from_numpy(a) for a in (X, y, X_test))
    optimizer = torch.optim.Adam(params, lr=LR)
    for _ in range(steps):
        optimizer.zero_grad()
        ((predict(X) - y) ** 2).mean(1).sum().backward()
        optimizer.step()
    with torch.no_grad():
        return np.mean((predict(X_test).numpy() - y_test) ** 2, axis=1).tolist()


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per (target, model, width): the test mean squared error."""
    torch.set_num_threads(1)  # tiny layers: extra threads only wait for each other
    rows = []
    for name, (X, y, X_test, y_test) in datasets(seed).items():
        errors = {act: fit_mse(X, y, X_test, y_test, WIDTHS, act, STEPS[quick], seed)
                  for act in ACTIVATIONS}
        for i, width in enumerate(WIDTHS):
            row = {"target": name, "hidden units": width}
            row.update({f"MLP {act}": errors[act][i] for act in ACTIVATIONS})
            rbf = RBFNetwork(width, seed=seed).fit(X, y)
            row["RBF network"] = float(np.mean((rbf.predict(X_test) - y_test) ** 2))
            row["variance of y"] = float(np.var(y_test))
            rows.append(row)
    figure = _plot(rows, out_dir / "universal_approximation.png")
    claims = {f"mse_{width}_units": {r["target"]: {m: r[m] for m in _MODELS}
                                     for r in rows if r["hidden units"] == width}
              for width in (WIDTHS[0], WIDTHS[-1])}
    claims["variance_of_y"] = {r["target"]: r["variance of y"] for r in rows}
    return ExperimentResult(
        name="universal-approximation", rows=[_rounded(r) for r in rows],
        title="Universal approximation: test MSE vs hidden units, one hidden layer",
        figures=[str(figure)], claims=claims,
        notes=[f"MLPs: Adam lr {LR}, full batch, {STEPS[quick]} steps; RBF: k-means centres, "
               "one width (mean distance between centres), least-squares output weights.",
               "'variance of y' is the MSE of predicting the mean: an error near it means the "
               "model learnt nothing.",
               "A wider net can end above a narrower one: the theorem says the weights exist, "
               "not that a fixed number of Adam steps finds them."])


_MODELS = ("MLP sigmoid", "MLP gaussian", "RBF network")


def _rounded(row: dict) -> dict:
    return {k: (float(f"{v:.3g}") if isinstance(v, float) else v) for k, v in row.items()}


def _plot(rows: list[dict], path: Path) -> Path:
    plt = pyplot()
    targets = list(dict.fromkeys(r["target"] for r in rows))
    fig, axes = plt.subplots(1, len(targets), figsize=(10, 3.8))
    for ax, target in zip(axes, targets, strict=True):
        mine = [r for r in rows if r["target"] == target]
        widths = [r["hidden units"] for r in mine]
        for model in _MODELS:
            ax.plot(widths, [r[model] for r in mine], marker="o", label=model)
        ax.axhline(mine[0]["variance of y"], color="grey", ls="--", label="predict the mean")
        ax.set(xscale="log", yscale="log", xticks=widths, xticklabels=widths,
               xlabel="hidden units", ylabel="test MSE", title=target)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return save_png(fig, path)
