"""Linear regression by least squares and by gradient descent (derived in 01_linear_regression.ipynb)."""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .data import load_houses
from .report import approx


@dataclass(frozen=True)
class Standardizer:
    """Per-column affine scaling to zero mean and unit standard deviation (fitted on training data)."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> "Standardizer":
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
class DescentResult:
    """Parameters after each step (steps+1, p), the loss at each (steps+1,), and where it diverged (or None)."""

    path: np.ndarray
    losses: np.ndarray
    diverged_at: int | None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def gradient_descent(xb: np.ndarray, y: np.ndarray, lr: float, steps: int,
                     theta0: np.ndarray | None = None) -> DescentResult:
    """Full-batch gradient descent on the MSE; stops early (diverged_at set) once the loss is non-finite or 1e6x its start."""
    _check(xb, y, theta0)
    if not lr > 0 or steps < 0:
        raise ValueError(f"need lr > 0 and steps >= 0, got lr={lr}, steps={steps}")
    theta = np.zeros(xb.shape[1]) if theta0 is None else np.array(theta0, dtype=np.float64)
    n = len(y)
    path, losses = [theta.copy()], [mse(xb, y, theta)]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            grad = -2.0 / n * xb.T @ (y - xb @ theta)  # dL/dtheta, (p,)
            theta = theta - lr * grad
            r = y - xb @ theta
            loss = float(r @ r / n)
            path.append(theta.copy())
            losses.append(loss)
            if not np.isfinite(loss) or loss > 1e6 * max(losses[0], 1e-12):
                diverged_at = step
                break
    return DescentResult(np.array(path), np.array(losses), diverged_at)


def loss_surface(xb: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MSE of the one-feature model y = w x + b over a grid: (len(b), len(w)); xb is (N, 2) = [x, 1]."""
    _check(xb, y)
    if xb.shape[1] != 2:
        raise ValueError(f"expected X of shape (N, 2) for a one-feature model, got {xb.shape}")
    pred = xb[:, 0][None, None, :] * w[None, :, None] + b[:, None, None]  # (len(b), len(w), N)
    return ((y[None, None, :] - pred) ** 2).mean(axis=2)


@dataclass(frozen=True)
class SurfaceProblem:
    """Price (k$) from standardised living area: the two-parameter problem the widget explores."""

    xb: np.ndarray
    y: np.ndarray
    theta_star: np.ndarray
    loss_star: float
    lr_max: float


def surface_problem(feature: str = "livingArea") -> SurfaceProblem:
    """Build the widget's problem from the training split of the houses data."""
    houses = load_houses(features=(feature,))
    xb = add_bias(Standardizer.fit(houses.x_train).transform(houses.x_train))
    theta = least_squares(xb, houses.y_train)
    return SurfaceProblem(xb, houses.y_train, theta, mse(xb, houses.y_train, theta), max_stable_lr(xb))


def explore_descent(problem: SurfaceProblem, lr: float, steps: int) -> tuple[DescentResult, str]:
    """Run gradient descent from theta = (0, 0) and describe the outcome in one line for the learner.

    Numbers that come out of the descent (the final loss, its gap to the minimum, the step where it
    diverged) are marked with ``approx``; the least-squares minimum is closed form and prints plainly.
    """
    result = gradient_descent(problem.xb, problem.y, lr, steps)
    if result.diverged:
        return result, (f"⚠ Diverged: lr = {lr:.3g} is above 2/λmax = {problem.lr_max:.3g}; the loss reached "
                        f"{approx(result.losses[-1], '.2e')} (k$)² at step {approx(result.diverged_at, '.0f')}. "
                        "Lower the learning rate.")
    gap = result.losses[-1] - problem.loss_star
    verdict = "converged" if gap < 1e-3 * problem.loss_star else "not converged yet"
    return result, (f"lr = {lr:.3g}, {steps} steps: MSE {approx(result.losses[-1], ',.1f')} (k$)², "
                    f"{approx(gap, ',.1f')} above the least-squares minimum {problem.loss_star:,.1f} ({verdict}).")


class DescentPlot:
    """Contours of the MSE surface with the descent path (left) and the loss per step (right).

    The surface is drawn once; ``draw`` moves only the path and the loss curve, so a widget redraw is cheap.
    """

    def __init__(self, problem: SurfaceProblem, title: str = "") -> None:
        ws, bs = problem.theta_star
        w = np.linspace(ws - 1.6 * abs(ws) - 20, ws + 1.6 * abs(ws) + 20, 50)
        b = np.linspace(-40, bs + 1.4 * abs(bs), 50)
        surface = loss_surface(problem.xb, problem.y, w, b)
        self.bounds = (w[0], w[-1], b[0], b[-1])
        self.fig, (ax, self.ax_loss) = plt.subplots(1, 2, figsize=(9.5, 3.6))
        cs = ax.contour(w, b, surface, levels=np.geomspace(surface.min() * 1.01, surface.max(), 14),
                        linewidths=0.8)
        ax.clabel(cs, fmt="%.0f", fontsize=6)
        (self.path,) = ax.plot([], [], ".-", color="#D55E00", ms=3, lw=1, label="gradient descent")
        ax.plot(ws, bs, "*", color="#000000", ms=10, label="least squares θ*")
        ax.set(xlabel="w (k$ per std of living area)", ylabel="b (k$)",
               title=title or "MSE surface and descent path")
        ax.legend(loc="lower right", fontsize=7)
        (self.loss,) = self.ax_loss.semilogy([0], [1.0], color="#0072B2")
        self.ax_loss.axhline(problem.loss_star, color="#000000", ls="--", lw=0.8, label="minimum")
        self.ax_loss.set(xlabel="step", ylabel="MSE (k$)²", title="loss per step")
        self.ax_loss.legend(fontsize=7)
        self.fig.tight_layout()

    def draw(self, result: DescentResult) -> Figure:
        """Show this run's path and losses; returns the (same) figure."""
        w0, w1, b0, b1 = self.bounds
        p = result.path
        inside = (p[:, 0] > w0) & (p[:, 0] < w1) & (p[:, 1] > b0) & (p[:, 1] < b1)
        self.path.set_data(p[inside, 0], p[inside, 1])
        losses = np.where(np.isfinite(result.losses), result.losses, np.nan)
        self.loss.set_data(np.arange(len(losses)), losses)
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        return self.fig


def plot_descent(problem: SurfaceProblem, result: DescentResult, title: str = "") -> Figure:
    """Contours of the MSE surface with the descent path (left) and the loss per step (right)."""
    return DescentPlot(problem, title).draw(result)


def descent_explorer(lr: float = 0.1, steps: int = 30):
    """The notebook-01 widget: sliders for learning rate (log) and steps over the loss surface -> widgets.Panel."""
    from .views.widgets import Panel, int_slider, log_slider

    problem = surface_problem()
    canvas = DescentPlot(problem)

    def update(lr: float, steps: int):
        result, status = explore_descent(problem, lr, steps)
        return canvas.draw(result), status

    controls = {"lr": log_slider("learning rate", lr, 1e-3, 10.0), "steps": int_slider("steps", steps, 0, 200)}
    return Panel(controls, update, title="Gradient descent on the MSE surface")
