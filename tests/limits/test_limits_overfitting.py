"""Polynomial least squares against NumPy's polyfit, and the overfitting experiment's directions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profond.experiments.registry import run_experiment
from profond.limits.polyfit import polyfit, polyval, rms_error, sine_data


@settings(max_examples=20, deadline=None)
@given(degree=st.integers(0, 5), seed=st.integers(0, 100))
def test_polyfit_matches_numpy(degree, seed):
    x, t = sine_data(12, seed=seed)
    reference = np.polynomial.polynomial.polyfit(x, t, degree)
    np.testing.assert_allclose(polyfit(x, t, degree), reference, rtol=1e-6, atol=1e-8)


def test_degree_9_interpolates_ten_points():
    x, t = sine_data(10, seed=3)
    w = polyfit(x, t, 9)
    assert rms_error(w, x, t) < 1e-6
    np.testing.assert_allclose(polyval(w, x), t, atol=1e-6)


def test_polyfit_rejects_a_negative_degree():
    with pytest.raises(ValueError, match="degree: expected"):
        polyfit(np.zeros(3), np.zeros(3), -1)


def test_overfitting_quick_directions(tmp_path):
    result = run_experiment("overfitting", quick=True, seed=0, out_dir=tmp_path)
    rows = {r["setting"]: r for r in result.rows}
    # degree 1 underfits, degree 9 fits the training points and fails on new ones
    assert rows["degree 1"]["train"] > rows["degree 3"]["train"] > rows["degree 9"]["train"]
    assert rows["degree 9"]["test / val"] > rows["degree 3"]["test / val"]
    widths = [r for r in result.rows if r["part"] == "width"]
    assert widths[-1]["train"] > widths[0]["train"]
    regularised = [r["gap"] for r in result.rows if r["part"] == "regulariser"]
    assert min(regularised[1:]) < regularised[0]
    assert len(result.figures) == 2
