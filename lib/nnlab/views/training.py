"""Figures of a training run: the loss per epoch on training and validation data (``nnlab.training.History``)."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from ..checks import number, string
from ..training import History


def plot_losses(hist: History, ax: Axes | None = None, scale: float = 1.0, unit: str = "MSE",
                title: str = "") -> Axes:
    """Training and validation loss (times ``scale``) per epoch on a log axis; marks the best validation epoch.

    A loss that blew up (inf or NaN, after a divergence) is left out of the curve.
    """
    if not isinstance(hist, History):
        raise TypeError(f"hist must be a History (from nnlab.training.train), got {type(hist).__name__}")
    if not hist.train:
        raise ValueError("hist has no losses to plot (an empty History)")
    scale = number("scale", scale, positive=True)
    string("unit", unit)
    string("title", title)
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")

    def shown(losses: list[float]) -> list[float]:
        return [v * scale if math.isfinite(v) else math.nan for v in losses]

    ax.semilogy(shown(hist.train), color="#0072B2", label="training")
    if hist.val:
        ax.semilogy(shown(hist.val), color="#E69F00", label="validation")
        best = hist.best_epoch
        ax.axvline(best, color="#000000", ls=":", lw=0.8, label=f"best validation (epoch {best})")
    ax.set(xlabel="epoch", ylabel=f"loss ({unit}, log scale)", title=title or "Loss per epoch")
    ax.legend(fontsize=8)
    return ax
