"""Fine-tuning: new head, frozen backbone, gradual unfreezing, discriminative lrs, stored runs."""

import importlib.machinery
import sys
import types

import numpy as np
import pytest
import torch
from torch import nn

from profond.models import create_model
from profond.train.finetune import (
    backbone_blocks,
    check_source,
    finetuner,
    head_name,
    load_pretrained,
    replace_head,
    subset,
    unfreeze_counts,
)
from profond.train.recording import save_model
from profond.train.runs import RunStore
from profond.train.torch_learner import TorchLearner, seed_everything
from profond.train.trainer import Trainer


@pytest.mark.parametrize(("name", "shape", "head", "blocks"), [
    ("mlp", (12,), "4", ["0", "2"]),
    ("mnist1d-cnn", (40,), "linear", ["conv1", "conv2", "conv3"]),
    ("lenet5", (1, 8, 8), "fc3", ["conv1", "conv2", "fc1", "fc2"]),
])
def test_the_head_is_the_last_linear_and_the_blocks_the_rest_in_order(name, shape, head, blocks):
    options = {"hidden": (16, 8)} if name == "mlp" else {}
    model = create_model(name, shape, 10, **options)
    before = {k: v.clone() for k, v in model.state_dict().items() if not k.startswith(head + ".")}
    assert head_name(model) == head
    new = replace_head(model, 3)
    assert model.get_submodule(head) is new and new.out_features == 3
    names = {id(m): n for n, m in model.named_modules()}
    assert [names[id(b)] for b in backbone_blocks(model)] == blocks
    after = model.state_dict()
    assert all(torch.equal(after[k], v) for k, v in before.items())
    assert model(torch.zeros(2, *shape)).shape == (2, 3)


@pytest.mark.parametrize(("schedule", "expected"), [
    ("all", [3, 3, 3, 3, 3]), ("none", [0, 0, 0, 0, 0]),
    ("every:2", [0, 0, 1, 1, 2]), ("every:1", [0, 1, 2, 3, 3]), ("2, 5", [0, 1, 1, 1, 2]),
])
def test_unfreeze_schedules_count_blocks_per_epoch(schedule, expected):
    counts = unfreeze_counts(schedule, 3)
    assert [counts(epoch) for epoch in range(1, 6)] == expected


@pytest.mark.parametrize("schedule", ["every:0", "every:x", "0", "sometimes", "1,-2"])
def test_bad_unfreeze_schedules_are_named_errors(schedule):
    with pytest.raises(ValueError, match=r"--unfreeze-schedule: expected all, none, every:K or "
                                         rf"epochs like 2,4; got '{schedule}'"):
        unfreeze_counts(schedule, 3)


def _blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = (rng.normal(size=(n, 12)) + 2.0 * np.eye(3, 12)[y]).astype(np.float32)
    return X, y.astype(np.int64)


def _mlp():
    seed_everything(0)
    return create_model("mlp", (12,), 5, hidden=(16, 8))


def _train(model, mode, schedule, epochs, lr=1e-2, mult=0.1):
    learner, callbacks = finetuner(model, 3, mode, schedule, lr, mult)
    Trainer(epochs, 32, seed=0, callbacks=callbacks).fit(learner, _blobs())
    return learner, callbacks[0]


def test_features_mode_changes_the_head_only():
    model = _mlp()
    backbone = {k: v.clone() for k, v in model.state_dict().items() if not k.startswith("4.")}
    learner, unfreezer = _train(model, "features", "none", 3)
    head = model.get_submodule("4").weight.detach().clone()
    learner.train_batch(learner.prepare(*_blobs()), np.arange(32))
    after = model.state_dict()
    assert all(torch.equal(after[k], v) for k, v in backbone.items())
    assert not torch.equal(after["4.weight"], head)
    assert unfreezer.trainable == [0, 0, 0]
    assert len(learner.optimizer.param_groups) == 1  # the backbone is not even in the optimizer


