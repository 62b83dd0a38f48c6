"""What every profond plotting function promises: a matplotlib Figure, left closed in pyplot (a
loop of plots leaks nothing), written as a PNG only when given `out`."""

from pathlib import Path

from matplotlib.figure import Figure

from profond.plotting import pyplot

PNG = b"\x89PNG\r\n\x1a\n"


def check_figure(folder: Path, plot, *args, **kwargs) -> Figure:
    """plot(*args, **kwargs) without `out` writes nothing; with out=PNG it writes that PNG (and
    nothing else) and returns a Figure as well; returns the first call's Figure."""
    plt = pyplot()
    open_before = plt.get_fignums()
    out = folder / "figures" / "f.png"
    fig = plot(*args, **kwargs)
    assert isinstance(fig, Figure), type(fig)
    assert not out.parent.exists()
    written = plot(*args, out=out, **kwargs)
    assert isinstance(written, Figure)
    assert [p.name for p in out.parent.iterdir()] == ["f.png"]
    assert out.read_bytes()[:8] == PNG
    assert plt.get_fignums() == open_before
    return fig


def points(ax) -> int:
    """How many points the scatter plots of `ax` hold."""
    return sum(len(c.get_offsets()) for c in ax.collections)
