"""Deck 001, "Overfitting": least-squares polynomials of degree 1, 3 and 9 on ten noisy points of
sin(2 pi x) (Bishop's example): high bias, a good fit, and zero training loss with high variance.
"""

import numpy as np

from profond.checks import check_int, check_positive


def sine_data(n: int, noise: float = 0.3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """x ~ U(0, 1), t = sin(2 pi x) + N(0, noise^2); x, t (n,) float64."""
    check_int("n", n, minimum=1)
    check_positive("noise", noise, allow_zero=True)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 1.0, n))
    return x, np.sin(2 * np.pi * x) + noise * rng.standard_normal(n)


def polyfit(x: np.ndarray, t: np.ndarray, degree: int) -> np.ndarray:
    """w = argmin ||V w - t||^2 with V[n, j] = x_n^j; returns w (degree + 1,), lowest power first.

    Mirrors numpy.polynomial.polynomial.polyfit (no weights).
    """
    check_int("degree", degree, minimum=0)
    V = np.vander(x, degree + 1, increasing=True)
    # lstsq, not the normal equations: V^T V is ill-conditioned at degree 9
    w, *_ = np.linalg.lstsq(V, t, rcond=None)
    return w


def polyval(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """y(x) = sum_j w_j x^j; x (N,) -> (N,)."""
    return np.vander(x, len(w), increasing=True) @ w


def rms_error(w: np.ndarray, x: np.ndarray, t: np.ndarray) -> float:
    """E_RMS = sqrt(mean((y(x_n) - t_n)^2)), Bishop's error on the slide's curves."""
    return float(np.sqrt(np.mean((polyval(w, x) - t) ** 2)))
