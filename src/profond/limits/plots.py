"""Line plots shared by the limits experiments: one PNG per call, Agg backend."""

from pathlib import Path


def line_plot(path: Path, curves: dict[str, tuple], *, xlabel: str, ylabel: str, title: str,
              logx: bool = False, hline: float | None = None) -> Path:
    """One line per label: curves[label] = (x values, y values)."""
    from profond.plotting import pyplot

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
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
