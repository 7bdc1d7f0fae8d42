"""Figures and the widget of 05_narx_models.ipynb: free-run simulations against the measured output."""
from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..checks import integer, real_array
from ..experiments.narx import BOUNDS, explore_orders
from ..report import approx
from .widgets import Panel, int_slider

HIDDEN_SLIDER = (2, BOUNDS["hidden"][1], 2)     # the hidden-size slider: from 2 to 64 in steps of 2


def plot_free_run(record, sims: dict[str, np.ndarray], ax: Axes | None = None, title: str = "") -> Axes:
    """The measured output of ``record`` and free-run simulations ({label: y (T,)}) against time in minutes.

    A diverged run (non-finite values) is drawn up to where it left the finite numbers. Returns the Axes.
    """
    if not (hasattr(record, "t") and hasattr(record, "y")):
        raise TypeError(f"record must be a Record (with .t and .y), got {type(record).__name__}")
    if not isinstance(sims, Mapping):
        raise TypeError(f"sims must be a dict {{label: y (T,)}}, got {type(sims).__name__}")
    shape = np.shape(record.y)
    arrays = {}
    for name, y in sims.items():
        arrays[name] = real_array(f"sims[{name!r}]", y)
        if arrays[name].shape != shape:
            raise ValueError(f"sims[{name!r}] must have the record's shape {shape}, got {arrays[name].shape}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}")
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.4))
    t = record.t / 60
    ax.plot(t, record.y, color="#000000", lw=1.2, label="measured")
    for name, y in arrays.items():
        ax.plot(t, np.where(np.isfinite(y), y, np.nan), lw=1, label=name)
    ax.set(xlabel="time (min)", ylabel="y (V)", title=title or "free-run simulation on the test record")
    ax.legend(fontsize=7, ncol=len(sims) + 1, loc="lower right")
    return ax


def order_explorer(train, test, na: int = 2, nb: int = 2, hidden: int = 16) -> Panel:
    """The notebook-05 widget: sliders for na, nb and the hidden size; both free runs on the test record.

    Every failure of a setting (a record or setting the experiment refuses, an error while fitting) becomes a ⚠
    status line (``Panel`` contains it); the sliders keep their values.
    """
    for name, record in (("train", train), ("test", test)):
        if not (hasattr(record, "u") and hasattr(record, "y")):
            raise TypeError(f"{name} must be a Record (with .u and .y), got {type(record).__name__}")
    na, nb = integer("na", na, *BOUNDS["na"]), integer("nb", nb, *BOUNDS["nb"])
    hidden = integer("hidden", hidden, *HIDDEN_SLIDER[:2])

    def update(na: int, nb: int, hidden: int):
        res = explore_orders(train, test, na, nb, hidden)
        fig, ax = plt.subplots(figsize=(8, 3.4))
        plot_free_run(test, {f"ARX {res.rmse_arx:.2f} V": res.y_arx,
                             f"NARX {approx(res.rmse_narx, '.2f')} V": res.y_narx}, ax=ax)
        return fig, res.status()

    controls = {"na": int_slider("na", na, *BOUNDS["na"]), "nb": int_slider("nb", nb, *BOUNDS["nb"]),
                "hidden": int_slider("hidden", hidden, *HIDDEN_SLIDER)}
    return Panel(controls, update, title="NARX orders and net size vs free-run error")
