"""The `profond` command. Sub-command modules import only typer and rich at the top level:
heavy libraries (torch, matplotlib, sklearn) load inside the commands, so `profond --help` stays
fast.
"""

import typer

from profond.cli import data, experiment, finetune, lab, play, rl, runs, train, tune, viz

app = typer.Typer(
    name="profond",
    help="profond: a deep-learning course lab. See the datasets, train the course's models, "
    "reproduce its tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from profond import __version__

        print(f"profond {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")) -> None:
    """The options before any command."""


app.add_typer(data.app, name="data")
app.add_typer(experiment.app, name="experiment")
app.command("lab")(lab.lab)
app.command("train")(train.train)
app.command("play")(play.play)
app.command("tune")(tune.tune)
app.command("finetune")(finetune.finetune)
app.add_typer(runs.app, name="runs")
app.add_typer(rl.app, name="rl")
app.add_typer(viz.app, name="viz")


def main() -> None:
    app()
