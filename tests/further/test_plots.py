"""The RL returns figure and the MCTS non-loss figure: Figures with the given data (PNG when
asked); the episode GIF stays a file."""

import numpy as np

from helpers.figures import check_figure
from profond.further.games.matches import plot
from profond.further.rl.media import moving_average, plot_returns


def test_plot_returns_draws_raw_returns_their_moving_average_checks_and_target(tmp_path):
    x, returns = np.arange(1, 9), np.array([0, 1, 0, 1, 1, 1, 0, 1.0])
    fig = check_figure(tmp_path, plot_returns, {"dqn": (x, returns)}, window=4,
                       checks={"dqn": ([4, 8], [0.5, 0.9])}, target=0.8)
    raw, mean, checks, target = fig.axes[0].get_lines()
    np.testing.assert_array_equal(raw.get_ydata(), returns)
    expected = [np.mean(returns[max(0, i - 3):i + 1]) for i in range(8)]  # by hand
    np.testing.assert_allclose(mean.get_ydata(), expected)
    np.testing.assert_allclose(moving_average(returns, 4), expected)
    assert list(checks.get_ydata()) == [0.5, 0.9] and list(target.get_ydata()) == [0.8, 0.8]


def test_mcts_plot_draws_the_non_loss_rate_of_each_matchup(tmp_path):
    rows = [{"opponent": "random", "uct_plays": plays, "simulations": n, "games": 10,
             "win": w, "draw": d, "loss": 10 - w - d}
            for plays, results in (("X", [(5, 1), (9, 1)]), ("O", [(2, 2), (6, 3)]))
            for n, (w, d) in zip((10, 100), results, strict=True)]
    fig = check_figure(tmp_path, plot, rows, title="t")
    as_x, as_o = fig.axes[0].get_lines()
    assert as_x.get_label() == "UCT as X vs random" and list(as_x.get_xdata()) == [10, 100]
    assert list(as_x.get_ydata()) == [0.6, 1.0] and list(as_o.get_ydata()) == [0.4, 0.9]
