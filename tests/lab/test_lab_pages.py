"""The course pages' socket (/ws/pages): the slides' perceptron table, backprop against torch
autograd, conv sizes against torch, sklearn's digit scanning, few-shot, validation and caps."""

import json

import numpy as np
import pytest

from helpers.lab import lab_client
from profond.lab.errors import MESSAGES
from profond.lab.pages import cnn

CORNERS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _points(rule):
    return [{"x1": a, "x2": b, "t": rule(a, b)} for a, b in CORNERS]


@pytest.fixture
def ws():
    with lab_client() as client, client.websocket_connect("/ws/pages") as socket:
        assert socket.receive_json()["type"] == "cnn_status"
        yield socket


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A LeNet-5 trained for 2 epochs into a temporary cache (the pages read cache_dir())."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PROFOND_CACHE", str(tmp_path_factory.mktemp("cache")))
    mp.setitem(cnn._state["digits"], "model", None)
    frames = []
    status = cnn.train(2, frames.append)
    yield status, frames
    mp.undo()


def ask(ws, message):
    ws.send_text(json.dumps(message))
    return ws.receive_json()


def test_or_reaches_the_slides_weights_after_two_updates(ws):
    reply = ask(ws, {"type": "perceptron", "points": _points(lambda a, b: a | b),
                     "w": [0, 1, 0], "lr": 1})
    updates = [s for s in reply["steps"] if s["y"] != s["t"]]
    assert reply["updates"] == 2 and reply["converged"]
    # deck 003: x = (1, 0, 1) with w = (0, 1, 0) gives y = 0, t = 1, so w becomes (1, 1, 1);
    # then x = (1, 0, 0) gives y = 1, t = 0 and w = (0, 1, 1)
    assert updates[0]["x"] == [1, 0, 1] and updates[0]["w_after"] == [1, 1, 1]
    assert updates[1]["x"] == [1, 0, 0] and updates[1]["w_after"] == [0, 1, 1]
    assert reply["steps"][-1]["w_after"] == [0, 1, 1]


def test_xor_never_converges(ws):
    reply = ask(ws, {"type": "perceptron", "points": _points(lambda a, b: a ^ b),
                     "max_epochs": 30})
    assert not reply["converged"] and reply["epochs"] == 30
    assert all(any(s["y"] != s["t"] for s in reply["steps"] if s["epoch"] == e)
               for e in range(1, 31))


def test_delta_rule_descends_to_least_squares(ws):
    reply = ask(ws, {"type": "delta", "points": _points(lambda a, b: a & b), "lr": 0.2,
                     "max_epochs": 200})
    X = np.array([[1, a, b] for a, b in CORNERS], dtype=float)
    w_star = np.linalg.lstsq(X, [0, 0, 0, 1], rcond=None)[0]
    np.testing.assert_allclose(reply["path"][-1], w_star, atol=1e-3)
    assert np.all(np.diff(reply["loss"]) <= 1e-12)
    assert np.array(reply["surface"]).min() >= 0


