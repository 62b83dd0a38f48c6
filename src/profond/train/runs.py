"""The runs store: one folder per training run plus one row per run in `runs/runs.sqlite`.

`runs/<id>/` holds config.json, metrics.json (one record per epoch), final.json, the artifacts
(learning curves, confusion matrix, model.safetensors), `checkpoint/` for `--resume`, and
`tensorboard/` event files (scalars per epoch, and the run's options as hyper-parameters) when
the tensorboard extra is installed. The SQLite
table (WAL mode, so `profond runs list` can read while a run writes) mirrors the same facts with a
status: running, finished, failed (diverged or crashed) or interrupted (Ctrl-C, or killed).
"""

import importlib.util
import json
import os
import secrets
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from profond.io import atomic_write_json
from profond.paths import runs_dir
from profond.train.callbacks import Callback, TrainingDiverged
from profond.train.checkpoint import load_checkpoint, save_checkpoint, save_weights

STATUSES = ("running", "finished", "failed", "interrupted")
_SCHEMA = """CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
    config TEXT NOT NULL, epochs TEXT NOT NULL DEFAULT '[]', final TEXT NOT NULL DEFAULT '{}',
    artifacts TEXT NOT NULL DEFAULT '{}', error TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL DEFAULT 0, folder TEXT NOT NULL DEFAULT '')"""
_JSON_COLUMNS = ("config", "epochs", "final", "artifacts")


class RunStore:
    """The store under `root` (default `profond.paths.runs_dir()`: `$PROFOND_RUNS` or ./runs)."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else runs_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        self.db_path = self.root / "runs.sqlite"
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def create(self, config: dict, run_id: str | None = None,
               folder: str | Path | None = None) -> "Run":
        """A new run with status "running": its folder (default `<root>/<id>`), config.json, row."""
        run_id = run_id or new_run_id(config.get("model", "run"))
        folder = Path(folder).resolve() if folder is not None else self.root / run_id
        folder.mkdir(parents=True, exist_ok=folder != self.root / run_id)
        atomic_write_json(folder / "config.json", config)
        now = time.time()
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO runs (id, status, created, updated, config, pid, folder) "
                       "VALUES (?,?,?,?,?,?,?)", (run_id, "running", now, now, json.dumps(config),
                                                  os.getpid(), str(folder)))
        return Run(self, run_id, folder)

    def open(self, run_id: str) -> "Run":
        record = self.get(run_id)
        return Run(self, record["id"], Path(record["folder"]))

    def get(self, run_id: str) -> dict:
        """One run as a dict (JSON columns decoded), by its id or, as git takes a short hash, by a
        prefix that only one id starts with; KeyError naming the id if unknown or ambiguous."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
            rows = [] if row or not run_id else db.execute(
                "SELECT * FROM runs WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT 4",
                (run_id, run_id)).fetchall()
        if row is None and len(rows) == 1:
            row = rows[0]
        if row is None and rows:
            ids = ", ".join(r["id"] for r in rows[:3]) + (", ..." if len(rows) > 3 else "")
            raise KeyError(f"run: expected the id of one run; {run_id!r} starts several ({ids})")
        if row is None:
            raise KeyError(f"run: expected the id of a run in {self.db_path}; got {run_id!r}")
        return _decode(row)

    def list(self) -> list[dict]:
        """Every run, newest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT * FROM runs ORDER BY created DESC, id DESC").fetchall()
        return [_decode(row) for row in rows]

    def update(self, run_id: str, **fields) -> None:
        """Set columns (JSON ones from Python objects) and the update time."""
        fields = {k: json.dumps(v) if k in _JSON_COLUMNS else v for k, v in fields.items()}
        if "status" in fields and fields["status"] not in STATUSES:
            raise ValueError(f"status: expected one of {STATUSES}; got {fields['status']!r}")
        assignments = ", ".join(f"{k} = ?" for k in fields)
        with closing(self._connect()) as db, db:
            db.execute(f"UPDATE runs SET {assignments}, updated = ? WHERE id = ?",
                       (*fields.values(), time.time(), run_id))

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.db_path, timeout=30)
        db.row_factory = sqlite3.Row
        return db


class Run:
    """One run: its folder, and methods that keep the folder and the SQLite row in step."""

    def __init__(self, store: RunStore, run_id: str, folder: Path):
        self.store, self.id, self.folder = store, run_id, folder
        self.checkpoint_dir = self.folder / "checkpoint"
        self.energy: dict = {}  # kWh and CO2e, filled by its RunRecorder when training ends

    @property
    def record(self) -> dict:
        return self.store.get(self.id)

    @property
    def config(self) -> dict:
        return json.loads((self.folder / "config.json").read_text(encoding="utf-8"))

    def log_epoch(self, logs: dict) -> None:
        """Append one epoch's metrics (to metrics.json and the row)."""
        epochs = self.record["epochs"] + [{k: _plain(v) for k, v in logs.items()}]
        atomic_write_json(self.folder / "metrics.json", epochs)
        self.store.update(self.id, epochs=epochs)

    def truncate_epochs(self, n: int) -> list[dict]:
        """Keep the first `n` epochs (a resumed run redoes the epoch it was killed in)."""
        epochs = self.record["epochs"][:n]
        atomic_write_json(self.folder / "metrics.json", epochs)
        self.store.update(self.id, epochs=epochs, status="running", error="", pid=os.getpid())
        return epochs

    def add_artifact(self, name: str, path: str | Path) -> None:
        artifacts = {**self.record["artifacts"], name: str(Path(path).relative_to(self.folder))}
        self.store.update(self.id, artifacts=artifacts)

    def finish(self, status: str, final: dict | None = None, error: str = "") -> None:
        """Close the run with `status`; `final` metrics (with the energy its RunRecorder measured)
        go to final.json and the row."""
        if final is not None or self.energy:
            final = {**(final or {}), **self.energy}
            final = {k: _plain(v) for k, v in final.items()}
            atomic_write_json(self.folder / "final.json", final)
            self.store.update(self.id, final=final)
        self.store.update(self.id, status=status, error=error)


