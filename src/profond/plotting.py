"""matplotlib for the PNG files profond writes, without taking over the user's backend."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def pyplot():
    """Return ``matplotlib.pyplot``, on the headless Agg backend unless the user chose one.

    Scripts and the CLI get Agg (no window, no display needed, safe off the main thread). A notebook
    (its kernel sets ``MPLBACKEND`` to the inline backend) or a session that already imported pyplot
    keeps its backend, so ``plt.show()`` still draws inline after profond saved a figure.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def integer_ticks(ax, axis: str = "x") -> None:
    """Only whole numbers on `axis` (epochs, steps): never "2.5" between epochs 2 and 3, nor
    "0.96, 0.98, 1.00" around the one point of a single epoch (one tick is enough there)."""
    from matplotlib.ticker import MaxNLocator

    getattr(ax, f"{axis}axis").set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


def save_png(fig, path: str | Path, dpi: int = 100) -> Path:
    """Write `fig` to `path` as a PNG atomically (no half-written file), close it, return path."""
    from profond.io import atomic_write

    plt = pyplot()
    try:
        return atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))
    finally:
        plt.close(fig)


def finish(fig, out: str | Path | None = None, dpi: int = 100):
    """What every profond plotting function ends with: write `fig` to the PNG `out` when given
    (`save_png`), close it in pyplot (the caller holds it: a loop of plots leaks no open figure,
    and a notebook shows it once, when the caller displays it), and return the Figure."""
    if out is not None:
        save_png(fig, out, dpi=dpi)
    pyplot().close(fig)
    return fig
