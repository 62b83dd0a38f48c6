"""Hyperparameter search: grid and random configurations, trials in parallel processes, ranking.

Deck 003 ("Et en pratique ?"): start from a baseline setting, then search empirically (typically a
grid search) for what works on the VALIDATION set; the test set is touched once, by the winner.
This module knows nothing of models: it builds configurations, runs a picklable trial function on
each (in worker processes when asked) and ranks the results.
"""

import itertools
import math
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from profond.checks import check_choice, check_int

SEARCHES = ("grid", "random")


def _hidden(value) -> str:
    """A hidden-layer value as `profond train --hidden` takes it: 64-32, [64, 32] -> "64,32"."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value).replace("-", ",")


# The `profond train` options a search may vary, and how a value is read.
PARAMS: dict[str, Callable] = {"lr": float, "weight_decay": float, "dropout": float,
                               "epochs": int, "batch_size": int, "hidden": _hidden,
                               "activation": str, "optimizer": str}


@dataclass(frozen=True)
class Range:
    """A continuous range for random search: uniform in [low, high], or log-uniform with `log`."""

    low: float
    high: float
    log: bool = False

    def sample(self, rng: np.random.Generator) -> float:
        if self.log:
            return float(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))
        return float(rng.uniform(self.low, self.high))


def _name(key: str, source: str) -> str:
    name = key.strip().replace("-", "_")
    return check_choice(f"{source} parameter", name, PARAMS)


def parse_grid(text: str) -> dict[str, list]:
    """"lr=1e-3,1e-2;hidden=32,64-32" -> {"lr": [0.001, 0.01], "hidden": ["32", "64,32"]}.

    Parameters are separated by ";", values by ","; a multi-layer `hidden` is written 64-32.
    """
    space: dict[str, list] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, values = part.partition("=")
        if not sep or not values.strip():
            raise ValueError(f"--grid: expected NAME=V1,V2[;NAME=...] like lr=1e-3,1e-2; "
                             f"got {part!r}")
        name = _name(key, "--grid")
        space[name] = [_value(name, v.strip(), "--grid") for v in values.split(",")]
    return space


def load_grid_file(path: str | Path) -> dict[str, list | Range]:
    """A TOML search space: `lr = [1e-3, 1e-2]`, `hidden = [[64, 32], [128]]`, or a range
    `lr = {low = 1e-4, high = 1e-1, log = true}` (random search only)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"--grid-file: expected a TOML file; got {str(path)!r} (no such file)")
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"--grid-file: expected valid TOML; got {exc}") from None
    space: dict[str, list | Range] = {}
    for key, values in table.items():
        name = _name(key, "--grid-file")
        if isinstance(values, dict):
            space[name] = _range(name, values)
        elif isinstance(values, list) and values:
            space[name] = [_value(name, v, "--grid-file") for v in values]
        else:
            raise ValueError(f"--grid-file {name}: expected a non-empty list or a table "
                             f"{{low, high, log}}; got {values!r}")
    return space


def _value(name: str, raw, source: str):
    try:
        return PARAMS[name](raw)
    except ValueError:
        kind = PARAMS[name].__name__.lstrip("_")
        raise ValueError(f"{source} {name}: expected {kind} values; got {raw!r}") from None


def _range(name: str, table: dict) -> Range:
    if PARAMS[name] not in (float, int) or set(table) - {"low", "high", "log"} or not (
            {"low", "high"} <= set(table) and 0 <= table["low"] < table["high"]):
        raise ValueError(f"--grid-file {name}: expected a numeric parameter with "
                         f"{{low, high, log}} and 0 <= low < high; got {table!r}")
    if table.get("log") and table["low"] == 0:
        raise ValueError(f"--grid-file {name}: expected low > 0 with log = true; got {table!r}")
    return Range(float(table["low"]), float(table["high"]), bool(table.get("log", False)))


def grid_configs(space: dict[str, list | Range]) -> list[dict]:
    """Every combination (itertools.product), in the order the parameters were given."""
    ranges = [name for name, values in space.items() if isinstance(values, Range)]
    if ranges:
        raise ValueError(f"--search grid: expected lists of values; got a range for "
                         f"{', '.join(ranges)} (ranges are for --search random)")
    names = list(space)
    return [dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(space[n] for n in names))]


