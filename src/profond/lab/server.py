"""The lab's FastAPI app: the static page, and one WebSocket (/ws) per browser session."""

import asyncio
import contextlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from profond.lab.compute import InProcess, ProcessPool
from profond.lab.pages.router import add_pages
from profond.lab.session import Disconnected, Session

STATIC = Path(__file__).parent / "static"
MAX_SESSIONS = 64
MAX_MESSAGE_BYTES = 256_000
IDLE_S = 900.0
TRY_AGAIN_LATER, POLICY_VIOLATION = 1013, 1008  # RFC 6455 close codes


def create_app(*, max_sessions: int = MAX_SESSIONS, idle_s: float = IDLE_S,
               workers: int = 0) -> FastAPI:
    """The lab app; `max_sessions` caps concurrent sessions, `idle_s` reaps silent ones,
    `workers` > 0 trains in that many worker processes (0: threads of this process)."""

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

    @app.get("/")
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/health")
    async def health() -> dict:
        return {"ok": True, "sessions": len(app.state.sessions)}

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        if not _same_origin(websocket):  # another web site open in the browser may not drive us
            await websocket.close(code=POLICY_VIOLATION)
            return
        await websocket.accept()
        if len(app.state.sessions) >= max_sessions:
            await websocket.send_text(json.dumps({"type": "error", "field": "session",
                                                  "message": f"sessions: expected at most "
                                                  f"{max_sessions} at once; the lab is full"}))
            await websocket.close(code=TRY_AGAIN_LATER)
            return
        session = Session(lambda msg: websocket.send_text(json.dumps(msg)), idle_s,
                          backend())
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

    add_pages(app, same_origin=_same_origin, max_sessions=max_sessions, idle_s=idle_s,
              max_bytes=MAX_MESSAGE_BYTES)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _same_origin(websocket: WebSocket) -> bool:
    """Browsers send Origin; it must name this server. Clients without one (scripts) may connect."""
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


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
            await session.error("message: expected JSON text; got binary")
        elif len(text) > MAX_MESSAGE_BYTES:
            await session.error(f"message: expected at most {MAX_MESSAGE_BYTES} bytes; "
                                f"got {len(text)}")
        else:
            await session.handle(text)
