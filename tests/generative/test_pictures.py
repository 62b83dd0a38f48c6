"""The generative figures: one axes per example, a grid holding every image, one point per
code, one line per group; each a Figure, written as a PNG when asked."""

import numpy as np

from helpers.figures import check_figure, points
from profond.generative.pictures import plot_curves, plot_grid, plot_latent, plot_rows


def test_plot_rows_draws_each_example_in_its_row(tmp_path):
    rng = np.random.default_rng(0)
    a, b = rng.random((3, 16)), rng.random((2, 16))
    fig = check_figure(tmp_path, plot_rows, [("in", a), ("out", b)], (4, 4), title="t")
    assert len(fig.axes) == 2 * 3
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), a[1].reshape(4, 4))
    np.testing.assert_array_equal(fig.axes[4].images[0].get_array(), b[1].reshape(4, 4))
    assert not fig.axes[5].images  # the shorter row leaves its last cell empty
    assert [fig.axes[0].get_ylabel(), fig.axes[3].get_ylabel()] == ["in", "out"]


def test_plot_grid_tiles_every_image_with_one_pixel_gaps(tmp_path):
    images = np.arange(5 * 6, dtype=np.float32).reshape(5, 6) / 30
    fig = check_figure(tmp_path, plot_grid, images, (2, 3), cols=2)
    mosaic = fig.axes[0].images[0].get_array()
    assert mosaic.shape == (3 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(mosaic[3:5, 4:7], images[3].reshape(2, 3))  # row 1, column 1


def test_plot_latent_has_one_point_per_code_and_one_legend_entry_per_class(tmp_path):
    Z, y = np.random.default_rng(1).standard_normal((30, 2)), np.arange(30) % 3
    fig = check_figure(tmp_path, plot_latent, Z, y, classes=["a", "b", "c"])
    (ax,) = fig.axes
    assert points(ax) == 30
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]


def test_plot_curves_draws_one_line_per_group_and_key(tmp_path):
    records = [{"epoch": e, "loss": g, "kl": 1.0 / e, "d": e * (g == "x")}
               for g in ("x", "y") for e in (1, 2, 3)]
    fig = check_figure(tmp_path, plot_curves, records, ["kl", "d"], group="loss")
    for ax, key in zip(fig.axes, ["kl", "d"], strict=True):
        assert [line.get_label() for line in ax.get_lines()] == ["x", "y"]
        assert list(ax.get_lines()[0].get_ydata()) == [r[key] for r in records[:3]]
