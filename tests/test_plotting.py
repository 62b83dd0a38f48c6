"""profond's figures use Agg in scripts, never taking over a backend the user (or Jupyter) chose."""

import subprocess
import sys

CODE = """
import matplotlib
{setup}
from profond.plotting import pyplot
print(pyplot().get_backend().lower())
"""


def _backend(setup: str, env_backend: str | None) -> str:
    import os

    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    if env_backend:
        env["MPLBACKEND"] = env_backend
    out = subprocess.run([sys.executable, "-c", CODE.format(setup=setup)], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_scripts_get_agg():
    assert _backend("", None) == "agg"


def test_a_chosen_backend_is_kept():
    assert _backend("matplotlib.use('svg'); import matplotlib.pyplot", None) == "svg"
    assert _backend("", "pdf") == "pdf"  # what a Jupyter kernel does with its inline backend
