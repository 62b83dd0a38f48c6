"""`profond train MODEL --data NAME`: the options become a TrainConfig, the recipe trains it.

Options left out take the model's recipe (profond.train.recipes, listed by `--help`); the run's
config.json is the resolved config, and `--resume` reads it back.
"""

from pathlib import Path
from typing import Annotated

import typer

from profond import names
from profond.cli.common import ENERGY_HELP, err_console, fail, one_line_errors, report_run
from profond.train.recipes import describe

RECIPE = "Default: the model's recipe (see below)."


@one_line_errors
def train(
    model: str = typer.Argument(None, help=f"Model: {', '.join(names.MODELS)} (omit with "
                                "--resume)."),
    data: str = typer.Option("digits", "--data", help="Dataset (see `profond data list`)."),
    engine: str = typer.Option("torch", "--engine", help="Engine: " + ", ".join(names.ENGINES)
                               + "."),
    hidden: str = typer.Option(None, "--hidden", help="mlp: hidden layer sizes, e.g. 64,32. "
                               + RECIPE),
    residual: bool = typer.Option(None, "--residual/--no-residual", help="mlp: skip connections "
                                  "between equal-width layers. " + RECIPE),
    activation: str = typer.Option(None, "--activation", help="mlp: " + ", ".join(
        names.ACTIVATIONS) + ". " + RECIPE),
    dropout: float = typer.Option(None, "--dropout", help="mlp: dropout after each hidden "
                                  "layer. " + RECIPE),
    optimizer: str = typer.Option(None, "--optimizer", help=", ".join(names.OPTIMIZERS) + ". "
                                  + RECIPE),
    lr: float = typer.Option(None, "--lr", help="Learning rate (the peak with onecycle). "
                             + RECIPE),
    schedule: str = typer.Option(None, "--schedule", help="Learning-rate schedule: " + ", ".join(
        names.SCHEDULES) + ". " + RECIPE),
    epochs: int = typer.Option(None, "--epochs", help="Passes over the training part. " + RECIPE),
    batch_size: int = typer.Option(None, "--batch-size", help="Examples per optimizer step. "
                                   + RECIPE),
    weight_decay: float = typer.Option(None, "--weight-decay", help="L2 penalty (as torch). "
                                       + RECIPE),
    val_fraction: float = typer.Option(None, "--val-fraction", help="Held out from train for "
                                       "the curves. " + RECIPE),
    eval_train: bool = typer.Option(None, "--eval-train/--no-eval-train", help="Evaluate the "
                                    "whole training part after each epoch (else: the running "
                                    "batch loss). " + RECIPE),
    seed: int = typer.Option(0, "--seed", help="Seed for init, shuffling and the val split."),
    threads: int = typer.Option(None, "--threads", help="torch threads (0: torch's default). "
                                "Default: 1 for small models, else one per core."),
    out: Annotated[Path | None, typer.Option("--out", help="Default: runs/<run_id>.")] = None,
    resume: str = typer.Option(None, "--resume", help="Continue the interrupted run ID with its "
                               "saved options, from its last epoch checkpoint."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object last on stdout."),
    nproc: int = typer.Option(1, "--nproc", min=1, help="Processes: N > 1 runs this command "
                              "under torchrun with DistributedDataParallel (docs/scaling.md)."),
    device: str = typer.Option("auto", "--device", help="torch engine: auto (cuda, then mps, "
                               "then cpu), cpu, cuda, cuda:N or mps."),
    amp: bool = typer.Option(None, "--amp/--no-amp", help="torch engine: mixed precision "
                             "(default: on with cuda, off elsewhere)."),
    compile_: bool = typer.Option(False, "--compile", help="torch engine: torch.compile the "
                                  "model (slower start, faster steps on big models)."),
    augment: str = typer.Option(None, "--augment", help="torch engine: per-batch augmentations, "
                                "comma-separated: crop, flip, affine, jitter (images), crop1d "
                                "(signals). " + RECIPE),
    balanced: bool = typer.Option(False, "--balanced", help="torch engine: class-balanced "
                                  "batches (each class drawn equally often)."),
    energy: bool = typer.Option(False, "--energy", help=ENERGY_HELP),
) -> None:
    """Train MODEL on a dataset; print test metrics, write learning curves, confusion matrix."""
    from profond.train import distributed, recipe
    from profond.train.config import TrainConfig

    run = None
    try:
        if resume is not None:
            run, config = recipe.resumable(resume)
        elif model is None:
            raise ValueError("model: expected a model name (or --resume RUN_ID); got none")
        else:
            config = TrainConfig(
                model, data, engine, hidden=hidden, residual=residual, activation=activation,
                dropout=dropout, optimizer=optimizer, lr=lr, schedule=schedule, epochs=epochs,
                batch_size=batch_size, weight_decay=weight_decay, augment=augment,
                balanced=balanced, val_fraction=val_fraction, eval_train=eval_train,
                threads=threads, seed=seed, device=device, amp=amp, compile=compile_,
                energy=energy).check()
        if nproc > 1 and not distributed.launched():
            from profond.cli.launch import relaunch

            raise typer.Exit(relaunch(nproc, config, out=out, json=as_json, resume=resume))
        ctx = distributed.init_from_env()
    except KeyError as exc:  # an unknown run id
        fail(exc.args[0], code=1)
    except ValueError as exc:
        fail(str(exc))
    try:
        result = run_recipe(config, run=run, out=out, ctx=ctx)
    finally:
        distributed.leave(ctx)
    if result is None:  # a follower rank: rank 0 prints
        return
    report_run(result.final, result.outputs, f"{config.model} on {config.data} "
               f"({config.engine})", as_json)


train.__doc__ += "\n\nRecipes (the values of options left out):\n\n" + describe()


def run_recipe(config, **kwargs):
    """`recipe.train` with a progress bar on stderr; its failures become one-line errors."""
    from profond.train import recipe
    from profond.train.callbacks import ProgressBar, TrainingDiverged

    try:
        return recipe.train(config, callbacks=[ProgressBar(err_console)], **kwargs)
    except ValueError as exc:  # options that depend on the data's shape (--augment)
        fail(str(exc))
    except TrainingDiverged as exc:
        fail(str(exc), code=1)
    except recipe.RunInterrupted as exc:
        fail(f"interrupted; continue with `profond train --resume {exc.run_id}`", code=130)
