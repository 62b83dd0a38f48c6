"""The lab's WebSocket protocol through fastapi's TestClient: messages, errors, limits, exports."""

import base64
import io
import json
import zipfile

import numpy as np
import pytest

from helpers.lab import LOCAL, lab_client, opened, send, until


@pytest.fixture(scope="module")
def client():
    return lab_client()


def test_first_frame_is_tfp_default_and_compact(client):
    with client.websocket_connect("/ws") as ws:
        hello = until(ws, "hello")
        assert hello["config"]["hidden"] == [4, 2] and hello["config"]["lr"] == 0.03
        assert hello["config"]["activation"] == "tanh" and hello["config"]["batch_size"] == 10
        data = until(ws, "data")
        assert len(data["train"]) == len(data["test"]) == 250  # 500 points, 50 % split
        frame = until(ws, "frame")
    assert frame["epoch"] == 0
    assert len(base64.b64decode(frame["heatmap"]["data"])) == 100 * 100
    assert [len(layer) for layer in frame["nodes"]] == [2, 4, 2]
    assert [np.shape(w) for w in frame["weights"]] == [(4, 2), (2, 4), (1, 2)]
    assert frame["biases"][0] == [0.1] * 4  # TFP's bias init
    assert len(json.dumps(frame)) < 40_000


def test_step_is_one_epoch_and_play_streams_frames(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="step")
        assert until(ws, "frame")["epoch"] == 1
        send(ws, type="play")
        epochs = [until(ws, "frame")["epoch"] for _ in range(5)]
        send(ws, type="pause")
    assert epochs == sorted(epochs) and epochs[-1] >= 6


@pytest.mark.parametrize(("message", "field", "text", "code"), [
    ({"type": "config", "config": {"lr": 5}}, "lr", "lr: expected one of", "literal_error"),
    ({"type": "config", "config": {"hidden": [2] * 7}}, "hidden", "at most 6 items", "too_long"),
    ({"type": "config", "config": {"hidden": [9]}}, "hidden", "at most 8; got 9",
     "less_than_equal"),
    ({"type": "config", "config": {"noise": 60}}, "noise", "at most 50; got 60", "less_than_equal"),
    ({"type": "config", "config": {"features": ["x1", "x1"]}}, "features", "distinct",
     "distinct"),
    ({"type": "config", "config": {"bogus": 1}}, "bogus", "no such field", "extra_forbidden"),
    ({"type": "edit", "layer": 1, "node": 5, "source": 0, "value": 1.0}, "node",
     "node: expected 0..3; got 5", "index_range"),
    ({"type": "launch"}, "type", "type: expected one of 'config', 'play'", "literal_error"),
    ({"type": "add_point", "x": 9, "y": 0, "label": 0}, "x", "x: expected at most 6; got 9",
     "less_than_equal"),
])
def test_bad_messages_get_error_frames_and_the_session_lives_on(client, message, field, text,
                                                                code):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, **message)
        error = until(ws, "error")
        assert text in error["message"] and error["field"] == field and error["code"] == code
        send(ws, type="ping")
        assert until(ws, "pong")["type"] == "pong"


def test_garbage_text_is_an_error_not_a_crash(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        ws.send_text("{not json")
        assert until(ws, "error")["message"].startswith("message: expected a JSON object")
        ws.send_bytes(b"\x00\x01")
        assert "binary" in until(ws, "error")["message"]
        send(ws, type="ping")
        until(ws, "pong")


def test_config_change_sends_config_data_and_frame(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"problem": "regression"})
        config = until(ws, "config")["config"]
        assert config["dataset"] == "reg-plane"  # TFP's regression default
        data = until(ws, "data")
        assert data["n_classes"] == 0 and len(data["train"]) == 600  # 1200 points
        frame = until(ws, "frame")
        assert frame["train_acc"] is None and frame["weights"][-1] != []


