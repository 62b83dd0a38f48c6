"""The twin examples: they differ only in imports and the backward call, and both run."""

import difflib
import os
import re
import subprocess
import sys

import pytest

from helpers import ROOT

EXAMPLES = ROOT / "examples"


def test_twins_differ_only_in_imports_and_the_backward_call():
    scratch = (EXAMPLES / "mlp_scratch.py").read_text().splitlines()
    torch = (EXAMPLES / "mlp_torch.py").read_text().splitlines()
    changed = [line[1:].strip() for line in difflib.unified_diff(scratch, torch, lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed, "the twins are identical"
    allowed = re.compile(r"(from \S+ import .+|import \S+.*|model\.backward\(criterion\.backward"
                         r"\(\)\)|loss\.backward\(\))")
    assert [line for line in changed if not allowed.fullmatch(line)] == []


@pytest.mark.parametrize("name", ["mlp_scratch.py", "mlp_torch.py"])
def test_example_runs_with_a_tiny_budget(name):
    result = subprocess.run([sys.executable, str(EXAMPLES / name), "--epochs", "2", "--seed", "1"],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"epoch +2 +loss \d+\.\d{4} +test acc 0\.\d{4}", last), last
    assert float(last.split()[-1]) > 0.5  # two epochs of Adam already beat chance (0.1) by far
