"""Where the sessions' networks live and train: in this process (threads) or in worker processes.

`Compute` holds one Playground per session id and answers named calls. `InProcess` runs those
calls in a thread; `ProcessPool` spreads sessions over worker processes, so that concurrent
sessions use every core instead of sharing one interpreter lock. A worker that dies (the OOM
killer) fails its pending calls with `WorkerLost` and is replaced, as multiprocessing.Pool and
gunicorn replace theirs; its sessions' next call says so, since their networks died with it.
"""

import asyncio
import itertools
import multiprocessing as mp
import queue
import threading
import time

import numpy as np

from profond.lab import export, labdata
from profond.lab.engine import Playground
from profond.lab.errors import LabError, internal
from profond.lab.frames import build_frame
from profond.lab.schema import Config

# "max" speed trains for this long before each frame, shared by the sessions of one process, so
# that a lone session draws ~60 frames a second and twenty on two cores still get >= 10
FRAME_BUDGET_S = 0.008


class Compute:
    """The training side of every session it hosts; each method returns plain data."""

    def __init__(self):
        self.games: dict[int, Playground] = {}

    def new(self, sid: int, config: dict, custom: np.ndarray, init_seed: int,
            keep_data: bool) -> dict:
        """A fresh network (and fresh data unless `keep_data`); returns the data's points."""
        cfg = Config.model_validate(config)
        old = self.games.get(sid)
        data = old.data if keep_data and old else labdata.make_data(cfg, custom)
        self.games[sid] = Playground(cfg, data, init_seed)
        return data.points()

    def step_frame(self, sid: int, hover, playing: bool = False) -> dict:
        """One epoch (a click on step), or while playing as many as the speed control says."""
        pg = self.games[sid]
        epochs, budget = 1, 0.0
        if playing:
            epochs = {"1": 1, "10": 10, "max": 1 << 30}[pg.cfg.speed]
            budget = FRAME_BUDGET_S / len(self.games) if pg.cfg.speed == "max" else 0.0
        if pg.cfg.max_epochs:
            epochs = max(1, min(epochs, pg.cfg.max_epochs - pg.epoch))
        with np.errstate(all="ignore"):  # a diverging net (lr 10) shows NaN losses, not a crash
            pg.train(epochs, budget)
            return build_frame(pg, hover)

    def frame(self, sid: int, hover) -> dict:
        with np.errstate(all="ignore"):
            return build_frame(self.games[sid], hover)

    def set_live(self, sid: int, config: dict) -> None:
        self.games[sid].set_live(Config.model_validate(config))

    def edit(self, sid: int, layer: int, node: int, source: int | None, value: float) -> None:
        self.games[sid].edit(layer, node, source, value)

    def export(self, sid: int, fmt: str) -> dict:
        return export.export(self.games[sid], fmt)

    def all_points(self, sid: int) -> np.ndarray:
        d = self.games[sid].data
        X, y = np.vstack([d.X_train, d.X_test]), np.concatenate([d.y_train, d.y_test])
        return np.column_stack([X.astype(np.float64), y.astype(np.float64)])

    def drop(self, sid: int) -> None:
        self.games.pop(sid, None)


class WorkerLost(RuntimeError):
    """The worker process holding a session's network stopped (`exit_code`); a new one took its
    place."""

    def __init__(self, exit_code: int | None):
        super().__init__(f"the training process stopped (exit code {exit_code})")
        self.exit_code = exit_code


class InProcess:
    """Calls run in a thread of this process (tests, small classes)."""

    ordered = False  # two threads may run one session's calls at once

    def __init__(self):
        self.compute = Compute()

    async def call(self, sid: int, method: str, *args):
        return await asyncio.to_thread(getattr(self.compute, method), sid, *args)

    def close(self) -> None:
        self.compute.games.clear()


def _serve(conn) -> None:
    """A worker process: answer (call id, method, sid, args) until told None. A thread queues
    the requests so that a click (any call but step_frame) jumps ahead of queued epochs."""
    compute, requests, order = Compute(), queue.PriorityQueue(), itertools.count()

    def read() -> None:
        while True:
            request = conn.recv()
            rank = 2 if request is None else int(request[1] == "step_frame")
            requests.put((rank, next(order), request))
            if request is None:
                return

    threading.Thread(target=read, daemon=True).start()
    while (request := requests.get()[2]) is not None:
        call_id, method, sid, args = request
        try:
            conn.send((call_id, True, getattr(compute, method)(sid, *args)))
        except Exception as exc:  # report it; the worker serves other sessions too
            # a LabError travels whole (its code and params); another ValueError names the
            # field, what was expected and what came; anything else is a bug, named by its type
            conn.send((call_id, False, exc if isinstance(exc, LabError)
                       else str(exc) if isinstance(exc, ValueError) else internal(exc)))


class _Worker:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()  # else this process holds the pipe open and never reads EOF when it dies
        self.pending: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future]] = {}
        self.sessions, self.dead = 0, False
        self._send_lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                call_id, ok, value = self.conn.recv()
            except (EOFError, OSError):  # the worker died: fail its calls rather than hang them
                self._die()
                return
            loop, future = self.pending.pop(call_id)
            loop.call_soon_threadsafe(_settle, future, ok, value)

    def lost(self) -> "WorkerLost":
        """The error for calls this dead worker cannot answer, naming its exit code."""
        # another thread may be reaping the same process (a join elsewhere): then this join
        # returns before the exit code is set, so wait for it a little
        deadline = time.monotonic() + 2
        while self.process.exitcode is None and time.monotonic() < deadline:
            self.process.join(timeout=0.05)
        return WorkerLost(self.process.exitcode)

    def _die(self) -> None:
        self.dead = True
        lost = self.lost()
        while self.pending:
            loop, future = self.pending.popitem()[1]
            loop.call_soon_threadsafe(_settle, future, False, lost)

    def send(self, message) -> None:
        with self._send_lock:
            self.conn.send(message)


def _settle(future: asyncio.Future, ok: bool, value) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value if isinstance(value, Exception) else ValueError(value))


class ProcessPool:
    """`n` worker processes; each session stays on the least-busy worker it was given."""

    ordered = True  # a worker runs calls one at a time

    def __init__(self, n: int):
        self.ctx = mp.get_context("spawn")  # never fork a process that runs an event loop
        self.workers = [_Worker(self.ctx) for _ in range(n)]
        self.placement: dict[int, _Worker] = {}
        self.ids = itertools.count()

    async def call(self, sid: int, method: str, *args):
        """Run `method` for session `sid` on its worker; WorkerLost if that worker died since
        the session's last call (its network is gone: the session must call "new")."""
        self.workers = [_Worker(self.ctx) if w.dead else w for w in self.workers]
        worker = self.placement.get(sid)
        if worker is not None and worker.dead:
            del self.placement[sid]
            if method == "drop":
                return None
            if method != "new":
                raise worker.lost()
            worker = None
        if worker is None:
            worker = self.placement[sid] = min(self.workers, key=lambda w: w.sessions)
            worker.sessions += 1
        if method == "drop":
            self.placement.pop(sid)
            worker.sessions -= 1
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        call_id = next(self.ids)
        worker.pending[call_id] = (loop, future)
        try:
            worker.send((call_id, method, sid, args))
        except OSError:  # it died before its reader saw the end of the pipe
            worker.pending.pop(call_id, None)
            worker.dead = True
            raise worker.lost() from None
        return await future

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.send(None)
            except OSError:
                pass
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
