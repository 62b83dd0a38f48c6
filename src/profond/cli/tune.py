"""`profond tune MODEL --data NAME --grid ...`: grid or random search over TrainConfig fields.

Each trial is the model's recipe with the searched fields replaced; it trains on the training set
minus a validation part carved from it and is judged on that validation part; the test split never
reaches the trials. The winner is then retrained by the recipe on the whole training set
(val_fraction 0) and evaluated once on test.
"""

import time
from pathlib import Path
from typing import Annotated

import typer

from profond.cli.common import (
    ENERGY_HELP,
    console,
    err_console,
    fail,
    one_line_errors,
    print_json_last,
    rows_table,
)

MANY_TRIALS = 200  # above this, a search asks first (or takes --yes)
_TRIAL: dict = {}  # what each worker process receives once: splits, dataset facts, store root


@one_line_errors
def tune(
    model: str = typer.Argument(..., help="Model, as for `profond train`."),
    data: str = typer.Option("digits", "--data", help="Dataset (see `profond data list`)."),
    grid: str = typer.Option(None, "--grid", help='Search space, e.g. "lr=1e-3,1e-2;hidden=32,'
                             '64-32" (a multi-layer hidden is written 64-32).'),
    grid_file: Annotated[Path | None, typer.Option(
        "--grid-file", help="TOML space: lists of values, or {low, high, log} ranges for "
        "--search random.")] = None,
    search: str = typer.Option("grid", "--search", help="grid (every combination) or random."),
    trials: int = typer.Option(None, "--trials", help="Random draws (default 10)."),
    epochs: int = typer.Option(None, "--epochs", help="Epochs per trial (unless searched). "
                               "Default: the model's recipe."),
    workers: int = typer.Option(None, "--workers", help="Parallel trial processes "
                                "(default: one per usable core)."),
    seed: int = typer.Option(0, "--seed", help="Seed for inits, shuffles, draws and the split."),
    val_fraction: float = typer.Option(0.2, "--val-fraction", help="Validation part of train."),
    engine: str = typer.Option("torch", "--engine", help="Engine, as for `profond train`."),
    energy: bool = typer.Option(False, "--energy", help=ENERGY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object last on stdout."),
    yes: bool = typer.Option(False, "--yes", help=f"Run more than {MANY_TRIALS} trials without "
                             "asking."),
) -> None:
    """Search hyperparameters on a validation split; retrain the best, test it once."""
    from profond.checks import check_int, check_range
    from profond.train.tune import configurations, default_workers, load_grid_file, parse_grid

    try:
        space = {**(load_grid_file(grid_file) if grid_file else {}),
                 **(parse_grid(grid) if grid else {})}
        configs = configurations(space, search, trials, seed)
        check_range("--val-fraction", val_fraction, 0.01, 0.9)
        workers = check_int("--workers", default_workers() if workers is None else workers,
                            minimum=1)
        options = trial_configs(model, data, engine, epochs, seed, val_fraction, configs,
                                energy)
    except ValueError as exc:
        fail(str(exc))
    _confirm_many(len(options), yes)
    from profond.data import load

    dataset = load(data)
    from profond.train.runs import new_run_id

    tune_id = new_run_id("tune", model, data, f"s{seed}")
    with _progress(len(options)) as on_done:
        trials_done = search_trials(dataset, options, workers, tune_id, on_done=on_done)
    summary = report(trials_done, list(space), dataset.task, tune_id, search)
    best = trials_done[summary["best_trial"]]
    final = retrain(options[best.index], f"{tune_id}-final")
    summary.update(run_id=final["run_id"], test_acc=final["test_acc"],
                   test_loss=final["test_loss"])
    from profond.io import atomic_write_json

    path = atomic_write_json(_runs_root() / tune_id / "tune.json", summary)
    console.print(f"best {summary['best']} -> test acc {_pct(final['test_acc'])} "
                  f"(run {final['run_id']}); summary: {path}", highlight=False)
    if as_json:
        print_json_last(summary)


def _confirm_many(n: int, yes: bool) -> None:
    """Above MANY_TRIALS trials: ask on a terminal, else require --yes (a usage error)."""
    import sys

    if n <= MANY_TRIALS or yes:
        return
    if not sys.stdin.isatty():
        fail(f"--yes: expected to confirm a search of more than {MANY_TRIALS} trials; got {n:,} "
             f"trials without it")
    if not typer.confirm(f"{n:,} trials: run them all?", err=True):
        fail(f"stopped before {n:,} trials", code=1)


def trial_configs(model, data, engine, epochs, seed, val_fraction, params: list[dict],
                  energy: bool = False) -> list:
    """One resolved TrainConfig per trial: the model's recipe, the command's options, then the
    trial's searched fields (which win, epochs included)."""
    from profond.train.config import TrainConfig
    from profond.train.recipe import resolve

    base = TrainConfig(model, data, engine, epochs=epochs, seed=seed, val_fraction=val_fraction,
                       energy=energy)
    return [resolve(base.replace(**p)) for p in params]


def trial_splits(dataset, val_fraction: float, seed: int) -> dict:
    """{"train", "val"}: the validation part carved from the TRAINING set, inputs flattened and
    standardised on the remaining part (as `profond train`). Reads only X_train and y_train."""
    from profond.data.split import Standardizer, train_val_split

    X, y = dataset.X_train.reshape(len(dataset.X_train), -1), dataset.y_train
    if dataset.task == "regression":
        y = y.reshape(len(y), -1)
    X_fit, X_val, y_fit, y_val = train_val_split(X, y, val_fraction, seed)
    scaler = Standardizer().fit(X_fit)
    return {"train": (scaler.transform(X_fit), y_fit), "val": (scaler.transform(X_val), y_val)}


def search_trials(dataset, configs: list, workers: int, tune_id: str, root=None,
                  on_done=None) -> list:
    """Run every trial (train part -> validation metrics, one run each); test data never read."""
    from profond.train.recipe import n_outputs
    from profond.train.tune import run_trials

    splits = trial_splits(dataset, configs[0].val_fraction, configs[0].seed)
    facts = {"task": dataset.task, "n_outputs": n_outputs(dataset, splits),
             "input_shape": dataset.input_shape or (splits["train"][0].shape[1],),
             "root": str(root or _runs_root()), "tune_id": tune_id}
    return run_trials(fit_trial, configs, workers, initializer=_receive,
                      initargs=(splits, facts), on_done=on_done)


def _receive(splits: dict, facts: dict) -> None:
    _TRIAL.update(splits=splits, **facts)


def fit_trial(index: int, config):
    """Train one configuration with the one Trainer; record it as a run; validation metrics."""
    from profond.train.callbacks import TrainingDiverged
    from profond.train.recipe import build_learner, callbacks_for
    from profond.train.recording import RunRecorder, guard
    from profond.train.runs import RunStore
    from profond.train.trainer import Trainer
    from profond.train.tune import Trial

    splits, params = _TRIAL["splits"], config.to_dict()
    learner = build_learner(config, _TRIAL["input_shape"], _TRIAL["n_outputs"], _TRIAL["task"])
    run = RunStore(_TRIAL["root"]).create({**params, "tune": _TRIAL["tune_id"], "trial": index},
                                          f"{_TRIAL['tune_id']}-t{index:03d}")
    trainer = Trainer(config.epochs, config.batch_size, seed=config.seed,
                      eval_train=config.eval_train,
                      callbacks=[*callbacks_for(config),
                                 RunRecorder(run, energy=config.energy)])
    start = time.perf_counter()
    try:
        with guard(run, learner):
            history = trainer.fit(learner, splits["train"], val=splits["val"])
    except TrainingDiverged as exc:
        return Trial(index, params, run_id=run.id, error=str(exc),
                     seconds=time.perf_counter() - start)
    metrics = {k: getattr(history, k)[-1] for k in ("val_loss", "val_acc") if getattr(history, k)}
    seconds = time.perf_counter() - start
    run.finish("finished", {**metrics, "epochs": len(history), "seconds": round(seconds, 3)})
    return Trial(index, params, metrics, run.id, seconds)


def report(trials: list, varied: list[str], task: str, tune_id: str, search: str) -> dict:
    """Print the trials best first (by validation metric); return the summary for tune.json."""
    from profond.train.tune import rank

    metric = "val_acc" if task == "classification" else "val_loss"
    ranked = rank(trials, metric, maximize=metric == "val_acc")
    if ranked[0].error:
        fail(f"every trial failed; the first: {ranked[0].error}", code=1)
    rows = [{"rank": r, "trial": t.index, **{k: t.params[k] for k in varied},
             "val_acc %": _pct(t.metrics.get("val_acc")),
             "val_loss": t.metrics.get("val_loss", "-"),
             "seconds": round(t.seconds, 2), **({"error": t.error[:40]} if t.error else {})}
            for r, t in enumerate(ranked, 1)]
    columns = [*rows[0], *(["error"] if any(t.error for t in trials) else [])]
    console.print(rows_table(rows, title=f"{search} search by {metric} on the validation split "
                             f"(runs {tune_id}-tNNN)", columns=dict.fromkeys(columns)))
    return {"tune_id": tune_id, "search": search, "metric": metric, "best_trial": ranked[0].index,
            "best": {k: ranked[0].params[k] for k in varied},
            "best_metric": ranked[0].metrics[metric],
            "trials": [{"trial": t.index, "params": {k: t.params[k] for k in varied},
                        **t.metrics, "run_id": t.run_id, "error": t.error} for t in trials]}


def retrain(config, run_id: str) -> dict:
    """The recipe with the winning config on the whole training set (no validation part): the one
    evaluation on test, as run `run_id` in the store's folder of that name. Returns its final
    metrics."""
    from profond.cli.train import run_recipe

    return run_recipe(config.replace(val_fraction=0.0), run_id=run_id).final


def _progress(total: int):
    """A context giving `on_done(trial)`: a rich bar over trials, on stderr."""
    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    @contextmanager
    def bar():
        with Progress(TextColumn("trials"), BarColumn(), MofNCompleteColumn(),
                      TextColumn("{task.fields[last]}"), console=err_console) as progress:
            task = progress.add_task("trials", total=total, last="")
            yield lambda t: progress.update(task, advance=1, last=_last(t))

    return bar()


def _last(trial) -> str:
    return f"#{trial.index}: " + (trial.error[:30] or " ".join(
        f"{k} {v:.4f}" for k, v in trial.metrics.items()))


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.2f}"


def _runs_root() -> Path:
    from profond.paths import runs_dir

    return runs_dir()
