"""Notebook 02's figures and widget: the diagram of one neuron, its response, and the neuron explorer."""
from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..checks import number, string
from ..experiments.neuron import BOUNDS, explore_neuron
from ..neuron import Response
from .widgets import Panel, float_slider


def plot_neuron_diagram(ax: Axes | None = None) -> Axes:
    """The unit read left to right: inputs x_j, weights w_j, the sum with bias b into z, the sigmoid, the output."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.1))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    link = dict(arrowstyle="-|>", color="#555555", lw=1.2, shrinkA=15, shrinkB=17)
    for yj, j in [(3, "1"), (2, "2"), (0, "n")]:
        ax.annotate("", xy=(3, 1.5), xytext=(0, yj), arrowprops=link)
        ax.text(0, yj, f"$x_{j}$", ha="center", va="center", fontsize=13,
                bbox=dict(boxstyle="circle", fc="white", ec="#0072B2"))
        ax.text(1.35, 1.5 + 0.55 * (yj - 1.5) + 0.2, f"$w_{j}$", color="#D55E00", fontsize=13, ha="center")
    ax.text(0, 1.05, "⋮", ha="center", va="center", fontsize=18)
    ax.annotate("", xy=(3, 1.5), xytext=(3, 3.2), arrowprops=dict(link, shrinkA=2))
    ax.text(3, 3.2, "$b$", color="#D55E00", fontsize=13, ha="center", va="bottom")
    ax.text(3, 1.5, r"$\Sigma$", ha="center", va="center", fontsize=15,
            bbox=dict(boxstyle="circle", fc="white", ec="#0072B2"))
    ax.annotate("", xy=(5.1, 1.5), xytext=(3, 1.5), arrowprops=dict(link, shrinkB=0))
    ax.text(4.05, 1.7, r"$z = \sum_j w_j x_j + b$", ha="center", va="bottom", fontsize=10)
    ax.add_patch(plt.Rectangle((5.1, 1.0), 1.2, 1.0, fc="white", ec="#0072B2"))
    zs = torch.linspace(-6, 6, 50)
    ax.plot(5.2 + zs.add(6).div(12).numpy(), 1.1 + 0.8 * torch.sigmoid(zs).numpy(), color="#0072B2")
    ax.text(5.7, 0.7, r"sigmoid $\sigma$", ha="center", va="center", fontsize=10)
    ax.annotate("", xy=(7.6, 1.5), xytext=(6.3, 1.5), arrowprops=dict(link, shrinkA=0, shrinkB=0))
    ax.text(7.7, 1.5, r"$\hat{y} = \sigma(z)$", va="center", fontsize=13)
    ax.set(xlim=(-0.5, 9.3), ylim=(-0.5, 3.7), title="One neuron: weight the inputs, add them and b, squash with σ")
    ax.axis("off")
    return ax


class ResponsePlot:
    """A reusable figure of the neuron's output and slope; ``draw(r)`` moves the lines instead of rebuilding axes.

    Reusing one figure keeps a widget redraw fast (creating axes costs more than drawing them).
    """

    def __init__(self) -> None:
        self.fig = Figure()  # not managed by pyplot: never shown twice, closed with the widget
        ax = self.fig.add_subplot()
        ax2 = ax.twinx()
        (self.y_line,) = ax.plot([], [], color="#0072B2", label="output σ(wx+b)")
        (self.slope_line,) = ax2.plot([], [], color="#E69F00", ls="--", label="slope dŷ/dx")
        self.mid_line = ax.axvline(0.0, color="#000000", ls=":", lw=0.8, label="ŷ = 0.5")
        self.shade = None
        ax.set(xlabel="input x", ylabel="output ŷ", ylim=(-0.05, 1.05))
        ax2.set_ylabel("slope dŷ/dx (per unit of x)")
        ax2.grid(False)
        lines = [self.y_line, self.slope_line, self.mid_line]
        ax.legend(lines, [line.get_label() for line in lines], loc="upper left", fontsize=8)
        self.ax, self.ax2 = ax, ax2
        self.fig.subplots_adjust(left=0.11, right=0.87, bottom=0.15, top=0.9)

    def draw(self, r: Response, title: str = "") -> Figure:
        """Show response r: output, slope, the 0.5 crossing and the saturated parts (shaded); return the figure."""
        if not isinstance(r, Response):
            raise TypeError(f"r must be a Response (from nnlab.neuron.response), got {type(r).__name__}")
        string("title", title)
        x = r.x.numpy()
        self.y_line.set_data(x, r.y.numpy())
        self.slope_line.set_data(x, r.slope.numpy())
        mid = r.midpoint if r.midpoint is not None and x[0] <= r.midpoint <= x[-1] else float("nan")
        self.mid_line.set_xdata([mid, mid])
        if self.shade is not None:
            self.shade.remove()
        self.shade = self.ax.fill_between(x, -0.05, 1.05, where=r.saturated_mask.numpy(), color="#999999",
                                          alpha=0.2, lw=0)
        self.ax.set_xlim(x[0], x[-1])
        lo, hi = float(r.slope.min()), float(r.slope.max())
        pad = 0.05 * max(hi - lo, 1e-3)
        self.ax2.set_ylim(min(lo, 0.0) - pad, max(hi, 0.0) + pad)
        self.ax.set_title(title or "One neuron's response (grey: saturated, σ' < 0.01)")
        return self.fig


def neuron_explorer(w: float = 1.0, b: float = 0.0, x_range: float = 5.0) -> Panel:
    """The notebook-02 widget: sliders for w, b and the input range (±x_range).

    A setting the explorer refuses (e.g. a slider moved past its bounds) shows as a ⚠ status line.
    """
    w, b = number("w", w, *BOUNDS["w"]), number("b", b, *BOUNDS["b"])
    x_range = number("x_range", x_range, *BOUNDS["x_range"])
    canvas = ResponsePlot()

    def update(w: float, b: float, x_range: float):
        result = explore_neuron(w, b, x_range)
        return canvas.draw(result.response), result.status()

    controls = {"w": float_slider("weight w", w, *BOUNDS["w"], 0.1),
                "b": float_slider("bias b", b, *BOUNDS["b"], 0.1),
                "x_range": float_slider("input range ±", x_range, *BOUNDS["x_range"], 0.5)}
    return Panel(controls, update, title="One sigmoid neuron: y = σ(w x + b)")
