"""`line_plot`: one line per curve with the given points, a chance line when asked."""

import numpy as np

from helpers.figures import check_figure
from profond.limits.plots import line_plot


def test_line_plot_draws_each_curve_and_the_chance_line(tmp_path):
    curves = {"a": ([1, 2, 3], [10.0, 20.0, 15.0]), "b": ([1, 10, 100], [5.0, 6.0, 7.0])}
    fig = check_figure(tmp_path, line_plot, curves, xlabel="n", ylabel="acc", title="t",
                       logx=True, hline=10.0)
    (ax,) = fig.axes
    *lines, chance = ax.get_lines()
    for line, (label, (xs, ys)) in zip(lines, curves.items(), strict=True):
        assert line.get_label() == label
        np.testing.assert_array_equal(line.get_xdata(), xs)
        np.testing.assert_array_equal(line.get_ydata(), ys)
    assert chance.get_label() == "chance" and list(chance.get_ydata()) == [10.0, 10.0]
    assert ax.get_xscale() == "log" and ax.get_title() == "t"
