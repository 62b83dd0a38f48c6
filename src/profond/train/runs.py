"""The runs store: one folder per training run plus one row per run in `runs/runs.sqlite`.

`runs/<id>/` holds config.json, metrics.json and metrics.csv (one record, one row, per epoch,
both rewritten after every epoch), final.json, the artifacts (learning curves, confusion matrix,
model.safetensors), `checkpoint/` for `--resume`, and `tensorboard/` event files (scalars per
epoch, and the run's options as hyper-parameters) when the tensorboard extra is installed, or
later by `profond runs tensorboard`. The SQLite table (WAL mode, so `profond runs list` can read
while a run writes) mirrors the same facts with a status: running, finished, failed (diverged or
crashed) or interrupted (Ctrl-C, or killed).
"""

import csv
import fcntl
import io
import json
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from profond.io import DamagedFileError, atomic_write_json, atomic_write_text, remove_temporaries
from profond.paths import runs_dir

STATUSES = ("running", "finished", "failed", "interrupted")
_SCHEMA = """CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
    config TEXT NOT NULL, epochs TEXT NOT NULL DEFAULT '[]', final TEXT NOT NULL DEFAULT '{}',
    artifacts TEXT NOT NULL DEFAULT '{}', error TEXT NOT NULL DEFAULT '',
    pid INTEGER NOT NULL DEFAULT 0, folder TEXT NOT NULL DEFAULT '')"""
_JSON_COLUMNS = ("config", "epochs", "final", "artifacts")


class AmbiguousRunId(KeyError):
    """A run-id prefix that several runs' ids start with."""


