"""One lab session: its configuration and the worker loop that trains and streams frames.

Messages are handled as they arrive; the compute (an epoch, a frame) runs on the backend (a
thread or a worker process, see compute.py) under the session's lock, so a parameter change
waits for at most one epoch before its frame goes out.
"""

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable

import numpy as np
from pydantic import ValidationError

from profond.lab import export, labdata, wire
from profond.lab.compute import WorkerLost
from profond.lab.errors import LabError, frame_of, from_validation
from profond.lab.schema import MAX_POINTS, MESSAGE, Config, limits
from profond.lab.settings import settings_schema

DATA_FIELDS = {"problem", "dataset", "n_classes", "noise", "train_ratio", "seed"}
# as playground.ts: these reset the network; the learning rate (and max_epochs) apply live
NET_FIELDS = {"features", "hidden", "activation", "output", "optimizer", "dropout", "init",
              "regularization", "reg_rate", "batch_size"}
MAX_FPS = 60
log = logging.getLogger(__name__)


class Disconnected(Exception):
    """The client went away while we were sending."""


class Session:
    """A client's playground. `send` delivers one JSON text to the client."""

    _ids = itertools.count()

    def __init__(self, send: Callable[[str], Awaitable[None]], idle_s: float, backend):
        self._send, self.idle_s, self.backend = send, idle_s, backend
        self.sid = next(Session._ids)
        self.cfg = Config()
        self.custom = np.zeros((0, 3))
        self.playing, self.hover, self.resets, self.epoch = False, None, 0, 0
        self.last_seen = time.monotonic()
        # a worker process runs one session's calls one at a time, clicks first: no lock needed,
        # so a click never waits for the epoch in flight; threads share the modules' caches
        self.lock = contextlib.nullcontext() if backend.ordered else asyncio.Lock()
        self._send_lock = asyncio.Lock()
        self._wake = asyncio.Event()

    async def call(self, method: str, *args):
        try:
            return await self.backend.call(self.sid, method, *args)
        except WorkerLost as exc:  # the network died with its process: rebuild it, say so
            if method == "drop":
                return None
            self.playing, self.epoch = False, 0
            await self.error(LabError("worker", "worker_lost", exit_code=exc.exit_code))
            if method != "new":
                await self.backend.call(self.sid, "new", self.cfg.model_dump(), self.custom,
                                        self.cfg.seed + 7919 * self.resets, False)
            return await self.backend.call(self.sid, method, *args)

    async def close(self) -> None:
        await self.call("drop")

    async def send(self, message: dict) -> None:
        try:
            text = wire.dumps(message)
        except ValueError:  # a non-finite number escaped `wire.finite`: a bug, said loudly here
            log.exception("lab: a %r message holds a non-finite number", message.get("type"))
            text = wire.dumps(LabError("", "unsent", kind=message.get("type")).frame())
        async with self._send_lock:
            try:
                await self._send(text)
            except Exception as exc:  # the transport's own errors differ (starlette, uvicorn)
                raise Disconnected from exc

    async def start(self) -> None:
        async with self.lock:
            points = await self._new_net(keep_data=False)
        await self.send({"type": "hello", "config": self.cfg.model_dump(),
                         "schema": settings_schema(), "limits": limits(),
                         "thumbnails": export.thumbnails()})
        await self.send({"type": "data", **points})
        await self._frame()

    # -- the worker ------------------------------------------------------------------------
    async def run(self) -> None:
        """Train while playing, at most MAX_FPS frames a second; return once idle too long."""
        while time.monotonic() - self.last_seen < self.idle_s:
            if not self.playing:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=1.0)
                except TimeoutError:
                    pass
                continue
            started = time.monotonic()
            try:
                await self._train_and_send()
            except Disconnected:
                return
            except ValueError as exc:  # e.g. no training point left: say so and pause
                await self._pause_with(exc)
            except Exception as exc:  # pause and report rather than lose the worker
                log.exception("lab training step failed")
                await self._pause_with(exc)
            await asyncio.sleep(max(0.0, 1 / MAX_FPS - (time.monotonic() - started)))

    async def _pause_with(self, exc: Exception) -> None:
        self.playing = False
        await self.error(exc)
        await self.send({"type": "status", "playing": False})

    async def _train_and_send(self) -> None:
        async with self.lock:
            frame = await self.call("step_frame", self.hover, self.playing)
        self.epoch = frame["epoch"]
        if self.cfg.max_epochs and self.epoch >= self.cfg.max_epochs:
            self.playing = False
        await self.send({**frame, "playing": self.playing})

    async def _frame(self) -> None:
        async with self.lock:
            frame = await self.call("frame", self.hover)
        await self.send({**frame, "playing": self.playing})

    # -- messages --------------------------------------------------------------------------
    async def handle(self, raw: str) -> None:
        """Validate one client message and act on it; every failure becomes an error frame."""
        self.last_seen = time.monotonic()
        try:
            data = wire.loads(raw)
        except ValueError as exc:
            await self.error(exc)
            return
        try:
            msg = MESSAGE.validate_python(data)
            await getattr(self, "_on_" + msg.type)(msg)
        except ValidationError as exc:  # a Config error keeps its whole location
            await self.error(from_validation(exc, drop_tag=exc.title != "Config"))
        except Disconnected:
            raise
        except ValueError as exc:  # the engine's range checks
            await self.error(exc)
        except Exception as exc:  # a bug must cost one message, not the session
            log.exception("lab message failed")
            await self.error(exc)

    async def error(self, exc: Exception) -> None:
        """One error frame (errors.py): the page says it in its language."""
        await self.send(frame_of(exc))

    async def _on_ping(self, msg) -> None:
        await self.send({"type": "pong"})

    async def _on_play(self, msg) -> None:
        if self.cfg.max_epochs and self.epoch >= self.cfg.max_epochs:
            await self.error(LabError("max_epochs", "epochs_reached", max=self.cfg.max_epochs))
            return
        self.playing = True
        self._wake.set()
        await self.send({"type": "status", "playing": True})

    async def _on_pause(self, msg) -> None:
        self.playing = False
        await self.send({"type": "status", "playing": False})

    async def _on_step(self, msg) -> None:
        self.playing = False
        await self._train_and_send()

    async def _on_reset(self, msg) -> None:
        async with self.lock:
            self.resets += 1
            await self._new_net(keep_data=True)
        await self._frame()

    async def _on_regenerate(self, msg) -> None:
        seed = int(np.random.default_rng().integers(0, 2**31 - 1))
        await self._apply({"seed": seed})

    async def _on_config(self, msg) -> None:
        await self._apply(msg.config)

    async def _apply(self, changes: dict) -> None:
        merged = {**self.cfg.model_dump(), **changes}
        cfg = Config.model_validate(merged)
        if "problem" in changes and cfg.dataset_for_problem() != cfg.dataset:
            cfg = cfg.model_copy(update={"dataset": cfg.dataset_for_problem()})
        changed = {k for k in Config.model_fields if getattr(cfg, k) != getattr(self.cfg, k)}
        async with self.lock:
            self.cfg = cfg
            if changed & (DATA_FIELDS | NET_FIELDS):
                points = await self._new_net(keep_data=not changed & DATA_FIELDS)
            else:
                await self.call("set_live", cfg.model_dump())
        await self.send({"type": "config", "config": cfg.model_dump()})
        if changed & DATA_FIELDS:
            await self.send({"type": "data", **points})
        await self._frame()

    async def _on_edit(self, msg) -> None:
        async with self.lock:
            await self.call("edit", msg.layer, msg.node, msg.source, msg.value)
        await self._frame()

    async def _on_hover(self, msg) -> None:
        self.hover = tuple(int(v) for v in msg.node.split(",")) if msg.node else None
        await self._frame()

    async def _on_add_point(self, msg) -> None:
        classify = self.cfg.problem == "classification"
        if classify and not float(msg.label).is_integer():
            raise LabError("label", "class_index", got=msg.label)
        points = self.custom if self.cfg.dataset == "custom" else await self.call("all_points")
        if len(points) >= MAX_POINTS:
            raise LabError("points", "too_many_points", max=MAX_POINTS, got=len(points) + 1)
        self.custom = np.vstack([points, [[msg.x, msg.y, msg.label]]])
        await self._set_custom()

    async def _on_clear_points(self, msg) -> None:
        self.custom = np.zeros((0, 3))
        await self._set_custom()

    async def _on_upload_csv(self, msg) -> None:
        self.custom = labdata.parse_csv(msg.text, self.cfg.problem == "classification")
        await self._set_custom()

    async def _on_download_csv(self, msg) -> None:
        await self.send({"type": "csv", "filename": f"profond-{self.cfg.dataset}.csv",
                         "text": labdata.to_csv(await self.call("all_points"))})

    async def _on_export(self, msg) -> None:
        async with self.lock:
            payload = await self.call("export", msg.format)
        await self.send({"type": "export", **payload})

    # -- state -----------------------------------------------------------------------------
    async def _set_custom(self) -> None:
        self.cfg = self.cfg.model_copy(update={"dataset": "custom"})
        async with self.lock:
            points = await self._new_net(keep_data=False)
        await self.send({"type": "config", "config": self.cfg.model_dump()})
        await self.send({"type": "data", **points})
        await self._frame()

    async def _new_net(self, keep_data: bool) -> dict:
        """New weights (and new data unless `keep_data`); returns the data's points."""
        self.playing, self.epoch = False, 0
        # the link's seed reproduces the first run; later resets draw fresh weights, as in TFP
        return await self.call("new", self.cfg.model_dump(), self.custom,
                               self.cfg.seed + 7919 * self.resets, keep_data)

