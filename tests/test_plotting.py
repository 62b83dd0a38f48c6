"""profond's figures use Agg in scripts, never taking over a backend the user (or Jupyter) chose."""

import subprocess
import sys

CODE = """
import matplotlib
{setup}
from profond.plotting import pyplot
print(pyplot().get_backend().lower())
"""


def _backend(setup: str, env_backend: str | None) -> str:
    import os

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if env_backend:
        env["MPLBACKEND"] = env_backend
    out = subprocess.run([sys.executable, "-c", CODE.format(setup=setup)], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_scripts_get_agg():
    assert _backend("", None) == "agg"


def test_a_chosen_backend_is_kept():
    assert _backend("matplotlib.use('svg'); import matplotlib.pyplot", None) == "svg"
    assert _backend("", "pdf") == "pdf"  # what a Jupyter kernel does with its inline backend


def test_save_png_writes_a_png_and_closes_the_figure(tmp_path):
    from profond.plotting import pyplot, save_png

    plt = pyplot()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = save_png(fig, tmp_path / "sub" / "f.png", dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.number not in plt.get_fignums()
    assert [p.name for p in path.parent.iterdir()] == ["f.png"]  # no temporary file left


def _shown_ticks(xs):
    from profond.plotting import integer_ticks, pyplot

    plt = pyplot()
    fig, ax = plt.subplots()
    ax.plot(xs, [1.0] * len(xs), "o")
    integer_ticks(ax)
    fig.canvas.draw()
    low, high = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    plt.close(fig)
    return ticks


def test_integer_ticks_are_whole_epochs_even_for_one_epoch():
    assert _shown_ticks([1]) == [1]  # a quick run's single epoch: no 0.96, 0.98, ...
    ticks = _shown_ticks([1, 2, 3])
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_finish_returns_the_figure_closed_and_writes_only_when_asked(tmp_path):
    from profond.plotting import finish, pyplot

    plt = pyplot()
    fig, ax = plt.subplots()
    assert finish(fig) is fig and fig.number not in plt.get_fignums()
    assert list(tmp_path.iterdir()) == []
    fig, ax = plt.subplots()
    assert finish(fig, tmp_path / "f.png") is fig
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.number not in plt.get_fignums()
