"""Every course notebook runs top to bottom on the reduced budget (PROFOND_QUICK=1), in French."""

import json
from pathlib import Path

import pytest

from profond.exercises import INSTALL_CELL

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


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
