"""CodeCarbon through the Trainer: energy measured, CO2e at France's grid intensity; the energy
experiment's table."""

import pytest

from profond.experiments.registry import run_experiment

pytest.importorskip("codecarbon")


def test_energy_quick_rows_and_french_grid_intensity(tmp_path):
    result = run_experiment("energy", quick=True, seed=0, out_dir=tmp_path)
    assert [r["model"] for r in result.rows] == ["logistic", "mlp", "lenet5"]
    assert result.rows[0]["# Param."] == 64 * 10 + 10
    for row in result.rows:
        assert row["energy (kWh)"] > 0
        # France's grid is ~20-90 g CO2e per kWh (nuclear and hydro), far below coal's ~800
        assert 10 < row["CO2e (g)"] / row["energy (kWh)"] < 150  # g per kWh
    assert result.claims["gpt3_training_kwh"] == 1_287_000
    assert (tmp_path / "energy.png").exists()