class RunStore:
    """The store under `root` (default `profond.paths.runs_dir()`: `$PROFOND_RUNS` or ./runs)."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else runs_dir()
        self.db_path = self.root / "runs.sqlite"
        self.read_only = False
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with self._session() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
        except PermissionError:  # a store this user may read but not write: list and show it
            if not os.access(self.db_path, os.R_OK):
                raise
            self.read_only = True

    def create(self, config: dict, run_id: str | None = None,
               folder: str | Path | None = None) -> "Run":
        """A new run with status "running": its folder (default `<root>/<id>`), config.json, row."""
        run_id = run_id or new_run_id(config.get("model", "run"))
        folder = Path(folder).resolve() if folder is not None else self.root / run_id
        if folder.exists() and not folder.is_dir():
            raise FileExistsError(f"--out: expected a folder; {folder} is a file")
        folder.mkdir(parents=True, exist_ok=folder != self.root / run_id)
        run = Run(self, run_id, folder).lock()
        now = time.time()
        with self._session() as db:  # the row first: a run killed at once resumes
            db.execute("INSERT INTO runs (id, status, created, updated, config, pid, folder) "
                       "VALUES (?,?,?,?,?,?,?)", (run_id, "running", now, now, json.dumps(config),
                                                  os.getpid(), str(folder)))
        atomic_write_json(folder / "config.json", config)
        return run

    def open(self, run_id: str) -> "Run":
        record = self.get(run_id)
        return Run(self, record["id"], Path(record["folder"]))

    def get(self, run_id: str) -> dict:
        """One run as a dict (JSON columns decoded), by its id or, as git takes a short hash, by a
        prefix that only one id starts with; KeyError naming the id if unknown or ambiguous."""
        with self._session() as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
            rows = [] if row or not run_id else db.execute(
                "SELECT * FROM runs WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT 4",
                (run_id, run_id)).fetchall()
        if row is None and len(rows) == 1:
            row = rows[0]
        if row is None and rows:
            ids = ", ".join(r["id"] for r in rows[:3]) + (", ..." if len(rows) > 3 else "")
            raise AmbiguousRunId(f"run: expected the id of one run; {run_id!r} starts several "
                                 f"({ids})")
        if row is None:
            raise KeyError(f"run: expected the id of a run in {self.db_path}; got {run_id!r}")
        return _decode(row, self.root)

    def list(self) -> list[dict]:
        """Every run, newest first."""
        with self._session() as db:
            rows = db.execute("SELECT * FROM runs ORDER BY created DESC, id DESC").fetchall()
        return [_decode(row, self.root) for row in rows]

    def update(self, run_id: str, **fields) -> None:
        """Set columns (JSON ones from Python objects) and the update time."""
        fields = {k: json.dumps(v) if k in _JSON_COLUMNS else v for k, v in fields.items()}
        if "status" in fields and fields["status"] not in STATUSES:
            raise ValueError(f"status: expected one of {STATUSES}; got {fields['status']!r}")
        assignments = ", ".join(f"{k} = ?" for k in fields)
        with self._session() as db:
            db.execute(f"UPDATE runs SET {assignments}, updated = ? WHERE id = ?",
                       (*fields.values(), time.time(), run_id))

    @contextmanager
    def _session(self) -> Iterator[sqlite3.Connection]:
        """A connection, committed when the block succeeds; SQLite's errors as OSErrors naming
        the file (PermissionError for a store that cannot be written)."""
        try:
            with closing(self._connect()) as db, db:
                yield db
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc) or "unable to open" in str(exc):
                raise PermissionError(f"{self.db_path}: expected a runs store this user may "
                                      f"write; got {exc}") from None
            raise OSError(f"{self.db_path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise DamagedFileError(f"{self.db_path}: expected a runs database; got a damaged "
                                   f"file ({exc}); move it aside to start a new store") from None

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:  # immutable: SQLite writes no -wal or -shm file beside it
            db = sqlite3.connect(f"{self.db_path.resolve().as_uri()}?immutable=1", uri=True)
        else:
            db = sqlite3.connect(self.db_path, timeout=30)
        db.row_factory = sqlite3.Row
        return db


class Run:
    """One run: its folder, and methods that keep the folder and the SQLite row in step."""

    def __init__(self, store: RunStore, run_id: str, folder: Path):
        self.store, self.id, self.folder = store, run_id, folder
        self.checkpoint_dir = self.folder / "checkpoint"
        self._lock: int | None = None  # the descriptor holding `lock`'s flock
        self.energy: dict = {}  # kWh and CO2e, filled by its RunRecorder when training ends

    @property
    def record(self) -> dict:
        return self.store.get(self.id)

    @property
    def config(self) -> dict:
        """The run's options, from its row (config.json is the same, for people and tools)."""
        return self.record["config"]

    def lock(self) -> "Run":
        """Become the one process writing this run (an exclusive flock on `<folder>/.lock`, held
        until `finish` or this process ends); RunBusy naming the process that holds it."""
        if self._lock is not None:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise RunBusy(f"run {self.id}: expected no other process writing it; process "
                          f"{holder} holds {self.folder / '.lock'} (wait for it, or stop it)"
                          ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock = fd
        return self

    def unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def log_epoch(self, logs: dict) -> None:
        """Append one epoch's metrics (to metrics.json, metrics.csv and the row)."""
        record = self.record
        epochs = record["epochs"] + [{k: _plain(v) for k, v in logs.items()}]
        self._write_epochs(epochs)
        self.store.update(self.id, epochs=epochs,
                          artifacts={**record["artifacts"], "metrics_csv": "metrics.csv"})

    def _write_epochs(self, epochs: list[dict]) -> None:
        """metrics.json and metrics.csv, each written whole: a run killed at any time leaves
        them up to an epoch it finished, and a reader never sees half a file."""
        atomic_write_json(self.folder / "metrics.json", epochs)
        write_metrics_csv(self.folder / "metrics.csv", epochs)

    def truncate_epochs(self, n: int) -> list[dict]:
        """Keep the first `n` epochs (a resumed run redoes what came after its checkpoint), and
        reopen the run: what killed writes left is removed, config.json written again."""
        record = self.record
        epochs = record["epochs"][:n]
        for folder in (self.folder, self.checkpoint_dir):
            remove_temporaries(folder)
        atomic_write_json(self.folder / "config.json", record["config"])
        self._write_epochs(epochs)
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
        self.unlock()


class RunBusy(OSError):
    """Another process writes this run (`Run.lock`)."""


def write_metrics_csv(path: str | Path, epochs: list[dict]) -> Path:
    """One row per epoch, one column per logged key (epoch first); a key an epoch did not log is
    an empty cell. `pandas.read_csv(path)` reads it back."""
    columns = list(dict.fromkeys(k for row in epochs for k in row)) or ["epoch"]
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(epochs)
    return atomic_write_text(path, text.getvalue())


def epoch_columns(epochs: list[dict]) -> dict[str, list]:
    """Per-epoch records as columns: {"epoch": [...], "loss": [...], ...}."""
    keys = dict.fromkeys(k for record in epochs for k in record)
    return {k: [record.get(k) for record in epochs] for k in keys}


def _decode(row: sqlite3.Row, root: Path) -> dict:
    """The row as a dict; a "running" run whose process is gone was killed: "interrupted". A
    store copied from another machine records that machine's folders: a run's folder that is
    not there but is in this store (`<root>/<id>`) reads as the latter."""
    record = dict(row)
    if not Path(record["folder"]).is_dir() and (root / record["id"]).is_dir():
        record["folder"] = str(root / record["id"])
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