def test_every_feature_off_gives_a_bias_only_network_that_trains(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"features": []})
        assert until(ws, "config")["config"]["features"] == []
        frame = until(ws, "frame")
        assert frame["nodes"][0] == [] and frame["weights"][0] == [[]] * 4
        send(ws, type="step")
        stepped = until(ws, "frame")
        send(ws, type="edit", layer=1, node=0, source=0, value=1.0)  # a link that is not there
        error = until(ws, "error")["message"]
        send(ws, type="export", format="safetensors")
        payload = until(ws, "export")
    assert stepped["epoch"] == 1 and stepped["biases"][0] != frame["biases"][0]
    assert len(set(base64.b64decode(stepped["heatmap"]["data"]))) == 1
    assert "source: expected none (every input feature is off); got 0" in error
    from safetensors.numpy import load

    with zipfile.ZipFile(io.BytesIO(base64.b64decode(payload["data"]))) as zf:
        tensors = load(zf.read("model.safetensors"))
    assert tensors["0.weight"].shape == (4, 0)
    np.testing.assert_allclose(tensors["0.bias"], stepped["biases"][0], atol=1e-4)


def test_multiclass_uses_softmax_outputs_and_class_heatmap(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"dataset": "blobs", "n_classes": 4})
        assert until(ws, "data")["n_classes"] == 4
        frame = until(ws, "frame")
    assert np.shape(frame["weights"][-1]) == (4, 2)
    assert frame["heatmap"]["kind"] == "classes"
    pixels = np.frombuffer(base64.b64decode(frame["heatmap"]["data"]), np.uint8).reshape(-1, 2)
    assert pixels[:, 0].max() <= 3 and pixels[:, 1].min() >= 255 // 4  # p_max >= 1/k
    assert np.asarray(frame["confusion"]).shape == (4, 4)


def test_hover_sends_a_node_map_for_an_input_or_a_neuron(client):
    import base64

    with client.websocket_connect("/ws") as ws:
        opened(ws)
        for node in ("0,0", "1,2"):  # feature x1 (TFP enlarges inputs too), hidden neuron 2
            send(ws, type="hover", node=node)
            frame = until(ws, "frame")
            assert frame["hover"]["node"] == node
            assert len(base64.b64decode(frame["hover"]["data"])) == 100 * 100
        send(ws, type="hover", node=None)
        assert "hover" not in until(ws, "frame")


def test_edit_sets_one_weight(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="edit", layer=2, node=1, source=3, value=-2.5)
        frame = until(ws, "frame")
        send(ws, type="edit", layer=3, node=0, source=None, value=0.75)
        frame2 = until(ws, "frame")
    assert frame["weights"][1][1][3] == -2.5
    assert frame2["biases"][2][0] == 0.75


def test_custom_points_csv_round_trip(client):
    csv_text = "x1,x2,label\n1,1,1\n-1,-1,0\n2,2,1\n-2,-2,0\n"
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="upload_csv", text=csv_text)
        assert until(ws, "config")["config"]["dataset"] == "custom"
        data = until(ws, "data")
        assert len(data["train"]) + len(data["test"]) == 4
        send(ws, type="add_point", x=0.5, y=-0.5, label=1)
        data = until(ws, "data")
        assert len(data["train"]) + len(data["test"]) == 5
        send(ws, type="download_csv")
        text = until(ws, "csv")["text"]
        send(ws, type="upload_csv", text="x1,x2,label\n1,oops,0\n")
        error = until(ws, "error")
    rows = sorted(tuple(map(float, line.split(","))) for line in text.splitlines()[1:])
    assert rows == sorted([(1, 1, 1), (-1, -1, 0), (2, 2, 1), (-2, -2, 0), (0.5, -0.5, 1)])
    assert error["message"].startswith("csv: line 2: expected numbers")


def test_export_safetensors_zip_holds_the_weights(client):
    from safetensors.numpy import load

    with client.websocket_connect("/ws") as ws:
        frame = opened(ws)
        send(ws, type="export", format="safetensors")
        payload = until(ws, "export")
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(payload["data"]))) as zf:
        tensors = load(zf.read("model.safetensors"))
        config = json.loads(zf.read("config.json"))
    assert sorted(tensors) == ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias", "4.weight"]
    np.testing.assert_allclose(tensors["2.weight"], frame["weights"][1], atol=1e-4)
    assert config["hidden"] == [4, 2] and config["modules"][-1] == "Tanh"


