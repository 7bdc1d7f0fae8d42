"""The lecture's back-propagation diagram (04_backpropagation.ipynb, section 1)."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

FORWARD, BACKWARD, PARAMETER = "#0072B2", "#D55E00", "#009E73"   # colour-blind-safe blue, orange, green


def draw_chain(ax: Axes | None = None) -> Axes:
    """Three layers: z^L flows forward along the top, delta^L backward along the bottom, each dl/dtheta_L
    is read off (dashed) from the delta^{L+1} that has just arrived at the layer's output. Returns the Axes."""
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.2))

    def arrow(start, end, color, **style):
        ax.annotate("", end, start, arrowprops=dict(arrowstyle="-|>", color=color, shrinkA=13, shrinkB=13, **style))

    for L, x in zip([1, 2, 3, 4], [0, 2, 4, 6]):                # z^L sits at x, layer theta_L at x + 1
        ax.text(x, 1, f"$z^{L}$", ha="center", va="center", size=14,
                bbox=dict(boxstyle="circle", fc="white", ec=FORWARD))
        ax.text(x, 0, rf"$\delta^{L}$", ha="center", va="center", size=14, color=BACKWARD)
        if L < 4:
            ax.text(x + 1, 1, rf"$\theta_{L}$", ha="center", va="center", size=13, bbox=dict(fc="#eeeeee", ec="black"))
            arrow((x, 1), (x + 1, 1), FORWARD)
            arrow((x + 1, 1), (x + 2, 1), FORWARD)
            arrow((x + 2, 0), (x, 0), BACKWARD)
            ax.text(x + 1, -0.28, rf"$\times\,\partial z^{{{L + 1}}}/\partial z^{{{L}}}$", ha="center", size=10,
                    color=BACKWARD)
            arrow((x + 2, 0), (x + 1, 1), PARAMETER, ls="--")
            ax.text(x + 1.62, 0.5, rf"$\partial\ell/\partial\theta_{L}$", size=10, color=PARAMETER)
    ax.text(7.6, 1, r"$\ell$", ha="center", va="center", size=15, bbox=dict(boxstyle="circle", fc="white", ec="black"))
    arrow((6, 1), (7.6, 1), FORWARD)
    arrow((7.6, 1), (6, 0), BACKWARD)
    ax.text(7.0, 0.3, r"$\partial\ell/\partial\hat{y}$", size=10, color=BACKWARD)
    ax.text(0, 1.42, "$x$", ha="center", size=12)
    ax.text(6, 1.42, r"$\hat{y}$", ha="center", size=12)
    ax.text(3.8, -0.75, r"dashed: $\partial\ell/\partial\theta_L = \delta^{L+1}\,\partial z^{L+1}/\partial\theta_L$",
            ha="center", size=11, color=PARAMETER)
    ax.set(xlim=(-0.6, 8.2), ylim=(-0.9, 1.65),
           title="Back-propagation: z flows forward (top), δ flows backward (bottom)")
    ax.axis("off")
    return ax
