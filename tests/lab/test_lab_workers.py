"""A training worker process that dies (as under the OOM killer) is replaced: its pending calls
fail instead of hanging, its sessions get an error frame and a rebuilt network, new sessions
land on live workers."""

import asyncio
import os
import signal

import numpy as np
import pytest

from helpers import run_async
from helpers.lab import lab_client, opened, send, until
from profond.lab.compute import ProcessPool, WorkerLost
from profond.lab.errors import LabError
from profond.lab.schema import Config

pytestmark = pytest.mark.slow  # each test spawns worker processes: seconds on a loaded machine


def _kill(worker) -> None:
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(timeout=10)


def test_a_pending_call_fails_and_the_worker_is_replaced():
    async def scenario():
        pool = ProcessPool(1)
        try:
            new = ("new", Config().model_dump(), np.zeros((0, 3)), 0, False)
            await pool.call(0, *new)
            victim = pool.workers[0]
            # stopped first, so it cannot answer between the send and the kill (it sometimes did)
            os.kill(victim.process.pid, signal.SIGSTOP)
            pending = asyncio.ensure_future(pool.call(0, "step_frame", None))
            await asyncio.sleep(0)  # sent
            _kill(victim)
            with pytest.raises(WorkerLost, match="exit code -9"):
                await asyncio.wait_for(pending, timeout=30)  # before: hung forever
            with pytest.raises(WorkerLost):
                await pool.call(0, "frame", None)  # its network died with it
            await pool.call(0, *new)
            frame = await pool.call(0, "step_frame", None)
            assert frame["epoch"] == 1 and victim not in pool.workers
            assert pool.workers[0].process.is_alive()
        finally:
            pool.close()
    run_async(scenario())


def test_sessions_on_a_killed_worker_are_told_and_carry_on():
    with lab_client(workers=2) as client, client.websocket_connect("/ws") as ws:
        opened(ws)
        pool = client.app.state.backend
        victim = next(iter(pool.placement.values()))
        _kill(victim)
        send(ws, type="step")
        error = until(ws, "error")
        assert error["field"] == "worker" and "exit code -9" in error["message"]
        assert until(ws, "frame")["epoch"] == 1
        assert victim not in pool.workers and all(w.process.is_alive() for w in pool.workers)
        for _ in range(4):  # before: about half of these closed with code 1000 and no message
            with client.websocket_connect("/ws") as other:
                assert opened(other)["epoch"] == 0


def test_a_workers_refusal_keeps_its_code_and_a_bug_says_internal_error_first():
    async def scenario():
        pool = ProcessPool(1)
        try:
            with pytest.raises(LabError) as bug:
                await pool.call(0, "frame", None)  # no network for session 0 yet: a KeyError
            # before: the page read "KeyError: 0", a Python exception's name first
            assert str(bug.value) == "internal error: KeyError: 0" and bug.value.code == "internal"
            await pool.call(0, "new", Config().model_dump(), np.zeros((0, 3)), 0, False)
            with pytest.raises(LabError) as refused:
                await pool.call(0, "edit", 1, 9, 0, 1.0)
            assert (refused.value.field, refused.value.code, refused.value.params) == (
                "node", "index_range", {"min": 0, "max": 3, "got": 9})
        finally:
            pool.close()
    run_async(scenario())
