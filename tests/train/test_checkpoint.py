"""Checkpoints: exact round trips, atomic replacement, and no way to make loading unpickle."""

import json
import pickle

import numpy as np
import pytest
import torch

from profond.io import DamagedFileError
from profond.train.checkpoint import load_checkpoint, load_weights, save_checkpoint, save_weights
from profond.train.torch_learner import TorchLearner


def _state():
    rng = np.random.default_rng(0)
    return {"model.w": rng.standard_normal((3, 4)).astype(np.float32),
            "model.b": np.arange(4, dtype=np.float64), "rng": rng.integers(0, 255, 16, np.uint8),
            "optimizer.step": np.array(7, np.int64), "optimizer.lr": np.array(0.01, np.float32),
            "flag": np.bool_(True)}


def test_round_trip_keeps_values_dtypes_and_meta(tmp_path):
    state = _state()
    save_checkpoint(tmp_path, state, {"epoch": 3, "seed": 0})
    loaded, meta = load_checkpoint(tmp_path)
    assert meta == {"epoch": 3, "seed": 0}
    assert set(loaded) == set(state)
    for name, value in state.items():
        assert loaded[name].dtype == np.asarray(value).dtype, name
        np.testing.assert_array_equal(loaded[name], value)


def test_scalars_live_in_json_and_arrays_in_safetensors(tmp_path):
    save_checkpoint(tmp_path, _state())
    index = json.loads((tmp_path / "checkpoint.json").read_text())
    assert set(index["scalars"]) == {"optimizer.step", "optimizer.lr", "flag"}
    assert index["scalars"]["optimizer.step"] == {"value": 7, "dtype": "<i8"}
    assert (tmp_path / index["tensors"]).read_bytes()[8:9] == b"{"  # safetensors' JSON header


def test_a_new_checkpoint_replaces_the_old_one_without_leftovers(tmp_path):
    save_checkpoint(tmp_path, {"w": np.zeros(3)}, {"epoch": 1})
    save_checkpoint(tmp_path, {"w": np.ones(3)}, {"epoch": 2})
    state, meta = load_checkpoint(tmp_path)
    assert meta["epoch"] == 2 and state["w"].tolist() == [1, 1, 1]
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".safetensors"]


def test_a_corrupted_tensor_file_is_refused(tmp_path):
    save_checkpoint(tmp_path, {"w": np.zeros(3)})
    tensors = tmp_path / json.loads((tmp_path / "checkpoint.json").read_text())["tensors"]
    tensors.write_bytes(tensors.read_bytes()[:-4] + b"\x00\x00\x80\x7f")
    with pytest.raises(DamagedFileError, match="expected sha256"):
        load_checkpoint(tmp_path)


class _Boom:
    def __reduce__(self):
        return (print, ("unpickled!",))


def test_loading_a_pickle_is_impossible(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a loader called pickle")

    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    payload = pickle.dumps({"w": _Boom()})
    (tmp_path / "model.safetensors").write_bytes(payload)
    with pytest.raises(Exception, match="(?i)header|invalid|deserializ"):
        load_weights(tmp_path / "model.safetensors")
    save_checkpoint(tmp_path, {"w": np.zeros(2)})
    index = json.loads((tmp_path / "checkpoint.json").read_text())
    (tmp_path / index["tensors"]).write_bytes(payload)
    index["sha256"] = __import__("hashlib").sha256(payload).hexdigest()
    (tmp_path / "checkpoint.json").write_text(json.dumps(index))
    with pytest.raises(Exception, match="(?i)header|invalid|deserializ"):
        load_checkpoint(tmp_path)
    torch_pickle = tmp_path / "torch.pt"
    torch.save({"w": torch.zeros(2)}, torch_pickle)
    with pytest.raises(Exception, match="(?i)header|invalid|deserializ"):
        load_weights(torch_pickle)


def test_object_arrays_cannot_be_saved(tmp_path):
    with pytest.raises(TypeError, match=r"state\['x'\]: expected a numeric array"):
        save_checkpoint(tmp_path, {"x": np.array([{"a": 1}], dtype=object)})


def test_weights_file_keeps_keys_and_metadata(tmp_path):
    weights = {"0.weight": np.eye(2, dtype=np.float32), "0.bias": np.zeros(2, np.float32)}
    save_weights(tmp_path / "model.safetensors", weights, {"model": "mlp"})
    loaded = load_weights(tmp_path / "model.safetensors")
    assert {k: v.tolist() for k, v in loaded.items()} == {k: v.tolist() for k, v in weights.items()}


def test_learner_state_survives_a_checkpoint_and_training_continues_identically(tmp_path):
    X = np.random.default_rng(0).standard_normal((64, 5)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)

    def learner(seed):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
        return TorchLearner(model, None, torch.optim.Adam(model.parameters(), lr=0.05), "cpu")

    a, b = learner(0), learner(1)
    data_a, data_b = a.prepare(X, y), b.prepare(X, y)
    for start in range(0, 64, 16):
        a.train_batch(data_a, np.arange(start, start + 16))
    save_checkpoint(tmp_path, a.state_dict())
    b.load_state_dict(load_checkpoint(tmp_path)[0])
    assert b.lr == pytest.approx(0.05)
    idx = np.arange(10, 40)
    assert a.train_batch(data_a, idx) == b.train_batch(data_b, idx)
    for pa, pb in zip(a.model.parameters(), b.model.parameters(), strict=True):
        torch.testing.assert_close(pa, pb, rtol=0, atol=0)
