"""Experiment figures whose axis ticks a reader can read: no overlap, no crowded minors,
no fractional iterations."""

import pytest

pytest.importorskip("matplotlib")

from profond.experiments import alphazero_tictactoe, energy, rotation_pretext  # noqa: E402
from profond.plotting import pyplot  # noqa: E402


@pytest.fixture
def drawn(monkeypatch):
    """Keep the figure a _plot closes, and return its axes drawn, with the labels shown on x."""
    kept = {}
    monkeypatch.setattr(pyplot(), "close", lambda fig: kept.setdefault("fig", fig))

    def axes_and_labels():
        fig = kept["fig"]
        fig.canvas.draw()
        ax = fig.axes[0]
        low, high = ax.get_xlim()
        labels = [t for t in ax.xaxis.get_majorticklabels() + ax.xaxis.get_minorticklabels()
                  if t.get_visible() and t.get_text() and low <= t.get_position()[0] <= high]
        return ax, labels

    return axes_and_labels


def test_energy_x_tick_labels_do_not_overlap(tmp_path, drawn):
    # Energies of a quick run on a shared CPU: less than two decades apart
    rows = [{"model": "logistic", "energy (kWh)": 2.7e-6, "test %": 67.0},
            {"model": "mlp", "energy (kWh)": 4.1e-6, "test %": 92.5},
            {"model": "lenet5", "energy (kWh)": 6.3e-5, "test %": 72.8}]
    assert energy._plot(rows, tmp_path / "energy.png").stat().st_size > 0
    ax, labels = drawn()
    assert len(labels) >= 2, [t.get_text() for t in labels]
    renderer = ax.figure.canvas.get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 <= right.x0, f"tick labels overlap: {[t.get_text() for t in labels]}"


def test_alphazero_loss_plot_has_whole_iterations_only(tmp_path, drawn):
    history = [{"iteration": i, "loss": 3.1 - 0.1 * i, "policy_loss": 2.2, "value_loss": 0.9}
               for i in (1, 2)]
    alphazero_tictactoe._plot(history, tmp_path / "az.png")
    _, labels = drawn()
    ticks = [t.get_position()[0] for t in labels]
    assert ticks and all(float(x).is_integer() for x in ticks), ticks


def test_rotation_probe_labels_only_the_label_budgets(tmp_path, drawn):
    features = ("rotation pretext", "PCA")
    rows = [{"labels per class": k, "rotation pretext": 75.0 + k / 4, "PCA": 88.0 + k / 10}
            for k in (10, 50)]
    rotation_pretext._plot(rows, dict.fromkeys(features), tmp_path / "rot.png")
    _, labels = drawn()
    assert [t.get_text() for t in labels] == ["10", "50"]
