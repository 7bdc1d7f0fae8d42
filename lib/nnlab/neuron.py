"""The sigmoid neuron: sigma, its derivative, one neuron's response and its fit by gradient descent.

Derived in 02_sigmoid_neuron.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from matplotlib.figure import Figure

SATURATION_SLOPE = 0.01  # sigma'(z) below this (|z| > ~4.6): the neuron is saturated, its gradient nearly 0


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """sigma(z) = 1 / (1 + e^-z), elementwise, any shape. Derived in 02_sigmoid_neuron.ipynb."""
    return 1.0 / (1.0 + torch.exp(-z))


def sigmoid_prime(z: torch.Tensor) -> torch.Tensor:
    """sigma'(z) = sigma(z) (1 - sigma(z)), elementwise, any shape. Derived in 02_sigmoid_neuron.ipynb."""
    s = sigmoid(z)
    return s * (1.0 - s)


def neuron(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | float) -> torch.Tensor:
    """One sigmoid neuron y = sigma(sum_j w_j x_j + b): x (N, n), w (n,), b scalar -> (N,)."""
    if x.ndim != 2 or w.ndim != 1 or x.shape[1] != w.shape[0]:
        raise ValueError(f"expected x of shape (N, n) and w of shape (n,), got {tuple(x.shape)} and {tuple(w.shape)}")
    return sigmoid(x @ w + b)


@dataclass(frozen=True)
class Response:
    """One-input neuron over an input range: x (n,), output y (n,), slope dy/dx (n,), and summary numbers."""

    x: torch.Tensor
    y: torch.Tensor
    slope: torch.Tensor
    y_min: float
    y_max: float
    max_slope: float
    saturated: float  # fraction of the range where sigma'(w x + b) < SATURATION_SLOPE
    midpoint: float | None  # the input where w x + b = 0 (output 0.5), None when w = 0
    saturated_mask: torch.Tensor  # (n,) bool: sigma'(w x + b) < SATURATION_SLOPE


def response(w: float, b: float, x_min: float = -5.0, x_max: float = 5.0, n: int = 201) -> Response:
    """The response y = sigma(w x + b) of a one-input neuron on n points of [x_min, x_max]."""
    if not x_min < x_max:
        raise ValueError(f"need x_min < x_max, got x_min={x_min}, x_max={x_max}")
    if n < 2:
        raise ValueError(f"need at least 2 points, got n={n}")
    x = torch.linspace(x_min, x_max, n, dtype=torch.float64)
    z = w * x + b
    y = sigmoid(z)
    d = sigmoid_prime(z)
    slope = w * d
    mask = d < SATURATION_SLOPE
    return Response(x, y, slope, float(y.min()), float(y.max()), float(slope.abs().max()),
                    float(mask.double().mean()), (-b / w + 0.0) if w != 0 else None, mask)


def describe_response(w: float, b: float, r: Response) -> str:
    """One line for the learner; starts with a warning sign when the neuron is saturated on most of the range."""
    mid = "nowhere (w = 0)" if r.midpoint is None else f"x = {r.midpoint:.2f}"
    text = (f"w = {w:.2f}, b = {b:.2f}: output from {r.y_min:.3f} to {r.y_max:.3f}, steepest slope "
            f"{r.max_slope:.3f}, output 0.5 at {mid}; saturated on {100 * r.saturated:.0f}% of the range.")
    if r.saturated > 0.9:
        return "⚠ Saturated: " + text + " There the gradient is almost 0, so gradient descent barely moves w and b."
    return text


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


def plot_response(r: Response, title: str = "") -> Figure:
    """The neuron's output (left axis) and slope dy/dx (right axis) over the input, saturated parts shaded."""
    return ResponsePlot().draw(r, title)


def neuron_explorer(w: float = 1.0, b: float = 0.0, x_range: float = 5.0):
    """The notebook-02 widget: sliders for w, b and the input range (±x_range) -> widgets.Panel."""
    import ipywidgets as W

    from .views.widgets import Panel

    canvas = ResponsePlot()

    def update(w: float, b: float, x_range: float):
        r = response(w, b, -x_range, x_range)
        return canvas.draw(r), describe_response(w, b, r)

    def slider(description: str, value: float, lo: float, hi: float, step: float) -> W.FloatSlider:
        return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                             continuous_update=False, style={"description_width": "initial"})

    controls = {"w": slider("weight w", w, -10.0, 10.0, 0.1), "b": slider("bias b", b, -10.0, 10.0, 0.1),
                "x_range": slider("input range ±", x_range, 0.5, 20.0, 0.5)}
    return Panel(controls, update, title="One sigmoid neuron: y = σ(w x + b)")


@dataclass(frozen=True)
class NeuronFit:
    """Weights (n,), bias, the MSE at each step (steps+1,) and the final predictions (N,)."""

    w: torch.Tensor
    b: float
    losses: torch.Tensor
    y_hat: torch.Tensor


def fit_neuron(x: torch.Tensor, y: torch.Tensor, lr: float = 1.0, steps: int = 500,
               w0: torch.Tensor | None = None, b0: float = 0.0) -> NeuronFit:
    """Full-batch gradient descent on the MSE of y_hat = sigma(x w + b) with hand-derived gradients; x (N, n), y (N,)."""
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"expected x of shape (N, n) and y of shape (N,), got {tuple(x.shape)} and {tuple(y.shape)}")
    if not lr > 0 or steps < 0:
        raise ValueError(f"need lr > 0 and steps >= 0, got lr={lr}, steps={steps}")
    w = torch.zeros(x.shape[1], dtype=x.dtype) if w0 is None else w0.clone().to(x.dtype)
    b = float(b0)
    losses = []
    for _ in range(steps):
        y_hat = neuron(x, w, b)                         # (N,)
        r = y_hat - y                                   # (N,)
        losses.append(float((r ** 2).mean()))
        delta = 2.0 / len(y) * r * y_hat * (1 - y_hat)  # dL/dz, chain rule through sigma' = sigma (1 - sigma)
        w = w - lr * (x.T @ delta)                      # dL/dw = x^T delta, (n,)
        b = b - lr * float(delta.sum())                 # dL/db = sum delta
    y_hat = neuron(x, w, b)
    losses.append(float(((y_hat - y) ** 2).mean()))
    return NeuronFit(w, b, torch.tensor(losses, dtype=torch.float64), y_hat)
