"""The CNN explorer's and few-shot page's models: a scratch LeNet-5 per dataset (sklearn's digits,
8x8, always; MNIST, 28x28, once downloaded), trained by the one Trainer and cached as safetensors +
JSON in the cache dir so that the next visit is instant.
"""

import json
import threading

import numpy as np

from profond.checks import check_choice, check_int
from profond.io import atomic_write_json
from profond.lab.errors import LabError
from profond.paths import cache_dir
from profond.scratch.functional.activations import softmax_forward
from profond.train.callbacks import Callback
from profond.train.checkpoint import load_weights, save_weights

MODEL = "lenet5"
TOP = 3
SIZES = {"digits": 8, "mnist": 28}  # the input side each dataset's LeNet-5 reads
_lock = threading.Lock()
_state: dict = {data: {"model": None, "val_acc": None} for data in SIZES}


def _files(data: str):
    folder = cache_dir() / "lab"
    folder.mkdir(exist_ok=True)
    return folder / f"{MODEL}-{data}.safetensors", folder / f"{MODEL}-{data}.json"


def _new_model(data: str):
    from profond.scratch.models import create_model

    return create_model(MODEL, (1, SIZES[data], SIZES[data]), 10)


def available(data: str) -> bool:
    """digits ship with scikit-learn; MNIST once something downloaded it into the cache."""
    from profond.data.download import is_cached

    return data == "digits" or is_cached(data)


def model(data: str = "digits"):
    """The trained model, from memory or the cache; None until someone trained it."""
    data = check_choice("data", data, SIZES)
    with _lock:
        state = _state[data]
        if state["model"] is None:
            weights, config = _files(data)
            if weights.exists() and config.exists():
                net = _new_model(data)
                net.load_state_dict(load_weights(weights))
                net.eval()
                state.update(model=net, val_acc=json.loads(config.read_text())["val_acc"])
        return state["model"]


def status(data: str = "digits") -> dict:
    return {"type": "cnn_status", "data": data, "trained": model(data) is not None,
            "val_acc": _state[data]["val_acc"],
            "available": {name: available(name) for name in SIZES}}


class Cancelled(Exception):
    """The training's page went away: the run stopped and saved nothing."""


class _Progress(Callback):
    def __init__(self, report, data: str, stop: threading.Event | None):
        self.report, self.data, self.stop = report, data, stop

    def on_batch_end(self, step: int, loss: float) -> None:
        if self.stop is not None and self.stop.is_set():
            raise Cancelled(f"train: cancelled at step {step}")

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.report({"type": "train_progress", "data": self.data, "epoch": epoch,
                     "of": self.trainer.max_epochs, "val_acc": logs["val_acc"]})


def train(epochs: int, report, seed: int = 0, data: str = "digits",
          stop: threading.Event | None = None) -> dict:
    """Adam(3e-3), batch 32, cross-entropy on the dataset's train split (judged on its test
    split); `report` gets one progress dict per epoch. Saves the weights; returns the status.
    Setting `stop` ends the run within one batch with `Cancelled`, the cache left as it was."""
    from profond.data import load
    from profond.train.config import TrainConfig
    from profond.train.recipe import fit

    check_int("epochs", epochs, minimum=1)
    data = check_choice("data", data, SIZES)
    if not available(data):
        raise LabError("data", "data_missing", data=data)
    dataset = load(data)
    # raw pixels, as the drawing pad gives them (no standardisation); the train split's own
    # accuracy is not shown: skipping it halves an MNIST epoch
    config = TrainConfig(MODEL, data, "scratch", optimizer="adam", lr=3e-3, batch_size=32,
                         epochs=epochs, seed=seed, eval_train=False, schedule="constant")
    raw = {"train": (dataset.X_train, dataset.y_train), "val": (dataset.X_test, dataset.y_test)}
    _, learner, history, _ = fit(config, [_Progress(report, data, stop)], splits=raw)
    net = learner.model
    net.eval()
    weights, config = _files(data)
    save_weights(weights, net.state_dict(), {"model": MODEL, "data": data})
    val_acc = float(history.val_acc[-1])
    atomic_write_json(config, {"model": MODEL, "data": data, "epochs": epochs,
                               "val_acc": val_acc})
    with _lock:
        _state[data].update(model=net, val_acc=val_acc)
    return status(data)