def epoch_columns(epochs: list[dict]) -> dict[str, list]:
    """Per-epoch records as columns: {"epoch": [...], "loss": [...], ...}."""
    keys = dict.fromkeys(k for record in epochs for k in record)
    return {k: [record.get(k) for record in epochs] for k in keys}


def _decode(row: sqlite3.Row) -> dict:
    """The row as a dict; a "running" run whose process is gone was killed: "interrupted"."""
    record = dict(row)
    for key in _JSON_COLUMNS:
        record[key] = json.loads(record[key])
    if record["status"] == "running" and not _alive(record["pid"]):
        record["status"] = "interrupted"
    return record


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def new_run_id(*parts) -> str:
    """`<time>-<parts joined by ->-<4 hex>`: readable, sorted by time, and unique even for two runs
    started in the same second with the same settings."""
    name = "-".join(str(p) for p in parts)
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{name}-{secrets.token_hex(2)}"


class RunRecorder(Callback):
    """Trainer callback: each epoch, log the metrics and checkpoint (learner, torch RNG, epoch).

    With `energy=True` it also measures the training's kWh and CO2e (CodeCarbon, the carbon
    extra) into `run.energy`; off by default, as the meter's sampling thread slows short runs.

    Ctrl-C sets a flag that stops the run at the next batch boundary, so the interrupted state is
    consistent; `guard` then writes the weights, marks the run "interrupted" and exits cleanly.
    A resumed run restarts from the last epoch checkpoint, which an uninterrupted run also passed.
    """

    def __init__(self, run: Run, energy: bool = False):
        from profond.train.energy import emissions_meters

        self.run = run
        self.interrupted = False
        self._previous_handler = None
        self.writer = None
        self.last_logs: dict = {}
        self.meters = emissions_meters() if energy else []

    def on_train_begin(self) -> None:
        for meter in self.meters:
            meter.on_train_begin()
        self.writer = _tensorboard_writer(self.run.folder / "tensorboard")
        if threading.current_thread() is threading.main_thread():
            self._previous_handler = signal.signal(signal.SIGINT, self._on_sigint)

    def on_batch_end(self, step: int, loss: float) -> None:
        if self.interrupted:
            raise KeyboardInterrupt

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.run.log_epoch(logs)
        self.last_logs = logs
        if self.writer is not None:
            for name, value in logs.items():
                self.writer.add_scalar(name, value, epoch)
            self.writer.flush()
        learner = self.trainer.learner
        state = {**learner.state_dict(), **_rng_states()}
        save_checkpoint(self.run.checkpoint_dir, state,
                        {"epoch": epoch, "seed": self.trainer.seed, "lr": float(learner.lr)})
        self.run.add_artifact("checkpoint", self.run.checkpoint_dir)
        save_model(self.run, learner)

    def on_train_end(self) -> None:
        for meter in self.meters:
            meter.on_train_end()
            self.run.energy.update(meter.summary())
        if self.writer is not None:
            _tensorboard_hparams(self.writer, self.run.config, self.last_logs)
            self.writer.close()
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None

    def _on_sigint(self, signum, frame) -> None:
        if self.interrupted:  # a second Ctrl-C does not wait for the batch to end
            raise KeyboardInterrupt
        self.interrupted = True