def test_backprop_matches_torch_autograd(ws):
    torch = pytest.importorskip("torch")
    reply = ask(ws, {"type": "backprop", "x": [1.0, -0.5], "t": 0.8, "hidden": 3, "lr": 0.5})
    Wh = torch.tensor(reply["W_hidden"], dtype=torch.float64, requires_grad=True)
    Wo = torch.tensor(reply["W_output"], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([1.0, 1.0, -0.5], dtype=torch.float64)
    h = torch.sigmoid(Wh @ x)
    y = torch.sigmoid(Wo @ torch.cat([torch.ones(1, dtype=torch.float64), h]))
    (0.5 * (0.8 - y) ** 2).sum().backward()
    np.testing.assert_allclose(reply["dW_hidden"], -0.5 * Wh.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(reply["dW_output"], -0.5 * Wo.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(reply["y_output"], y.detach().numpy(), rtol=1e-12)


def test_backprop_continues_from_given_weights(ws):
    first = ask(ws, {"type": "backprop", "x": [1, 0], "t": 1})
    second = ask(ws, {"type": "backprop", "x": [1, 0], "t": 1,
                      "W_hidden": first["W_hidden_after"], "W_output": first["W_output_after"]})
    assert second["error"] < first["error"]
    bad = ask(ws, {"type": "backprop", "x": [1, 0], "t": 1, "W_output": [[1, 2]]})
    assert bad["type"] == "error" and bad["message"].startswith("W_output: expected 1 rows of 3")


def test_backprop_preset_is_deck_001s_example_with_two_outputs(ws):
    # Mazur's published digits: out_o1, out_o2, E_total, then w5+ and w1+ after one step
    reply = ask(ws, {"type": "backprop", "x": [1, 0], "t": 1, "preset": "mazur"})
    assert reply["x"] == [0.05, 0.10] and reply["t"] == [0.01, 0.99]
    np.testing.assert_allclose(reply["y_output"], [0.75136507, 0.772928465], atol=1e-9)
    assert reply["error"] == pytest.approx(0.298371109, abs=1e-9)
    assert reply["W_output_after"][0][1] == pytest.approx(0.35891648, abs=1e-8)
    assert reply["W_hidden_after"][0][1] == pytest.approx(0.149780716, abs=1e-8)
    two = ask(ws, {"type": "backprop", "x": [1, 0], "t": 1, "t2": 0, "W_output": [[1, 2, 3]]})
    assert two["type"] == "error" and two["message"].startswith("W_output: expected 2 rows of 3")


@pytest.mark.parametrize("n, k, s, p", [(8, 5, 1, 2), (28, 5, 1, 0), (7, 3, 2, 1), (32, 4, 3, 0)])
def test_conv_size_matches_torch(ws, n, k, s, p):
    torch = pytest.importorskip("torch")
    out = torch.nn.Conv2d(1, 1, k, stride=s, padding=p)(torch.zeros(1, 1, n, n)).shape[-1]
    assert ask(ws, {"type": "conv_size", "dim_in": n, "kernel_size": k, "stride": s,
                    "padding": p})["out"] == out


def test_conv_size_flags_impossible_windows(ws):
    reply = ask(ws, {"type": "conv_size", "dim_in": 3, "kernel_size": 7, "stride": 1,
                     "padding": 1})
    assert reply["type"] == "error" and "dim_in" in reply["message"]


@pytest.mark.parametrize("message, field", [
    ({"type": "nope"}, "type"),
    ({"type": "perceptron", "points": []}, "points"),
    ({"type": "perceptron", "points": [{"x1": 9, "x2": 0, "t": 1}]}, "points.0.x1"),
    ({"type": "backprop", "x": [1, 0], "t": 2}, "t"),
    ({"type": "backprop", "x": [1, 0], "t": 1, "t2": -1}, "t2"),
    ({"type": "backprop", "x": [1, 0], "t": 1, "preset": "xor"}, "preset"),
    ({"type": "cnn_train", "epochs": 1000}, "epochs"),
    ({"type": "cnn_predict", "bitmap": [0] * 1023}, "bitmap"),
    ({"type": "cnn_predict", "bitmap": [2] * 1024}, "bitmap.0"),
    ({"type": "ping", "extra": 1}, "extra"),
    ({"type": "perceptron", "points": [{"x1": 0, "x2": 0, "t": 1}], "max_epochs": 150},
     "max_epochs"),
])
def test_bad_messages_become_error_frames_naming_the_field(ws, message, field):
    reply = ask(ws, message)
    assert reply["type"] == "error" and reply["field"] == field
    assert reply["code"] in MESSAGES and "{" not in reply["message"]  # the page can say it
    assert ask(ws, {"type": "ping"}) == {"type": "pong"}  # the session survives


def test_oversized_message_is_refused():
    with lab_client() as client, client.websocket_connect("/ws/pages") as socket:
        socket.receive_json()
        socket.send_text("x" * 300_000)
        assert socket.receive_json()["message"].startswith("message: expected at most")


def test_a_binary_frame_or_a_failing_handler_costs_one_message_not_the_session(monkeypatch):
    with lab_client() as client, client.websocket_connect("/ws/pages") as socket:
        socket.receive_json()
        socket.send_bytes(b"\x00\x01")
        assert socket.receive_json()["message"] == "message: expected JSON text; got binary"
        monkeypatch.setattr(cnn, "status", lambda data: 1 / 0)
        reply = ask(socket, {"type": "cnn_status"})
        assert reply["message"] == "internal error: ZeroDivisionError: division by zero"
        assert ask(socket, {"type": "ping"}) == {"type": "pong"}


def test_a_page_from_another_origin_is_refused():
    from starlette.websockets import WebSocketDisconnect

    with lab_client() as client, pytest.raises(WebSocketDisconnect) as info:
        with client.websocket_connect("/ws/pages", headers={"origin": "http://evil.example"}) as ws:
            ws.receive_json()
    assert info.value.code == 1008


def test_sessions_are_capped_and_idle_ones_closed():
    with lab_client(max_sessions=1, idle_s=0.2) as client:
        with client.websocket_connect("/ws/pages") as first:
            first.receive_json()
            with client.websocket_connect("/ws/pages") as second:
                assert second.receive_json()["field"] == "session"
            assert first.receive_json() == {"type": "closed", "reason": "idle"}


def test_pages_are_served():
    client = lab_client()
    for name in ("perceptron", "backprop", "cnn", "fewshot"):
        response = client.get(f"/{name}")  # its module mounts the header (pages/common.js)
        assert response.status_code == 200
        assert f'<script type="module" src="/static/pages/{name}.js">' in response.text


def test_preprocess_counts_on_pixels_in_4x4_blocks_as_sklearn_digits():
    from sklearn.datasets import load_digits

    counts = load_digits().images[:5].astype(int)  # 0..16 on pixels per 4x4 block
    for image in counts:
        bitmap = np.zeros((8, 4, 8, 4), dtype=int)
        for i, j in np.ndindex(8, 8):  # any count pixels on in the block, the first ones
            bitmap[i, :, j, :].flat[:image[i, j]] = 1
        x = cnn.preprocess(bitmap.reshape(-1).tolist())
        np.testing.assert_array_equal(x[0, 0] * 16, image)


def test_training_caches_safetensors_and_reloads(trained):
    status, frames = trained
    assert status["trained"] and [f["epoch"] for f in frames] == [1, 2]
    weights = cnn.cache_dir() / "lab" / "lenet5-digits.safetensors"
    assert weights.read_bytes()[8:9] == b"{"  # safetensors: a length then a JSON header
    bitmap = np.kron(np.eye(8, dtype=int)[::-1], np.ones((4, 4), dtype=int)).ravel().tolist()
    before = cnn.explore(bitmap)
    cnn._state["digits"]["model"] = None
    after = cnn.explore(bitmap)
    assert before["top"] == after["top"] and len(after["top"]) == 3
    assert sum(p["p"] for p in after["top"]) <= 1


def test_patch_times_kernel_is_the_map_value_torch_computes(trained):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    bitmap = (rng.random(1024) < 0.3).astype(int).tolist()
    net = cnn.model()
    pool1 = torch.tensor(dict(net.activations(cnn.preprocess(bitmap)))["pool1"])
    ref = torch.nn.functional.conv2d(pool1, torch.tensor(net.conv2.weight.data),
                                     torch.tensor(net.conv2.bias.data), padding=2)
    p = cnn.patch(bitmap, "conv2", 5, 2, 3)
    assert p["value"] == pytest.approx(float(ref[0, 5, 2, 3]), abs=1e-5)
    assert sum(p["products"]) + p["bias"] == pytest.approx(p["value"], abs=1e-4)
    assert np.array(p["patch"]).shape == (6, 5, 5)


def test_fewshot_new_class_changes_the_prediction_and_caps(trained, ws):
    vertical = np.zeros((32, 32), dtype=int)
    vertical[4:28, 13:18] = 1
    ring = np.zeros((32, 32), dtype=int)
    ring[6:26, 8:24] = 1
    ring[10:22, 12:20] = 0
    v, r = vertical.ravel().tolist(), ring.ravel().tolist()
    assert ask(ws, {"type": "fewshot_add", "label": "one", "bitmap": v})["counts"] == [1]
    assert ask(ws, {"type": "fewshot_predict", "bitmap": r})["type"] == "error"
    ask(ws, {"type": "fewshot_add", "label": "other", "bitmap": v.copy()[::-1]})
    before = ask(ws, {"type": "fewshot_predict", "bitmap": r})
    ask(ws, {"type": "fewshot_add", "label": "zero", "bitmap": r})
    after = ask(ws, {"type": "fewshot_predict", "bitmap": r})
    assert before["labels"] == ["one", "other"] and after["labels"][-1] == "zero"
    # the same bitmap lands on its own prototype (float32 embeddings: zero up to rounding)
    assert np.argmax(after["mean"]) == 2
    assert after["distances"][2] < 1e-4 * min(after["distances"][:2])
    for i in range(7):
        ask(ws, {"type": "fewshot_add", "label": f"c{i}", "bitmap": v})
    assert ask(ws, {"type": "fewshot_add", "label": "11th", "bitmap": v})["field"] == "label"


def test_fewshot_curve_rises_with_shots(trained):
    from profond.lab.pages.fewshot import accuracy_curve

    curve = accuracy_curve()
    assert not set(curve["base"]) & set(curve["novel"])  # few-shot on classes never trained on
    rows = curve["rows"]
    assert rows[-1]["mean"] > rows[0]["mean"] > 0.2  # 5 novel classes: chance is 0.2
    assert rows[-1]["pixels"] > rows[0]["pixels"] > 0.2


def _stroke_bitmap() -> np.ndarray:
    """A 7-wide, 12-tall 'L' drawn off-centre in the 32x32 pad."""
    image = np.zeros((32, 32), dtype=int)
    image[2:14, 3] = 1
    image[13, 3:10] = 1
    return image


def _area_matrix(side: int, n: int = 20) -> np.ndarray:
    """A[i, k]: the share of output pixel i's window [i, i + 1)·side/n that input pixel k covers."""
    lo, hi = np.arange(n)[:, None] * side / n, (np.arange(n)[:, None] + 1) * side / n
    k = np.arange(side)[None, :]
    return np.clip(np.minimum(hi, k + 1) - np.maximum(lo, k), 0, None) / (side / n)


@pytest.mark.parametrize("shape", ["small", "tall"])
def test_mnist_preprocess_boxes_to_20_and_centres_the_mass_as_lecun(shape):
    image = _stroke_bitmap() if shape == "small" else np.pad(np.eye(30, dtype=int), 1)
    x = cnn.preprocess(image.ravel().tolist(), "mnist")[0, 0]
    assert x.shape == (28, 28) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
    rows, cols = np.nonzero(image)
    crop = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    side = max(crop.shape)
    square = np.zeros((side, side))
    top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[top:top + crop.shape[0], left:left + crop.shape[1]] = crop
    A = _area_matrix(side)
    box = A @ square @ A.T  # area averaging written as overlaps, not as the engine's kron
    windows = [(y0, x0) for y0 in range(9) for x0 in range(9)
               if np.allclose(x[y0:y0 + 20, x0:x0 + 20], box, atol=1e-5)
               and np.isclose(x.sum(), box.sum(), rtol=1e-5)]
    assert windows, "the 28x28 image is not the 20x20 area-averaged box placed whole"
    cy = (x.sum(1) @ np.arange(28)) / x.sum()
    cx = (x.sum(0) @ np.arange(28)) / x.sum()
    assert abs(cy - 13.5) <= 0.5 and abs(cx - 13.5) <= 0.5
    assert cnn.preprocess([0] * 1024, "mnist").sum() == 0


def test_mnist_needs_a_download_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path))
    assert cnn.status("mnist")["available"] == {"digits": True, "mnist": False}
    with lab_client() as client, client.websocket_connect("/ws/pages") as socket:
        assert socket.receive_json()["available"]["mnist"] is False
        error = ask(socket, {"type": "cnn_train", "epochs": 1, "data": "mnist"})
        assert error["type"] == "error" and error["field"] == "data"
        assert "profond data show mnist" in error["message"]
        assert ask(socket, {"type": "cnn_status", "data": "cifar"})["field"] == "data"


def test_mnist_model_trains_explores_and_explains_a_28x28_cell(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setenv("PROFOND_CACHE", str(tmp_path))
    monkeypatch.setitem(cnn._state, "mnist", {"model": None, "val_acc": None})
    rng = np.random.default_rng(0)  # a stand-in for the download: MNIST's layout, 120 images
    arrays = {f"X_{s}": rng.integers(0, 256, (n, 1, 28, 28), dtype=np.uint8)
              for s, n in (("train", 100), ("test", 20))}
    arrays.update(y_train=rng.integers(0, 10, 100), y_test=rng.integers(0, 10, 20))
    np.savez(tmp_path / "mnist-uint8.npz", **arrays)
    frames = []
    status = cnn.train(1, frames.append, data="mnist")
    assert status["trained"] and status["available"]["mnist"] and frames[0]["data"] == "mnist"
    assert (tmp_path / "lab" / "lenet5-mnist.safetensors").exists()
    bitmap = _stroke_bitmap().ravel().tolist()
    shown = cnn.explore(bitmap, "mnist")
    assert np.shape(shown["input"]) == (28, 28) and shown["input_max"] == 255
    shapes = {layer["name"]: layer["shape"] for layer in shown["layers"]}
    assert shapes["conv1"] == [6, 28, 28]
    net, x = cnn.model("mnist"), torch.tensor(cnn.preprocess(bitmap, "mnist"))
    ref = torch.nn.functional.conv2d(x, torch.tensor(net.conv1.weight.data),
                                     torch.tensor(net.conv1.bias.data), padding=2)
    p = cnn.patch(bitmap, "conv1", 3, 27, 14, "mnist")
    assert p["value"] == pytest.approx(float(ref[0, 3, 27, 14]), abs=1e-5)
    assert np.array(p["patch"]).shape == (1, 5, 5)
