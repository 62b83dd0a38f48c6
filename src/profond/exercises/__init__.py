"""Exercises for the course notebooks, with hidden-solution checks.

A notebook cell asks the student for an answer (a number, an array or a function) and calls
``check("part.name", answer)``. The reference solution lives here, out of the notebook's sight:

- an answer left as ``...`` (or ``None``) prints that the exercise is still to do and returns False,
  so a notebook runs top to bottom before the student starts;
- a wrong answer raises ``AssertionError`` with a hint in French (the course's language);
- a right answer prints a check mark and returns True.

Exercises are registered by part: ``check("perceptron.or_weights", w)`` imports
``profond.exercises.perceptron``, whose ``@exercise`` functions register themselves.
``PROFOND_QUICK=1`` (set by CI) asks notebooks for reduced budgets through :func:`budget`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["INSTALL_CELL", "Exercise", "budget", "call_answer", "check", "exercise", "exercises",
           "quick"]

#: The first code cell of every notebook: installs profond where it is missing (Colab).
INSTALL_CELL = """\
# Installation : rien à faire si profond est déjà installé ; sinon (Colab), on l'installe.
# Dans Colab, donnez d'abord l'adresse du dépôt fournie par votre enseignant, par exemple :
#   os.environ["PROFOND_SOURCE"] = "git+https://…"
# Sans PROFOND_SOURCE, on installe depuis le dossier parent de ce notebook (le dépôt cloné).
import importlib.util
import os
import pathlib

if importlib.util.find_spec("profond") is None:
    source = os.environ.get("PROFOND_SOURCE")
    if not source:
        depot = pathlib.Path("..").resolve()
        if not (depot / "pyproject.toml").exists():
            raise RuntimeError("profond n'est pas installé et PROFOND_SOURCE est vide : mettez-y "
                               "l'adresse du dépôt (voir le commentaire ci-dessus), puis relancez.")
        source = depot.as_uri()
    %pip install -q "profond[all] @ {source}"
"""


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``verify(answer)`` raises AssertionError (French hint) unless it is right.

    ``solution()`` returns a right answer and ``wrong()`` a plausible wrong one; the test suite uses
    both, so every check is known to accept the solution and to reject a mistake.
    """

    name: str
    prompt: str
    verify: Callable[[Any], None]
    solution: Callable[[], Any]
    wrong: Callable[[], Any]
    function: str | None = None


_REGISTRY: dict[str, Exercise] = {}


def exercise(name: str, prompt: str, *, solution: Callable[[], Any], wrong: Callable[[], Any],
             function: str | None = None):
    """Register ``verify`` as the check of exercise ``name`` ("part.short_name").

    ``function`` (e.g. ``"pooling(H)"``): the answer must be a function, and the check says so
    before calling ``verify``.
    """
    if name.count(".") != 1:
        raise ValueError(f"name: expected 'part.short_name', got {name!r}")

    def register(verify: Callable[[Any], None]) -> Callable[[Any], None]:
        if name in _REGISTRY:
            raise ValueError(f"name: exercise {name!r} is already registered")

        def checked(answer: Any) -> None:
            if function is not None and not callable(answer):
                raise AssertionError(
                    f"Attendu une fonction {function}, reçu {type(answer).__name__}.")
            verify(answer)

        _REGISTRY[name] = Exercise(name, prompt, checked, solution, wrong, function)
        return verify

    return register


def call_answer(answer: Callable, *args, what: str,
                hint: str = "Vérifiez les formes des tableaux.") -> np.ndarray:
    """``answer(*args)`` (array arguments copied) as a float64 array; a crash or a missing
    ``return`` becomes a French hint rather than a traceback."""
    try:
        out = answer(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
    except Exception as exc:  # the student's code: any error is a hint
        raise AssertionError(f"Votre fonction {what} a levé {type(exc).__name__} : {exc}. "
                             f"{hint}") from exc
    assert out is not None and out is not ..., (
        f"Votre fonction {what} ne renvoie rien : terminez-la par « return ... » avec le résultat.")
    return np.asarray(out, dtype=np.float64)


def _load(name: str) -> Exercise:
    if not isinstance(name, str) or name.count(".") != 1:
        raise ValueError(f"name: expected 'part.short_name', got {name!r}")
    part = name.split(".")[0]
    try:
        importlib.import_module(f"{__name__}.{part}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{part}":
            raise
        raise KeyError(f"name: no exercise part {part!r} (asked for {name!r})") from None
    if name not in _REGISTRY:
        known = ", ".join(sorted(k for k in _REGISTRY if k.startswith(part + ".")))
        raise KeyError(f"name: no exercise {name!r}; part {part!r} has: {known}")
    return _REGISTRY[name]


def exercises(part: str | None = None) -> list[Exercise]:
    """Every registered exercise (of one part, or of all parts), sorted by name."""
    import pkgutil

    parts = [part] if part else [m.name for m in pkgutil.iter_modules(__path__)]
    for p in parts:
        importlib.import_module(f"{__name__}.{p}")
    return sorted(
        (e for e in _REGISTRY.values() if part is None or e.name.startswith(part + ".")),
        key=lambda e: e.name,
    )


def check(name: str, answer: Any) -> bool:
    """Check a student's answer to exercise ``name``; see the module docstring."""
    ex = _load(name)
    if answer is ... or answer is None:
        print(f"⏳ Exercice « {name} » : à compléter. {ex.prompt}")
        return False
    ex.verify(answer)
    print(f"✔ Exercice « {name} » : correct, bravo !")
    return True


def quick() -> bool:
    """True when ``PROFOND_QUICK=1``: notebooks then run on the reduced budgets CI uses."""
    return os.environ.get("PROFOND_QUICK", "") == "1"


def budget(full, reduced):
    """``reduced`` under ``PROFOND_QUICK=1``, else ``full`` (epochs, steps, sample sizes...)."""
    return reduced if quick() else full
