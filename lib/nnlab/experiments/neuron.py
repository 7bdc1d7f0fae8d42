"""Notebook 02's explorer: one sigmoid neuron's response over an input range, and the line it reports.

``explore_neuron(w, b, x_range)`` returns a ``NeuronResult``; its ``status()`` is the widget's status line.
The figure and the widget are in ``nnlab.views.neuron``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..checks import number
from ..neuron import Response, response

BOUNDS = {"w": (-10.0, 10.0), "b": (-10.0, 10.0), "x_range": (0.5, 20.0)}  # what the explorer accepts
SATURATED_WARNING = 0.9  # warn when the neuron is saturated on more than this fraction of the range


@dataclass(frozen=True)
class NeuronResult:
    """The settings and the response of y = sigma(w x + b) on [-x_range, x_range]."""

    w: float
    b: float
    x_range: float
    response: Response

    def status(self) -> str:
        """The one line the learner reads; starts with ⚠ when the neuron is saturated on most of the range.

        Every number here is computed in closed form from w and b: none is marked ≈.
        """
        r = self.response
        mid = "nowhere (w = 0)" if r.midpoint is None else f"x = {r.midpoint:.2f}"
        text = (f"w = {self.w:.2f}, b = {self.b:.2f}: output from {r.y_min:.3f} to {r.y_max:.3f}, steepest slope "
                f"{r.max_slope:.3f}, output 0.5 at {mid}; saturated on {100 * r.saturated:.0f}% of the range.")
        if r.saturated > SATURATED_WARNING:
            return ("⚠ Saturated: " + text +
                    " There the gradient is almost 0, so gradient descent barely moves w and b.")
        return text


def explore_neuron(w: float = 1.0, b: float = 0.0, x_range: float = 5.0) -> NeuronResult:
    """The response of one neuron with weight w and bias b on the inputs [-x_range, x_range]."""
    w = number("w", w, *BOUNDS["w"])
    b = number("b", b, *BOUNDS["b"])
    x_range = number("x_range", x_range, *BOUNDS["x_range"])
    return NeuronResult(w, b, x_range, response(w, b, -x_range, x_range))
