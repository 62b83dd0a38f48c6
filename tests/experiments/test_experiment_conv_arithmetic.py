"""`profond experiment run conv-arithmetic`: the formula's table against torch's output sizes."""

import json

import torch
from typer.testing import CliRunner

from profond.cli import app


def _run(tmp_path) -> dict:
    result = CliRunner().invoke(app, ["experiment", "run", "conv-arithmetic", "--json",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def _torch_width(row) -> int:
    layer = (torch.nn.Conv2d(1, 1, row["kernel"], row["stride"], row["padding"])
             if row["layer"] == "conv" else
             torch.nn.MaxPool2d(row["kernel"], row["stride"], row["padding"]))
    return layer(torch.zeros(1, 1, row["dim_in"], row["dim_in"])).shape[-1]


def test_table_matches_torch_and_flags_bad_combinations(tmp_path):
    out = _run(tmp_path)
    assert out["name"] == "conv-arithmetic" and out["formula_matches_forward"] is True
    rows = {(r["layer"], r["dim_in"], r["kernel"], r["padding"], r["stride"]): r
            for r in out["rows"]}
    for row in rows.values():
        if row["flag"].startswith("invalid"):
            assert row["forward"] is None and row["dim_out"] < 1
        else:
            assert row["dim_out"] == row["forward"] == _torch_width(row)
    assert rows[("conv", 7, 3, 0, 1)]["forward"] == 5
    assert rows[("conv", 7, 3, 1, 1)]["forward"] == 7  # padding 1 keeps the size
    assert rows[("conv", 227, 11, 0, 4)]["flag"] == "ok"
    assert rows[("conv", 224, 11, 0, 4)]["flag"] == "non-integer (floored)"
    assert rows[("conv", 7, 3, 0, 3)]["flag"] == "non-integer (floored)"
    assert rows[("conv", 7, 3, 0, 3)]["dim_out"] == 2
    assert rows[("conv", 5, 7, 0, 1)]["flag"].startswith("invalid: empty output")
    assert rows[("conv", 5, 7, 1, 1)]["forward"] == 1  # padding makes room for one move
    assert (tmp_path / "out" / "result.json").is_file()
    figure = tmp_path / "out" / "conv_arithmetic.png"
    assert out["figures"] == [str(figure)]
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
