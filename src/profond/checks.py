"""Argument checks whose errors name the argument, what was expected and what was received."""

import difflib
from collections.abc import Iterable
from typing import Any


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """`value` if it is one of `choices`; else a ValueError listing them, with a "did you mean"
    for a misspelled name (difflib's closest match, as git and pip suggest)."""
    choices = list(choices)
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        hint = ""
        if isinstance(value, str):
            close = difflib.get_close_matches(value, [str(c) for c in choices], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{name}: expected one of {options}; got {value!r}{hint}")
    return value


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    ok = value >= 0 if allow_zero else value > 0
    if isinstance(value, bool) or not isinstance(value, int | float) or not ok:
        expected = "a number >= 0" if allow_zero else "a number > 0"
        raise ValueError(f"{name}: expected {expected}; got {value!r}")
    return value


def check_range(name: str, value: float, low: float, high: float) -> float:
    """Inclusive range check: low <= value <= high."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{name}: expected a number in [{low}, {high}]; got {value!r}")
    return value


def check_int(name: str, value: Any, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    in_range = (minimum is None or value >= minimum) if isinstance(value, int) else False
    in_range = in_range and (maximum is None or value <= maximum)
    if isinstance(value, bool) or not isinstance(value, int) or not in_range:
        bounds = f" in [{minimum}, {maximum}]" if maximum is not None else (
            f" >= {minimum}" if minimum is not None else "")
        raise ValueError(f"{name}: expected an integer{bounds}; got {value!r}")
    return value
