"""Deck 003, "Couche de convolution - Bilan": output sizes by the formula and by a forward pass.

dim_out = ⌊(dim_in + 2·padding − kernel) / stride⌋ + 1: "effective input" dim_in + 2·padding,
"number of possible kernel moves" ⌊(· − kernel)/stride⌋, plus the initial position. The deck's
padding/stride pictures did not survive the text extraction, so the rows are the classic examples
that go with the formula: a 7-wide input and a 3-wide kernel (stride 1, 2, 3, padding 1), "same"
padding, AlexNet's first layer (227 -> 55, and the paper's 224, which does not divide), 2×2
pooling with stride 1 and 2, and a kernel larger than its input.
"""

from pathlib import Path

import numpy as np

from profond.experiments.registry import ExperimentResult
from profond.plotting import pyplot, save_png
from profond.scratch.nn import Conv2d, MaxPool2d

EXAMPLES = [  # layer, dim_in, kernel, padding, stride
    ("conv", 7, 3, 0, 1), ("conv", 7, 3, 0, 2), ("conv", 7, 3, 0, 3), ("conv", 7, 3, 1, 1),
    ("conv", 7, 3, 1, 2), ("conv", 32, 5, 0, 1), ("conv", 32, 5, 2, 1), ("conv", 227, 11, 0, 4),
    ("conv", 224, 11, 0, 4), ("pool", 4, 2, 0, 1), ("pool", 4, 2, 0, 2), ("conv", 5, 7, 0, 1),
    ("conv", 5, 7, 1, 1),
]
DRAWN = 5  # the figure draws the first examples: a 7-wide input, a 3-wide kernel


def run(*, quick: bool, seed: int, out_dir: Path) -> ExperimentResult:
    """One row per example; the examples are fixed, so quick and seed change nothing."""
    rows = [_row(*example) for example in EXAMPLES]
    valid = [r for r in rows if r["forward"] is not None]
    figure = _plot(rows[:DRAWN], out_dir / "conv_arithmetic.png")
    return ExperimentResult(
        name="conv-arithmetic",
        rows=rows,
        figures=[str(figure)],
        title="Deck 003: dim_out = floor((dim_in + 2 padding - kernel) / stride) + 1",
        claims={"formula_matches_forward": all(r["dim_out"] == r["forward"] for r in valid),
                "n_floored": sum(r["flag"] == "non-integer (floored)" for r in rows),
                "n_empty": sum(r["flag"].startswith("invalid") for r in rows)},
        notes=["exact: (dim_in + 2 padding - kernel)/stride + 1 before the floor; dim_out: the "
               "formula; forward: the width of a real forward pass of the scratch Conv2d (or "
               "MaxPool2d) on a dim_in x dim_in input (None: it raised the formula's error).",
               "AlexNet's paper says 224 x 224 inputs, but 11 x 11 kernels with stride 4 only fit "
               "evenly (55 outputs) on 227 x 227."],
    )


def _row(layer: str, dim_in: int, kernel: int, padding: int, stride: int) -> dict:
    moves = dim_in + 2 * padding - kernel
    formula = moves // stride + 1
    if formula < 1:
        flag = "invalid: empty output"
    elif moves % stride:
        flag = "non-integer (floored)"
    else:
        flag = "ok"
    return {"layer": layer, "dim_in": dim_in, "kernel": kernel, "padding": padding,
            "stride": stride, "exact": round(moves / stride + 1, 4), "dim_out": formula,
            "forward": _forward_width(layer, dim_in, kernel, padding, stride), "flag": flag}


def _forward_width(layer: str, dim_in: int, kernel: int, padding: int, stride: int) -> int | None:
    """Width of the scratch layer's output on one dim_in × dim_in image; None if it refuses."""
    if layer == "conv":
        module = Conv2d(1, 1, kernel, stride=stride, padding=padding)
    else:
        module = MaxPool2d(kernel, stride=stride, padding=padding)
    try:
        return int(module(np.zeros((1, 1, dim_in, dim_in), np.float32)).shape[-1])
    except ValueError:
        return None


def _plot(rows: list[dict], path: Path) -> Path:
    """Each example as a strip of input cells (padding grey), under it the kernel's positions
    j = 0 .. dim_out − 1, each covering cells j·stride .. j·stride + kernel − 1; red: the cells
    no position reaches (the floor drops them)."""
    plt = pyplot()
    heights = [1.6 + 0.45 * r["dim_out"] for r in rows]
    fig, axes = plt.subplots(len(rows), 1, figsize=(6, 0.42 * sum(heights)),
                             height_ratios=heights)
    for ax, row in zip(axes, rows, strict=True):
        _draw_moves(ax, row)
    fig.tight_layout(h_pad=0.4)
    return save_png(fig, path)


def _draw_moves(ax, row: dict) -> None:
    p, k, s, n, out = row["padding"], row["kernel"], row["stride"], row["dim_in"], row["dim_out"]
    width = n + 2 * p
    reached = max(j * s + k for j in range(out))
    for c in range(width):
        face = "0.85" if c < p or c >= p + n else ("#f4a6a6" if c >= reached else "white")
        ax.add_patch(_cell(c, face))
        ax.text(c + 0.5, 0.5, "0" if face == "0.85" else f"x{c - p}", ha="center",
                va="center", fontsize=7)
    for j in range(out):
        y = -0.45 * (j + 1)
        ax.plot([j * s + 0.1, j * s + k - 0.1], [y, y], lw=4, solid_capstyle="butt",
                color=f"C{j % 10}")
        ax.text(j * s + k + 0.15, y, f"j = {j}", va="center", fontsize=6)
    dropped = f"; x{reached - p}.. never seen" if reached < p + n else ""
    ax.set_title(f"dim_in {n}, kernel {k}, padding {p}, stride {s}: "
                 f"⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {out} positions{dropped}",
                 fontsize=8, loc="left")
    ax.set(xlim=(-0.2, 9.8), ylim=(-0.45 * out - 0.4, 1.1))
    ax.axis("off")


def _cell(column: int, face: str):
    from matplotlib.patches import Rectangle

    return Rectangle((column, 0), 1, 1, facecolor=face, edgecolor="k", lw=0.6)
