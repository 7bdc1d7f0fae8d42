"""Linear regression by least squares and by gradient descent (derived in 01_linear_regression.ipynb).

The course's one standardiser, ``Standardizer``, lives here too: every notebook scales its data with it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import integer, number
from .training import diverged


@dataclass(frozen=True)
class Standardizer:
    """Per-column affine scaling to zero mean and unit standard deviation (fitted on training data).

    The standard deviation is the population one (ddof=0); a constant column keeps std 1 (no division by 0).
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardizer:
        """Fit to x of shape (N, d) or (N,)."""
        x = np.asarray(x, dtype=np.float64)
        std = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(std > 0, std, 1.0))

    def transform(self, x: np.ndarray) -> np.ndarray:
        """(x - mean) / std, same shape as x."""
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        """z * std + mean, same shape as z."""
        return np.asarray(z, dtype=np.float64) * self.std + self.mean


def add_bias(x: np.ndarray) -> np.ndarray:
    """Append a column of ones: (N, d) -> (N, d + 1), so theta[-1] is the bias."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected x of shape (N, d), got shape {x.shape}")
    return np.hstack([x, np.ones((x.shape[0], 1))])


def _check(xb: np.ndarray, y: np.ndarray, theta: np.ndarray | None = None) -> None:
    if xb.ndim != 2 or y.shape != (xb.shape[0],):
        raise ValueError(f"expected X of shape (N, p) and y of shape (N,), got {xb.shape} and {y.shape}")
    if theta is not None and theta.shape != (xb.shape[1],):
        raise ValueError(f"expected theta of shape ({xb.shape[1]},), got {theta.shape}")


def mse(xb: np.ndarray, y: np.ndarray, theta: np.ndarray) -> float:
    """Mean squared error (1/N) sum (y - X theta)^2 for X (N, p), y (N,), theta (p,)."""
    _check(xb, y, theta)
    r = y - xb @ theta
    return float(r @ r / len(y))


def least_squares(xb: np.ndarray, y: np.ndarray) -> np.ndarray:
    """theta* = argmin MSE in closed form (via lstsq, i.e. the normal equations solved stably): (p,)."""
    _check(xb, y)
    return np.linalg.lstsq(xb, y, rcond=None)[0]


def max_stable_lr(xb: np.ndarray) -> float:
    """2 / lambda_max of the MSE Hessian (2/N) X^T X: gradient descent diverges above this step size."""
    return float(2.0 / np.linalg.eigvalsh(2.0 / len(xb) * xb.T @ xb).max())


@dataclass(frozen=True)
class DescentPath:
    """Parameters theta_k (k+1, p) and the loss at each (k+1,) for k = 0, 1, ... steps taken.

    ``diverged_at`` is the number of steps taken when the loss blew up (``nnlab.training.diverged``), else None.
    """

    path: np.ndarray
    losses: np.ndarray
    diverged_at: int | None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def gradient_descent(xb: np.ndarray, y: np.ndarray, lr: float, steps: int,
                     theta0: np.ndarray | None = None) -> DescentPath:
    """Full-batch gradient descent on the MSE, ``steps`` updates theta <- theta - lr * grad from theta0 (default 0).

    Before each update the loss about to be stepped on is checked with ``nnlab.training.diverged`` (non-finite,
    or 1,000 x its start); a blown-up loss stops the descent there, with ``diverged_at`` set.
    """
    _check(xb, y, theta0)
    lr = number("lr", lr, positive=True)
    steps = integer("steps", steps, 0)
    theta = np.zeros(xb.shape[1]) if theta0 is None else np.array(theta0, dtype=np.float64)
    n = len(y)
    path, losses = [], []
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            r = y - xb @ theta                       # residuals at theta_step, (N,)
            loss = float(r @ r / n)
            path.append(theta.copy())
            losses.append(loss)
            if diverged(loss, losses[0]):
                diverged_at = step
                break
            if step == steps:
                break
            grad = -2.0 / n * xb.T @ r               # dL/dtheta, (p,)
            theta = theta - lr * grad
    return DescentPath(np.array(path), np.array(losses), diverged_at)


def loss_surface(xb: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MSE of the one-feature model y = w x + b over a grid: (len(b), len(w)); xb is (N, 2) = [x, 1]."""
    _check(xb, y)
    if xb.shape[1] != 2:
        raise ValueError(f"expected X of shape (N, 2) for a one-feature model, got {xb.shape}")
    pred = xb[:, 0][None, None, :] * w[None, :, None] + b[:, None, None]  # (len(b), len(w), N)
    return ((y[None, None, :] - pred) ** 2).mean(axis=2)
