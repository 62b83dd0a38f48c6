"""The CNN explorer's and few-shot page's model: the scratch LeNet-5 trained on sklearn's digits by
the one Trainer, cached as safetensors + JSON in the cache dir so that the next visit is instant.
"""

import json
import threading

import numpy as np

from profond.checks import check_int
from profond.io import atomic_write_json
from profond.paths import cache_dir
from profond.train.callbacks import Callback
from profond.train.checkpoint import load_weights, save_weights

MODEL = "lenet5"
TOP = 3
_lock = threading.Lock()
_state: dict = {"model": None, "val_acc": None}


def _files():
    folder = cache_dir() / "lab"
    folder.mkdir(exist_ok=True)
    return folder / f"{MODEL}-digits.safetensors", folder / f"{MODEL}-digits.json"


def _new_model():
    from profond.scratch.models import create_model

    return create_model(MODEL, (1, 8, 8), 10)


def model():
    """The trained model, from memory or the cache; None until someone trained it."""
    with _lock:
        if _state["model"] is None:
            weights, config = _files()
            if weights.exists() and config.exists():
                net = _new_model()
                net.load_state_dict(load_weights(weights))
                net.eval()
                _state.update(model=net, val_acc=json.loads(config.read_text())["val_acc"])
        return _state["model"]


def status() -> dict:
    return {"type": "cnn_status", "trained": model() is not None, "val_acc": _state["val_acc"]}


class _Progress(Callback):
    def __init__(self, report):
        self.report = report

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.report({"type": "train_progress", "epoch": epoch, "of": self.trainer.max_epochs,
                     "acc": logs["acc"], "val_acc": logs["val_acc"]})


def train(epochs: int, report, seed: int = 0) -> dict:
    """Adam(3e-3), batch 32, cross-entropy on digits' train split; `report` gets one
    progress dict per epoch. Saves the weights and returns the new status."""
    from profond.data import load
    from profond.scratch.learner import ScratchLearner
    from profond.scratch.nn.losses import CrossEntropyLoss
    from profond.scratch.optim import Adam
    from profond.train.trainer import Trainer

    check_int("epochs", epochs, minimum=1)
    data = load("digits")
    net = _new_model()
    learner = ScratchLearner(net, CrossEntropyLoss(), Adam(net.parameters(), lr=3e-3))
    history = Trainer(max_epochs=epochs, batch_size=32, seed=seed,
                      callbacks=[_Progress(report)]).fit(
        learner, (data.X_train, data.y_train), (data.X_test, data.y_test))
    net.eval()
    weights, config = _files()
    save_weights(weights, net.state_dict(), {"model": MODEL, "data": "digits"})
    val_acc = float(history.val_acc[-1])
    atomic_write_json(config, {"model": MODEL, "data": "digits", "epochs": epochs,
                               "val_acc": val_acc})
    with _lock:
        _state.update(model=net, val_acc=val_acc)
    return status()


def preprocess(bitmap: list[int]) -> np.ndarray:
    """sklearn's digits scanning: 32x32 on/off pixels, counted in 4x4 blocks (0..16), / 16.

    bitmap (1024,) -> x (1, 1, 8, 8) float32 in [0, 1].
    """
    counts = np.asarray(bitmap, dtype=np.float32).reshape(8, 4, 8, 4).sum((1, 3))
    return (counts / 16.0)[None, None]


def _require():
    net = model()
    if net is None:
        raise ValueError("model: expected a trained CNN; got none yet (press Train)")
    return net


def explore(bitmap: list[int]) -> dict:
    """Every layer's output for one drawing and the top-3 softmax probabilities."""
    net = _require()
    x = preprocess(bitmap)
    layers = [{"name": name, "shape": list(out.shape[1:]), "values": out[0].round(4).tolist()}
              for name, out in net.activations(x)]
    logits = np.asarray(layers[-1]["values"], dtype=np.float64)
    p = np.exp(logits - logits.max())
    p /= p.sum()
    top = np.argsort(-p)[:TOP]
    return {"type": "cnn_predict", "input": (x[0, 0] * 16).round().astype(int).tolist(),
            "layers": layers, "top": [{"digit": int(d), "p": float(p[d])} for d in top]}


def patch(bitmap: list[int], layer: str, channel: int, row: int, col: int) -> dict:
    """Conv output (channel, row, col) = sum(input patch * kernel) + bias, patch taken from the
    zero-padded input of that conv: patch (C, K, K), kernel (C, K, K)."""
    net = _require()
    outputs = dict(net.activations(preprocess(bitmap)))
    source = preprocess(bitmap) if layer == "conv1" else outputs["pool1"]
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
        raise ValueError(f"cell: expected channel < {shape[1]}, row and col < {shape[2]}; "
                         f"got ({channel}, {row}, {col})")


def embed(X: np.ndarray) -> np.ndarray:
    """The penultimate layer (relu4, 84 features) for images X (N, 1, 8, 8)."""
    return dict(_require().activations(X))["relu4"].astype(np.float64)
