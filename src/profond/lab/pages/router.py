"""The pages' HTML routes, /api/pages and their WebSocket, /ws/pages, all from `registry.PAGES`,
and /api/errors, the error templates (errors.py): each message is validated by `schema.MESSAGE`,
answered by its page's handler with one frame (or an error frame naming the field); training
streams progress frames. Compute runs in a thread so
that other sessions keep being served."""

import asyncio
import contextlib
import inspect
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import ValidationError

from profond.lab import errors, wire
from profond.lab.errors import LabError
from profond.lab.pages import cnn, registry
from profond.lab.pages.fewshot import FewShot
from profond.lab.pages.schema import MESSAGE

STATIC = Path(__file__).resolve().parents[1] / "static"
TRY_AGAIN_LATER = 1013
log = logging.getLogger(__name__)


def add_pages(app: FastAPI, *, max_sessions: int, idle_s: float, max_bytes: int) -> None:
    """Serve each registered page at its route, their list at /api/pages and the /ws/pages
    socket on `app`."""
    app.state.page_sessions = 0
    training = asyncio.Lock()  # one training at a time: the weights file is shared
    pages = registry.PAGES
    handlers = registry.handlers(pages)
    for page in pages:
        app.add_api_route(page.route, _page(page.html), methods=["GET"], include_in_schema=False)

    @app.get("/api/pages")
    async def api_pages() -> list[dict]:
        return registry.nav(pages)

    @app.get("/api/errors")
    async def api_errors() -> dict:
        return errors.tables()

    @app.websocket("/ws/pages")
    async def ws_pages(websocket: WebSocket) -> None:
        await websocket.accept()  # Host, Origin and token were checked by guard.Guard
        if app.state.page_sessions >= max_sessions:
            await _send(websocket, LabError("session", "lab_full", max=max_sessions).frame())
            await websocket.close(code=TRY_AGAIN_LATER)
            return
        app.state.page_sessions += 1
        session = PageSession(websocket, training, handlers)
        try:
            await _send(websocket, cnn.status())
            while True:
                message = await asyncio.wait_for(websocket.receive(), timeout=idle_s)
                if message["type"] == "websocket.disconnect":
                    return
                text = message.get("text")
                if text is None:
                    await _send(websocket, LabError("message", "binary").frame())
                elif len(text) > max_bytes:
                    await _send(websocket, LabError("message", "too_big", max=max_bytes,
                                                    got=len(text)).frame())
                else:
                    await session.handle(text)
        except TimeoutError:
            with contextlib.suppress(Exception):
                await _send(websocket, {"type": "closed", "reason": "idle"})
                await websocket.close()
        except (WebSocketDisconnect, RuntimeError):
            pass  # the browser went away
        finally:
            app.state.page_sessions -= 1
            session.close()


def _page(html: str):
    async def page() -> FileResponse:
        return FileResponse(STATIC / html, headers={"Cache-Control": "no-cache"})
    return page


async def _send(websocket: WebSocket, message: dict) -> None:
    """One reply, its non-finite numbers (a diverging delta rule, a huge backprop step) as null."""
    await websocket.send_text(wire.dumps(wire.finite(message)))


class PageSession:
    """One browser tab's few-shot classes; every other page is stateless."""

    def __init__(self, websocket: WebSocket, training: asyncio.Lock,
                 handlers: dict[str, Callable]):
        self.websocket, self.training, self.handlers = websocket, training, handlers
        self.fewshot = FewShot()
        self.stop, self.task = threading.Event(), None  # the task, kept from the collector

    async def handle(self, text: str) -> None:
        try:
            msg = MESSAGE.validate_json(text)
        except ValidationError as exc:
            await _send(self.websocket, errors.from_validation(exc, drop_tag=True,
                                                                 indices=True).frame())
            return
        handler = self.handlers[msg.type]
        if inspect.iscoroutinefunction(handler):
            await handler(self, msg)
        else:
            await self._reply(asyncio.to_thread(handler, self, msg))

    async def start_training(self, epochs: int, data: str) -> None:
        """Train in the background: this tab's other messages, and its closing, are still read."""
        if self.training.locked():
            await _send(self.websocket, LabError("train", "training_busy").frame())
            return
        await self.training.acquire()  # free: returns at once, so no other tab slips in
        self.task = asyncio.create_task(self._train(epochs, data))

    async def _reply(self, work) -> None:
        """Send what `work` returns; a failure becomes one error frame, not the session's end."""
        try:
            reply = await work
        except cnn.Cancelled:
            return  # its tab is gone
        except ValueError as exc:
            await _send(self.websocket, errors.frame_of(exc))
            return
        except Exception as exc:  # a bug must cost one message, not the page's session
            log.exception("lab page message failed")
            await _send(self.websocket, errors.frame_of(exc))
            return
        await _send(self.websocket, reply)

    def close(self) -> None:
        """The tab went away: a training it started stops within one batch."""
        self.stop.set()

    def reset_fewshot(self) -> dict:
        self.fewshot = FewShot()
        return self.fewshot.summary()

    async def _train(self, epochs: int, data: str) -> None:
        """Train while holding `self.training` (acquired by `handle`); release it at the end."""
        loop = asyncio.get_running_loop()

        def report(frame):  # from the training thread: hand the frame to the event loop
            asyncio.run_coroutine_threadsafe(_send(self.websocket, frame), loop)
        try:
            await self._reply(asyncio.to_thread(cnn.train, epochs, report, 0, data, self.stop))
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass  # the tab closed while we answered
        finally:
            self.training.release()
