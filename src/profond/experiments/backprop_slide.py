"""Deck 001, "Backpropagation": Mazur's 2-2-2 sigmoid network, one online step, as the slide does.

Inputs i1 = .05, i2 = .10, targets .01 and .99, weights w1..w8 = .15 .. .55, biases b1 = .35,
b2 = .60, η = .5. The step is `SlidesMLP`'s δ rules; the slide's derivatives are the same numbers
with the opposite sign (∂E/∂w = −δ · input). Mazur keeps the biases fixed, so only w1..w8 change.
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png
from profond.scratch.slides_mlp import MAZUR, SlidesMLP, with_bias

X, T, LR = np.array(MAZUR["x"]), np.array(MAZUR["t"]), MAZUR["lr"]
W_HIDDEN, W_OUTPUT = np.array(MAZUR["W_hidden"]), np.array(MAZUR["W_output"])
# Mazur's names for the weights in W_HIDDEN[:, 1:] and W_OUTPUT[:, 1:], row by row
HIDDEN_NAMES, OUTPUT_NAMES = ("w1", "w2", "w3", "w4"), ("w5", "w6", "w7", "w8")
QUICK_EPOCHS, EPOCHS = 1000, 10_000


def slide_network(lr: float = LR):
    """The slide's network as a `SlidesMLP` holding Mazur's initial weights."""
    mlp = SlidesMLP(2, 2, 2, lr=lr)
    mlp.W_hidden, mlp.W_output = W_HIDDEN.copy(), W_OUTPUT.copy()
    return mlp


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """Rows: the forward pass, the δ terms, then each weight before and after the step."""
    mlp = slide_network()
    y_hidden, y_output = mlp.forward(X)
    delta_hidden, delta_output = mlp.deltas(y_hidden, y_output, T)
    dW_hidden, dW_output, error = mlp.updates(X, T)
    rows = _forward_rows(mlp, y_hidden, y_output)
    rows += [_row("delta", f"δ_{name}", value) for name, value in
             zip(("o1", "o2", "h1", "h2"), (*delta_output, *delta_hidden), strict=True)]
    rows += _weight_rows(mlp.W_hidden[:, 1:], dW_hidden[:, 1:], HIDDEN_NAMES)
    rows += _weight_rows(mlp.W_output[:, 1:], dW_output[:, 1:], OUTPUT_NAMES)
    # Mazur's second forward pass: w1..w8 updated, biases kept
    mlp.W_hidden[:, 1:] += dW_hidden[:, 1:]
    mlp.W_output[:, 1:] += dW_output[:, 1:]
    error_after = 0.5 * float(np.sum((T - mlp.forward(X)[1]) ** 2))
    epochs = QUICK_EPOCHS if quick else EPOCHS
    curve = slide_network().fit(X[None, :], T[None, :], epochs=epochs)
    figure = _plot(curve, out_dir / "backprop_slide.png")
    return ExperimentResult(
        name="backprop-slide", rows=rows,
        title="Backpropagation, Mazur's example (deck 001): forward, δ, updated weights",
        figures=[str(figure)],
        claims={"E_total": error, "E_total_after_one_step": error_after,
                "E_total_after_training": curve[-1], "epochs": epochs,
                "updated_weights": {r["quantity"]: r["after"] for r in rows
                                    if r["step"] == "update"}},
        notes=["δ_k = y_k (1 − y_k)(t_k − y_k), δ_j = y_j (1 − y_j) Σ_k δ_k w_kj; the slide's "
               "∂E/∂w is −δ × (the input on that link); Δw = η δ × input, η = 0.5.",
               "Mazur updates w1..w8 from the weights before the step and keeps b1, b2: "
               f"E_total goes {error:.9f} -> {error_after:.9f} after one step.",
               f"The figure trains on (i1, i2) for {epochs} online steps, biases learnt too."])


def _row(step: str, quantity: str, value: float, after: float | None = None,
         gradient: float | None = None) -> dict:
    return {"step": step, "quantity": quantity, "value": value, "dE/dw": gradient,
            "after": after}


def _forward_rows(mlp, y_hidden, y_output) -> list[dict]:
    net_hidden = mlp.W_hidden @ with_bias(X)
    net_output = mlp.W_output @ with_bias(y_hidden)
    errors = 0.5 * (T - y_output) ** 2
    rows = []
    for unit, net, out in zip(("h1", "h2", "o1", "o2"), (*net_hidden, *net_output),
                              (*y_hidden, *y_output), strict=True):
        rows += [_row("forward", f"net_{unit}", net), _row("forward", f"out_{unit}", out)]
    rows += [_row("forward", "E_o1", errors[0]), _row("forward", "E_o2", errors[1]),
             _row("forward", "E_total", float(errors.sum()))]
    return rows


def _weight_rows(W, dW, names) -> list[dict]:
    """One row per weight: its value, ∂E/∂w = −Δw / η, its value after the step."""
    return [_row("update", name, float(w), after=float(w + dw), gradient=float(-dw / LR))
            for name, w, dw in zip(names, W.ravel(), dW.ravel(), strict=True)]


def _plot(curve: list[float], path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(range(1, len(curve) + 1), curve)
    ax.set(xscale="log", yscale="log", xlabel="online step", ylabel="E_total",
           title="Mazur's network trained on its one example")
    fig.tight_layout()
    return save_png(fig, path)
