"""Console output shared by the sub-commands: rich tables, the trailing JSON object, errors."""

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(soft_wrap=True)  # paths and wide tables whole: never wrapped nor cut
err_console = Console(stderr=True, soft_wrap=True)
# --energy's help, the same on every command that trains (train, tune, finetune, rl train)
ENERGY_HELP = ("Measure the training's energy (kWh) and CO2e with CodeCarbon (the carbon "
               "extra); it slows short runs.")


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error (no traceback) and exit with `code`."""
    # escaped: a message may hold brackets rich would read as markup ('profond[carbon]')
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def one_line_errors(command: Callable) -> Callable:
    """A command whose OSErrors (a missing, damaged or unwritable file, a full disk, a run that
    another process writes, an offline download) end in one line on stderr and exit 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except OSError as exc:
            fail(exc.filename and exc.strerror and f"{exc.filename}: {exc.strerror}" or str(exc),
                 code=1)
    return wrapper


# identifiers people copy into the next command: never cut to "20261129-09…" on a narrow terminal
WHOLE = ("id", "run_id")
# a value this short (a number, a name, a status) is never wrapped nor cut; longer text folds
SHORT = 24


def rows_table(rows: Sequence[dict], title: str = "",
               columns: Iterable[str] | None = None) -> Table:
    """A rich table from a list of dicts; floats are shown with 4 significant digits.

    Nothing is ever cut with "…": ids and short values keep their whole width (a table wider
    than the terminal wraps at its edge), and only long text (paths, sentences) folds onto
    more lines. Accuracies are percentages, as everywhere in tables (`percent`).
    """
    columns = list(columns or (rows[0].keys() if rows else []))
    cells = [[_fmt(row.get(col, ""), col) for col in columns] for row in rows]
    table = Table(title=title or None, box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
    for i, col in enumerate(columns):
        widest = max([len(str(col))] + [len(row[i]) for row in cells])
        whole = col in WHOLE or widest <= SHORT
        numeric = bool(rows) and (_is_number(rows[0].get(col)) or cells[0][i].endswith(" %"))
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold",
                         no_wrap=whole, min_width=widest if whole else len(str(col)))
    for row in cells:
        table.add_row(*row)
    return table


def pairs_table(mapping: dict, title: str, key: str = "name") -> Table:
    """A dict as two columns, one row per key: wide configs stay readable on 80 columns."""
    return rows_table([{key: k, "value": _fmt(v, k)} for k, v in mapping.items()], title=title)


def screen(as_json: bool) -> Console:
    """Where a command's tables go: stdout, or stderr when stdout carries the JSON object alone."""
    return err_console if as_json else console


def print_json_last(obj: dict) -> None:
    """The `--json` contract: one JSON object, last on stdout."""
    sys.stdout.flush()
    print(json.dumps(obj, default=_plain))


def _plain(value):
    return value.tolist() if hasattr(value, "tolist") else str(value)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_accuracy(name) -> bool:
    """acc, test_acc, val_acc, ...: fractions in JSON, percentages in tables."""
    return str(name) == "acc" or str(name).endswith("_acc")


def percent(fraction: float) -> str:
    return f"{100 * fraction:.2f} %"


def _fmt(value, name="") -> str:
    if isinstance(value, float) and is_accuracy(name):
        return percent(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return "—" if value is None else str(value)  # a value that does not apply (null in JSON)


def report_run(final: dict, outputs: dict, title: str, as_json: bool) -> None:
    """A finished run: its metrics table and files on stderr; on stdout the JSON object alone
    (`--json`) or one line with the run id to copy into the next command."""
    shown = {k: final[k] for k in ("test_acc", "test_loss", "epochs", "seconds")}
    err_console.print(rows_table([shown], title=title))
    err_console.print(f"outputs: {', '.join(str(p) for p in outputs.values())}",
                      highlight=False, soft_wrap=True)
    if as_json:
        print_json_last(final)
        return
    acc = "—" if final["test_acc"] is None else percent(final["test_acc"])
    console.print(f"run {final['run_id']}: test acc {acc}, test loss {final['test_loss']:.4f}",
                  highlight=False, soft_wrap=True)

