"""The lab's FastAPI app: the pages (`pages/registry.py`), the static files, and one WebSocket
(/ws) per playground session."""

import asyncio
import contextlib
from pathlib import Path

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from profond.lab import wire
from profond.lab.compute import InProcess, ProcessPool
from profond.lab.errors import LabError
from profond.lab.guard import Guard, allowed_hosts, is_loopback
from profond.lab.pages.router import add_pages
from profond.lab.session import Disconnected, Session

STATIC = Path(__file__).parent / "static"
MAX_SESSIONS = 64
MAX_MESSAGE_BYTES = 256_000
IDLE_S = 900.0
TRY_AGAIN_LATER = 1013  # RFC 6455 close code


def create_app(*, max_sessions: int = MAX_SESSIONS, idle_s: float = IDLE_S,
               workers: int = 0, host: str = "127.0.0.1", token: str | None = None) -> FastAPI:
    """The lab app; `max_sessions` caps concurrent sessions, `idle_s` reaps silent ones,
    `workers` > 0 trains in that many worker processes (0: threads of this process).
    `host` is the address it is bound to: Host names other than it and loopback's are refused;
    beyond loopback every request needs `token` (see guard.py)."""
    if token is None and not is_loopback(host):
        raise ValueError(f"token: expected one when host is not loopback; got none for {host!r}")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if app.state.backend is not None:
            app.state.backend.close()

    def backend():  # made on first use: TestClient may skip the lifespan
        if app.state.backend is None:
            app.state.backend = ProcessPool(workers) if workers > 0 else InProcess()
        return app.state.backend

    app = FastAPI(title="profond lab", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.sessions, app.state.backend = set(), None

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:  # asked for by every browser on every page
        return FileResponse(STATIC / "favicon.png", media_type="image/png")

    @app.get("/health")
    async def health() -> dict:
        return {"ok": True, "sessions": len(app.state.sessions)}

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        if len(app.state.sessions) >= max_sessions:
            full = LabError("session", "lab_full", max=max_sessions)
            await websocket.send_text(wire.dumps(full.frame()))
            await websocket.close(code=TRY_AGAIN_LATER)
            return
        session = Session(websocket.send_text, idle_s, backend())
        app.state.sessions.add(session)
        worker = asyncio.create_task(session.run())
        try:
            await session.start()
            await _receive(websocket, session, worker)
        except (WebSocketDisconnect, Disconnected):
            pass  # the browser went away mid-send
        finally:
            app.state.sessions.discard(session)
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker
            with contextlib.suppress(Exception):
                await session.close()
            with contextlib.suppress(Exception):
                await websocket.close()

    add_pages(app, max_sessions=max_sessions, idle_s=idle_s, max_bytes=MAX_MESSAGE_BYTES)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Guard, hosts=allowed_hosts(host), token=token)
    return app


async def _receive(websocket: WebSocket, session: Session, worker: asyncio.Task) -> None:
    """Feed messages to the session until the client leaves or the worker reaps it as idle."""
    while True:
        receive = asyncio.ensure_future(websocket.receive())
        done, _ = await asyncio.wait({receive, worker}, return_when=asyncio.FIRST_COMPLETED)
        if worker in done:
            receive.cancel()
            worker.result()  # re-raise a worker crash instead of hiding it
            await session.send({"type": "closed", "reason": "idle"})
            return
        message = receive.result()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is None:
            await session.error(LabError("message", "binary"))
        elif len(text) > MAX_MESSAGE_BYTES:
            await session.error(LabError("message", "too_big", max=MAX_MESSAGE_BYTES,
                                         got=len(text)))
        else:
            await session.handle(text)
