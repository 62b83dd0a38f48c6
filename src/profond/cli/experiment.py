"""`profond experiment list|run`: the course's tables and claims, one command each."""

from contextlib import contextmanager
from pathlib import Path

import typer

from profond.cli.common import console, err_console, fail, print_json_last, rows_table, screen

app = typer.Typer(help="Reproduce the course's tables and claims.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """List the registered experiments."""
    from profond.experiments.registry import EXPERIMENTS

    rows = [{"name": name, "description": desc} for name, (_, desc) in sorted(EXPERIMENTS.items())]
    console.print(rows_table(rows, title="Experiments"))


@app.command("run")
def run(
    name: str = typer.Argument(..., help="Experiment name (see `profond experiment list`)."),
    quick: bool = typer.Option(False, "--quick", help="A reduced budget, as CI runs it."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Path = typer.Option(None, "--out",
                             help="Output folder (default runs/experiments/NAME-TIME)."),
    as_json: bool = typer.Option(False, "--json", help="Print only one JSON object on stdout "
                                 "(the table and the progress go to stderr)."),
) -> None:
    """Run one experiment: prints its table, writes result.json and its figures; the progress
    (each training's arm, epoch and time left) shows on stderr meanwhile."""
    from profond.checks import check_choice
    from profond.experiments.registry import EXPERIMENTS, run_experiment
    from profond.train.callbacks import watching

    try:
        check_choice("experiment", name, sorted(EXPERIMENTS))
    except ValueError as exc:
        fail(str(exc))
    with _progress(name) as progress, watching(progress):
        result = run_experiment(name, quick=quick, seed=seed, out_dir=out)
    shown = screen(as_json)
    shown.print(rows_table(result.rows, title=result.title or name))
    for line in result.notes:
        shown.print(line, highlight=False)
    for fig in result.figures:
        shown.print(f"figure: {fig}", highlight=False)
    if as_json:
        print_json_last({"name": result.name, "rows": result.rows, "figures": result.figures,
                         **result.claims})


@contextmanager
def _progress(name: str):
    """A live line on stderr, for as long as the experiment runs: its name and elapsed time, and
    the training under way (its rank: the experiment's arm, its model, epoch and time left)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from profond.train.callbacks import ArmProgress

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                   console=err_console, transient=True)
    task = bar.add_task(f"{name}: starting", total=None)
    with bar:
        yield ArmProgress(name, lambda text: bar.update(task, description=text))