def test_gradual_unfreezing_moves_the_top_block_first():
    model = _mlp()
    start = {k: v.clone() for k, v in model.state_dict().items()}
    _, unfreezer = _train(model, "full", "2", 2)  # epoch 1: head only; epoch 2: + block "2"
    after = model.state_dict()
    assert unfreezer.trainable == [0, 1]
    assert torch.equal(after["0.weight"], start["0.weight"])
    assert not torch.equal(after["2.weight"], start["2.weight"])


def test_discriminative_learning_rates_as_adam_first_step_sizes():
    # Adam's first step moves every parameter with a non-zero gradient by lr * g / (|g| + eps),
    # i.e. by almost exactly lr: so the step sizes read off the learning rate of each group.
    model = _mlp()
    learner, callbacks = finetuner(model, 3, "full", "all", lr=1e-2, backbone_lr_mult=0.1)
    assert [g["lr"] for g in learner.optimizer.param_groups] == [1e-2, 1e-3, 1e-3]
    start = {k: v.clone() for k, v in model.state_dict().items()}
    X, y = _blobs()
    Trainer(1, len(y), seed=0, callbacks=callbacks, eval_train=False).fit(learner, (X, y))
    for key, lr in (("0.weight", 1e-3), ("2.weight", 1e-3), ("4.weight", 1e-2)):
        moved = (model.state_dict()[key] - start[key]).abs()
        steps = moved[moved > 0]
        assert len(steps) > moved.numel() // 2
        assert torch.allclose(steps, torch.full_like(steps, lr), rtol=1e-2)


def test_layer_decay_slows_each_backbone_block_below_the_top():
    # ULMFiT's 2.6: the top backbone layer ("2") learns at lr x mult, the one under it ("0") 2.6x
    # slower; Adam's first steps show it as above
    model = _mlp()
    learner, callbacks = finetuner(model, 3, "full", "all", lr=1e-2, backbone_lr_mult=0.1,
                                   layer_decay=2.6)
    assert [g["lr"] for g in learner.optimizer.param_groups] == pytest.approx(
        [1e-2, 1e-3, 1e-3 / 2.6])
    start = {k: v.clone() for k, v in model.state_dict().items()}
    X, y = _blobs()
    Trainer(1, len(y), seed=0, callbacks=callbacks, eval_train=False).fit(learner, (X, y))
    for key, lr in (("0.weight", 1e-3 / 2.6), ("2.weight", 1e-3), ("4.weight", 1e-2)):
        moved = (model.state_dict()[key] - start[key]).abs()
        steps = moved[moved > 0]
        assert torch.allclose(steps, torch.full_like(steps, lr), rtol=1e-2)
    with pytest.raises(ValueError, match=r"--layer-decay: expected a number > 0; got 0"):
        finetuner(_mlp(), 3, "full", "all", layer_decay=0)


def _stored_run(tmp_path, name="mlp", shape=(12,), **config):
    seed_everything(0)
    model = create_model(name, shape, 5, **({"hidden": (16, 8)} if name == "mlp" else {}))
    store = RunStore(tmp_path / "runs")
    run = store.create({"model": name, "data": "blobs", **config}, f"pre-{name}")
    learner = TorchLearner(model, None, torch.optim.SGD(model.parameters(), lr=0.1))
    save_model(run, learner)
    return store, run.id, model


def test_a_stored_run_loads_with_its_weights_and_its_head(tmp_path):
    store, run_id, original = _stored_run(tmp_path, hidden="16,8", activation="relu", dropout=0.0)
    model, info = load_pretrained(run_id, (12,), store)
    assert info["pretrained_classes"] == 5 and info["hidden"] == "16,8"
    x = torch.randn(4, 12)
    assert torch.equal(model(x), original(x))


