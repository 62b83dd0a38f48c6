"""The lab's wire format: JSON without NaN or Infinity, in both directions.

A diverged network's numbers travel as null (`finite`, `finite_list`); `dumps` refuses any
non-finite number still left (allow_nan=False), so that a missed case fails on the server,
where it is logged, instead of breaking `JSON.parse` in the page. `loads` reads a client's
message strictly: no NaN or Infinity constants, and nesting too deep for the parser is a
LabError (errors.py) naming the message, not a RecursionError that ends the session.
"""

import json
import math

import numpy as np

from profond.lab.errors import LabError, got


def finite(value):
    """`value` (nested dicts, lists and numbers) with every NaN or ±inf float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def finite_list(array: np.ndarray, decimals: int | None = None) -> list:
    """`array` as nested lists of floats (rounded to `decimals`), None where it is not finite."""
    a = np.asarray(array, dtype=np.float64)
    if decimals is not None:
        a = np.round(a, decimals)
    ok = np.isfinite(a)
    return a.tolist() if ok.all() else np.where(ok, a, None).tolist()


def dumps(message: dict) -> str:
    """One message as JSON text; ValueError if a non-finite number is left in it."""
    return json.dumps(message, allow_nan=False, separators=(",", ":"))


def _no_constant(name: str):
    raise LabError("message", "not_finite", got=name)


def loads(text: str):
    """A client's JSON text; LabError (naming `message`) for anything else."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise LabError("message", "too_deep") from None
    except LabError:
        raise
    except ValueError:
        raise LabError("message", "json_invalid", got=got(text[:40])) from None
