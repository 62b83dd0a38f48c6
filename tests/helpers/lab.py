"""Shared by the lab's tests. Protocol: open a session and read until a message type arrives.
Browser (Playwright pages): draw a stroke, train the CNN, measure where things are drawn."""

import json
import socket
import threading
import time
from contextlib import contextmanager
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


def stroke(page, points) -> None:
    """Draw one stroke on the drawing pad, `points` in the pad's own pixels."""
    box = page.get_by_test_id("draw").bounding_box()
    page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=8)
    page.mouse.up()


def trained(page, url) -> None:
    """Open `url` (None: stay) and train the CNN on it for the fewest epochs offered, if needed."""
    from playwright.sync_api import expect

    if url:
        page.goto(url)
    status = page.get_by_test_id("model-status")
    expect(status).not_to_have_text("")
    if "accuracy" not in status.inner_text():
        epochs = page.get_by_test_id("train-epochs")
        epochs.select_option(min(epochs.locator("option").all_inner_texts(), key=int))
        page.get_by_test_id("train").click()
    expect(status).to_contain_text("accuracy", timeout=30_000)


def boxes(page, test_ids) -> dict[str, dict]:
    """Each element's box in the viewport's coordinates (x, y, width, height, right, bottom)."""
    found = {}
    for test_id in test_ids:
        box = page.get_by_test_id(test_id).bounding_box()
        assert box is not None, f"{test_id} is not laid out"
        found[test_id] = {**box, "right": box["x"] + box["width"],
                          "bottom": box["y"] + box["height"]}
    return found


def overlapping(found: dict[str, dict]) -> list[tuple[str, str]]:
    """The pairs of boxes that share some area."""
    names = sorted(found)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if min(found[a]["right"], found[b]["right"]) > max(found[a]["x"], found[b]["x"])
            and min(found[a]["bottom"], found[b]["bottom"]) > max(found[a]["y"], found[b]["y"])]


def watch_errors(page) -> list[str]:
    """The page's uncaught exceptions and console errors (a failed request, an error a handler
    caught and logged) as they come; tests that provoke one on purpose take it out."""
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error"
            else None)
    return errors


@contextmanager
def served_lab(workers: int = 1):
    """The lab served by uvicorn in a thread on a free port of 127.0.0.1: yields its URL, stops
    it on exit (the browser tests' fixture and tools/lab_screenshots.py)."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(workers=workers), host="127.0.0.1",
                                           port=port, log_level="warning",
                                           ws_per_message_deflate=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the lab did not start within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
