"""Agents on disk: weights as safetensors, configuration as JSON; loading never unpickles."""

import json
from pathlib import Path

import numpy as np

from profond.io import atomic_write_json
from profond.train.checkpoint import load_weights, save_weights

WEIGHTS = "agent.safetensors"
CONFIG = "agent.json"


def save_agent(folder: str | Path, kind: str, tensors: dict[str, np.ndarray], config: dict) -> Path:
    """Write `agent.safetensors` (tensors) and `agent.json` ({"kind": kind, **config})."""
    folder = Path(folder)
    save_weights(folder / WEIGHTS, tensors, metadata={"kind": kind})
    atomic_write_json(folder / CONFIG, {"kind": kind, **config})
    return folder


def load_agent_files(folder: str | Path, kind: str) -> tuple[dict[str, np.ndarray], dict]:
    """(tensors, config) of an agent saved by `save_agent`; raises if it is not a `kind` agent."""
    folder = Path(folder)
    path = folder / CONFIG
    if not path.is_file():
        raise FileNotFoundError(f"agent: expected {path}; no such file")
    config = json.loads(path.read_text(encoding="utf-8"))
    if config.get("kind") != kind:
        raise ValueError(f"agent kind: expected {kind!r}; got {config.get('kind')!r}")
    config.pop("kind")
    return load_weights(folder / WEIGHTS), config


def saved_kind(folder: str | Path) -> str:
    """The `kind` recorded in a saved agent's JSON."""
    path = Path(folder) / CONFIG
    if not path.is_file():
        raise FileNotFoundError(f"agent: expected {path}; no such file")
    return json.loads(path.read_text(encoding="utf-8")).get("kind", "")
