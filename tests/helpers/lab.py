"""Shared by the lab's protocol tests: open a session and read until a message type arrives."""

import json
from urllib.parse import urljoin

from fastapi.testclient import TestClient

from profond.lab.server import create_app

LOCAL = "http://127.0.0.1"  # the lab answers local Host names only (guard.py)


class LabClient(TestClient):
    """A TestClient that names the lab as a browser on this machine does, sockets included
    (TestClient's own sockets say Host: testserver, which the lab refuses)."""

    def websocket_connect(self, url: str, *args, **kwargs):
        return super().websocket_connect(urljoin(LOCAL.replace("http", "ws"), url), *args,
                                         **kwargs)


def lab_client(**options) -> LabClient:
    return LabClient(create_app(**options), base_url=LOCAL)


def until(ws, kind: str, limit: int = 500) -> dict:
    """The next message of type `kind`, skipping frames and others (at most `limit`)."""
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r} message in {limit}")


def send(ws, **message) -> None:
    ws.send_text(json.dumps(message))


def opened(ws) -> dict:
    """Consume hello, data and the first frame; return the first frame."""
    until(ws, "hello")
    until(ws, "data")
    return until(ws, "frame")
