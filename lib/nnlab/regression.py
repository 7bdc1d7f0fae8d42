"""Linear regression by least squares and by gradient descent (derived in 01_linear_regression.ipynb).

The course's one standardiser, ``Standardizer``, lives here too: every notebook scales its data with it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import finite, float_array, integer, number, real_array
from .training import diverged


def _matrix(name: str, x: object) -> np.ndarray:
    """A non-empty (N, d) float64 array of finite numbers."""
    return float_array(name, x, 2, "(N, d)")


@dataclass(frozen=True)
class Standardizer:
    """Per-column affine scaling to zero mean and unit standard deviation (fitted on training data).

    The standard deviation is the population one (ddof=0); a constant column keeps std 1 (no division by 0).
    """

    mean: np.ndarray
    std: np.ndarray

    def __post_init__(self) -> None:
        mean, std = real_array("mean", self.mean), real_array("std", self.std)
        if mean.shape != std.shape:
            raise ValueError(f"mean and std must have the same shape, got {mean.shape} and {std.shape}")
        finite("mean", mean)
        finite("std", std)
        if not (std > 0).all():
            raise ValueError(f"std must be > 0 in every column, got {std}")

    @classmethod
    def fit(cls, x: np.ndarray) -> Standardizer:
        """Fit to x of shape (N, d) or (N,): finite real numbers, N >= 1."""
        x = float_array("x", x)
        if x.ndim not in (1, 2):
            raise ValueError(f"x must have shape (N, d) or (N,), got shape {x.shape}")
        std = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(std > 0, std, 1.0))

    def _columns(self, name: str, x: object) -> np.ndarray:
        """x as float64, finite, with the fitted number of columns (any shape for a one-column fit)."""
        x = real_array(name, x)
        d = np.shape(self.mean)
        if d and (x.ndim == 0 or x.shape[-1:] != d):
            got = "a single number" if x.ndim == 0 else f"{x.shape[-1]} column{'s' * (x.shape[-1] != 1)}"
            raise ValueError(f"{name} has {got} (shape {x.shape}), but the Standardizer was fitted on {d[0]}")
        return finite(name, x).astype(np.float64, copy=False)

    def transform(self, x: np.ndarray) -> np.ndarray:
        """(x - mean) / std, same shape as x."""
        return (self._columns("x", x) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        """z * std + mean, same shape as z."""
        return self._columns("z", z) * self.std + self.mean


def add_bias(x: np.ndarray) -> np.ndarray:
    """Append a column of ones: (N, d) -> (N, d + 1), so theta[-1] is the bias."""
    x = _matrix("x", x)
    return np.hstack([x, np.ones((x.shape[0], 1))])


def _check(xb: object, y: object, theta: object = None, theta_name: str = "theta"
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """xb (N, p), y (N,) and theta (p,) as float64 arrays of finite numbers, N >= 1; else a clear error."""
    xb, y = float_array("xb", xb, 2, "(N, p)"), real_array("y", y)
    if y.shape != (xb.shape[0],):
        raise ValueError(f"expected xb of shape (N, p) and y of shape (N,), got {xb.shape} and {y.shape}")
    y = finite("y", y).astype(np.float64, copy=False)
    if theta is not None:
        theta = real_array(theta_name, theta)
        if theta.shape != (xb.shape[1],):
            raise ValueError(f"expected {theta_name} of shape ({xb.shape[1]},), got {theta.shape}")
        theta = finite(theta_name, theta).astype(np.float64, copy=False)
    return xb, y, theta


def mse(xb: np.ndarray, y: np.ndarray, theta: np.ndarray) -> float:
    """Mean squared error (1/N) sum (y - X theta)^2 for X (N, p), y (N,), theta (p,)."""
    xb, y, theta = _check(xb, y, theta)
    r = y - xb @ theta
    return float(r @ r / len(y))


def least_squares(xb: np.ndarray, y: np.ndarray) -> np.ndarray:
    """theta* = argmin MSE in closed form (via lstsq, i.e. the normal equations solved stably): (p,)."""
    xb, y, _ = _check(xb, y)
    return np.linalg.lstsq(xb, y, rcond=None)[0]


def mse_hessian(xb: np.ndarray) -> np.ndarray:
    """The MSE's Hessian H = (2/N) X^T X, (p, p): the same at every theta, since the loss is quadratic."""
    xb = float_array("xb", xb, 2, "(N, p)")
    return 2.0 / len(xb) * xb.T @ xb


def max_stable_lr(xb: np.ndarray) -> float:
    """2 / lambda_max of the MSE Hessian (2/N) X^T X: gradient descent diverges above this step size."""
    lam = float(np.linalg.eigvalsh(mse_hessian(xb)).max())
    if not lam > 0:
        raise ValueError("xb is all zeros: the MSE is flat, so no learning rate is too large")
    return float(2.0 / lam)


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
    xb, y, theta0 = _check(xb, y, theta0, "theta0")
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
    xb, y, _ = _check(xb, y)
    if xb.shape[1] != 2:
        raise ValueError(f"expected xb of shape (N, 2) for a one-feature model, got {xb.shape}")
    w, b = float_array("w", w, 1, "(n_w,)"), float_array("b", b, 1, "(n_b,)")
    pred = xb[:, 0][None, None, :] * w[None, :, None] + b[:, None, None]  # (len(b), len(w), N)
    return ((y[None, None, :] - pred) ** 2).mean(axis=2)
