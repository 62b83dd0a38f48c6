"""`profond finetune --from RUN --data NAME`: adapt a pretrained run to a new dataset or classes.

The run's weights load from the runs store (offline); the head is replaced for the new classes;
training goes through the training recipe's steps (the one Trainer, a run in the store, test once).
"""

from pathlib import Path
from typing import Annotated

import typer

from profond.cli.common import ENERGY_HELP, err_console, fail, one_line_errors, report_run


@one_line_errors
def finetune(
    source: str = typer.Option(..., "--from", help="Run id of a profond run (see `profond runs "
                               "list`), or torchvision:NAME / timm:NAME when installed."),
    data: str = typer.Option("digits", "--data", help="Dataset (see `profond data list`)."),
    mode: str = typer.Option("full", "--mode", help="features (frozen backbone, new head only) "
                             "or full (everything learns)."),
    unfreeze_schedule: str = typer.Option("all", "--unfreeze-schedule", help="With --mode full: "
                                          "all, every:K (one more block every K epochs, from the "
                                          "top) or epochs E1,E2,..."),
    lr: float = typer.Option(1e-3, "--lr", help="Learning rate of the new head."),
    backbone_lr_mult: float = typer.Option(0.1, "--backbone-lr-mult",
                                           help="Backbone lr = lr x this (discriminative lrs)."),
    layer_decay: float = typer.Option(1.0, "--layer-decay", help="Each backbone block below "
                                      "the top learns this many times slower (2.6 in ULMFiT)."),
    epochs: int = typer.Option(10, "--epochs", help="Epochs."),
    batch_size: int = typer.Option(64, "--batch-size", help="Examples per optimizer step."),
    seed: int = typer.Option(0, "--seed", help="Seed for the new head, shuffles and subsets."),
    val_fraction: float = typer.Option(0.1, "--val-fraction", help="Held out from train."),
    classes: str = typer.Option(None, "--classes", help="Keep these labels only, e.g. 5,6,7,8,9 "
                                "(relabelled 0..k-1)."),
    per_class: int = typer.Option(None, "--per-class", help="At most N training examples per "
                                  "class (few-shot)."),
    out: Annotated[Path | None, typer.Option("--out", help="Default: runs/<run_id>.")] = None,
    energy: bool = typer.Option(False, "--energy", help=ENERGY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object last on stdout."),
) -> None:
    """Fine-tune a pretrained run on a dataset: new head, frozen or gradually unfrozen backbone."""
    from profond.checks import check_int
    from profond.train import recipe
    from profond.train.callbacks import ProgressBar, TrainingDiverged
    from profond.train.config import TrainConfig, check_energy_meter
    from profond.train.finetune import check_source, finetuner, load_pretrained
    from profond.train.runs import RunStore
    from profond.train.torch_learner import seed_everything

    options = dict(source=source, data=data, mode=mode, unfreeze_schedule=unfreeze_schedule,
                   lr=lr, backbone_lr_mult=backbone_lr_mult, layer_decay=layer_decay,
                   epochs=epochs,
                   batch_size=batch_size, seed=seed, val_fraction=val_fraction, classes=classes,
                   per_class=per_class, energy=energy)
    try:
        check_source(source)
        if energy:
            check_energy_meter("--energy")
        check_int("--epochs", epochs, minimum=1)
        check_int("--batch-size", batch_size, minimum=1)
        if per_class is not None:
            check_int("--per-class", per_class, minimum=1)
        splits, dataset = recipe.load_splits(data, val_fraction, seed)
        splits, names = select(splits, dataset.classes, classes, per_class, seed)
        model, pretrained = load_pretrained(source, dataset.input_shape)
        seed_everything(seed)
        learner, callbacks = finetuner(model, len(names), mode, unfreeze_schedule, lr,
                                       backbone_lr_mult, input_shape=dataset.input_shape,
                                       layer_decay=layer_decay)
    except (ValueError, OSError) as exc:  # OSError: a dataset that could not be downloaded
        fail(str(exc))
    from profond.train.runs import new_run_id

    run_id = new_run_id("finetune", pretrained["model"], data, f"s{seed}")
    run = RunStore().create({**pretrained, **options, "from": source}, run_id, folder=out)
    config = TrainConfig(pretrained["model"], data, epochs=epochs, batch_size=batch_size,
                         seed=seed, eval_train=True, schedule="constant", energy=energy)
    try:
        final, history = recipe.fit_and_test(learner, splits, config, run,
                                             [*callbacks, ProgressBar(err_console)])
    except TrainingDiverged as exc:
        fail(str(exc), code=1)
    except KeyboardInterrupt:
        fail("interrupted", code=130)
    final = {"run_id": run.id, **final, "from": source, "mode": mode, "data": data,
             "unfrozen_blocks": callbacks[0].trainable}
    outputs = recipe.write_run(run, learner, history, final, splits["test"], names)
    report_run(final, outputs, f"{pretrained['model']} from {source} on {data} ({mode})",
               as_json)


def select(splits: dict, names: list[str], classes: str | None, per_class: int | None,
           seed: int) -> tuple[dict, list[str]]:
    """Keep `classes` ("5,6,7") in every split, at most `per_class` training examples of each."""
    from profond.train.finetune import subset

    if classes is None and per_class is None:
        return splits, list(names)
    keep = range(len(names)) if classes is None else _labels(classes, len(names))
    out = {name: subset(X, y, keep, per_class if name == "train" else None, seed)
           for name, (X, y) in splits.items()}
    return out, [names[c] for c in keep]


def _labels(text: str, n_classes: int) -> list[int]:
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and int(p) < n_classes for p in parts) or len(set(parts)) < 2:
        raise ValueError(f"--classes: expected at least two distinct labels in 0..{n_classes - 1}"
                         f" separated by commas; got {text!r}")
    return [int(p) for p in parts]
