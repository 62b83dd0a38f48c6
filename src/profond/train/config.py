"""`TrainConfig`: what to train, as one typed value. Every entry point makes one and hands it to
`profond.train.recipe`; a run's `config.json` is this config, resolved; `--resume` reads it back.

A field left at None takes the value of the model's recipe (profond.train.recipes), then the
default; `resolve` fills them, so a resolved config says exactly what was trained. A leaf module:
it imports no torch, so the command line can build and check a config before anything heavy loads.
"""

import dataclasses
import re
from dataclasses import dataclass, fields

from profond import names
from profond.checks import check_choice, check_int, check_positive, check_range


@dataclass(frozen=True)
class TrainConfig:
    """One training run: model and data, engine, optimisation, data practice, where it runs.

    Mirrors the options of `profond train` (field `batch_size` is `--batch-size`).
    """

    model: str
    data: str = "digits"
    engine: str = "torch"
    hidden: tuple[int, ...] | None = None  # mlp only: hidden layer sizes
    residual: bool | None = None  # mlp only: skip connections between equal-width layers
    activation: str | None = None  # mlp only
    dropout: float | None = None  # mlp only: after each hidden layer
    optimizer: str | None = None
    lr: float | None = None
    schedule: str | None = None  # a name of profond.names.SCHEDULES
    epochs: int | None = None
    batch_size: int | None = None
    weight_decay: float | None = None
    augment: str | None = None  # comma-separated profond.data.augment names (torch)
    balanced: bool = False  # class-balanced batches (torch)
    val_fraction: float | None = None  # held out from the training set, for the curves
    eval_train: bool | None = None  # evaluate the whole training split after each epoch
    threads: int | None = None  # torch's intra-op threads; None: by the model's size; 0: torch's
    seed: int = 0
    device: str = "auto"  # torch: auto (cuda, then mps, then cpu), cpu, cuda, cuda:N, mps
    amp: bool | None = None  # torch: mixed precision; None: on with cuda
    compile: bool = False  # torch: torch.compile the model
    energy: bool = False  # measure kWh and CO2e with CodeCarbon (the carbon extra); it slows runs

    def __post_init__(self):
        if isinstance(self.hidden, str):  # "64,32" as typed, or as runs before this config
            object.__setattr__(self, "hidden", parse_hidden(self.hidden))
        elif self.hidden is not None:
            object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        """A config from `to_dict`'s output (a run's config.json); keys it does not know (a run's
        bookkeeping, options of older versions) are left out."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})

    def to_dict(self) -> dict:
        """Plain JSON values (hidden as a list)."""
        out = dataclasses.asdict(self)
        if out["hidden"] is not None:
            out["hidden"] = list(out["hidden"])
        return out

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)

    def check(self) -> "TrainConfig":
        """Raise ValueError naming the first bad field as its command-line option; return self."""
        from profond.data import names as dataset_names

        check_choice("model", self.model, names.MODELS)
        check_choice("--data", self.data, dataset_names())
        check_choice("--engine", self.engine, names.ENGINES)
        if self.engine not in names.MODELS[self.model].engines:
            check_choice(f"model (with --engine {self.engine})", self.model,
                         [m for m, spec in names.MODELS.items() if self.engine in spec.engines])
        _maybe(check_choice, "--activation", self.activation, names.ACTIVATIONS)
        _maybe(check_choice, "--optimizer", self.optimizer, names.OPTIMIZERS)
        _maybe(check_choice, "--schedule", self.schedule, names.SCHEDULES)
        _maybe(check_positive, "--lr", self.lr)
        _maybe(check_int, "--epochs", self.epochs, minimum=1)
        _maybe(check_int, "--batch-size", self.batch_size, minimum=1)
        _maybe(check_int, "--threads", self.threads, minimum=0)
        check_int("--seed", self.seed, minimum=0)
        _maybe(check_positive, "--weight-decay", self.weight_decay, allow_zero=True)
        _maybe(check_range, "--dropout", self.dropout, 0.0, 0.95)
        _maybe(check_range, "--val-fraction", self.val_fraction, 0.0, 0.9)
        check_device(self.device)
        if self.energy:
            check_energy_meter("--energy")
        if self.engine == "scratch" and (self.device not in ("auto", "cpu") or self.amp
                                         or self.compile or self.augment or self.balanced):
            raise ValueError(
                "--device, --amp, --compile, --augment, --balanced: expected the torch engine (the "
                "scratch engine runs NumPy on the CPU); got --engine scratch with --device "
                f"{self.device}, amp {self.amp}, compile {self.compile}, augment "
                f"{self.augment!r}, balanced {self.balanced}")
        return self


def _maybe(check, name, value, *args, **kwargs):
    if value is not None:
        check(name, value, *args, **kwargs)


def parse_hidden(text: str) -> tuple[int, ...]:
    """"64,32" -> (64, 32); anything but comma-separated positive integers is an error."""
    parts = [p.strip() for p in str(text).split(",")]
    if not all(p.isdigit() and int(p) > 0 for p in parts):
        raise ValueError(f"--hidden: expected comma-separated positive integers like 64,32; "
                         f"got {text!r}")
    return tuple(int(p) for p in parts)


def check_energy_meter(name: str) -> None:
    """Energy metering needs CodeCarbon, from the carbon extra."""
    import importlib.util

    if importlib.util.find_spec("codecarbon") is None:
        raise ValueError(f"{name}: expected codecarbon installed (pip install "
                         "'profond[carbon]'); got none")


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
