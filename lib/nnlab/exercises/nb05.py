"""Exercises of 05_narx_models.ipynb: regressors, the simulation score, and a free run of an ARX model."""
from __future__ import annotations

import numpy as np

from .. import narx
from ..metrics import rmse
from .core import Exercise, Incorrect, call, close

_RNG = np.random.default_rng(5)
_U, _Y = _RNG.normal(size=30), _RNG.normal(size=30)
_THETA = np.array([1.2, -0.5, 0.3, 0.2, -0.05])  # a stable ARX(2, 1) model: a1, a2, b0, b1, bias


def _check_regressors(fn):
    for na, nb in [(2, 1), (1, 3)]:
        z = np.asarray(call(fn, _U.copy(), _Y.copy(), na, nb), dtype=float)
        expected, _ = narx.regressors(_U, _Y, na, nb)
        k0 = max(na, nb)
        look_ahead = np.stack([_Y[k0 - i:len(_Y) - i] for i in range(na)], axis=1)   # y(k), ..., y(k-na+1)
        if z.shape == expected.shape and np.allclose(z[:, :na], look_ahead):
            raise Incorrect("the output columns are shifted by one sample: row k must hold y(k-1), never y(k).")
        close(z, expected, f"Z for na={na}, nb={nb}")


def _ref_regressors(u, y, na, nb):
    k0 = max(na, nb)
    return np.array([[y[k - i] for i in range(1, na + 1)] + [u[k - j] for j in range(nb + 1)]
                     for k in range(k0, len(u))])


regressors = Exercise(
    "Exercise 1 · the regressor matrix",
    _check_regressors,
    hints=["Row number r belongs to time k = max(na, nb) + r; list y(k-1), ..., y(k-na), then u(k), ..., u(k-nb).",
           "A list comprehension over k in range(max(na, nb), len(u)) that builds each row is enough."],
    solution_text="""
def my_regressors(u, y, na, nb):
    k0 = max(na, nb)
    return np.array([[y[k - i] for i in range(1, na + 1)] + [u[k - j] for j in range(nb + 1)]
                     for k in range(k0, len(u))])
""",
    reference=_ref_regressors,
    wrong=[lambda u, y, na, nb: np.array([[y[k - i] for i in range(0, na)] + [u[k - j] for j in range(nb + 1)]
                                          for k in range(max(na, nb), len(u))]),
           lambda u, y, na, nb: np.array([[y[k - i] for i in range(1, na + 1)] + [u[k - j] for j in range(nb)]
                                          for k in range(max(na, nb), len(u))])],
)


def _check_rmse(fn):
    y = np.linspace(0.0, 1.0, 20)
    y_hat = y + np.where(np.arange(20) < 5, 10.0, 0.1)
    got = call(fn, y, y_hat, 5)
    if abs(float(got) - np.sqrt(np.mean((y - y_hat) ** 2))) < 1e-9:
        raise Incorrect("the first n_skip samples must be left out of the score.")
    close(got, rmse(y, y_hat, skip=5), "my_rmse(y, y_hat, 5)")
    close(call(fn, y, y + 0.3, 0), 0.3, "my_rmse(y, y + 0.3, 0)")


simulation_rmse = Exercise(
    "Exercise 2 · the simulation score",
    _check_rmse,
    hints=["Slice both signals from n_skip on before you square the differences.",
           "np.sqrt(np.mean((y[n_skip:] - y_hat[n_skip:]) ** 2))"],
    solution_text="def my_rmse(y, y_hat, n_skip):\n    return np.sqrt(np.mean((y[n_skip:] - y_hat[n_skip:]) ** 2))",
    reference=lambda y, y_hat, n_skip: np.sqrt(np.mean((y[n_skip:] - y_hat[n_skip:]) ** 2)),
    wrong=[lambda y, y_hat, n_skip: np.sqrt(np.mean((y - y_hat) ** 2)),
           lambda y, y_hat, n_skip: np.mean((y[n_skip:] - y_hat[n_skip:]) ** 2)],
)


def _check_free_run(fn):
    u = np.sin(np.arange(60) / 5.0)
    y = narx.simulate(_THETA, u, [0.4, 0.1], 2, 1) + 0.05 * _RNG.normal(size=60)   # a "measured" record
    got = np.asarray(call(fn, _THETA, u, y.copy()), dtype=float)
    one_step = narx.predict_one_step(_THETA, u, y, 2, 1)
    if got.shape == one_step.shape and np.allclose(got, one_step):
        raise Incorrect("that is the one-step prediction: feed back your OWN previous outputs, not the measured ones.")
    close(got, narx.simulate(_THETA, u, y[:2], 2, 1), "the free run y_hat", rtol=1e-9, atol=1e-9)


def _ref_free_run(theta, u, y):
    y_hat = list(y[:2])
    for k in range(2, len(u)):
        y_hat.append(theta[0] * y_hat[k - 1] + theta[1] * y_hat[k - 2] + theta[2] * u[k] + theta[3] * u[k - 1]
                     + theta[4])
    return np.array(y_hat)


free_run = Exercise(
    "Exercise 3 · free-run simulation of ARX(2, 1)",
    _check_free_run,
    hints=["Start from the first two measured outputs; every later output uses the two previous SIMULATED ones.",
           "y_hat = list(y[:2]); then for k from 2: "
           "y_hat.append(a1*y_hat[k-1] + a2*y_hat[k-2] + b0*u[k] + b1*u[k-1] + c)"],
    solution_text="""
def my_free_run(theta, u, y):
    a1, a2, b0, b1, c = theta
    y_hat = list(y[:2])
    for k in range(2, len(u)):
        y_hat.append(a1 * y_hat[k - 1] + a2 * y_hat[k - 2] + b0 * u[k] + b1 * u[k - 1] + c)
    return np.array(y_hat)
""",
    reference=_ref_free_run,
    wrong=[lambda theta, u, y: narx.predict_one_step(theta, u, y, 2, 1),
           lambda theta, u, y: np.concatenate([y[:2], [theta[0] * y[k - 1] + theta[1] * y[k - 2] + theta[2] * u[k]
                                                       + theta[3] * u[k - 1] for k in range(2, len(u))]])],
)
