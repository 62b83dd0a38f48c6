"""Console output shared by the sub-commands: rich tables, the trailing JSON object, errors."""

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> None:
    """Print a one-line error (no traceback) and exit with `code`."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
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


def rows_table(rows: Sequence[dict], title: str = "",
               columns: Iterable[str] | None = None) -> Table:
    """A rich table from a list of dicts; floats are shown with 4 significant digits."""
    columns = list(columns or (rows[0].keys() if rows else []))
    table = Table(title=title or None, show_lines=False)
    for col in columns:
        numeric = bool(rows) and _is_number(rows[0].get(col))
        whole = max(len(_fmt(row.get(col, ""))) for row in rows) if col in WHOLE and rows else None
        table.add_column(str(col), justify="right" if numeric else "left", min_width=whole,
                         no_wrap=whole is not None)
    for row in rows:
        table.add_row(*(_fmt(row.get(col, "")) for col in columns))
    return table


def pairs_table(mapping: dict, title: str, key: str = "name") -> Table:
    """A dict as two columns, one row per key: wide configs stay readable on 80 columns."""
    return rows_table([{key: k, "value": _fmt(v)} for k, v in mapping.items()], title=title)


def print_json_last(obj: dict) -> None:
    """The `--json` contract: one JSON object, last on stdout."""
    sys.stdout.flush()
    print(json.dumps(obj, default=_plain))


def _plain(value):
    return value.tolist() if hasattr(value, "tolist") else str(value)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt(value) -> str:
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
    acc = "—" if final["test_acc"] is None else f"{100 * final['test_acc']:.2f} %"
    console.print(f"run {final['run_id']}: test acc {acc}, test loss {final['test_loss']:.4f}",
                  highlight=False, soft_wrap=True)

