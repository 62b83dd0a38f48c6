"""`profond experiment run` for the two first experiments: the slides' tables, JSON and files."""

import json

import pytest
from typer.testing import CliRunner

from helpers.slides import SLIDE_OR_TABLE
from profond.cli import app

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _run(name, out):
    result = runner.invoke(app, ["experiment", "run", name, "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def _slide_row(row):
    x = tuple(row[f"x{i}"] for i in range(3))
    before = tuple(row[f"w{i}"] for i in range(3))
    after = tuple(row[f"w{i}'"] for i in range(3))
    return (x, before, row["y"], row["t"], after)


def test_perceptron_or_reproduces_the_slide_table(tmp_path):
    summary = _run("perceptron-or", tmp_path)
    assert summary["name"] == "perceptron-or"
    rows = [_slide_row(row) for row in summary["rows"]]
    assert rows[:len(SLIDE_OR_TABLE)] == SLIDE_OR_TABLE
    assert summary["final_weights"] == [0, 1, 1]
    assert summary["n_updates"] == 2 and summary["converged"] is True
    saved = json.loads((tmp_path / "result.json").read_text())
    assert saved["rows"] == summary["rows"] and saved["claims"]["final_weights"] == [0, 1, 1]
    assert (tmp_path / "perceptron_or.png").read_bytes()[:8] == PNG_MAGIC


def test_nearest_mean_example_reproduces_deck_001(tmp_path):
    summary = _run("nearest-mean-example", tmp_path)
    assert summary["name"] == "nearest-mean-example"
    table = {row["class"]: (row["mean_x1"], row["mean_x2"], row["distance"])
             for row in summary["rows"]}
    # Deck 001: MOY_rouge = {6, 9}, MOY_bleu = {3, 7}, MOY_vert = {3, 1}; x = {5, 2}.
    assert table == {"rouge": (6, 9, pytest.approx(50 ** 0.5)),
                     "bleu": (3, 7, pytest.approx(29 ** 0.5)),
                     "vert": (3, 1, pytest.approx(5 ** 0.5))}
    assert summary["predicted_class"] == "vert"
    assert (tmp_path / "result.json").exists()
    assert (tmp_path / "nearest_mean_example.png").read_bytes()[:8] == PNG_MAGIC


def test_unknown_experiment_is_a_clean_error(tmp_path):
    result = runner.invoke(app, ["experiment", "run", "perceptron-xor", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "experiment: expected one of" in result.output and "'perceptron-xor'" in result.output
    assert "(did you mean 'perceptron-or'?)" in result.output
