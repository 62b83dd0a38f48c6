"""The lab against a diverging network and hostile input (issue #15): nothing non-finite on the
wire (read here by a parser as strict as the browser's), deep JSON, NaN constants, CSV fields
past csv's limit, and a CNN training whose tab closed."""

import base64
import json
import logging
import subprocess
import sys
import time

import pytest

from helpers import run_async
from helpers.lab import lab_client, opened, send
from profond.lab import wire
from profond.lab.compute import InProcess
from profond.lab.pages import cnn
from profond.lab.session import Session

DIVERGE = {"problem": "regression", "dataset": "reg-plane", "activation": "linear", "lr": 10}


def strict(text: str):
    """JSON.parse's rules: NaN and Infinity are not JSON."""
    def refuse(name):
        raise AssertionError(f"{name} on the wire: {text[:120]}")
    return json.loads(text, parse_constant=refuse)


def next_of(ws, kind: str, limit: int = 500) -> dict:
    for _ in range(limit):
        if (message := strict(ws.receive_text()))["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r} message in {limit}")


def flat(nested) -> list:
    return [x for item in nested for x in flat(item)] if isinstance(nested, list) else [nested]


@pytest.fixture(scope="module")
def client():
    return lab_client()


def test_a_diverging_network_streams_null_and_keeps_counting_epochs(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config=DIVERGE)
        next_of(ws, "frame")
        send(ws, type="play")
        frames = [next_of(ws, "frame") for _ in range(6)]
        send(ws, type="pause")
    epochs = [f["epoch"] for f in frames]
    assert epochs == sorted(set(epochs)) and epochs[-1] >= 6
    last = frames[-1]
    assert last["nan"] == ["train_loss", "test_loss"]
    assert last["train_loss"] is None and last["test_loss"] is None
    assert None in flat(last["weights"]) + flat(last["biases"])  # NaN weights, sent as null


def test_an_empty_split_is_not_called_nan(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="clear_points")
        frame = next_of(ws, "frame")
    assert frame["train_loss"] is None and frame["nan"] == []


def test_the_torch_script_of_a_diverged_network_still_runs(client, tmp_path):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config=DIVERGE)
        for _ in range(3):
            send(ws, type="step")
        while next_of(ws, "frame")["epoch"] < 3:
            pass
        send(ws, type="export", format="pytorch")
        script = base64.b64decode(next_of(ws, "export")["data"])
    path = tmp_path / "profond_model.py"
    path.write_bytes(script)
    run = subprocess.run([sys.executable, str(path), "--epochs", "1"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-500:]
    assert "train loss nan" in run.stdout


def test_wire_sends_null_for_non_finite_and_refuses_what_is_left():
    assert wire.finite({"a": [1.0, float("nan"), (float("-inf"), 2)], "b": "x"}) == {
        "a": [1.0, None, [None, 2]], "b": "x"}
    assert wire.finite_list([[1.23456, float("inf")]], 2) == [[1.23, None]]
    with pytest.raises(ValueError):
        wire.dumps({"loss": float("nan")})
    with pytest.raises(ValueError, match="message: expected finite numbers"):
        wire.loads('{"value": NaN}')
    with pytest.raises(ValueError, match="message: expected JSON nested"):
        wire.loads("[" * 100_000 + "]" * 100_000)


def test_a_missed_non_finite_number_is_logged_and_the_client_gets_an_error(caplog):
    sent = []

    async def transport(text: str) -> None:
        sent.append(text)

    session = Session(transport, 60.0, InProcess())
    with caplog.at_level(logging.ERROR):
        run_async(session.send({"type": "frame", "train_loss": float("inf")}))
    error = strict(sent[0])
    assert error["type"] == "error" and "non-finite" in error["message"]
    assert "non-finite" in caplog.text


@pytest.mark.parametrize("path", ["/ws", "/ws/pages"])
def test_deep_json_and_nan_constants_are_error_frames(client, path):
    with client.websocket_connect(path) as ws:
        strict(ws.receive_text())  # hello / cnn_status
        ws.send_text("[" * 1000 + "]" * 1000)  # 2 kB that once raised RecursionError
        error = next_of(ws, "error")
        assert error["field"] == "message"
        assert "nest" in error["message"] or "recursion limit" in error["message"]
        ws.send_text('{"type": "ping", "x": NaN}')
        assert next_of(ws, "error")["field"].startswith(("message", "x"))
        send(ws, type="ping")
        assert next_of(ws, "pong")["type"] == "pong"


def test_a_csv_field_past_csv_limit_is_a_clear_error(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="upload_csv", text="x1,x2,label\n1,1," + "9" * 140_000)
        error = next_of(ws, "error")
    assert error["message"].startswith("csv: line 2: expected numbers x1,x2,label")


def test_cnn_train_stopped_by_its_event_saves_nothing(tmp_path, monkeypatch):
    import threading

    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path))
    stop = threading.Event()
    stop.set()
    with pytest.raises(cnn.Cancelled):
        cnn.train(5, lambda frame: None, stop=stop)
    assert not list(tmp_path.rglob("*.safetensors"))


def test_closing_a_tab_cancels_its_cnn_training_and_frees_the_lock(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path))
    monkeypatch.setitem(cnn._state["digits"], "model", None)
    with lab_client() as app_client:
        with app_client.websocket_connect("/ws/pages") as first:
            strict(first.receive_text())
            send(first, type="cnn_train", epochs=30)
            send(first, type="ping")  # answered while it trains: the lock is taken by now
            assert next_of(first, "pong")["type"] == "pong"
        with app_client.websocket_connect("/ws/pages") as second:
            strict(second.receive_text())
            # MNIST is not in this empty cache: once the lock is free, cnn_train fails on "data"
            for _ in range(600):  # 30 s at most; 30 epochs would take minutes
                send(second, type="cnn_train", epochs=1, data="mnist")
                if (field := next_of(second, "error")["field"]) != "train":
                    break
                time.sleep(0.05)
            assert field == "data"
    assert not list(tmp_path.rglob("lenet5-digits.*"))  # the cancelled run saved nothing
