"""`profond experiment list|run`: the course's tables and claims, one command each."""

from pathlib import Path

import typer

from profond.cli.common import console, fail, print_json_last, rows_table

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
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object last on stdout."),
) -> None:
    """Run one experiment: prints its table, writes result.json and its figures."""
    from profond.experiments.registry import EXPERIMENTS, run_experiment

    if name not in EXPERIMENTS:
        fail(f"experiment: expected one of {', '.join(sorted(EXPERIMENTS))}; got {name!r}")
    result = run_experiment(name, quick=quick, seed=seed, out_dir=out)
    console.print(rows_table(result.rows, title=result.title or name))
    for line in result.notes:
        console.print(line, highlight=False)
    for fig in result.figures:
        console.print(f"figure: {fig}", highlight=False)
    if as_json:
        print_json_last({"name": result.name, "rows": result.rows, "figures": result.figures,
                         **result.claims})
