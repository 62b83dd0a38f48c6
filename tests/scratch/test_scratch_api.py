"""The engine's public surface: PyTorch names, no torch import, Sequential behaves like torch's."""

import subprocess
import sys

import numpy as np
import torch

from profond import scratch
from profond.scratch import nn


def test_importing_the_engine_never_imports_torch():
    code = ("import sys, profond.scratch as s; s.nn.Linear(2, 2); s.optim.Adam; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_public_names_mirror_torch():
    for name in ["Linear", "ReLU", "Sigmoid", "Tanh", "LeakyReLU", "Identity", "Softmax",
                 "Dropout", "Flatten", "Sequential", "MSELoss", "CrossEntropyLoss"]:
        assert hasattr(torch.nn, name) and hasattr(nn, name), name
    for name in ["SGD", "Adagrad", "Adam"]:
        assert hasattr(scratch.optim, name)
    for name in ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
                 "zeros_", "uniform_", "calculate_gain"]:
        assert hasattr(torch.nn.init, name) and hasattr(scratch.init, name), name
    assert scratch.F is scratch.functional


def test_sequential_indexing_and_train_eval_reach_children():
    net = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.ReLU())
    assert len(net) == 3 and isinstance(net[0], nn.Linear) and list(net)[2] is net[2]
    net.eval()
    assert not net[1].training
    x = np.ones((4, 2), dtype=np.float32)
    np.testing.assert_array_equal(net(x), net(x))
    assert net.train() is net and net[1].training


def test_state_dict_round_trip_restores_outputs():
    scratch.manual_seed(0)
    a = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    b = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    assert not np.allclose(a(x), b(x))
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(x), b(x))
