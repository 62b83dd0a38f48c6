"""The energy experiment's figure: x tick labels that a reader can read."""

import pytest

pytest.importorskip("matplotlib")

from profond.experiments import energy  # noqa: E402
from profond.plotting import pyplot  # noqa: E402

# Energies of a quick run on a shared CPU: less than two decades apart
ROWS = [{"model": "logistic", "energy (kWh)": 2.7e-6, "test %": 67.0},
        {"model": "mlp", "energy (kWh)": 4.1e-6, "test %": 92.5},
        {"model": "lenet5", "energy (kWh)": 6.3e-5, "test %": 72.8}]


def test_energy_x_tick_labels_do_not_overlap(tmp_path, monkeypatch):
    kept = {}
    monkeypatch.setattr(pyplot(), "close", lambda fig: kept.setdefault("fig", fig))
    path = energy._plot(ROWS, tmp_path / "energy.png")
    assert path.stat().st_size > 0
    fig = kept["fig"]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    labels = [t for t in ax.xaxis.get_majorticklabels() + ax.xaxis.get_minorticklabels()
              if t.get_visible() and t.get_text()
              and ax.get_xlim()[0] <= t.get_position()[0] <= ax.get_xlim()[1]]
    assert len(labels) >= 2, [t.get_text() for t in labels]
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 <= right.x0, f"tick labels overlap: {[t.get_text() for t in labels]}"
