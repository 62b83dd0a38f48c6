"""`profond experiment run hparam-search`: Bergstra & Bengio's picture with real trainings."""

import math

import pytest

from profond.experiments import run_experiment
from profond.experiments.hparam_search import BOX, grid_points

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_grid_points_are_the_centres_of_equal_log_cells():
    lr = BOX["lr"]
    assert grid_points(1)["lr"] == pytest.approx([math.sqrt(lr.low * lr.high)])
    three = grid_points(3)["weight_decay"]  # 1e-6 .. 1e-3: cells of one decade, centres at √10
    assert three == pytest.approx([10 ** -5.5, 10 ** -4.5, 10 ** -3.5])


def test_quick_run_grid_tries_3_learning_rates_random_9_and_only_lr_matters(tmp_path):
    result = run_experiment("hparam-search", quick=True, seed=0, out_dir=tmp_path)
    assert result.claims["distinct_lr"] == {"grid": 3, "random": 9}
    grid = [r for r in result.rows if r["search"] == "grid"]
    by_lr = {}
    for r in grid:
        by_lr.setdefault(r["lr"], []).append(r["val %"])
    assert all(max(accs) - min(accs) < 3 for accs in by_lr.values())  # weight decay: no effect
    means = [sum(accs) / len(accs) for _, accs in sorted(by_lr.items())]
    assert means[-1] - means[0] > 50  # the learning rate: all the difference
    profile = [r for r in result.rows if r["search"] == "profile"]
    assert profile[-1]["lr"] == 3 and profile[-1]["val %"] is None  # lr 3 diverges
    assert result.claims["profile_best_val_acc"] > 0.9
    assert all(open(f, "rb").read(8) == PNG_MAGIC for f in result.figures)
    assert [f.rsplit("/", 1)[1] for f in result.figures] == ["hparam_search.png",
                                                              "hparam_search.fr.png"]
