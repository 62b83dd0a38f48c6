"""Compact frames: heatmaps travel as base64 uint8, one byte a pixel ([-1, 1] -> 0..255);
a diverged network's non-finite numbers travel as null (`wire.finite`), and `nan` names the
losses that are null because they are NaN, not because their split is empty."""

import base64

import numpy as np

from profond.lab import wire
from profond.lab.engine import HEATMAP, THUMB, Playground


def encode_signed(values: np.ndarray) -> str:
    """[-1, 1] -> uint8 0..255 -> base64; NaN (a diverged net) shows as 0."""
    v = np.clip(values, -1, 1)
    v[np.isnan(v)] = 0.0  # cheaper than nan_to_num on the 9 maps of every frame
    return base64.b64encode(np.round((v + 1) * 127.5).astype(np.uint8).tobytes()).decode()


def encode_classes(values: np.ndarray) -> str:
    """(n, 2) rows (class, probability) -> interleaved uint8 bytes class, round(255 p) -> base64."""
    out = np.empty((len(values), 2), np.uint8)
    out[:, 0] = values[:, 0].astype(np.uint8)
    out[:, 1] = np.round(np.nan_to_num(values[:, 1]) * 255).astype(np.uint8)
    return base64.b64encode(out.tobytes()).decode()


def build_frame(pg: Playground, hover: tuple[int, int] | None = None) -> dict:
    """Everything the page draws after one step: losses, metrics, heatmaps, weights."""
    layers = pg.activations()
    n_big = HEATMAP * HEATMAP
    kind, values = pg.output_map(layers[-1])
    train, test = pg.metrics(pg.F_train, pg.data.y_train), pg.metrics(pg.F_test, pg.data.y_test)
    frame = {
        "type": "frame", "epoch": pg.epoch,
        "nan": [f"{split}_loss" for split, result, y in (("train", train, pg.data.y_train),
                                                           ("test", test, pg.data.y_test))
                if len(y) and (result["loss"] is None or not np.isfinite(result["loss"]))],
        "train_loss": train["loss"], "test_loss": test["loss"],
        "train_acc": train.get("acc"), "test_acc": test.get("acc"),
        "confusion": test.get("confusion") or train.get("confusion"),
        "heatmap": {"kind": kind, "size": HEATMAP,
                    "data": encode_signed(values) if kind == "signed" else encode_classes(values)},
        # one thumbnail per node; the output layer's is the main heatmap
        "nodes": [[encode_signed(layer[n_big:, j]) for j in range(layer.shape[1])]
                  for layer in layers[:-1]],
        "thumb": THUMB,
        **pg.params(),
    }
    if hover is not None and hover[0] < len(layers) - 1 and hover[1] < layers[hover[0]].shape[1]:
        frame["hover"] = {"node": f"{hover[0]},{hover[1]}", "size": HEATMAP,
                          "data": encode_signed(layers[hover[0]][:n_big, hover[1]])}
    return wire.finite(frame)
