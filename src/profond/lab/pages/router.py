"""The pages' HTML routes and their WebSocket, /ws/pages: each message is validated by
`schema.MESSAGE`, answered by one frame (or an error frame naming the field); training streams
progress frames. Compute runs in a thread so that other sessions keep being served."""

import asyncio
import contextlib
import json
import logging
from pathlib import Path

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import ValidationError

from profond.lab.pages import classic, cnn
from profond.lab.pages.fewshot import FewShot, accuracy_curve
from profond.lab.pages.schema import MESSAGE

STATIC = Path(__file__).resolve().parents[1] / "static"
PAGES = ("perceptron", "backprop", "cnn", "fewshot")
POLICY_VIOLATION, TRY_AGAIN_LATER = 1008, 1013
log = logging.getLogger(__name__)


def add_pages(app: FastAPI, *, same_origin, max_sessions: int, idle_s: float,
              max_bytes: int) -> None:
    """Serve /<page> for each page and the /ws/pages socket on `app`."""
    app.state.page_sessions = 0
    training = asyncio.Lock()  # one training at a time: the weights file is shared

    for name in PAGES:
        app.add_api_route(f"/{name}", _page(name), methods=["GET"], include_in_schema=False)

    @app.websocket("/ws/pages")
    async def ws_pages(websocket: WebSocket) -> None:
        if not same_origin(websocket):
            await websocket.close(code=POLICY_VIOLATION)
            return
        await websocket.accept()
        if app.state.page_sessions >= max_sessions:
            await _send(websocket, _error("session", f"sessions: expected at most {max_sessions}"
                                          " at once; the lab is full"))
            await websocket.close(code=TRY_AGAIN_LATER)
            return
        app.state.page_sessions += 1
        session = PageSession(websocket, training)
        try:
            await _send(websocket, cnn.status())
            while True:
                message = await asyncio.wait_for(websocket.receive(), timeout=idle_s)
                if message["type"] == "websocket.disconnect":
                    return
                text = message.get("text")
                if text is None:
                    await _send(websocket, _error("message", "message: expected JSON text; "
                                                  "got binary"))
                elif len(text) > max_bytes:
                    await _send(websocket, _error("message", f"message: expected at most "
                                                  f"{max_bytes} bytes; got {len(text)}"))
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


def _page(name: str):
    async def page() -> FileResponse:
        return FileResponse(STATIC / f"{name}.html", headers={"Cache-Control": "no-cache"})
    return page


def _error(field: str, message: str) -> dict:
    return {"type": "error", "field": field, "message": message}


async def _send(websocket: WebSocket, message: dict) -> None:
    await websocket.send_text(json.dumps(message))


class PageSession:
    """One browser tab's few-shot classes; every other page is stateless."""

    def __init__(self, websocket: WebSocket, training: asyncio.Lock):
        self.websocket, self.training = websocket, training
        self.fewshot = FewShot()

    async def handle(self, text: str) -> None:
        try:
            msg = MESSAGE.validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"][1:]) or "message"
            text = first["msg"].removeprefix("Value error, ")  # our own checks name the field
            await _send(self.websocket, _error(field, text if text.startswith(f"{field}:")
                                               else f"{field}: {text}"))
            return
        try:
            reply = await (self._train(msg.epochs, msg.data) if msg.type == "cnn_train"
                           else asyncio.to_thread(self._answer, msg))
        except ValueError as exc:
            await _send(self.websocket, _error(str(exc).split(":")[0], str(exc)))
            return
        except Exception as exc:  # a bug must cost one message, not the page's session
            log.exception("lab page message failed")
            await _send(self.websocket, _error("", f"internal error: {type(exc).__name__}: {exc}"))
            return
        await _send(self.websocket, reply)

    def _answer(self, msg) -> dict:
        kind = msg.type
        if kind in ("perceptron", "delta"):
            return (classic.perceptron_trace(msg.points, msg.w, msg.lr, msg.max_epochs)
                    if kind == "perceptron" else classic.delta_descent(msg.points, msg.lr,
                                                                        msg.max_epochs))
        simple = {"ping": lambda: {"type": "pong"}, "fewshot_curve": accuracy_curve,
                  "fewshot_reset": self._reset_fewshot}
        if kind in simple:
            return simple[kind]()
        handlers = {
            "backprop": lambda m: classic.backprop_step(**classic.backprop_args(m)),
            "conv_size": lambda m: classic.conv_size(m.dim_in, m.kernel_size, m.stride,
                                                     m.padding),
            "cnn_status": lambda m: cnn.status(m.data),
            "cnn_predict": lambda m: cnn.explore(m.bitmap, m.data),
            "cnn_patch": lambda m: cnn.patch(m.bitmap, m.layer, m.channel, m.row, m.col, m.data),
            "fewshot_add": lambda m: self.fewshot.add(m.label, m.bitmap),
            "fewshot_predict": lambda m: self.fewshot.predict(m.bitmap),
        }
        return handlers[kind](msg)

    def _reset_fewshot(self) -> dict:
        self.fewshot = FewShot()
        return self.fewshot.summary()

    async def _train(self, epochs: int, data: str) -> dict:
        if self.training.locked():
            raise ValueError("train: expected no training in progress; one is running")
        loop = asyncio.get_running_loop()
        async with self.training:
            def report(frame):  # from the training thread: hand the frame to the event loop
                asyncio.run_coroutine_threadsafe(_send(self.websocket, frame), loop)
            return await asyncio.to_thread(cnn.train, epochs, report, 0, data)
