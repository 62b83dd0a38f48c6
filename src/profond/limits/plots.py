"""Line plots shared by the limits experiments: one Figure per call (and a PNG when asked)."""

from pathlib import Path


def line_plot(curves: dict[str, tuple], out: str | Path | None = None, *, xlabel: str,
              ylabel: str, title: str, logx: bool = False, hline: float | None = None):
    """One line per label, curves[label] = (x values, y values), as a matplotlib Figure; written
    as the PNG `out` too when given."""
    from profond.plotting import finish, pyplot

    plt = pyplot()

    fig, ax = plt.subplots(figsize=(6, 4))
    for label, (xs, ys) in curves.items():
        ax.plot(xs, ys, marker="o" if len(xs) < 30 else None, label=label)
    if hline is not None:
        ax.axhline(hline, color="grey", linestyle="--", label="chance")
    if logx:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return finish(fig, out)
