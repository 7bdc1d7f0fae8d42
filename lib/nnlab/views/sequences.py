"""Figures and the widget of 06_recurrent_networks.ipynb, 07_lstm.ipynb and 08_playground.ipynb.

Diagrams (each draws on ``ax``, or on a new figure, and returns the Axes): the RNN unrolled in time, a
stacked RNN, a bidirectional RNN, training windows cut from one record, the LSTM cell. The sequence
explorer: ``plot_sequence`` draws a ``SequenceResult`` and ``sequence_explorer`` wires controls, with the
ranges of ``nnlab.experiments.sequences.BOUNDS``, to ``explore_sequence``.
"""
from __future__ import annotations

from dataclasses import replace

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..checks import integer, same_shape
from ..experiments.sequences import BOUNDS, SequenceResult, SequenceSettings, explore_sequence, tank_records
from ..report import approx
from ..sequences import KINDS
from ..systems import Record
from .widgets import Panel, float_slider, int_slider, log_slider

__all__ = ["draw_unrolled", "draw_stacked", "draw_bidirectional", "draw_windows", "draw_lstm_cell",
           "plot_sequence", "sequence_explorer"]

_STATE = "#56B4E9"      # hidden-state boxes
_BACKWARD = "#E69F00"   # the backward chain of a bidirectional RNN
MAX_STEPS, MAX_LAYERS, MAX_WINDOWS = 20, 8, 64   # what a diagram can show legibly


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None (a new figure), got {type(ax).__name__}")
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]


def draw_unrolled(ax: Axes | None = None, steps: int = 4) -> Axes:
    """The RNN unrolled over ``steps`` time steps (1 to 20): u(t) -> h(t) -> y^(t), h(t-1) -> h(t), W_f and W_g
    shared."""
    steps = integer("steps", steps, 1, MAX_STEPS)
    ax = _axes(ax, (7, 2.6))
    box = dict(boxstyle="round,pad=0.35", fc=_STATE, ec="#0072B2")
    arrow = dict(arrowstyle="->", color="#000000", lw=1.2)
    for k in range(steps):
        t = "t" if k == 0 else f"t+{k}"
        ax.text(k, 0, f"$h({t})$", ha="center", va="center", bbox=box, fontsize=11)
        ax.text(k, -1, f"$u({t})$", ha="center", va="center", fontsize=11)
        ax.text(k, 1, f"$\\hat y({t})$", ha="center", va="center", fontsize=11)
        ax.annotate("", (k, -0.25), (k, -0.8), arrowprops=arrow)
        ax.annotate("", (k, 0.8), (k, 0.25), arrowprops=arrow)
        ax.annotate("", (k - 0.28, 0), (k - 0.72, 0), arrowprops=arrow)
        ax.text(k - 0.5, 0.12, "$W_f$", ha="center", fontsize=9)
        ax.text(k + 0.1, 0.5, "$W_g$", fontsize=9)
    ax.text(-1, 0, "$h(t-1)$", ha="center", va="center", fontsize=11)
    ax.set(xlim=(-1.5, steps - 0.5), ylim=(-1.4, 1.4),
           title="The RNN unrolled: the same W_f and W_g at every time step")
    ax.axis("off")
    return ax


def _node(ax: Axes, x: float, y: float, text: str, color: str = _STATE) -> None:
    ax.text(x, y, text, ha="center", va="center", fontsize=10,
            bbox=dict(boxstyle="round,pad=0.3", fc=color, ec="0.3"))


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], bend: float = 0.0) -> None:
    """An arrow between two boxes (half-size 0.33 x 0.2 in data units); bend > 0 curves it."""
    (x0, y0), (x1, y1) = start, end
    f = max(abs(x1 - x0) / 0.33, abs(y1 - y0) / 0.2)             # where the line leaves a box
    ax.annotate("", (x1 - (x1 - x0) / f, y1 - (y1 - y0) / f), (x0 + (x1 - x0) / f, y0 + (y1 - y0) / f),
                arrowprops=dict(arrowstyle="->", lw=1.1, shrinkA=0, shrinkB=0, connectionstyle=f"arc3,rad={bend}"))


def draw_stacked(ax: Axes | None = None, steps: int = 4, layers: int = 2) -> Axes:
    """A multi-layer RNN: time to the right (``steps``, 1 to 20), ``layers`` (1 to 8) up; each layer reads the
    states of the layer below."""
    steps, layers = integer("steps", steps, 1, MAX_STEPS), integer("layers", layers, 1, MAX_LAYERS)
    ax = _axes(ax, (7, 3.4))
    for t in range(steps):
        _node(ax, t, 0, f"$u({t + 1})$", "white")
        _node(ax, t, layers + 1, f"$\\hat y({t + 1})$", "white")
        for layer in range(1, layers + 1):
            _node(ax, t, layer, f"$h^{{{layer}}}({t + 1})$")
            _arrow(ax, (t, layer - 1), (t, layer))               # input of a layer: the layer below
            _arrow(ax, (t - 1, layer), (t, layer))               # state from the previous step
        _arrow(ax, (t, layers), (t, layers + 1))
    ax.set(xlim=(-1.2, steps - 0.5), ylim=(-0.5, layers + 1.5),
           title=f"A {layers}-layer RNN: the states of layer 1 are the inputs of layer 2")
    ax.axis("off")
    return ax