def test_load_pretrained_errors_name_the_option(tmp_path):
    store, run_id, _ = _stored_run(tmp_path, "mnist1d-cnn", (40,))
    with pytest.raises(ValueError, match=r"--from: expected a run id of .*runs.sqlite or "
                                         r"torchvision:NAME / timm:NAME; got 'nope'"):
        load_pretrained("nope", (40,), store)
    with pytest.raises(ValueError, match=r"--data: expected examples shaped like those of run "
                                         r"'pre-mnist1d-cnn' \(data 'blobs'\); got input shape "
                                         r"\(60,\)"):
        load_pretrained(run_id, (60,), store)


@pytest.mark.parametrize("hub", ["torchvision", "timm"])
def test_hub_weights_without_the_package_are_a_clear_error(hub):
    if importlib.util.find_spec(hub) is not None:
        pytest.skip(f"{hub} is installed here")
    with pytest.raises(ValueError, match=rf"--from: {hub}:resnet18 needs the {hub} package, "
                                         rf"which is not installed \(pip install {hub}\)"):
        check_source(f"{hub}:resnet18")
    with pytest.raises(ValueError, match=f"needs the {hub} package"):
        load_pretrained(f"{hub}:resnet18", (3, 32, 32))


def _fake_torchvision(monkeypatch, get_model):
    fake = types.ModuleType("torchvision")
    fake.__spec__ = importlib.machinery.ModuleSpec("torchvision", None)
    fake.models = types.SimpleNamespace(get_model=get_model)
    monkeypatch.setitem(sys.modules, "torchvision", fake)


def test_an_installed_torchvision_is_asked_for_its_default_weights(monkeypatch):
    calls, seen = [], []

    class Net(nn.Module):  # records what the ImageNet network receives
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3 * 32 * 32, 1000)

        def forward(self, x):
            seen.append(x.detach().clone())
            return self.fc(x.flatten(1))

    def get_model(name, weights):
        calls.append((name, weights))
        return Net()

    _fake_torchvision(monkeypatch, get_model)
    model, info = load_pretrained("torchvision:tiny", (1, 8, 8))
    assert calls == [("tiny", "DEFAULT")] and info["source"] == "torchvision"
    replace_head(model, 4)
    assert model(torch.full((2, 64), 0.5)).shape == (2, 4)  # digits' flat 8x8 rows
    x = seen[-1]  # grey -> 3 channels, 8 -> 32 pixels, then ImageNet's normalisation
    assert x.shape == (2, 3, 32, 32)
    expected = (0.5 - torch.tensor([0.485, 0.456, 0.406])) / torch.tensor([0.229, 0.224, 0.225])
    torch.testing.assert_close(x[0, :, 5, 7], expected)
    with pytest.raises(ValueError, match=r"--data: expected images with 1 or 3 channels for an "
                                         r"ImageNet network; got input shape \(40,\)"):
        load_pretrained("torchvision:tiny", (40,))


def test_hub_weights_offline_are_a_clear_error(monkeypatch):
    from urllib.error import URLError

    def offline(name, weights):
        raise URLError("no route to host")

    _fake_torchvision(monkeypatch, offline)
    with pytest.raises(ValueError, match=r"--from: torchvision:resnet18: could not load its "
                                         r"pretrained weights \(URLError: .*no route to host.*\); "
                                         r"they download once into torch's cache"):
        load_pretrained("torchvision:resnet18", (3, 32, 32))


def test_subset_keeps_relabels_and_caps_per_class():
    y = np.array([0, 5, 6, 5, 7, 6, 5, 0, 7, 7])
    X = np.arange(len(y))[:, None].astype(np.float32)
    Xs, ys = subset(X, y, [5, 6, 7], per_class=2, seed=0)
    assert np.bincount(ys).tolist() == [2, 2, 2]
    assert all(y[int(x)] == [5, 6, 7][label] for x, label in zip(Xs[:, 0], ys, strict=True))
    with pytest.raises(ValueError, match=r"--classes: expected labels present in the data; got 9"):
        subset(X, y, [5, 9])
