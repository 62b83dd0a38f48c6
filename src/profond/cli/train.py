"""`profond train MODEL --data NAME`: one model, one dataset, the one Trainer, a run folder.

The engine is chosen in one place, `build_learner(engine, spec)`: each engine registers a builder
in ENGINES that turns the same ModelSpec into a Learner (protocol.py).
"""

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from profond.cli.common import console, err_console, fail, print_json_last, rows_table

MODELS = ("mlp", "logistic", "mnist1d-cnn", "gru", "rnn", "lstm", "transformer", "lenet5",
          "alexnet-small")
SCRATCH_MODELS = ("mlp", "logistic", "mnist1d-cnn", "lenet5", "gru", "rnn", "lstm")
ACTIVATIONS = ("relu", "sigmoid", "tanh", "leaky-relu")
OPTIMIZERS = ("sgd", "adagrad", "adam")


@dataclass(frozen=True)
class ModelSpec:
    """What every engine needs to build the same model, loss and optimizer."""

    model: str
    in_features: int
    n_outputs: int
    task: str
    hidden: tuple[int, ...]
    activation: str
    dropout: float
    optimizer: str
    lr: float
    weight_decay: float
    seed: int
    input_shape: tuple[int, ...] = ()
    device: str = "auto"  # torch only, as the three below: where the model trains
    amp: bool | None = None  # mixed precision; None: on for cuda
    compile: bool = False  # torch.compile the model
    augment: str = ""  # comma-separated profond.data.augment names, applied to each batch
    balanced: bool = False  # draw each batch with class-balanced weights


def scratch_learner(spec: ModelSpec):
    """The spec on the white-box engine: the twin of the torch model (profond.scratch.models,
    same class and keys), the scratch optimizer, cross-entropy or MSE."""
    from profond.scratch import manual_seed, nn, optim
    from profond.scratch.learner import ScratchLearner
    from profond.scratch.models import create_model

    manual_seed(spec.seed)
    options = ({"hidden": spec.hidden, "activation": spec.activation, "dropout": spec.dropout}
               if spec.model == "mlp" else {})
    model = create_model(spec.model, tuple(spec.input_shape) or (spec.in_features,),
                         spec.n_outputs, **options)
    Optimizer = {"sgd": optim.SGD, "adagrad": optim.Adagrad, "adam": optim.Adam}[spec.optimizer]
    optimizer = Optimizer(model.parameters(), lr=spec.lr, weight_decay=spec.weight_decay)
    loss = nn.CrossEntropyLoss() if spec.task == "classification" else nn.MSELoss()
    return ScratchLearner(model, loss, optimizer, task=spec.task)


def torch_learner(spec: ModelSpec):
    """The spec on torch: profond.models by name (every model in MODELS), torch.optim."""
    from profond.train.torch_learner import learner_from_spec

    return learner_from_spec(spec)


ENGINES = {"torch": torch_learner, "scratch": scratch_learner}


def build_learner(engine: str, spec: ModelSpec):
    """The Learner for `spec` on `engine` (a key of ENGINES)."""
    return ENGINES[engine](spec)


