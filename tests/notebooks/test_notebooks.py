"""Every course notebook runs top to bottom on the reduced budget (PROFOND_QUICK=1), in French."""

import json

import pytest

from helpers import ROOT
from profond.exercises import INSTALL_CELL

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_one_notebook_per_part():
    assert len(NOTEBOOKS) >= 10, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_shape(path):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    cells = _code_cells(nb)
    assert "".join(cells[0].source).strip() == INSTALL_CELL.strip(), "first cell installs profond"
    assert all(not c.outputs and c.execution_count is None for c in cells), "commit without outputs"
    assert any("check(" in c.source for c in cells), "each notebook has checked exercises"
    assert nb.metadata.get("language_info", {}).get("name", "python") == "python"
    assert nb.cells[0].cell_type == "markdown"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("PROFOND_QUICK", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel picks inline, as for a student
    monkeypatch.setenv("PROFOND_RUNS", str(tmp_path / "runs"))
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [o for c in _code_cells(nb) for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, json.dumps(errors)[:2000]


def _run_install_cell(monkeypatch, cwd, source=None):
    """Run INSTALL_CELL as IPython would, with profond 'missing' and %pip recorded, not run."""
    ipython = pytest.importorskip("IPython.core.inputtransformer2")
    import importlib.util

    code = ipython.TransformerManager().transform_cell(INSTALL_CELL)
    calls, namespace = [], {}

    class Shell:  # IPython expands {names} of the user namespace in a magic's line
        def run_line_magic(self, name, line):
            calls.append((name, line.format(**namespace)))

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    if source is None:
        monkeypatch.delenv("PROFOND_SOURCE", raising=False)
    else:
        monkeypatch.setenv("PROFOND_SOURCE", source)
    namespace["get_ipython"] = Shell
    exec(code, namespace)
    return calls


def test_install_cell_installs_from_the_clone_or_the_given_source(monkeypatch):
    repo = ROOT
    calls = _run_install_cell(monkeypatch, repo / "notebooks")
    assert calls == [("pip", f'install -q "profond[all] @ {repo.resolve().as_uri()}"')]
    calls = _run_install_cell(monkeypatch, repo / "notebooks", "git+https://example.org/p.git")
    assert calls == [("pip", 'install -q "profond[all] @ git+https://example.org/p.git"')]


def test_install_cell_without_a_source_says_what_to_do(monkeypatch, tmp_path):
    (tmp_path / "nb").mkdir()
    with pytest.raises(RuntimeError, match="PROFOND_SOURCE est vide"):
        _run_install_cell(monkeypatch, tmp_path / "nb")
