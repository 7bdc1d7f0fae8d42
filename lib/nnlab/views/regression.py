"""Notebook 01's figures and widget: the MSE surface with the path of gradient descent, and its explorer."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..checks import flag, integer, number, string
from ..experiments.regression import BOUNDS, DescentResult, SurfaceProblem, explore_descent, surface_problem
from ..regression import DescentPath, loss_surface
from .widgets import Panel, int_slider, log_slider

LR_READOUT = ".3g"   # the learning rate's slider readout: 3 significant digits (1.78e-4 reads 0.000178)


def _result(result: object) -> DescentResult:
    if not isinstance(result, DescentResult):
        raise TypeError(f"result must be a DescentResult (from explore_descent), got {type(result).__name__}")
    return result


class DescentPlot:
    """Contours of the MSE surface with the descent path (left) and the loss per step (right).

    The surface is drawn once; ``draw`` moves only the path and the loss curve, so a widget redraw is cheap.
    """

    def __init__(self, problem: SurfaceProblem, title: str = "") -> None:
        if not isinstance(problem, SurfaceProblem):
            raise TypeError(f"problem must be a SurfaceProblem (from surface_problem()), got {type(problem).__name__}")
        string("title", title)
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
        result = _result(result)
        w0, w1, b0, b1 = self.bounds
        p = result.descent.path
        inside = (p[:, 0] > w0) & (p[:, 0] < w1) & (p[:, 1] > b0) & (p[:, 1] < b1)
        self.path.set_data(p[inside, 0], p[inside, 1])
        losses = np.where(np.isfinite(result.descent.losses), result.descent.losses, np.nan)
        self.loss.set_data(np.arange(len(losses)), losses)
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        return self.fig


def plot_surface(problem: SurfaceProblem, descent: DescentPath, ax: Axes | None = None, title: str = "",
                 unit: str = "unit of the feature", equal: bool = False) -> Axes:
    """Contours of one problem's MSE surface around its descent path and θ*, the first steps numbered.

    The window is centred on θ* and holds every step, with a fifth of margin; ``equal=True`` gives both axes
    the same scale (a round bowl then looks round). Contours are spaced geometrically above the minimum, so a
    narrow valley shows as tightly packed lines on either side of its floor. Returns the Axes.
    """
    if not isinstance(problem, SurfaceProblem):
        raise TypeError(f"problem must be a SurfaceProblem (from surface_problem()), got {type(problem).__name__}")
    if not isinstance(descent, DescentPath):
        raise TypeError(f"descent must be a DescentPath (from gradient_descent), got {type(descent).__name__}")
    if descent.path.shape[1:] != (2,):
        raise ValueError(f"descent must be on a two-parameter problem, got a path of shape {descent.path.shape}")
    string("title", title)
    string("unit", unit)
    equal = flag("equal", equal)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 3.8))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    centre, path = problem.theta_star, descent.path[np.isfinite(descent.path).all(axis=1)]
    half = 1.2 * np.abs(path - centre).max(axis=0) + 1e-9                    # (2,) half-widths of the window
    if equal:
        half[:] = half.max()
    w = np.linspace(centre[0] - half[0], centre[0] + half[0], 80)
    b = np.linspace(centre[1] - half[1], centre[1] + half[1], 80)
    surface = loss_surface(problem.xb, problem.y, w, b)                       # (80, 80)
    ax.contour(w, b, surface, levels=problem.loss_star + (surface.max() - problem.loss_star)
               * np.geomspace(1e-3, 1, 12), linewidths=0.8, cmap="viridis")
    ax.plot(path[:, 0], path[:, 1], ".-", color="#D55E00", ms=4, lw=1, label=f"gradient descent, {len(path) - 1} steps")
    for k in range(1, min(4, len(path))):
        ax.annotate(str(k), path[k], textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7,
                    color="#D55E00")
    ax.plot(*centre, "*", color="#000000", ms=11, label="least squares θ*")
    ax.set(xlabel=f"w (k$ per {unit})", ylabel="b (k$)", title=title or "MSE surface and descent path",
           xlim=(w[0], w[-1]), ylim=(b[0], b[-1]))
    if equal:
        ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize=7)
    return ax


def plot_descent(result: DescentResult, title: str = "") -> Figure:
    """Contours of the MSE surface with the descent path (left) and the loss per step (right)."""
    return DescentPlot(_result(result).problem, title).draw(result)


def descent_explorer(lr: float = 0.1, steps: int = 30) -> Panel:
    """The notebook-01 widget: sliders for learning rate (log) and steps over the loss surface.

    A setting the explorer refuses (e.g. a slider moved past its bounds) shows as a ⚠ status line.
    """
    lr, steps = number("lr", lr, *BOUNDS["lr"]), integer("steps", steps, *BOUNDS["steps"])
    problem = surface_problem()
    canvas = DescentPlot(problem)

    def update(lr: float, steps: int):
        result = explore_descent(problem, lr, steps)
        return canvas.draw(result), result.status()

    controls = {"lr": log_slider("learning rate", lr, *BOUNDS["lr"]),
                "steps": int_slider("steps", steps, *BOUNDS["steps"])}
    controls["lr"].readout_format = LR_READOUT
    return Panel(controls, update, title="Gradient descent on the MSE surface")