def preprocess(bitmap: list[int], data: str = "digits") -> np.ndarray:
    """The drawing as the dataset's own scanning made its images.

    digits (sklearn): 32x32 on/off pixels counted in 4x4 blocks (0..16), / 16 -> (1, 1, 8, 8).
    mnist (LeCun et al.): the ink's bounding box, kept square, averaged down to 20x20 (grey levels
    from the anti-aliasing), placed in 28x28 with its centre of mass at the centre -> (1, 1, 28,
    28). Values in [0, 1], float32.
    """
    image = np.asarray(bitmap, dtype=np.float32).reshape(32, 32)
    if data == "digits":
        return (image.reshape(8, 4, 8, 4).sum((1, 3)) / 16.0)[None, None]
    out = np.zeros((28, 28), dtype=np.float32)
    rows, cols = np.nonzero(image)
    if len(rows) == 0:
        return out[None, None]
    crop = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    side = max(crop.shape)
    square = np.zeros((side, side), dtype=np.float32)
    top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
    square[top:top + crop.shape[0], left:left + crop.shape[1]] = crop
    # exact area averaging: each of the 20x20 pixels is the mean of a side/20-wide window
    box = np.kron(square, np.ones((20, 20), dtype=np.float32)).reshape(20, side, 20, side).mean(
        (1, 3))
    weights = box.sum()
    cy, cx = (box.sum(1) @ np.arange(20)) / weights, (box.sum(0) @ np.arange(20)) / weights
    y0, x0 = (int(np.clip(round(13.5 - c), 0, 8)) for c in (cy, cx))
    out[y0:y0 + 20, x0:x0 + 20] = box
    return out[None, None]


def _require(data: str):
    net = model(data)
    if net is None:
        raise LabError("model", "model_missing", data=data)
    return net


def explore(bitmap: list[int], data: str = "digits") -> dict:
    """Every layer's output for one drawing and the top-3 softmax probabilities."""
    net = _require(data)
    x = preprocess(bitmap, data)
    layers = [{"name": name, "shape": list(out.shape[1:]), "values": out[0].round(4).tolist()}
              for name, out in net.activations(x)]
    p = softmax_forward(np.asarray(layers[-1]["values"], dtype=np.float64))[0]
    top = np.argsort(-p)[:TOP]
    scale = 16 if data == "digits" else 255  # as the dataset stores its pixels
    return {"type": "cnn_predict", "data": data,
            "input": (x[0, 0] * scale).round().astype(int).tolist(), "input_max": scale,
            "layers": layers, "top": [{"digit": int(d), "p": float(p[d])} for d in top]}


def patch(bitmap: list[int], layer: str, channel: int, row: int, col: int,
          data: str = "digits") -> dict:
    """Conv output (channel, row, col) = sum(input patch * kernel) + bias, patch taken from the
    zero-padded input of that conv: patch (C, K, K), kernel (C, K, K)."""
    net = _require(data)
    x = preprocess(bitmap, data)
    outputs = dict(net.activations(x))
    source = x if layer == "conv1" else outputs["pool1"]
    conv = getattr(net, layer)
    out = outputs[layer]
    _check_cell(out.shape, channel, row, col)
    pad, (k, stride) = conv.padding, (conv.weight.data.shape[-1], conv.stride)
    padded = np.pad(source[0], ((0, 0), (pad, pad), (pad, pad)))
    window = padded[:, row * stride:row * stride + k, col * stride:col * stride + k]
    kernel, bias = conv.weight.data[channel], float(conv.bias.data[channel])
    return {"type": "cnn_patch", "layer": layer, "channel": channel, "row": row, "col": col,
            "patch": window.round(4).tolist(), "kernel": kernel.round(4).tolist(), "bias": bias,
            "products": (window * kernel).sum((1, 2)).round(6).tolist(),
            "value": float(out[0, channel, row, col])}


def _check_cell(shape: tuple, channel: int, row: int, col: int) -> None:
    if channel >= shape[1] or row >= shape[2] or col >= shape[3]:
        raise LabError("cell", "cell_range", channels=shape[1], size=shape[2],
                       got=f"({channel}, {row}, {col})")


def embed(X: np.ndarray) -> np.ndarray:
    """The digits model's penultimate layer (relu4, 84 features) for images X (N, 1, 8, 8)."""
    return dict(_require("digits").activations(X))["relu4"].astype(np.float64)
