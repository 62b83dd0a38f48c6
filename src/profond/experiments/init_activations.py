"""Weight initialisation (deck 003, MLP « Propriétés »: vanishing or unbounded gradients): the
activations of a deep network at initialisation, layer by layer, for five inits.

Ten Linear(256, 256) layers (zero bias) with tanh or ReLU, on 1000 inputs x ~ N(0, 1), as in
Glorot & Bengio (2010) and cs231n's classic picture. The weights come from profond.scratch.init:
N(0, 0.01²) and N(0, 1) (too small, too large), xavier_normal_ (gain 1) and kaiming_normal_
(ReLU gain √2). With std s per weight, Var(a) = fan_in · s² · E[h²] per layer: 256 · 0.01² = 0.026
shrinks the signal to nothing, 256 · 1 saturates tanh at ±1, Xavier keeps tanh's spread, ReLU
halves E[h²] under Xavier and He's factor 2 gives it back.
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png
from profond.scratch import init, rng
from profond.scratch.models import ACTIVATIONS
from profond.scratch.nn import Linear

WIDTH, DEPTH, N = 256, 10, 1000
ARMS = {  # label: (activation, init)
    "tanh, N(0, 0.01²)": ("tanh", "small"), "tanh, Xavier": ("tanh", "xavier"),
    "tanh, N(0, 1)": ("tanh", "large"), "ReLU, Xavier": ("relu", "xavier"),
    "ReLU, He": ("relu", "he"),
}
SHOWN = (1, 2, 4, 7, 10)  # the layers the figure draws


def initialise(layer: Linear, scheme: str) -> None:
    """Fill `layer.weight` by `scheme` with profond's init functions; the bias is zero."""
    if scheme == "small":
        init.normal_(layer.weight, 0.0, 0.01)
    elif scheme == "large":
        init.normal_(layer.weight, 0.0, 1.0)
    elif scheme == "xavier":
        init.xavier_normal_(layer.weight)
    else:
        init.kaiming_normal_(layer.weight, nonlinearity="relu")
    init.zeros_(layer.bias)


def activations(activation: str, scheme: str, X: np.ndarray) -> list[np.ndarray]:
    """The outputs h_1 .. h_DEPTH of the layers' activations on X, in float64."""
    act, h, out = ACTIVATIONS[activation](), X, []
    for _ in range(DEPTH):
        layer = Linear(WIDTH, WIDTH, dtype=np.float64)
        initialise(layer, scheme)
        h = act(layer(h))
        out.append(h)
    return out


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per init: the std of the activations at layers 1, 5 and 10, and for tanh the
    share saturated (|h| > 0.99; None for ReLU). No training, so quick changes nothing."""
    rng.manual_seed(seed)
    X = rng.generator().standard_normal((N, WIDTH))
    traces, rows = {}, []
    for label, (activation, scheme) in ARMS.items():
        traces[label] = activations(activation, scheme, X)
        hs = traces[label]
        rows.append({"init": label, **{f"std h{i}": float(f"{hs[i - 1].std():.3g}")
                                       for i in (1, 5, 10)},
                     "saturated % h10": (round(100 * float(np.mean(np.abs(hs[-1]) > 0.99)), 1)
                                         if activation == "tanh" else None)})
    figure = _plot(traces, out_dir / "init_activations.png")
    return ExperimentResult(
        name="init-activations", rows=rows,
        title=f"Activations of a {DEPTH}-layer, {WIDTH}-wide net at initialisation",
        figures=[str(figure)],
        claims={"std_h10": {r["init"]: r["std h10"] for r in rows}},
        notes=[f"x ~ N(0, 1), {N} x {WIDTH}; weights from profond.scratch.init, seed {seed}."])


def _plot(traces: dict, path: Path) -> Path:
    """A grid of histograms: one row per init, one column per shown layer ℓ (no words: the
    same picture serves the English and French pages). ReLU rows leave out the exact zeros
    (half the units), so the spread of the active ones shows."""
    plt = pyplot()
    fig, axes = plt.subplots(len(traces), len(SHOWN), figsize=(8, 7.4), sharey="row")
    for row, (label, hs) in zip(axes, traces.items(), strict=True):
        relu = label.startswith("ReLU")
        for ax, layer in zip(row, SHOWN, strict=True):
            h = hs[layer - 1].ravel()
            ax.hist(h[h > 0] if relu else h, bins=40, range=(0, 3) if relu else (-1, 1),
                    color="tab:blue", weights=np.full(int((h > 0).sum()) if relu else h.size,
                                                      1 / h.size))
            ax.set_title(f"σ = {h.std():.2g}", fontsize=7, pad=2)
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
        row[0].set_ylabel(f"{label}\n(h > 0)" if relu else label, fontsize=8)
    for ax, layer in zip(axes[-1], SHOWN, strict=True):
        ax.set_xlabel(f"ℓ = {layer}", fontsize=9)
    fig.tight_layout(h_pad=0.5, w_pad=0.3)
    return save_png(fig, path)
