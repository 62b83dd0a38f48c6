"""Search spaces, grid and random configurations, parallel trials, ranking (train.tune)."""

import math

import numpy as np
import pytest
from sklearn.model_selection import ParameterGrid

from profond.train.tune import (
    Range,
    Trial,
    configurations,
    grid_configs,
    load_grid_file,
    parse_grid,
    random_configs,
    rank,
    run_trials,
)


def test_parse_grid_types_values_and_writes_layers_as_train_does():
    space = parse_grid("lr=1e-3,1e-2; hidden=32,64-32 ;batch-size=16;activation=tanh,relu")
    assert space == {"lr": [0.001, 0.01], "hidden": ["32", "64,32"], "batch_size": [16],
                     "activation": ["tanh", "relu"]}
    assert isinstance(space["batch_size"][0], int)


@pytest.mark.parametrize(("text", "message"), [
    ("lr", r"--grid: expected NAME=V1,V2\[;NAME=...\] like lr=1e-3,1e-2; got 'lr'"),
    ("lr=", r"--grid: expected NAME=V1,V2.*; got 'lr='"),
    ("momentum=0.9", r"--grid parameter: expected one of 'lr', .*; got 'momentum'"),
    ("lr=fast", r"--grid lr: expected float values; got 'fast'"),
    ("epochs=2.5", r"--grid epochs: expected int values; got '2.5'"),
])
def test_parse_grid_errors_name_the_option_what_was_expected_and_received(text, message):
    with pytest.raises(ValueError, match=message):
        parse_grid(text)


def test_grid_is_every_combination_as_sklearn_parameter_grid():
    space = {"lr": [1e-3, 1e-2, 1e-1], "hidden": ["32", "64,32"], "dropout": [0.0, 0.5]}
    ours = grid_configs(space)
    reference = list(ParameterGrid(space))
    assert len(ours) == len(reference) == 12
    key = lambda c: tuple(sorted(c.items()))  # noqa: E731
    assert sorted(map(key, ours)) == sorted(map(key, reference))


def test_random_search_over_lists_draws_distinct_grid_points_reproducibly():
    space = {"lr": [1e-3, 1e-2, 1e-1], "hidden": ["32", "64"], "epochs": [5, 10]}
    grid = list(map(lambda c: tuple(sorted(c.items())), ParameterGrid(space)))
    draws = [tuple(sorted(c.items())) for c in random_configs(space, 8, seed=3)]
    assert len(set(draws)) == 8 and set(draws) <= set(grid)
    assert random_configs(space, 8, seed=3) == random_configs(space, 8, seed=3)
    assert len(random_configs(space, 50, seed=0)) == 12  # never more than the grid holds


def test_log_range_is_log_uniform_and_int_ranges_round():
    space = {"lr": Range(1e-4, 1e-0, log=True), "batch_size": Range(8, 64)}
    draws = random_configs(space, 4000, seed=0)
    logs = np.log10([d["lr"] for d in draws])
    assert logs.min() >= -4 and logs.max() <= 0
    # log-uniform on [-4, 0]: a quarter of the draws in each decade (4000 draws: sd ~ 0.007)
    counts = np.histogram(logs, bins=[-4, -3, -2, -1, 0])[0] / len(draws)
    assert np.allclose(counts, 0.25, atol=0.03)
    sizes = [d["batch_size"] for d in draws]
    assert all(isinstance(s, int) and 8 <= s <= 64 for s in sizes)


def test_grid_file_holds_lists_layers_and_ranges(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text('lr = {low = 1e-4, high = 1e-1, log = true}\nhidden = [[64, 32], [128]]\n'
                    'weight-decay = [0, 1e-4]\n')
    space = load_grid_file(path)
    assert space == {"lr": Range(1e-4, 1e-1, True), "hidden": ["64,32", "128"],
                     "weight_decay": [0.0, 1e-4]}
    with pytest.raises(ValueError, match=r"--search grid: expected lists of values; got a range "
                                         r"for lr \(ranges are for --search random\)"):
        configurations(space, "grid", None, 0)
    assert len(configurations(space, "random", 5, 0)) == 5


@pytest.mark.parametrize(("text", "message"), [
    ("lr = 3", r"--grid-file lr: expected a non-empty list or a table \{low, high, log\}; got 3"),
    ("lr = {low = 1, high = 0}", r"--grid-file lr: expected a numeric parameter with "
                                 r"\{low, high, log\} and 0 <= low < high; got"),
    ("hidden = {low = 1, high = 9}", r"--grid-file hidden: expected a numeric parameter"),
    ("lr = {low = 0, high = 1, log = true}", r"--grid-file lr: expected low > 0 with log"),
    ("lr = [", r"--grid-file: expected valid TOML; got"),
])
def test_bad_grid_files_are_named_errors(tmp_path, text, message):
    path = tmp_path / "grid.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_grid_file(path)


def test_configurations_reject_trials_with_a_grid_and_an_empty_space():
    with pytest.raises(ValueError, match=r"--trials: expected only with --search random; got 3"):
        configurations({"lr": [0.1]}, "grid", 3, 0)
    with pytest.raises(ValueError, match=r"--search: expected one of 'grid', 'random'; got 'tpe'"):
        configurations({"lr": [0.1]}, "tpe", None, 0)
    with pytest.raises(ValueError, match=r"--grid: expected at least one parameter"):
        configurations({}, "grid", None, 0)
    with pytest.raises(ValueError, match=r"--trials: expected an integer >= 1; got 0"):
        configurations({"lr": [0.1]}, "random", 0, 0)
    assert len(configurations({"lr": [0.1, 0.2]}, "random", None, 0)) == 2


def test_rank_puts_the_best_first_and_failures_last():
    trials = [Trial(0, {}, {"val_acc": 0.8}), Trial(1, {}, error="diverged"),
              Trial(2, {}, {"val_acc": 0.9}), Trial(3, {}, {"val_acc": math.nan}),
              Trial(4, {}, {"val_acc": 0.8})]
    assert [t.index for t in rank(trials, "val_acc", maximize=True)] == [2, 0, 4, 1, 3]
    assert [t.index for t in rank(trials, "val_acc", maximize=False)] == [0, 4, 2, 1, 3]


_SEEN: dict = {}


def _remember(offset: int) -> None:
    _SEEN["offset"] = offset


def _square_trial(index: int, params: dict) -> Trial:
    import os

    import torch

    value = params["x"] ** 2 + _SEEN["offset"]
    return Trial(index, params, {"value": value, "pid": os.getpid(),
                                 "threads": torch.get_num_threads()})


def test_trials_run_in_two_worker_processes_with_one_thread_each():
    configs = [{"x": x} for x in range(6)]
    done = []
    trials = run_trials(_square_trial, configs, workers=2, initializer=_remember,
                        initargs=(10,), on_done=done.append)
    assert [t.metrics["value"] for t in trials] == [x * x + 10 for x in range(6)]
    assert len(done) == 6
    pids = {t.metrics["pid"] for t in trials}
    assert len(pids) <= 2 and all(t.metrics["threads"] == 1 for t in trials)
    import os

    assert os.getpid() not in pids