def train(
    model: str = typer.Argument(None, help=f"Model: {', '.join(MODELS)} (omit with --resume)."),
    data: str = typer.Option("digits", "--data", help="Dataset (see `profond data list`)."),
    engine: str = typer.Option("torch", "--engine", help="Engine: " + ", ".join(ENGINES) + "."),
    hidden: str = typer.Option("64,32", "--hidden", help="Hidden layer sizes, e.g. 64,32."),
    activation: str = typer.Option("relu", "--activation", help=", ".join(ACTIVATIONS) + "."),
    optimizer: str = typer.Option("adam", "--optimizer", help=", ".join(OPTIMIZERS) + "."),
    lr: float = typer.Option(1e-3, "--lr", help="Learning rate."),
    epochs: int = typer.Option(30, "--epochs", help="Epochs (passes over the training part)."),
    batch_size: int = typer.Option(64, "--batch-size", help="Examples per optimizer step."),
    seed: int = typer.Option(0, "--seed", help="Seed for init, shuffling and the val split."),
    weight_decay: float = typer.Option(0.0, "--weight-decay", help="L2 penalty (as torch)."),
    dropout: float = typer.Option(0.0, "--dropout", help="Dropout after each hidden layer."),
    val_fraction: float = typer.Option(0.1, "--val-fraction", help="Held out from train."),
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
    augment: str = typer.Option("", "--augment", help="torch engine: per-batch augmentations, "
                                "comma-separated: crop, flip, affine, jitter (images), crop1d "
                                "(signals)."),
    balanced: bool = typer.Option(False, "--balanced", help="torch engine: class-balanced "
                                  "batches (each class drawn equally often)."),
) -> None:
    """Train MODEL on a dataset; print test metrics, write learning curves, confusion matrix."""
    from profond.train import distributed
    options = dict(model=model, data=data, engine=engine, hidden=hidden, activation=activation,
                   optimizer=optimizer, lr=lr, epochs=epochs, batch_size=batch_size, seed=seed,
                   weight_decay=weight_decay, dropout=dropout, val_fraction=val_fraction,
                   device=device, amp=amp, compile=compile_, augment=augment,
                   balanced=balanced)
    run = None
    if resume is not None:
        run, options = _resumed(resume)
        model, data, engine, epochs, batch_size, seed = (options[k] for k in (
            "model", "data", "engine", "epochs", "batch_size", "seed"))
    try:
        sizes = check_args(**options)
        ctx = distributed.join(nproc, {**options, "out": out, "resume": resume, "json": as_json})
        splits, dataset = prepare_data(data, options["val_fraction"], seed)
    except ValueError as exc:
        fail(str(exc))
    X_train, y_train = splits["train"]
    n_outputs = len(dataset.classes) if dataset.task == "classification" else y_train.shape[1]
    spec = ModelSpec(model, X_train.shape[1], n_outputs, dataset.task,
                     sizes if model == "mlp" else (), options["activation"], options["dropout"],
                     options["optimizer"], options["lr"], options["weight_decay"], seed,
                     dataset.input_shape, options["device"], options["amp"], options["compile"],
                     options["augment"], options["balanced"])
    try:
        learner = distributed.wrap(build_learner(engine, spec), ctx)
    except ValueError as exc:  # options that depend on the data's shape (--augment)
        fail(str(exc))
    if ctx is not None and ctx.rank:  # rank 0 alone records, prints and writes
        return distributed.follow(learner, splits, epochs, batch_size, seed, run)
    if run is None:
        from profond.train.runs import new_run_id

        run_id = new_run_id(model, data, engine, f"s{seed}")
        run = _store().create(options, run_id, folder=out)
    final, history = fit_and_test(learner, splits, epochs, batch_size, seed, run)
    final = {"run_id": run.id, **final, "engine": engine, "model": model, "data": data}
    written = write_run(run.folder, learner, history, final, splits["test"], dataset.classes)
    for name, path in written.items():
        run.add_artifact(name, path)
    run.finish("finished", final)
    shown = {k: final[k] for k in ("test_acc", "test_loss", "epochs", "seconds")}
    console.print(rows_table([shown], title=f"{model} on {data} ({engine})"))
    console.print(f"outputs: {', '.join(str(p) for p in written.values())}", highlight=False)
    if as_json:
        print_json_last(final)


def check_args(model, data, engine, hidden, activation, optimizer, lr, epochs, batch_size, seed,
               weight_decay, dropout, val_fraction, device="auto", amp=None, compile=False,
               augment="", balanced=False) -> tuple[int, ...]:
    """Raise ValueError naming the first bad option; return the parsed hidden sizes."""
    from profond.checks import check_choice, check_int, check_positive, check_range
    from profond.data import names

    check_choice("model", model, MODELS)
    check_choice("--data", data, names())
    check_choice("--engine", engine, ENGINES)
    if engine == "scratch":
        check_choice("model (with --engine scratch)", model, SCRATCH_MODELS)
    check_choice("--activation", activation, ACTIVATIONS)
    check_choice("--optimizer", optimizer, OPTIMIZERS)
    check_positive("--lr", lr)
    check_int("--epochs", epochs, minimum=1)
    check_int("--batch-size", batch_size, minimum=1)
    check_int("--seed", seed, minimum=0)
    check_positive("--weight-decay", weight_decay, allow_zero=True)
    check_range("--dropout", dropout, 0.0, 0.95)
    check_range("--val-fraction", val_fraction, 0.0, 0.9)
    check_device(device)
    if engine == "scratch" and (device not in ("auto", "cpu") or amp or compile or augment
                                or balanced):
        raise ValueError("--device, --amp, --compile, --augment, --balanced: expected the torch "
                         "engine (the scratch engine runs NumPy on the CPU); got --engine scratch "
                         f"with --device {device}, amp {amp}, compile {compile}, augment "
                         f"{augment!r}, balanced {balanced}")
    return parse_hidden(hidden)


