"""Safe checkpoints: arrays in safetensors, scalars and metadata in JSON; loading never unpickles.

A checkpoint is a folder holding `checkpoint.json` and the safetensors file it names by its SHA-256.
The tensors go to a fresh file first, then the JSON is replaced atomically, so a run killed at any
instant leaves the previous complete checkpoint or the new one, never a mix.
`model.safetensors` (weights only, keys as the model's state_dict) is what other tools load.
"""

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import safetensors.numpy

from profond.io import atomic_write, atomic_write_json

FORMAT = "profond-checkpoint-1"
INDEX = "checkpoint.json"


def save_checkpoint(folder: str | Path, state: Mapping[str, np.ndarray | float | int],
                    meta: dict | None = None) -> Path:
    """Write `state` (name -> array or scalar) and JSON-able `meta` into `folder`; return the index.

    Arrays with at least one dimension go to `checkpoint-<sha256>.safetensors`; 0-d arrays and
    Python numbers go to the JSON index with their dtype, so they come back as the same type.
    """
    folder = Path(folder)
    arrays, scalars = _split(state)
    data = safetensors.numpy.save(arrays)
    digest = hashlib.sha256(data).hexdigest()
    tensors_name = f"checkpoint-{digest[:16]}.safetensors"
    atomic_write(folder / tensors_name, lambda tmp: tmp.write_bytes(data))
    index = {"format": FORMAT, "tensors": tensors_name, "sha256": digest,
             "scalars": scalars, "meta": meta or {}}
    path = atomic_write_json(folder / INDEX, index)
    for old in folder.glob("checkpoint-*.safetensors"):
        if old.name != tensors_name:
            old.unlink(missing_ok=True)
    return path


def load_checkpoint(folder: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read what `save_checkpoint` wrote: (state, meta). Only JSON and safetensors are parsed."""
    folder = Path(folder)
    index_path = folder / INDEX
    if not index_path.is_file():
        raise FileNotFoundError(f"checkpoint: expected {index_path}; no such file")
    index = json.loads(index_path.read_text(encoding="utf-8"))
    if index.get("format") != FORMAT:
        raise ValueError(f"checkpoint format: expected {FORMAT!r}; got {index.get('format')!r}")
    data = (folder / index["tensors"]).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != index["sha256"]:
        raise ValueError(f"checkpoint {index['tensors']}: expected sha256 {index['sha256']}; "
                         f"got {digest}")
    state = dict(safetensors.numpy.load(data))
    for name, entry in index["scalars"].items():
        state[name] = np.array(entry["value"], dtype=entry["dtype"])
    return state, index["meta"]


def save_weights(path: str | Path, state: Mapping[str, np.ndarray], metadata: dict | None = None
                 ) -> Path:
    """Model weights alone as one safetensors file (metadata: str -> str, e.g. the model name)."""
    data = safetensors.numpy.save({k: np.ascontiguousarray(v) for k, v in state.items()},
                                  metadata={k: str(v) for k, v in (metadata or {}).items()})
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def load_weights(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of a safetensors file; raises on anything that is not one (pickles included)."""
    return dict(safetensors.numpy.load(Path(path).read_bytes()))


def _split(state: Mapping) -> tuple[dict[str, np.ndarray], dict[str, dict]]:
    arrays, scalars = {}, {}
    for name, value in state.items():
        value = np.asarray(value)
        if value.dtype == object:
            raise TypeError(f"state[{name!r}]: expected a numeric array or number; got {value!r}")
        if value.ndim == 0:
            scalars[name] = {"value": value.item(), "dtype": value.dtype.str}
        else:
            arrays[name] = np.ascontiguousarray(value)
    return arrays, scalars
