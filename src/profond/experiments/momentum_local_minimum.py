"""Deck 001, « Minimum local et inertie »: plain gradient descent stops in the first valley it
meets; with momentum (inertia) the ball can roll over the bump into the deeper valley.

f(x) = x⁴ − 4x² + x has a local minimum at x ≈ 1.35 (f ≈ −2.62) and the global one at
x ≈ −1.47 (f ≈ −5.44). Every start lies right of the local minimum, in its basin for plain descent.
The optimizer is the scratch engine's SGD (torch.optim.SGD's update), lr = 0.01, 500 steps.
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png
from profond.scratch.module import Parameter
from profond.scratch.optim import SGD

LR, STEPS = 0.01, 500
MOMENTA = (0.0, 0.5, 0.8, 0.9)
SHOWN_START = 2.5  # the start the figure follows
STARTS = {True: 8, False: 29}  # starts evenly spaced in [1.6, 3.0]
LOCAL_MIN, GLOBAL_MIN = 1.3473, -1.4730


def f(x):
    """f(x) = x⁴ − 4x² + x."""
    return x ** 4 - 4 * x ** 2 + x


def df(x):
    """f'(x) = 4x³ − 8x + 1."""
    return 4 * x ** 3 - 8 * x + 1


def descend(x0: float, momentum: float, lr: float = LR, steps: int = STEPS) -> np.ndarray:
    """The path x_0 .. x_steps of SGD(lr, momentum) on f from x0, in float64."""
    x = Parameter(np.array([x0]), dtype=np.float64)
    optimizer = SGD([x], lr=lr, momentum=momentum)
    path = [x0]
    for _ in range(steps):
        optimizer.zero_grad()
        x.grad[...] = df(x.data)
        optimizer.step()
        path.append(float(x.data[0]))
    return np.array(path)


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per momentum: where the shown start ends, and the share of starts that reach
    the global minimum. Nothing is random: the seed changes nothing."""
    starts = np.linspace(1.6, 3.0, STARTS[quick])
    rows, paths = [], {}
    for mu in MOMENTA:
        paths[mu] = descend(SHOWN_START, mu)
        ends = np.array([descend(x0, mu)[-1] for x0 in starts])
        rows.append({"momentum": mu, f"x_end from {SHOWN_START}": round(paths[mu][-1], 4),
                     "f(x_end)": round(float(f(paths[mu][-1])), 4),
                     "starts": len(starts),
                     "reach global %": round(100 * float(np.mean(np.isclose(
                         ends, GLOBAL_MIN, atol=1e-2))), 1),
                     "stuck in local %": round(100 * float(np.mean(np.isclose(
                         ends, LOCAL_MIN, atol=1e-2))), 1)})
    figure = _plot(paths, out_dir / "momentum_local_minimum.png")
    share = {r["momentum"]: r["reach global %"] / 100 for r in rows}
    return ExperimentResult(
        name="momentum-local-minimum", rows=rows,
        title="Local minimum and momentum (deck 001): f(x) = x⁴ − 4x² + x, SGD lr 0.01",
        figures=[str(figure)],
        claims={"global_share_plain": share[0.0], "global_share_momentum_0.9": share[0.9],
                "end_plain": paths[0.0][-1], "end_momentum_0.9": paths[0.9][-1]},
        notes=[f"Starts: {len(starts)} points in [1.6, 3.0]; 'reach global' means x ends "
               f"within 0.01 of {GLOBAL_MIN}, 'stuck' within 0.01 of {LOCAL_MIN}.",
               "Momentum is no guarantee: from some starts the ball rolls through the global "
               "valley and back, and settles in the local one."])


def _plot(paths: dict, path: Path) -> Path:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    xs = np.linspace(-2.2, 2.7, 300)
    ax.plot(xs, f(xs), color="k", lw=1.5, label="f(x) = x⁴ − 4x² + x")
    for mu, colour in ((0.0, "tab:blue"), (0.9, "tab:orange")):
        trail = paths[mu][:120]
        ax.plot(trail, f(trail), ".-", color=colour, ms=4, lw=0.6, alpha=0.8,
                label=f"SGD momentum {mu:g}: ends at x = {paths[mu][-1]:.2f}")
    ax.set(xlabel="x", ylabel="f(x)", ylim=(-6.5, 12),
           title=f"From x = {SHOWN_START}: plain descent stops, momentum rolls through")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_png(fig, path)
