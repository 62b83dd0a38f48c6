"""Safe checkpoints: arrays in safetensors, scalars and metadata in JSON; loading never unpickles.

A checkpoint is a folder holding `checkpoint.json` and the safetensors file it names by its SHA-256.
The tensors go to a fresh file first, then the JSON is replaced atomically, so a run killed at any
instant leaves the previous complete checkpoint or the new one, never a mix; a folder without its
index (killed during the first checkpoint) holds no checkpoint (`has_checkpoint` is False).
A damaged one (a checksum that does not match, unreadable JSON) is refused with DamagedFileError.
`model.safetensors` (weights only, keys as the model's state_dict, and a SHA-256 of them in its
metadata) is what other tools load.
"""

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import safetensors.numpy

from profond.io import DamagedFileError, atomic_write, atomic_write_json, read_json

FORMAT = "profond-checkpoint-1"
INDEX = "checkpoint.json"
DIGEST = "profond.sha256"  # model.safetensors metadata: SHA-256 of its arrays (`_arrays_digest`)


def has_checkpoint(folder: str | Path) -> bool:
    """Whether `folder` holds a complete checkpoint (its index was written last)."""
    return (Path(folder) / INDEX).is_file()


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
    """Read what `save_checkpoint` wrote: (state, meta). Only JSON and safetensors are parsed;
    DamagedFileError if anything does not match its index."""
    folder = Path(folder)
    index_path = folder / INDEX
    if not index_path.is_file():
        raise FileNotFoundError(f"checkpoint: expected {index_path}; no such file")
    index = read_json(index_path)
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise DamagedFileError(f"{index_path}: expected a {FORMAT} index; got "
                               f"{_clip(index)}")
    tensors = folder / str(index.get("tensors"))
    try:
        data = tensors.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != index["sha256"]:
            raise DamagedFileError(f"{tensors}: expected sha256 {index['sha256']}; got {digest} "
                                   f"(a damaged checkpoint)")
        state = dict(safetensors.numpy.load(data))
        for name, entry in index["scalars"].items():
            state[name] = np.array(entry["value"], dtype=entry["dtype"])
        return state, dict(index["meta"])
    except FileNotFoundError:
        raise DamagedFileError(f"{index_path}: names {tensors.name}, which is missing") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise DamagedFileError(f"{index_path}: expected a complete {FORMAT} index; got "
                               f"{type(exc).__name__}: {exc}") from None


def save_weights(path: str | Path, state: Mapping[str, np.ndarray], metadata: dict | None = None
                 ) -> Path:
    """Model weights alone as one safetensors file (metadata: str -> str, e.g. the model name,
    plus the arrays' SHA-256 that `load_weights` checks)."""
    arrays = {k: np.ascontiguousarray(v) for k, v in state.items()}
    metadata = {**{k: str(v) for k, v in (metadata or {}).items()},
                DIGEST: _arrays_digest(arrays)}
    data = safetensors.numpy.save(arrays, metadata=metadata)
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def load_weights(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of a safetensors file; DamagedFileError on anything that is not one (pickles
    included) or whose arrays do not match the SHA-256 `save_weights` recorded."""
    path = Path(path)
    data = path.read_bytes()
    try:
        arrays = dict(safetensors.numpy.load(data))
        header = json.loads(data[8:8 + int.from_bytes(data[:8], "little")])
    except Exception as exc:  # safetensors' own error type: not a safetensors file
        raise DamagedFileError(f"{path}: expected a safetensors file; got a damaged or "
                               f"different file ({exc})") from None
    expected = (header.get("__metadata__") or {}).get(DIGEST)
    if expected is not None and expected != _arrays_digest(arrays):
        raise DamagedFileError(f"{path}: expected weights with sha256 {expected}; got others "
                               f"(a damaged file)")
    return arrays


def _arrays_digest(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over each array's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        value = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{value.dtype.str}|{value.shape}|".encode())
        digest.update(value.tobytes())
    return digest.hexdigest()


def _clip(value, n: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= n else text[:n] + "..."


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
