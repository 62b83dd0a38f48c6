"""`profond data list|show`: the course's datasets."""

import typer

app = typer.Typer(help="See the course's datasets.", no_args_is_help=True)