def draw_bidirectional(ax: Axes | None = None, steps: int = 4) -> Axes:
    """A bidirectional RNN over ``steps`` (1 to 20): a forward chain (the past) and a backward chain (the future)
    feed every y^(t)."""
    steps = integer("steps", steps, 1, MAX_STEPS)
    ax = _axes(ax, (7.5, 3.6))
    for k in range(steps):
        t = 1.5 * k                                              # x position of time step k + 1
        _node(ax, t, 0, f"$u({k + 1})$", "white"), _node(ax, t, 3, f"$\\hat y({k + 1})$", "white")
        _node(ax, t, 1, f"$h^{{\\rightarrow}}({k + 1})$"), _node(ax, t, 2, f"$h^{{\\leftarrow}}({k + 1})$", _BACKWARD)
        _arrow(ax, (t - 1.5, 1), (t, 1)), _arrow(ax, (t + 1.5, 2), (t, 2))          # forward chain, backward chain
        _arrow(ax, (t, 0), (t, 1)), _arrow(ax, (t, 0), (t - 0.12, 2), bend=-0.4)    # u(t) enters both chains
        _arrow(ax, (t, 2), (t, 3)), _arrow(ax, (t, 1), (t + 0.12, 3), bend=-0.4)    # y^(t) combines both
    ax.set(xlim=(-1.6, 1.5 * steps), ylim=(-0.4, 3.4),
           title="Bidirectional RNN: $\\hat y(t)$ depends on inputs after $t$: causality is lost")
    ax.axis("off")
    return ax


def draw_windows(ax: Axes | None = None, T: int = 1024, length: int = 128, washout: int = 20) -> Axes:
    """Training data from one record of T samples: full unfolding, non-overlapping windows of ``length``, and
    overlapping windows (stride length/2), one per row; the washout of each window in orange.

    2 <= length <= T, 0 <= washout < length, and at most 64 overlapping windows (ValueError naming the setting).
    """
    T = integer("T", T, 2)
    length = integer("length", length, 2, T)
    washout = integer("washout", washout, 0, length - 1)
    overlapping = range(0, T - length + 1, length // 2)
    if len(overlapping) > MAX_WINDOWS:
        raise ValueError(f"T={T} and length={length} make {len(overlapping)} overlapping windows, more than the "
                         f"{MAX_WINDOWS} one diagram can show: use a longer length or a shorter T")
    ax = _axes(ax, (8, 3.2))
    rows = [([0], T, 5, 0), (range(0, T, length), length, washout, 1.5)] \
        + [([s], length, washout, 3 + i) for i, s in enumerate(overlapping)]   # (starts, length, washout, row)
    for starts, n, wash, row in rows:
        for s in starts:
            ax.broken_barh([(s, n)], (-row - 0.4, 0.8), fc=_STATE, ec="white")
            ax.broken_barh([(s, wash)], (-row - 0.4, 0.8), fc="#D55E00")       # washout: not in the loss
    ax.set_yticks([0, -1.5, -3 - (len(overlapping) - 1) / 2],
                  ["full unfolding (T)", "non-overlapping (L)", "overlapping (L, stride L/2)"])
    ax.set(xlabel=f"sample index t (one record, T = {T})", title="Training data from one record; washout in orange")
    return ax


def draw_lstm_cell(ax: Axes | None = None) -> Axes:
    """The LSTM cell: the cell state along the top, the gates f, i, g, o reading h(t-1) and u(t)."""
    ax = _axes(ax, (8, 4))

    def put(x, y, text, shape="round", color="white"):
        ax.text(x, y, text, ha="center", va="center", fontsize=11,
                bbox=dict(boxstyle=f"{shape},pad=0.3", fc=color, ec="0.3"))

    def line(start, end, gap=12):                                # an arrow that stops short of the boxes
        ax.annotate("", end, start, arrowprops=dict(arrowstyle="-|>", lw=1.2, shrinkA=gap, shrinkB=12))

    put(0.4, 5, "$c(t-1)$"), put(9.6, 5, "$c(t)$"), put(0.4, 0.8, "$h(t-1)$"), put(2, -0.6, "$u(t)$")
    put(9.6, 2.8, "$h(t)$")
    for x, y, op in [(3, 5, "×"), (5, 5, "+"), (5, 3.6, "×"), (7.8, 2.8, "×")]:
        put(x, y, op, "circle", "#F0E442")
    for x, name in [(3, "$\\sigma$  f"), (4.3, "$\\sigma$  i"), (5.7, "tanh  g"), (7, "$\\sigma$  o")]:
        put(x, 2, name, color=_STATE)
        ax.plot([x, x], [0.8, 1.65], color="black", lw=1.2)       # every gate reads h(t-1) and u(t)
    put(7.8, 3.9, "tanh", color=_BACKWARD)
    ax.plot([1, 7], [0.8, 0.8], color="black", lw=1.2), ax.plot([2, 2], [-0.3, 0.8], color="black", lw=1.2)
    line((0.4, 5), (3, 5), 24), line((3, 5), (5, 5)), line((5, 5), (9.6, 5), gap=10), line((3, 2), (3, 5))  # forget
    line((4.3, 2), (5, 3.6)), line((5.7, 2), (5, 3.6)), line((5, 3.6), (5, 5))                            # i * g
    line((7.8, 5), (7.8, 3.9), 0), line((7.8, 3.9), (7.8, 2.8)), line((7, 2), (7.8, 2.8)), line((7.8, 2.8), (9.6, 2.8))
    ax.set(xlim=(-0.3, 10.3), ylim=(-1, 5.6), title="The LSTM cell: c(t) = f * c(t-1) + i * g,  h(t) = o * tanh(c(t))")
    ax.axis("off")
    return ax


def plot_sequence(result: SequenceResult, test: Record) -> Figure:
    """Training loss per step (left) and the test record with the free-run simulation (right)."""
    if not isinstance(result, SequenceResult):
        raise TypeError(f"result must be a SequenceResult (from explore_sequence), got {type(result).__name__}")
    if not isinstance(test, Record):
        raise TypeError(f"test must be the Record that was simulated, got {type(test).__name__}")
    same_shape("result.y_sim", result.y_sim, "test.y", test.y)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.4), width_ratios=[1, 2])
    ax.semilogy(np.arange(len(result.fit.losses)), result.fit.losses, color="#0072B2")
    ax.set(xlabel="Adam step", ylabel="MSE (normalised)", title="training loss")
    ax2.plot(test.t / 60, test.y, color="#000000", lw=1, label="measured (test)")
    if result.diverged_at is None and np.isfinite(result.rmse):
        ax2.plot(test.t / 60, result.y_sim, color="#D55E00", lw=1, label=f"simulated, RMSE {approx(result.rmse)} V")
    ax2.set(xlabel="time (min)", ylabel="lower tank level y (V)",
            title=f"free-run simulation on the test record ({result.settings.kind.upper()})")
    ax2.legend(fontsize=8, loc="lower left", frameon=True)
    fig.tight_layout()
    return fig


