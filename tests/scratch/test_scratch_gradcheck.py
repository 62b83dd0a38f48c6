"""The gradient checker itself, on functions whose derivatives are known in closed form."""

import numpy as np
import pytest

from profond.scratch.gradcheck import numerical_grad, numerical_grad_array, rel_error


def test_numerical_grad_matches_closed_form_and_restores_x():
    x = np.random.default_rng(0).standard_normal((3, 4))
    before = x.copy()
    grad = numerical_grad(lambda a: np.sum(np.sin(a) * a**2), x)
    assert rel_error(grad, np.cos(x) * x**2 + 2 * x * np.sin(x)) < 1e-8
    np.testing.assert_array_equal(x, before)


def test_numerical_grad_works_on_non_contiguous_views():
    base = np.random.default_rng(1).standard_normal((4, 6))
    view = base[:, ::2]
    grad = numerical_grad(lambda a: np.sum(a**3), view)
    # A copy instead of the view would give zeros (rel_error 1); 1e-6 leaves room for rounding.
    assert rel_error(grad, 3 * view**2) < 1e-6


def test_numerical_grad_array_is_the_vector_jacobian_product():
    rng = np.random.default_rng(2)
    x, dout = rng.standard_normal(5), rng.standard_normal(5)
    grad = numerical_grad_array(np.exp, x, dout)
    assert rel_error(grad, np.exp(x) * dout) < 1e-8


def test_rel_error_is_cs231n_elementwise_max():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.1, 2.0])) == pytest.approx(0.1 / 2.1)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.array([1e-9]), np.array([0.0])) == pytest.approx(0.1)


def test_bad_inputs_name_the_argument():
    with pytest.raises(TypeError, match="x: expected a float64 ndarray .*; got float32"):
        numerical_grad(np.sum, np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match=r"b: expected the shape of a \(2,\); got \(3,\)"):
        rel_error(np.zeros(2), np.zeros(3))
