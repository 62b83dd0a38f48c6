"""The perceptron and backprop pages' numbers, computed by the course's own models.

Rosenblatt's rule is `profond.classic.Perceptron` (its trace), the delta rule
`profond.classic.DeltaRule` in batch mode, the MLP `profond.scratch.slides_mlp.SlidesMLP`.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from profond.classic import DeltaRule, Perceptron
from profond.lab.errors import LabError
from profond.scratch.functional.conv import conv_output_size
from profond.scratch.slides_mlp import MAZUR, SlidesMLP

SURFACE = 41  # grid points per axis of the error heatmap


def _data(points: list) -> tuple[np.ndarray, np.ndarray]:
    X = np.array([[p.x1, p.x2] for p in points], dtype=np.float64)
    return X, np.array([p.t for p in points], dtype=np.int64)


def perceptron_trace(points: list, w: list[float], lr: float, max_epochs: int) -> dict:
    """Every step of Delta W = eta X (t - y), examples in the given order, until an epoch
    without update or `max_epochs`; one row per example seen, as deck 003's table."""
    X, t = _data(points)
    model = Perceptron(lr=lr, max_epochs=max_epochs, init_weights=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, t)
    steps = [{"epoch": s.epoch, "x": s.x.tolist(), "w_before": s.w_before.tolist(), "y": s.y,
              "t": s.t, "w_after": s.w_after.tolist()} for s in model.trace_]
    return {"type": "perceptron", "steps": steps, "converged": bool(model.converged_),
            "epochs": int(model.n_iter_), "updates": sum(s.updated for s in model.trace_)}


def delta_descent(points: list, lr: float, max_epochs: int) -> dict:
    """Batch delta rule from w = 0: the weights after each epoch, and E(w1, w2) on a grid
    (w0 held at its final value: a slice of the 3-D error surface through the end point)."""
    X, t = _data(points)
    path = [[0.0, 0.0, 0.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epochs in range(1, max_epochs + 1):  # batch mode is deterministic: refit to read w
            model = DeltaRule(lr=lr, max_epochs=epochs, mode="batch", tol=0.0).fit(X, t)
            path.append([float(model.intercept_), *model.coef_.tolist()])
    w0 = path[-1][0]
    ends = np.array(path)[:, 1:]
    lo, hi = min(-1.5, ends.min() - 0.5), max(1.5, ends.max() + 0.5)
    grid = np.linspace(lo, hi, SURFACE)
    W1, W2 = np.meshgrid(grid, grid)  # rows: w2, columns: w1
    residual = t[None, None, :] - (w0 + W1[..., None] * X[:, 0] + W2[..., None] * X[:, 1])
    E = 0.5 * (residual ** 2).sum(-1)
    return {"type": "delta", "path": path, "loss": model.loss_curve_, "range": [lo, hi],
            "surface": E.round(5).tolist()}


def backprop_args(msg) -> dict:
    """backprop_step's arguments from a page message; preset "mazur" is deck 001's example."""
    if msg.preset == "mazur":
        return {**MAZUR, "hidden": 2, "seed": 0}
    return {"x": msg.x, "t": [msg.t] if msg.t2 is None else [msg.t, msg.t2],
            "hidden": msg.hidden, "lr": msg.lr, "seed": msg.seed, "W_hidden": msg.W_hidden,
            "W_output": msg.W_output}


def backprop_step(x: list[float], t: list[float], hidden: int, lr: float, seed: int,
                  W_hidden: list | None, W_output: list | None) -> dict:
    """One online step of the slides' 2-H-K sigmoid MLP, K = len(t) targets: forward values,
    δ per neuron, Δw per link (before the update) and the weights after it."""
    mlp = SlidesMLP(2, hidden, len(t), lr=lr, seed=seed)
    for name, given in (("W_hidden", W_hidden), ("W_output", W_output)):
        if given is not None:
            mlp.__dict__[name] = _weights(name, given, getattr(mlp, name).shape)
    x_arr, t_arr = np.asarray(x, dtype=np.float64), np.array(t, dtype=np.float64)
    y_hidden, y_output = mlp.forward(x_arr)
    delta_hidden, delta_output = mlp.deltas(y_hidden, y_output, t_arr)
    dW_hidden, dW_output, error = mlp.updates(x_arr, t_arr)
    s_hidden = mlp.W_hidden @ np.concatenate(([1.0], x_arr))
    s_output = mlp.W_output @ np.concatenate(([1.0], y_hidden))
    return {"type": "backprop", "x": list(x), "t": t, "lr": lr,
            "W_hidden": mlp.W_hidden.tolist(), "W_output": mlp.W_output.tolist(),
            "s_hidden": s_hidden.tolist(), "y_hidden": y_hidden.tolist(),
            "s_output": s_output.tolist(), "y_output": y_output.tolist(), "error": error,
            "delta_hidden": delta_hidden.tolist(), "delta_output": delta_output.tolist(),
            "dW_hidden": dW_hidden.tolist(), "dW_output": dW_output.tolist(),
            "W_hidden_after": (mlp.W_hidden + dW_hidden).tolist(),
            "W_output_after": (mlp.W_output + dW_output).tolist()}


def _weights(name: str, given: list, shape: tuple[int, int]) -> np.ndarray:
    W = np.array(given, dtype=np.float64) if all(len(r) == shape[1] for r in given) else None
    if W is None or W.shape != shape:
        raise LabError(name, "weights_shape", rows=shape[0], cols=shape[1],
                       got=[len(r) for r in given])
    return W


def conv_size(dim_in: int, kernel_size: int, stride: int, padding: int) -> dict:
    """floor((n + 2p - k) / s) + 1 by the scratch engine's formula; `exact` says whether the
    windows cover the padded input with nothing left over."""
    if kernel_size > dim_in + 2 * padding:  # conv_output_size's refusal, said in the page's words
        raise LabError("conv_output_size", "no_window", dim_in=dim_in, kernel_size=kernel_size,
                       padding=padding)
    out = conv_output_size(dim_in, kernel_size, stride, padding)
    return {"type": "conv_size", "out": out,
            "exact": (dim_in + 2 * padding - kernel_size) % stride == 0,
            "padding_too_big": padding >= kernel_size}