def check_device(device: str) -> None:
    """A device name torch knows, and that this machine has (no CUDA here means no cuda)."""
    if not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", device):
        raise ValueError(f"--device: expected auto, cpu, cuda, cuda:N or mps; got {device!r}")
    if device.startswith("cuda") or device == "mps":
        import torch

        count = torch.cuda.device_count()
        index = int(device.partition(":")[2] or 0)
        has = (index < count) if device.startswith("cuda") else torch.backends.mps.is_available()
        if not has:
            raise ValueError(f"--device: expected a device this machine has (cpu"
                             f"{', cuda:0..' + str(count - 1) if count else ''}); got {device!r}")


def parse_hidden(text: str) -> tuple[int, ...]:
    """"64,32" -> (64, 32); anything but comma-separated positive integers is an error."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValueError(f"--hidden: expected comma-separated positive integers like 64,32; "
                         f"got {text!r}")
    return tuple(int(p) for p in parts)


def prepare_data(name: str, val_fraction: float, seed: int):
    """Flattened inputs standardised on the train part: {"train"|"val"|"test": (X, y)}."""
    from profond.data import load
    from profond.data.split import Standardizer, train_val_split

    dataset = load(name)
    X_train, X_test = _flat(dataset.X_train), _flat(dataset.X_test)
    y_train, y_test = dataset.y_train, dataset.y_test
    if dataset.task == "regression":
        y_train, y_test = y_train.reshape(len(y_train), -1), y_test.reshape(len(y_test), -1)
    splits = {}
    if val_fraction > 0:
        X_train, X_val, y_train, y_val = train_val_split(X_train, y_train, val_fraction, seed)
        splits["val"] = (X_val, y_val)
    scaler = Standardizer().fit(X_train)
    splits = {k: (scaler.transform(X), y) for k, (X, y) in
              {"train": (X_train, y_train), **splits, "test": (X_test, y_test)}.items()}
    return splits, dataset


def fit_and_test(learner, splits: dict, epochs: int, batch_size: int, seed: int, run,
                 callbacks=()):
    """Train with a progress bar (on stderr, so stdout stays for results); test once at the end.

    The run store records every epoch and checkpoint; a resumed run restarts after its last one.
    """
    from profond.train.callbacks import ProgressBar, TrainingDiverged
    from profond.train.history import History
    from profond.train.runs import RunRecorder, guard, restore
    from profond.train.trainer import Trainer

    initial_epoch = restore(run, learner) if run.checkpoint_dir.exists() else 0
    # RunRecorder also measures kWh and CO2e (into run.energy) when the carbon extra is installed
    trainer = Trainer(epochs, batch_size, seed=seed,
                      callbacks=[*callbacks, ProgressBar(err_console), RunRecorder(run)])
    start = time.perf_counter()
    try:
        with guard(run, learner):
            trainer.fit(learner, splits["train"], val=splits.get("val"),
                        initial_epoch=initial_epoch)
    except TrainingDiverged as exc:
        fail(str(exc), code=1)
    except KeyboardInterrupt:
        fail(f"interrupted; continue with `profond train --resume {run.id}`", code=130)
    history = History()
    for logs in run.record["epochs"]:  # with the epochs done before a resume
        history.append(logs)
    seconds = time.perf_counter() - start
    test = learner.evaluate(learner.prepare(*splits["test"]))
    final = {"test_acc": test.get("acc"), "test_loss": test["loss"], "epochs": len(history),
             "seconds": round(seconds, 3)}
    final.update(run.energy)
    return final, history


def write_run(folder: Path, learner, history, final: dict, test: tuple, classes) -> dict:
    """The run's files: curves, confusion matrix, final.json (the runs store extends this)."""
    from profond.train.report import write_outputs

    X_test, y_test = test
    y_pred = learner.predict(X_test).argmax(axis=1) if classes else None
    return write_outputs(folder, history, final, y_test, y_pred, classes)


def _flat(X):
    return X.reshape(len(X), -1)


def _store():
    from profond.train.runs import RunStore

    return RunStore()


def _resumed(run_id: str):
    """The run to continue and the options it was started with."""
    try:
        run = _store().open(run_id)
    except KeyError as exc:
        fail(exc.args[0])
    if run.record["status"] == "finished":
        fail(f"--resume: expected an unfinished run; {run_id!r} is finished")
    # runs recorded before --device, --amp and --compile existed ran with their defaults
    return run, {"device": "auto", "amp": None, "compile": False, "augment": "",
                 "balanced": False, **run.config}
