"""Exercises of 01_linear_regression.ipynb: the MSE, its gradient, and the normal equations."""
from __future__ import annotations

import numpy as np

from ..regression import least_squares
from ..regression import mse as mse_of_theta
from .core import Exercise, Incorrect, call, close

_rng = np.random.default_rng(1)
_X = np.hstack([_rng.normal(size=(20, 3)), np.ones((20, 1))])  # (N, p) with a bias column
_y = _X @ np.array([1.5, -2.0, 0.5, 3.0]) + 0.1 * _rng.normal(size=20)
_theta = np.array([0.3, 0.1, -0.2, 1.0])


def _check_mse(fn):
    y_hat = _X @ _theta
    got = call(fn, _y, y_hat)
    if np.ndim(got) != 0:
        raise Incorrect(f"mse(y, y_hat) should return one number, not an array of shape {np.shape(got)}.")
    close(got, mse_of_theta(_X, _y, _theta), "mse(y, y_hat)", rtol=1e-8)


mse = Exercise(
    "Exercise 1 · the MSE loss",
    _check_mse,
    hints=["The loss averages something over the N examples.",
           "Square the residuals y - y_hat, then take their mean (not their sum)."],
    solution_text="def mse(y, y_hat):\n    return np.mean((y - y_hat) ** 2)",
    reference=lambda y, y_hat: np.mean((y - y_hat) ** 2),
    wrong=[lambda y, y_hat: np.sum((y - y_hat) ** 2), lambda y, y_hat: np.mean(np.abs(y - y_hat)),
           lambda y, y_hat: (y - y_hat) ** 2],
)


def _check_gradient(fn):
    got = call(fn, _X, _y, _theta)
    expected = -2.0 / len(_y) * _X.T @ (_y - _X @ _theta)
    if np.allclose(np.asarray(got, dtype=float), -expected, rtol=1e-8) if np.shape(got) == expected.shape else False:
        raise Incorrect("the sign is flipped: this points uphill.")
    close(got, expected, "grad(X, y, theta)", rtol=1e-8)


gradient = Exercise(
    "Exercise 2 · the gradient of the MSE",
    _check_gradient,
    hints=["Differentiate (1/N) Σ (y_i - x_i·θ)² with respect to θ; "
           "the chain rule brings down a factor 2 and a minus sign.",
           "In matrix form the result has the shape of θ: a product of X transposed with the residual vector y - Xθ."],
    solution_text="def grad(X, y, theta):\n    return -2.0 / len(y) * X.T @ (y - X @ theta)",
    reference=lambda X, y, t: -2.0 / len(y) * X.T @ (y - X @ t),
    wrong=[lambda X, y, t: 2.0 / len(y) * X.T @ (y - X @ t), lambda X, y, t: -2.0 * X.T @ (y - X @ t),
           lambda X, y, t: -2.0 / len(y) * (y - X @ t)],
)


def _check_normal(fn):
    got = call(fn, _X, _y)
    close(got, least_squares(_X, _y), "normal_equations(X, y)", rtol=1e-6)


normal_equations = Exercise(
    "Exercise 3 · solve the normal equations",
    _check_normal,
    hints=["At the minimum the gradient from Exercise 2 is zero. Set it to zero and rearrange.",
           "You get (XᵀX) θ = Xᵀy: a linear system. np.linalg.solve(A, b) solves A θ = b."],
    solution_text="def normal_equations(X, y):\n    return np.linalg.solve(X.T @ X, X.T @ y)",
    reference=lambda X, y: np.linalg.solve(X.T @ X, X.T @ y),
    wrong=[lambda X, y: X.T @ y, lambda X, y: np.linalg.solve(X.T @ X, y[: X.shape[1]])],
)