def _tensorboard_writer(folder: Path):
    """A TensorBoard SummaryWriter when the tensorboard package is installed, else None."""
    if importlib.util.find_spec("tensorboard") is None:
        return None
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(folder))


def _tensorboard_hparams(writer, config: dict, logs: dict) -> None:
    """The run's options beside its last epoch's metrics, for TensorBoard's HPARAMS tab."""
    hparams = {k: v if isinstance(v, int | float | str | bool) else str(v)
               for k, v in config.items() if v is not None}
    metrics = {f"hparam/{k}": v for k, v in logs.items() if k not in ("epoch", "lr")}
    writer.add_hparams(hparams, metrics, run_name=".")


def save_model(run: Run, learner) -> Path:
    """The learner's weights alone as `model.safetensors` (what `profond viz` loads)."""
    weights = (learner.model_state() if hasattr(learner, "model_state") else
               {k.removeprefix("model."): v for k, v in learner.state_dict().items()
                if k.startswith("model.")})
    path = save_weights(run.folder / "model.safetensors", weights,
                        {"model": run.config.get("model", "")})
    run.add_artifact("model", path)
    return path


def _rng_states() -> dict[str, np.ndarray]:
    """torch's CPU generator and, when CUDA is in use, every GPU's (dropout and augmentation on a
    GPU draw from the device's own generator): "rng.torch", "rng.cuda.<i>"."""
    torch = sys.modules.get("torch")
    if torch is None:
        return {}
    states = {"rng.torch": torch.get_rng_state().numpy()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states.update((f"rng.cuda.{i}", s.numpy())
                      for i, s in enumerate(torch.cuda.get_rng_state_all()))
    return states


def pop_rng_states(state: dict) -> dict[str, np.ndarray]:
    """Take the generator states out of a checkpoint's state (what `_rng_states` put in)."""
    return {k: state.pop(k) for k in [k for k in state if k.startswith("rng.")]}


def restore(run: Run, learner) -> int:
    """Load the run's last checkpoint into `learner` (and torch's RNGs); return its epoch."""
    state, meta = load_checkpoint(run.checkpoint_dir)
    rng = pop_rng_states(state)
    learner.load_state_dict(state)
    if rng:
        import torch

        torch.set_rng_state(torch.from_numpy(rng["rng.torch"]))
        n_gpus = sum(key.startswith("rng.cuda.") for key in rng)
        gpus = [torch.from_numpy(rng[f"rng.cuda.{i}"]) for i in range(n_gpus)]
        if gpus and torch.cuda.is_available() and len(gpus) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(gpus)
    run.truncate_epochs(meta["epoch"])
    return meta["epoch"]


@contextmanager
def guard(run: Run, learner) -> Iterator[None]:
    """Record how a training block ends: diverged or crashed -> "failed" (with the message),
    Ctrl-C -> weights saved and "interrupted". The caller marks success with `run.finish`."""
    try:
        yield
    except TrainingDiverged as exc:
        run.finish("failed", error=str(exc))
        raise
    except KeyboardInterrupt:
        save_model(run, learner)
        run.finish("interrupted", error="interrupted by the user (Ctrl-C)")
        raise
    except Exception as exc:
        run.finish("failed", error=f"{type(exc).__name__}: {exc}")
        raise
