"""`profond data list|show`: the course's datasets."""

from pathlib import Path
from typing import Annotated

import typer

from profond.cli.common import console, fail, one_line_errors, rows_table

app = typer.Typer(help="See the course's datasets.", no_args_is_help=True)


@app.command("list")
def list_() -> None:
    """List the datasets: task, sizes, classes, source, and whether they work offline."""
    from profond.data import info, names

    rows = [{"name": e.name, "task": e.task, "train": e.n_train, "test": e.n_test,
             "classes": e.n_classes or "-", "offline": "yes" if e.offline else "no",
             "source": e.source}
            for e in map(info, names())]
    table = rows_table(rows, title="Datasets")
    for column in table.columns[:2]:  # names and tasks are what one types: never cut them
        column.no_wrap = True
    console.print(table)


@app.command("show")
@one_line_errors
def show(
    name: str = typer.Argument(..., help="Dataset name (see `profond data list`)."),
    out: Annotated[Path | None, typer.Option(
        "--out", help="PNG file to write (default NAME.png here).")] = None,
    noise: float = typer.Option(None, "--noise", help="Toy sets: noise fraction in [0, 0.5]."),
    seed: int = typer.Option(None, "--seed", help="Random seed (default: the dataset's own)."),
) -> None:
    """Draw a dataset: a scatter for 2-D sets, an image grid, or MNIST-1D curves."""
    from profond.checks import check_choice
    from profond.data import info, load, names
    from profond.data.plot import plot_dataset

    try:
        check_choice("name", name, names())
    except ValueError as exc:
        fail(str(exc))
    options = {key: value for key, value in (("noise", noise), ("seed", seed)) if value is not None}
    takes = info(name).options
    for key in options:
        if key not in takes:
            fail(f"--{key}: {name!r} does not take it (it takes {', '.join(takes) or 'nothing'})")
    try:
        ds = load(name, **options)
    except (ValueError, OSError) as err:
        fail(str(err))
    path = _png_path(out, name)
    plot_dataset(ds, path)
    console.print(str(path), highlight=False, soft_wrap=True)


def _png_path(out: Path | None, name: str) -> Path:
    """Where `data show` writes: NAME.png here, OUT/NAME.png for a folder, OUT.png when OUT has
    no suffix; any other suffix is a usage error."""
    if out is None or out.is_dir():
        return (out or Path()) / f"{name}.png"
    if out.suffix.lower() not in ("", ".png"):
        fail(f"--out: expected a .png file or a folder; got {str(out)!r}")
    return out.with_suffix(".png")
