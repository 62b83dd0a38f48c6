"""`profond --help` stays light (no torch, matplotlib or sklearn) and lists the experiments."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from profond.cli import app

HEAVY = ("torch", "matplotlib", "sklearn")

# Builds the help exactly as the console script does, then reports which heavy modules loaded.
HELP_PROBE = f"""
import json, sys
from profond.cli import app
sys.argv = ["profond", "--help"]
try:
    app()
except SystemExit as stop:
    code = stop.code
print(json.dumps({{"code": code, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


def test_help_imports_no_heavy_library():
    done = subprocess.run([sys.executable, "-c", HELP_PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}
    assert "experiment" in done.stdout


def test_python_m_profond_help_succeeds():
    done = subprocess.run([sys.executable, "-m", "profond", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


def test_experiment_list_names_both_first_experiments():
    result = CliRunner().invoke(app, ["experiment", "list"])
    assert result.exit_code == 0, result.output
    assert "perceptron-or" in result.output and "nearest-mean-example" in result.output


def test_version_is_the_installed_distributions():
    from importlib.metadata import version

    done = subprocess.run([sys.executable, "-m", "profond", "--version"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"profond {version('profond')}\n"