def sequence_explorer(settings: SequenceSettings | None = None, train: Record | None = None,
                      test: Record | None = None) -> Panel:
    """The widget: model (RNN, LSTM or GRU), hidden size, subsequence length, overlap, washout and learning rate,
    starting from ``settings`` (its other settings, e.g. steps and n_init, stay fixed) -> a Panel.

    Slider ranges are ``BOUNDS``'; the washout slider stops at length - 1 (it follows the length slider).
    Records default to the cascaded tanks (both or neither). A setting the experiment refuses (e.g. a washout
    below n_init) or bad data in a record is a ⚠ status line, never an exception (the Panel contains them).
    """
    s = settings if settings is not None else SequenceSettings()
    if not isinstance(s, SequenceSettings):
        raise TypeError(f"settings must be a SequenceSettings, got {type(s).__name__}")
    if (train is None) != (test is None):
        raise ValueError("give both train and test records, or neither (the cascaded tanks)")
    if train is None:
        train, test = tank_records()                            # the experiment's own: revisits hit its cache
    for split, r in (("train", train), ("test", test)):
        if not isinstance(r, Record):
            raise TypeError(f"{split} must be a Record (nnlab.systems.load_record), got {type(r).__name__}")
    controls = {
        "kind": W.Dropdown(options=[(k.upper(), k) for k in KINDS], value=s.kind, description="model"),
        "hidden": int_slider("hidden size", s.hidden, *BOUNDS["hidden"]),
        "length": int_slider("subsequence length", s.length, *BOUNDS["length"], step=16),
        "overlap": float_slider("overlap", s.overlap, *BOUNDS["overlap"], step=0.05),
        "washout": int_slider("washout", s.washout, BOUNDS["washout"][0], s.length - 1),
        "lr": log_slider("learning rate", s.lr, *BOUNDS["lr"]),
    }

    def bound_washout(change: dict) -> None:                    # washout < length, always: the slider cannot go there
        controls["washout"].max = change["new"] - 1

    controls["length"].observe(bound_washout, names="value")    # registered before the Panel's own observer

    def update(**values):
        values["overlap"] = round(values["overlap"], 2)
        result = explore_sequence(replace(s, **values), train, test)
        return plot_sequence(result, test), result.status()

    return Panel(controls, update, title="Sequence explorer: RNN / LSTM / GRU on the cascaded tanks")
