"""Weight initialisation, in place on a Parameter, with torch.nn.init's names and formulas."""

import math

import numpy as np

from profond.checks import check_choice
from profond.scratch import rng
from profond.scratch.module import Parameter

NONLINEARITIES = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                  "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Recommended gain: 1 (linear, conv, sigmoid), 5/3 (tanh), √2 (relu), √(2/(1+a²)) (leaky_relu).

    Mirrors torch.nn.init.calculate_gain.
    """
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    return 1.0


def fan_in_and_fan_out(shape: tuple[int, ...]) -> tuple[int, int]:
    """fan_in = shape[1]·∏shape[2:], fan_out = shape[0]·∏shape[2:] for (out, in, *kernel)."""
    if len(shape) < 2:
        raise ValueError(f"param: expected at least 2 dimensions for fan in/out; got {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fill(param: Parameter, values: np.ndarray) -> Parameter:
    param.data[...] = values
    return param


def uniform_(param: Parameter, a: float = 0.0, b: float = 1.0, generator=None) -> Parameter:
    """w ~ U(a, b). Mirrors torch.nn.init.uniform_."""
    return _fill(param, (generator or rng.generator()).uniform(a, b, param.shape))


def normal_(param: Parameter, mean: float = 0.0, std: float = 1.0, generator=None) -> Parameter:
    """w ~ N(mean, std²). Mirrors torch.nn.init.normal_."""
    return _fill(param, (generator or rng.generator()).normal(mean, std, param.shape))


def zeros_(param: Parameter) -> Parameter:
    """w = 0. Mirrors torch.nn.init.zeros_."""
    return _fill(param, 0)


def xavier_uniform_(param: Parameter, gain: float = 1.0, generator=None) -> Parameter:
    """w ~ U(−a, a), a = gain·√(6 / (fan_in + fan_out)). Mirrors torch.nn.init.xavier_uniform_."""
    fan_in, fan_out = fan_in_and_fan_out(param.shape)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / (fan_in + fan_out))
    return uniform_(param, -bound, bound, generator)


def xavier_normal_(param: Parameter, gain: float = 1.0, generator=None) -> Parameter:
    """w ~ N(0, std²), std = gain·√(2/(fan_in + fan_out)). Mirrors torch.nn.init.xavier_normal_."""
    fan_in, fan_out = fan_in_and_fan_out(param.shape)
    return normal_(param, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(shape, a: float, mode: str, nonlinearity: str) -> float:
    check_choice("mode", mode, ("fan_in", "fan_out"))
    fan_in, fan_out = fan_in_and_fan_out(shape)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def kaiming_uniform_(param: Parameter, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Parameter:
    """w ~ U(−b, b), b = gain·√(3 / fan). Mirrors torch.nn.init.kaiming_uniform_."""
    if param.data.size == 0:  # as torch: a zero-element tensor (fan 0) is left as it is
        return param
    bound = math.sqrt(3.0) * _kaiming_std(param.shape, a, mode, nonlinearity)
    return uniform_(param, -bound, bound, generator)


def kaiming_normal_(param: Parameter, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Parameter:
    """w ~ N(0, std²), std = gain / √fan. Mirrors torch.nn.init.kaiming_normal_."""
    if param.data.size == 0:  # as torch: a zero-element tensor (fan 0) is left as it is
        return param
    return normal_(param, 0.0, _kaiming_std(param.shape, a, mode, nonlinearity), generator)
