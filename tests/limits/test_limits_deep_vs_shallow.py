"""Ba & Caruana on digits: parameter and hidden-unit counts by hand, errors far from chance."""

from profond.experiments.registry import run_experiment


def test_deep_vs_shallow_quick_table(tmp_path):
    result = run_experiment("deep-vs-shallow", quick=True, seed=0, out_dir=tmp_path)
    teacher, shallow, mimic, distilled = result.rows
    assert "T = 4" in distilled["model"] and result.claims["distilled_err"] < 0.2
    # one hidden layer of 256 on 64 pixels, 10 outputs
    assert shallow["# Param."] == mimic["# Param."] == distilled["# Param."] == (
        64 * 256 + 256 + 256 * 10 + 10)
    assert shallow["# Hidden units"] == 256
    # LeNet-5 on 8x8 digits: conv1 6x8x8, conv2 16x4x4 (padded), fc 120 and 84
    assert teacher["# Hidden units"] == 6 * 8 * 8 + 16 * 4 * 4 + 120 + 84
    assert all(r["Err. %"] < 20 for r in result.rows)  # chance is 90 %
    assert list(teacher) == ["model", "Architecture", "# Param.", "# Hidden units", "Err. %"]
