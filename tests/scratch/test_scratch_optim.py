"""Optimizers against torch.optim: same parameters and gradient sequence, 20 steps, within 1e-6."""

import numpy as np
import pytest
import torch

from profond.scratch import optim
from profond.scratch.module import Parameter

SHAPES = [(4, 3), (4,), (2, 5)]
STEPS = 20

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.01, nesterov=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
]


def make_params(seed: int = 0):
    rng = np.random.default_rng(seed)
    data = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    ours = [Parameter(d) for d in data]
    theirs = [torch.tensor(d, requires_grad=True) for d in data]
    return ours, theirs


def gradients(step: int):
    rng = np.random.default_rng(1000 + step)
    # Grads of varied sign and scale, some exactly zero, as a real training run gives.
    return [(rng.standard_normal(s) * rng.choice([0.0, 0.1, 3.0], s)).astype(np.float32)
            for s in SHAPES]


def run_steps(opt, opt_t, ours, theirs, steps):
    for step in steps:
        opt.zero_grad()
        opt_t.zero_grad()
        for p, p_t, g in zip(ours, theirs, gradients(step), strict=True):
            p.grad += g
            p_t.grad = torch.tensor(g)
        opt.step()
        opt_t.step()


def assert_same(ours, theirs):
    for i, (p, p_t) in enumerate(zip(ours, theirs, strict=True)):
        assert p.data.dtype == np.float32
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), atol=1e-6, rtol=0,
                                   err_msg=f"param {i}")


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_twenty_steps_equal_torch(name, kwargs):
    ours, theirs = make_params()
    opt = getattr(optim, name)(ours, **kwargs)
    opt_t = getattr(torch.optim, name)(theirs, **kwargs)
    run_steps(opt, opt_t, ours, theirs, range(STEPS))
    assert_same(ours, theirs)


@pytest.mark.parametrize(("name", "kwargs"), [CONFIGS[1], CONFIGS[7], CONFIGS[10]])
def test_state_dict_resume_equals_uninterrupted_run(name, kwargs):
    ours, theirs = make_params()
    opt = getattr(optim, name)(ours, **kwargs)
    opt_t = getattr(torch.optim, name)(theirs, **kwargs)
    run_steps(opt, opt_t, ours, theirs, range(STEPS // 2))
    state = opt.state_dict()
    assert all(isinstance(v, np.ndarray) for v in state.values())
    resumed = [Parameter(p.data.copy()) for p in ours]
    opt2 = getattr(optim, name)(resumed, **{**kwargs, "lr": 123.0})
    opt2.load_state_dict(state)
    assert opt2.lr == kwargs.get("lr", opt.lr)
    run_steps(opt2, opt_t, resumed, theirs, range(STEPS // 2, STEPS))
    assert_same(resumed, theirs)


@pytest.mark.parametrize("name", ["SGD", "Adam", "Adagrad"])
def test_lr_set_between_steps_is_used(name):
    ours, theirs = make_params()
    opt = getattr(optim, name)(ours, lr=0.1)
    opt_t = getattr(torch.optim, name)(theirs, lr=0.1)
    run_steps(opt, opt_t, ours, theirs, range(5))
    opt.lr = 0.01
    for group in opt_t.param_groups:
        group["lr"] = 0.01
    assert opt.param_groups[0]["lr"] == 0.01
    run_steps(opt, opt_t, ours, theirs, range(5, 10))
    assert_same(ours, theirs)


@pytest.mark.parametrize(("name", "kwargs"), [CONFIGS[5], CONFIGS[7], CONFIGS[10]])
def test_float64_parameters_stay_float64_and_equal_torch(name, kwargs):
    data = np.random.default_rng(4).standard_normal((3, 2))
    ours, theirs = Parameter(data, dtype=np.float64), torch.tensor(data, requires_grad=True)
    opt = getattr(optim, name)([ours], **kwargs)
    opt_t = getattr(torch.optim, name)([theirs], **kwargs)
    for step in range(STEPS):
        g = np.random.default_rng(step).standard_normal((3, 2))
        ours.grad[...] = g
        theirs.grad = torch.tensor(g)
        opt.step()
        opt_t.step()
    assert ours.data.dtype == np.float64
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), atol=1e-12, rtol=0)


def test_zero_grad_clears_every_grad():
    ours, _ = make_params()
    opt = optim.SGD(ours, lr=0.1)
    for p in ours:
        p.grad += 1
    opt.zero_grad()
    assert all(not p.grad.any() for p in ours)


def test_l1_penalty_value_and_gradient_equal_torch_autograd():
    ours, theirs = make_params(3)
    ours[0].data[0, 0] = 0.0  # sign(0) = 0 in both
    theirs[0].data[0, 0] = 0.0
    value = optim.l1_penalty(ours, 0.01)
    penalty = 0.01 * sum(p.abs().sum() for p in theirs)
    penalty.backward()
    np.testing.assert_allclose(value, penalty.item(), rtol=1e-6)
    for p, p_t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.grad, p_t.grad.numpy(), atol=1e-9)


def test_bad_hyperparameters_name_the_argument():
    ours, _ = make_params()
    with pytest.raises(ValueError, match="lr: expected a number >= 0; got -1"):
        optim.SGD(ours, lr=-1)
    with pytest.raises(ValueError, match="nesterov: expected momentum > 0 and dampening = 0"):
        optim.SGD(ours, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"betas\[0\]: expected a number in \[0.0, "):
        optim.Adam(ours, betas=(1.0, 0.999))
    with pytest.raises(ValueError, match="weight_decay: expected a number >= 0; got -0.1"):
        optim.Adagrad(ours, weight_decay=-0.1)
    with pytest.raises(ValueError, match="params: expected at least one Parameter; got an empty"):
        optim.Adam([])
    with pytest.raises(TypeError, match="params\\[0\\]: expected a Parameter; got ndarray"):
        optim.Adam([np.zeros(3)])
    opt = optim.Adam(ours)
    with pytest.raises(ValueError, match="lr: expected a number >= 0; got -0.5"):
        opt.lr = -0.5
