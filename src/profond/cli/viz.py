"""`profond viz filters|activations RUN`: pictures of a trained CNN from its run folder."""

from pathlib import Path
from typing import Annotated

import typer

from profond.cli.common import console, fail, one_line_errors, print_json_last

app = typer.Typer(help="Pictures of a trained CNN (mnist1d-cnn, lenet5): filters, feature maps.",
                  no_args_is_help=True)

RunArg = Annotated[str, typer.Argument(help="Run folder written by `profond train` "
                                      "(config.json + model.safetensors), or a run id (or a "
                                      "prefix only it starts with).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object last on stdout.")]


@app.command("filters")
@one_line_errors
def filters(
    run: RunArg,
    out: Annotated[Path, typer.Option("--out", help="PNG path (default RUN/filters.png).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw the first layer's kernels as a grid."""
    from profond.viz.filters import plot_filters

    folder = _folder(run)
    model, _ = _model_and_data(folder)
    path = out or folder / "filters.png"
    plot_filters(model, path)
    _done(path, as_json)


@app.command("activations")
@one_line_errors
def activations(
    run: RunArg,
    index: Annotated[int, typer.Option("--index", help="Which test example to feed.")] = 0,
    out: Annotated[Path, typer.Option("--out", help="PNG path (default "
                                      "RUN/activations-INDEX.png).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Draw every layer's feature maps for one test example, with its predicted probabilities."""
    from profond.checks import check_int
    from profond.viz.activations import plot_activations

    folder = _folder(run)
    model, (X, y, classes) = _model_and_data(folder)
    try:
        check_int("--index", index, minimum=0, maximum=len(X) - 1)
    except ValueError as exc:
        fail(str(exc))
    path = out or folder / f"activations-{index}.png"
    plot_activations(model, X[index], path, classes)
    _done(path, as_json, index=index, label=classes[int(y[index])])


def _folder(run: str) -> Path:
    """A run's folder from a path, or from its id (or a unique prefix) in the runs store."""
    from profond.paths import runs_dir
    from profond.train.runs import AmbiguousRunId, RunStore

    folder = Path(run)
    if folder.is_dir():
        return folder
    try:
        return Path(RunStore().get(run)["folder"])
    except AmbiguousRunId as exc:  # the same message as `runs show`
        fail(exc.args[0], code=1)
    except KeyError:  # not in the store: the caller names the missing folder
        return runs_dir() / run


def _model_and_data(folder: Path):
    """The run's model (scratch twin, the run's weights), its test split as `profond train` saw
    it (standardised on the same train part), and the class names."""
    from profond.train.recipe import load_splits
    from profond.viz.run import load_config, load_model

    try:
        config = load_config(folder)
        splits, dataset = load_splits(config["data"], config.get("val_fraction", 0.0),
                                       config.get("seed", 0))
        X, y = splits["test"]
        shape = dataset.X_test.shape[1:]
        model = load_model(folder, shape)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        fail(str(exc.args[0]) if exc.args else repr(exc))
    return model, (X.reshape(len(X), *shape), y, list(dataset.classes))


def _done(path: Path, as_json: bool, **extra) -> None:
    console.print(f"figure: {path}", highlight=False)
    if as_json:
        print_json_last({"figure": str(path), **extra})
