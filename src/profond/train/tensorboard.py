"""TensorBoard event files for a run: its scalars per epoch and its options as hyper-parameters.

`RunRecorder` writes them while a run trains (when the tensorboard extra is installed);
`export` writes the same events afterwards from what the runs store recorded (a run trained before
the extra was installed, or copied from another machine).
"""

import importlib.util
from pathlib import Path

MISSING = ('tensorboard: expected the tensorboard extra installed '
           '(pip install "profond[tensorboard]"); got none')


def installed() -> bool:
    """Whether the tensorboard package (the tensorboard extra) can be imported."""
    return importlib.util.find_spec("tensorboard") is not None


def writer(folder: Path):
    """A SummaryWriter into `folder` when the tensorboard package is installed, else None."""
    if not installed():
        return None
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(folder))


def add_epoch(events, epoch: int, logs: dict) -> None:
    """One epoch's metrics as scalars at step `epoch` in the writer `events`, flushed."""
    for name, value in logs.items():
        if value is not None:
            events.add_scalar(name, value, epoch)
    events.flush()


def add_hparams(events, config: dict, logs: dict) -> None:
    """The run's options beside its last epoch's metrics, for TensorBoard's HPARAMS tab."""
    hparams = {k: v if isinstance(v, int | float | str | bool) else str(v)
               for k, v in config.items() if v is not None}
    metrics = {f"hparam/{k}": v for k, v in logs.items()
               if k not in ("epoch", "lr") and v is not None}
    events.add_hparams(hparams, metrics, run_name=".")


def export(record: dict, folder: Path) -> Path:
    """Write `record`'s epochs and options (a `RunStore.get` record) as event files in `folder`,
    replacing the event files already there; RuntimeError naming the extra when it is missing."""
    if not installed():
        raise RuntimeError(MISSING)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("events.out.tfevents.*"):
        old.unlink()
    events = writer(folder)
    try:
        for logs in record["epochs"]:
            add_epoch(events, logs["epoch"], logs)
        add_hparams(events, record["config"], record["epochs"][-1] if record["epochs"] else {})
    finally:
        events.close()
    return folder
