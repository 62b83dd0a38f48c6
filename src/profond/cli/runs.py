"""`profond runs list|show|compare|plot|tensorboard`: what `profond train` recorded in the runs
store."""

from pathlib import Path
from typing import Annotated

import typer

from profond.cli.common import (
    console,
    fail,
    one_line_errors,
    pairs_table,
    print_json_last,
    rows_table,
    screen,
)

app = typer.Typer(help="Inspect and compare recorded training runs.", no_args_is_help=True)


@app.command("list")
@one_line_errors
def list_(as_json: bool = typer.Option(False, "--json", help="Print only one JSON object on "
                                      "stdout (the table goes to stderr).")):
    """Every run, newest first: status, epochs and test accuracy (model, data and engine are in
    the id, and in --json)."""
    rows = [_summary(record) for record in _store().list()]
    screen(as_json).print(rows_table(rows, title=f"Runs in {_store().root}",
                                     columns=("id", "status", "epochs", "test_acc")))
    if as_json:
        print_json_last({"runs": rows})


@app.command("show")
@one_line_errors
def show(run_id: str = typer.Argument(..., help="Run id, or a prefix only it starts with "
                                     "(see `profond runs list`)."),
         as_json: bool = typer.Option(False, "--json", help="Print only one JSON object on "
                                      "stdout (the tables go to stderr).")):
    """One run: its options, metrics per epoch, final metrics and files."""
    record = _get(run_id)
    console = screen(as_json)
    console.print(f"[bold]{record['id']}[/] {record['status']}  {record['folder']}",
                  highlight=False)
    if record["error"]:
        console.print(f"error: {record['error']}", highlight=False)
    console.print(pairs_table(record["config"], "options", "option"))
    if record["epochs"]:
        console.print(rows_table(record["epochs"], title="epochs"))
    if record["final"]:
        console.print(pairs_table(record["final"], "final", "metric"))
        console.print(_energy_line(record["final"]), highlight=False)
    for name, path in record["artifacts"].items():
        console.print(f"{name}: {Path(record['folder']) / path}", highlight=False)
    if as_json:
        print_json_last(record)


@app.command("compare")
@one_line_errors
def compare(run_ids: Annotated[list[str],
                               typer.Argument(help="Two or more run ids (or unique prefixes).")],
            as_json: bool = typer.Option(False, "--json", help="Print only one JSON object on "
                                         "stdout (the table goes to stderr).")):
    """Runs side by side: the options that differ, then the final metrics."""
    records = [_get(run_id) for run_id in run_ids]
    keys = dict.fromkeys(k for r in records for k in r["config"])
    differing = [k for k in keys if len({repr(r["config"].get(k)) for r in records}) > 1]
    rows = [{"id": r["id"], "status": r["status"],
             **{k: r["config"].get(k) for k in differing},
             **{k: v for k, v in r["final"].items() if k.startswith("test_")}} for r in records]
    screen(as_json).print(rows_table(rows, title="options that differ, and test metrics"))
    if as_json:
        print_json_last({"runs": rows, "differing": differing})


@app.command("plot")
@one_line_errors
def plot(run_ids: Annotated[list[str],
                            typer.Argument(help="One or more run ids (or unique prefixes).")],
         metric: str = typer.Option("val_acc", "--metric", help="loss, acc, val_loss, val_acc."),
         out: Annotated[Path | None, typer.Option("--out", help="PNG to write "
                                                  "(default runs_compare.png).")] = None):
    """One metric per epoch for several runs on one figure (PNG)."""
    from profond.train.runs import epoch_columns

    curves = {}
    for record in map(_get, run_ids):
        columns = epoch_columns(record["epochs"])
        if metric not in columns:
            fail(f"--metric: expected one of {', '.join(sorted(columns))}; got {metric!r}")
        curves[record["id"]] = (columns["epoch"], columns[metric])
    path = _plot_curves(curves, metric, out or Path("runs_compare.png"))
    console.print(f"figure: {path}", highlight=False)


@app.command("tensorboard")
@one_line_errors
def tensorboard(run_ids: Annotated[list[str],
                                   typer.Argument(help="One or more run ids (or unique "
                                                  "prefixes).")],
                out: Annotated[Path | None, typer.Option(
                    "--out", help="Write each run's events to DIR/<run id> (default: the "
                    "run's own tensorboard/ folder).")] = None):
    """Write runs' recorded metrics per epoch and options as TensorBoard event files (runs
    trained before the tensorboard extra was installed, or copied from another machine); the
    event files already in that folder are replaced."""
    from profond.train import tensorboard as events

    if not events.installed():
        fail(events.MISSING, code=1)
    records = [_get(run_id) for run_id in run_ids]
    for record in records:
        folder = out / record["id"] if out is not None else Path(record["folder"]) / "tensorboard"
        console.print(f"{record['id']}: {events.export(record, folder)}", highlight=False)
    console.print(f"view them with: tensorboard --logdir {out or _store().root}",
                  highlight=False)


def _plot_curves(curves: dict, metric: str, path: Path) -> Path:
    from profond.plotting import integer_ticks, pyplot, save_png

    plt = pyplot()

    fig, ax = plt.subplots(figsize=(6, 3.8))
    for run_id, (epochs, values) in curves.items():
        ax.plot(epochs, values, marker=".", label=run_id)
    ax.set_title(f"{metric} per epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    integer_ticks(ax)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return save_png(fig, path)


def _energy_line(final: dict) -> str:
    if final.get("energy_kwh") is None:
        return "energy: not measured (--energy on train, tune or finetune measures it)"
    return (f"energy: {final['energy_kwh']:.3g} kWh, CO2e: {final['co2e_kg']:.3g} kg "
            f"({final['carbon_country']} grid, CodeCarbon)")


def _summary(record: dict) -> dict:
    config, final = record["config"], record["final"]
    return {"id": record["id"], "status": record["status"],
            **{k: config.get(k, "") for k in ("model", "data", "engine")},
            "epochs": len(record["epochs"]), "test_acc": final.get("test_acc", "")}


def _get(run_id: str) -> dict:
    try:
        return _store().get(run_id)
    except KeyError as exc:  # an unknown id is a runtime failure, not a usage error
        fail(exc.args[0], code=1)


def _store():
    from profond.train.runs import RunStore

    return RunStore()
