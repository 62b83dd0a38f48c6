"""`profond experiment run mnist1d-table --quick`: the four models, the paper's figures, a PNG."""

import json

from typer.testing import CliRunner

from profond.cli import app


def test_quick_table_lists_four_models_beside_the_paper(tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["experiment", "run", "mnist1d-table", "--quick", "--json",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    rows = {row["model"]: row for row in summary["rows"]}
    assert list(rows) == ["logistic", "mlp", "mnist1d-cnn", "gru", "rnn", "lstm", "transformer"]
    assert [rows[m]["paper (%)"] for m in rows] == [32, 68, 94, 91, None, None, None]
    # parameter counts of the paper's networks (Greydanus 2020, models.py)
    paper_models = list(rows)[:4]
    assert [rows[m]["params"] for m in paper_models] == [410, 40 * 100 + 100 + 100 * 100 + 100
                                                         + 1010, 5210, 5134]
    acc = summary["test_acc"]
    assert all(0 <= a <= 1 for a in acc.values())
    # 200 steps already put every model well above chance (10 %) and the CNN above logistic
    assert min(acc.values()) > 0.2 and acc["mnist1d-cnn"] > acc["logistic"] + 0.2
    assert (out / "mnist1d_table.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    attention = out / "mnist1d_transformer_attention.png"
    assert attention.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "result.json").read_text())["quick"] is True
