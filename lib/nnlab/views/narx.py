"""Figures and the widget of 05_narx_models.ipynb: free-run simulations against the measured output."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ..experiments.narx import BOUNDS, explore_orders
from ..report import approx
from .widgets import Panel, int_slider


def plot_free_run(record, sims: dict[str, np.ndarray], ax: Axes | None = None, title: str = "") -> Axes:
    """The measured output of ``record`` and free-run simulations ({label: y (T,)}) against time in minutes.

    A diverged run (non-finite values) is drawn up to where it left the finite numbers. Returns the Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.4))
    t = record.t / 60
    ax.plot(t, record.y, color="#000000", lw=1.2, label="measured")
    for name, y in sims.items():
        ax.plot(t, np.where(np.isfinite(y), y, np.nan), lw=1, label=name)
    ax.set(xlabel="time (min)", ylabel="y (V)", title=title or "free-run simulation on the test record")
    ax.legend(fontsize=7, ncol=len(sims) + 1, loc="lower right")
    return ax


def order_explorer(train, test, na: int = 2, nb: int = 2, hidden: int = 16) -> Panel:
    """The notebook-05 widget: sliders for na, nb and the hidden size; both free runs on the test record."""

    def update(na: int, nb: int, hidden: int):
        res = explore_orders(train, test, na, nb, hidden)
        fig, ax = plt.subplots(figsize=(8, 3.4))
        plot_free_run(test, {f"ARX {res.rmse_arx:.2f} V": res.y_arx,
                             f"NARX {approx(res.rmse_narx, '.2f')} V": res.y_narx}, ax=ax)
        return fig, res.status()

    controls = {"na": int_slider("na", na, *BOUNDS["na"]), "nb": int_slider("nb", nb, *BOUNDS["nb"]),
                "hidden": int_slider("hidden", hidden, 2, BOUNDS["hidden"][1], 2)}
    return Panel(controls, update, title="NARX orders and net size vs free-run error")