def test_session_cap_and_idle_reaping():
    client = lab_client(max_sessions=1, idle_s=0.5)
    with client.websocket_connect("/ws") as first:
        opened(first)
        with client.websocket_connect("/ws") as second:
            assert until(second, "error")["field"] == "session"
        assert until(first, "closed")["reason"] == "idle"


@pytest.mark.slow  # spawning a worker process takes seconds on a loaded machine
def test_worker_processes_serve_the_same_protocol():
    with lab_client(workers=1) as client, client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="step")
        assert until(ws, "frame")["epoch"] == 1
        send(ws, type="edit", layer=1, node=7, source=0, value=1.0)
        assert until(ws, "error")["message"].startswith("node: expected 0..3")  # no "ValueError:"
        send(ws, type="edit", layer=1, node=0, source=1, value=1.5)
        assert until(ws, "frame")["weights"][0][0][1] == 1.5


def test_with_no_training_point_step_and_play_say_so_and_pause(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="clear_points")
        assert until(ws, "data")["train"] == []
        until(ws, "frame")
        send(ws, type="step")
        assert until(ws, "error")["message"].startswith("points: expected at least one training")
        send(ws, type="play")
        assert until(ws, "status")["playing"] is True
        assert until(ws, "error")["message"].startswith("points: expected at least one training")
        assert until(ws, "status")["playing"] is False
        send(ws, type="add_point", x=1.0, y=1.0, label=1)
        send(ws, type="add_point", x=-1.0, y=-1.0, label=0)
        send(ws, type="config", config={"train_ratio": 90})
        send(ws, type="step")
        while (frame := until(ws, "frame"))["epoch"] == 0:  # the frames of the changes above
            pass
        assert frame["epoch"] == 1


def test_every_size_is_capped_by_name(client):
    from profond.lab.schema import MAX_CSV_BYTES, MAX_POINTS
    from profond.lab.server import MAX_MESSAGE_BYTES

    rows = "\n".join(f"{i % 6},{i % 5},{i % 2}" for i in range(MAX_POINTS + 1))
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="upload_csv", text="x1,x2,label\n" + rows)
        assert until(ws, "error")["message"] == (f"csv: expected at most {MAX_POINTS} points; "
                                                 "got more")
        send(ws, type="upload_csv", text="x" * (MAX_CSV_BYTES + 1))
        assert until(ws, "error")["field"] == "text"
        ws.send_text("x" * (MAX_MESSAGE_BYTES + 1))
        assert until(ws, "error")["message"].startswith(
            f"message: expected at most {MAX_MESSAGE_BYTES} bytes")
        full = "\n".join(f"{i % 6},{i % 5},{i % 2}" for i in range(MAX_POINTS))
        send(ws, type="upload_csv", text="x1,x2,label\n" + full)  # exactly the cap: accepted
        data = until(ws, "data")
        assert len(data["train"]) + len(data["test"]) == MAX_POINTS
        send(ws, type="add_point", x=0.5, y=0.5, label=1)
        assert until(ws, "error")["message"] == (f"points: expected at most {MAX_POINTS}; "
                                                 f"got {MAX_POINTS + 1}")


def test_play_stops_after_max_epochs(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"max_epochs": 3})
        until(ws, "config")
        until(ws, "frame")
        send(ws, type="play")
        frames = [until(ws, "frame")]
        while frames[-1]["playing"] or frames[-1]["epoch"] == 0:
            frames.append(until(ws, "frame"))
        send(ws, type="play")
        error = until(ws, "error")
    assert frames[-1]["epoch"] == 3
    assert error["field"] == "max_epochs"


def test_a_page_from_another_origin_is_refused(client):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws:
            ws.receive_json()
    assert refused.value.code == 1008
    with client.websocket_connect("/ws", headers={"origin": LOCAL}) as ws:
        assert until(ws, "hello")["type"] == "hello"