def random_configs(space: dict[str, list | Range], n: int, seed: int = 0) -> list[dict]:
    """`n` configurations drawn at random (Bergstra & Bengio 2012): lists uniformly, ranges as
    declared. A space of lists only is drawn without replacement, so no trial repeats another."""
    check_int("--trials", n, minimum=1)
    rng = np.random.default_rng(seed)
    if not any(isinstance(values, Range) for values in space.values()):
        grid = grid_configs(space)
        return [grid[i] for i in rng.choice(len(grid), size=min(n, len(grid)), replace=False)]
    return [{name: _draw(name, values, rng) for name, values in space.items()}
            for _ in range(n)]


def _draw(name: str, values: list | Range, rng: np.random.Generator):
    if isinstance(values, Range):
        value = values.sample(rng)
        return round(value) if PARAMS[name] is int else value
    return values[rng.integers(len(values))]


def configurations(space: dict, search: str, trials: int | None, seed: int) -> list[dict]:
    """The trials of a search: the whole grid, or `trials` random draws (default 10)."""
    check_choice("--search", search, SEARCHES)
    if not space:
        raise ValueError("--grid: expected at least one parameter (or --grid-file); got none")
    if search == "grid":
        if trials is not None:
            raise ValueError(f"--trials: expected only with --search random; got {trials} "
                             f"with --search grid (a grid runs every combination)")
        return grid_configs(space)
    return random_configs(space, 10 if trials is None else trials, seed)


@dataclass
class Trial:
    """One configuration's outcome: validation metrics (never test ones), its run, or an error."""

    index: int
    params: dict
    metrics: dict = field(default_factory=dict)
    run_id: str = ""
    seconds: float = 0.0
    error: str = ""


def default_workers() -> int:
    """The usable cores: one single-threaded trial per core (run_trials never starts more
    processes than there are trials)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


def _worker_init(initializer: Callable | None, initargs: tuple) -> None:
    """One thread per worker: W processes x 1 thread beat W processes fighting over the cores."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    try:
        import torch
    except ImportError:  # the scratch engine needs no torch
        torch = None
    if torch is not None:
        torch.set_num_threads(1)
    if initializer is not None:
        initializer(*initargs)


def run_trials(trial_fn: Callable[[int, dict], Trial], configs: list[dict], workers: int = 1,
               initializer: Callable | None = None, initargs: tuple = (),
               on_done: Callable[[Trial], None] | None = None) -> list[Trial]:
    """`trial_fn(index, params) -> Trial` on every configuration; results in configuration order.

    With workers > 1 the trials run in a ProcessPoolExecutor of fresh ("spawn") processes, which
    each call `initializer(*initargs)` once (e.g. to receive the data); `trial_fn` must be a
    module-level function. With one worker they run here, in order.
    """
    check_int("--workers", workers, minimum=1)
    done: list[Trial] = []
    if workers == 1 or len(configs) == 1:
        if initializer is not None:
            initializer(*initargs)
        for i, params in enumerate(configs):
            done.append(trial_fn(i, params))
            if on_done is not None:
                on_done(done[-1])
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # spawn, not fork: a forked child inherits torch's thread pools in whatever state they
        # were, which can deadlock; a fresh interpreter costs one import per worker.
        with ProcessPoolExecutor(min(workers, len(configs)),
                                 mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_worker_init,
                                 initargs=(initializer, initargs)) as pool:
            futures = [pool.submit(trial_fn, i, params) for i, params in enumerate(configs)]
            for future in as_completed(futures):
                done.append(future.result())
                if on_done is not None:
                    on_done(done[-1])
    return sorted(done, key=lambda t: t.index)


def rank(trials: list[Trial], metric: str, maximize: bool) -> list[Trial]:
    """Best first by `metric`; failed trials (an error, or a nan metric) last, in index order."""
    def key(trial: Trial):
        value = trial.metrics.get(metric, math.nan)
        failed = trial.error != "" or not math.isfinite(value)
        return (failed, 0.0 if failed else (-value if maximize else value), trial.index)

    return sorted(trials, key=key)
