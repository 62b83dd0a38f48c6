"""A convolutional model back from a run folder written by `profond train`.

The folder holds `config.json` ({"model": "mnist1d-cnn" | "lenet5", "data": ..., ...}) and
`model.safetensors` (the model's state_dict, from either engine: the scratch and torch models are
twins with the same keys). Loading parses JSON and safetensors only, never a pickle.
"""

from pathlib import Path

import numpy as np

from profond.io import read_json

LAST_LAYER = {"mnist1d-cnn": "linear.weight", "lenet5": "fc3.weight"}


def load_config(folder: str | Path) -> dict:
    folder = Path(folder)
    path = folder / "config.json"
    if not path.is_file():
        raise FileNotFoundError(f"RUN: expected a run folder with config.json; {folder} has none")
    config = read_json(path)
    if not isinstance(config, dict) or config.get("model") not in LAST_LAYER:
        raise ValueError(f"config.json model: expected one of {', '.join(LAST_LAYER)}; "
                         f"got {(config.get('model') if isinstance(config, dict) else config)!r}")
    return config


def load_model(folder: str | Path, input_shape: tuple[int, ...]):
    """The scratch twin of the run's model, sized for `input_shape`, with the run's weights."""
    from profond.scratch.models import create_model
    from profond.train.checkpoint import load_weights

    config = load_config(folder)
    weights_path = Path(folder) / "model.safetensors"
    if not weights_path.is_file():
        raise FileNotFoundError(f"RUN: expected {weights_path}; no such file")
    weights = load_weights(weights_path)
    first = weights["conv1.weight"]
    options = {"channels": first.shape[0]} if config["model"] == "mnist1d-cnn" else {}
    num_classes = weights[LAST_LAYER[config["model"]]].shape[0]
    model = create_model(config["model"], input_shape, num_classes, **options)
    model.load_state_dict({k: v.astype(np.float32) for k, v in weights.items()})
    return model.eval()
