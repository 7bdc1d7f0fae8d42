"""Notebook 03's figures and widget: the diagram of a fully connected network, and the network explorer."""
from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from ..checks import choice, integer, number
from ..experiments.ffn import ACTIVATION_CHOICES, BOUNDS, OPTIMIZER_CHOICES, explore_network
from ..ffn import house_tensors, param_count
from .training import plot_losses
from .widgets import Panel, int_slider, log_slider

LR_READOUT = ".3g"   # the learning rate's slider readout: 3 significant digits (1.78e-4 reads 0.000178)


def _highlight(highlight: object, sizes: list[int]) -> list[tuple[int, int]]:
    """(l, i) pairs with 0 <= l < L and 0 <= i < sizes[l + 1]: the weights into unit i of layer l + 1."""
    if isinstance(highlight, (str, bytes)) or not isinstance(highlight, Sequence):
        raise TypeError(f"highlight must be a list of (layer, unit) pairs, got {type(highlight).__name__}")
    pairs = []
    for k, pair in enumerate(highlight):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"highlight[{k}] must be a (layer, unit) pair, got {pair!r}")
        l = integer(f"highlight[{k}] layer", pair[0], 0, len(sizes) - 2)
        i = integer(f"highlight[{k}] unit", pair[1], 0, sizes[l + 1] - 1)
        pairs.append((l, i))
    return pairs

HIGHLIGHT_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7")


def plot_network_diagram(sizes: Sequence[int] = (4, 5, 3, 1),
                         highlight: Sequence[tuple[int, int]] = ((0, 0), (1, 1), (2, 0)),
                         ax: Axes | None = None) -> Axes:
    """One circle per unit and one arrow per weight, sigmoid hidden layers and a linear output.

    ``highlight`` lists (l, i) pairs (0-based): the weights from layer l into unit i of layer l + 1 are drawn
    in colour, e.g. the three equations of notebook 03 for the default 4-5-3-1 network.
    Each arrow is an annotation in ``ax.texts``; there are sum n_l n_{l+1} of them.
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer sizes such as (4, 5, 3, 1), got {sizes!r}")
    param_count(list(sizes))            # the same check as every network: >= 2 positive integer sizes
    sizes = [int(n) for n in sizes]
    highlight = _highlight(highlight, sizes)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.1))
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    last, tallest = len(sizes) - 1, max(sizes)
    pos = [[(l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]  # pos[l][i]: unit i+1 of layer l+1
    hot = {pair: HIGHLIGHT_COLOURS[k % len(HIGHLIGHT_COLOURS)] for k, pair in enumerate(highlight)}

    def unit(l: int, i: int) -> str:
        if l < last:
            return f"$z^{{{l + 1}}}_{{{i + 1}}}$"
        return "$y$" if sizes[-1] == 1 else f"$y_{{{i + 1}}}$"

    for l in range(last):
        for i, q in enumerate(pos[l + 1]):
            c, hi = hot.get((l, i), "#BBBBBB"), (l, i) in hot
            for p in pos[l]:
                ax.annotate("", xy=q, xytext=p, zorder=2 if hi else 1,
                            arrowprops=dict(arrowstyle="-|>", color=c, lw=1.8 if hi else 0.7, shrinkA=13, shrinkB=13))
    for l, layer in enumerate(pos):
        ax.scatter(*zip(*layer), s=650, color="white", edgecolors="#000000", zorder=3)
        for i, (px, py) in enumerate(layer):
            ax.text(px, py, unit(l, i), ha="center", va="center", zorder=4)
    for l in range(last):
        label = rf"$W^{{{l + 1}}}$ ({sizes[l + 1]}×{sizes[l]}), $b^{{{l + 1}}}$"
        ax.text(l + 0.5, (tallest - 1) / 2 + 0.35, label, ha="center")
    for l in range(len(sizes)):
        if l == 0:
            label = "input $z^1$"
        elif l < last:
            label = rf"$z^{{{l + 1}}} = \sigma(W^{{{l}}} z^{{{l}}} + b^{{{l}}})$"
        else:
            label = rf"$y = z^{{{l + 1}}} = W^{{{l}}} z^{{{l}}} + b^{{{l}}}$"
        ax.text(l, -(tallest - 1) / 2 - 0.75, label, ha="center", fontsize=9)
    for (l, i), c in hot.items():
        ax.plot([], [], color=c, lw=1.8, label=rf"$w^{{{l + 1}}}_{{{i + 1},j}}$: into " + unit(l + 1, i))
    if hot:
        ax.legend(loc="upper right", fontsize=8, bbox_to_anchor=(1.08, 1.0))
    ax.set(xlim=(-0.4, last + 0.5), ylim=(-(tallest - 1) / 2 - 1.0, (tallest - 1) / 2 + 0.8),
           title=f"The {'-'.join(map(str, sizes))} network: one arrow per weight, every unit linked to the next layer")
    ax.axis("off")
    return ax


def network_explorer(hidden1: int = 16, hidden2: int = 0, activation: str = "tanh", lr: float = 1e-2,
                     optimizer: str = "adam", epochs: int = 60) -> Panel:
    """The notebook-03 widget: layer sizes, activation, learning rate, optimizer, epochs -> retrain and redraw.

    A setting the explorer refuses (e.g. a slider moved past its bounds) shows as a ⚠ status line.
    """
    lo, hi = BOUNDS["hidden"]
    hidden1, hidden2 = integer("hidden1", hidden1, lo, hi), integer("hidden2", hidden2, 0, hi)
    choice("activation", activation, ACTIVATION_CHOICES)
    lr = number("lr", lr, *BOUNDS["lr"])
    choice("optimizer", optimizer, OPTIMIZER_CHOICES)
    epochs = integer("epochs", epochs, *BOUNDS["epochs"])
    data = house_tensors()

    def update(hidden1: int, hidden2: int, activation: str, lr: float, optimizer: str, epochs: int):
        result = explore_network(data, [hidden1] + ([hidden2] if hidden2 > 0 else []), activation, lr, optimizer,
                                 epochs)
        fig, ax = plt.subplots()
        try:
            plot_losses(result.fit.history, ax, unit="MSE of standardised price",
                        title="Training vs validation loss: watch the gap")
            fig.tight_layout()
        except Exception:
            plt.close(fig)       # a figure that could not be drawn is not left open in pyplot
            raise
        return fig, result.status()

    controls = {"hidden1": int_slider("hidden layer 1", hidden1, lo, hi),
                "hidden2": int_slider("hidden layer 2 (0 = none)", hidden2, 0, hi),
                "activation": W.Dropdown(options=ACTIVATION_CHOICES, value=activation, description="activation"),
                "lr": log_slider("learning rate", lr, *BOUNDS["lr"]),
                "optimizer": W.Dropdown(options=OPTIMIZER_CHOICES, value=optimizer, description="optimizer"),
                "epochs": int_slider("epochs", epochs, *BOUNDS["epochs"])}
    controls["lr"].readout_format = LR_READOUT
    return Panel(controls, update, title="Train a feedforward net on the houses")
