"""Shared by the lab's protocol tests: open a session and read until a message type arrives."""

import json


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
