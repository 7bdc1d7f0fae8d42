"""Notebook 01's explorer: gradient descent on the two-parameter loss surface, and the line it reports.

``explore_descent(problem, lr, steps)`` runs the descent and returns a ``DescentResult``; its ``status()`` is
the widget's status line. The figure and the widget are in ``nnlab.views.regression``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import choice, flag, integer, number
from ..data import NUMERIC_COLUMNS, load_houses
from ..regression import DescentPath, Standardizer, add_bias, gradient_descent, least_squares, max_stable_lr, mse
from ..report import approx

BOUNDS = {"lr": (1e-3, 10.0), "steps": (0, 200)}  # the settings the explorer (and its sliders) accept


@dataclass(frozen=True)
class SurfaceProblem:
    """Price (k$) from living area, standardised (the widget's problem) or raw in ft²: two parameters (w, b)."""

    xb: np.ndarray          # (N, 2): living area (scaled, or raw ft²) and a column of ones
    y: np.ndarray           # (N,) price in k$
    theta_star: np.ndarray  # (2,) least-squares (w, b)
    loss_star: float        # the minimum MSE, (k$)²
    lr_max: float           # 2 / lambda_max: the largest stable learning rate


def surface_problem(feature: str = "livingArea", scaled: bool = True) -> SurfaceProblem:
    """Build the explorer's problem from the training split of the houses data (scaled=False: the raw feature)."""
    choice("feature", feature, NUMERIC_COLUMNS[1:])     # any numeric column but the price itself
    scaled = flag("scaled", scaled)
    houses = load_houses(features=(feature,))
    x = Standardizer.fit(houses.x_train).transform(houses.x_train) if scaled else houses.x_train
    xb = add_bias(x)
    theta = least_squares(xb, houses.y_train)
    return SurfaceProblem(xb, houses.y_train, theta, mse(xb, houses.y_train, theta), max_stable_lr(xb))


@dataclass(frozen=True)
class DescentResult:
    """One run of the explorer: its settings, the problem and the descent from theta = (0, 0)."""

    problem: SurfaceProblem
    lr: float
    steps: int
    descent: DescentPath

    @property
    def gap(self) -> float:
        """Final loss minus the least-squares minimum, (k$)²."""
        return float(self.descent.losses[-1]) - self.problem.loss_star

    @property
    def converged(self) -> bool:
        """Within 0.1% of the minimum loss (and not diverged)."""
        return not self.descent.diverged and self.gap < 1e-3 * self.problem.loss_star

    def status(self) -> str:
        """The one line the learner reads; starts with ⚠ when the descent diverged.

        Numbers that come out of the descent (the final loss, its gap to the minimum, the step where it
        diverged) are marked with ``approx``; the least-squares minimum is closed form and prints plainly.
        """
        d, p = self.descent, self.problem
        if d.diverged:
            return (f"⚠ Diverged: lr = {self.lr:.3g} is above 2/λmax = {p.lr_max:.3g}; the loss reached "
                    f"{approx(d.losses[-1], '.2e')} (k$)² at step {approx(d.diverged_at, '.0f')}. "
                    "Lower the learning rate.")
        verdict = "converged" if self.converged else "not converged yet"
        return (f"lr = {self.lr:.3g}, {self.steps} steps: MSE {approx(d.losses[-1], ',.1f')} (k$)², "
                f"{approx(self.gap, ',.1f')} above the least-squares minimum {p.loss_star:,.1f} ({verdict}).")


def explore_descent(problem: SurfaceProblem, lr: float, steps: int) -> DescentResult:
    """Gradient descent on ``problem`` from theta = (0, 0) with learning rate lr for ``steps`` steps."""
    if not isinstance(problem, SurfaceProblem):
        raise TypeError(f"problem must be a SurfaceProblem (from surface_problem()), got {type(problem).__name__}")
    lr = number("lr", lr, *BOUNDS["lr"])
    steps = integer("steps", steps, *BOUNDS["steps"])
    return DescentResult(problem, lr, steps, gradient_descent(problem.xb, problem.y, lr, steps))
