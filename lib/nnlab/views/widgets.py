"""Common widget pieces: a panel of controls that redraws one figure and a status line.

Every course widget follows one pattern: the numbers come from a plain function
in ``nnlab`` (unit-tested, and printed in the notebook for nbval); the panel only
wires controls to that function and shows its figure and status message.
"""
from __future__ import annotations

import html
import io
from collections.abc import Callable

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import Image, display
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

Update = Callable[..., tuple[Figure, str]]


def render_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own size (no tight bounding box: that would draw it twice)."""
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)  # left by tight_layout(); it makes savefig draw everything twice
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def log_slider(description: str, value: float, lo: float, hi: float, steps_per_decade: int = 4) -> W.FloatLogSlider:
    """A log-scale slider from ``lo`` to ``hi`` (both > 0) that updates on release."""
    import math

    if not 0 < lo <= value <= hi:
        raise ValueError(f"need 0 < lo <= value <= hi, got lo={lo}, value={value}, hi={hi}")
    return W.FloatLogSlider(value=value, base=10, min=math.log10(lo), max=math.log10(hi),
                            step=1 / steps_per_decade, description=description, continuous_update=False,
                            readout_format=".1e", style={"description_width": "initial"})


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1) -> W.IntSlider:
    """An integer slider that updates on release."""
    return W.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=False, style={"description_width": "initial"})


def float_slider(description: str, value: float, lo: float, hi: float, step: float) -> W.FloatSlider:
    """A linear slider for a real number from ``lo`` to ``hi`` that updates on release."""
    return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         continuous_update=False, style={"description_width": "initial"})


class Panel:
    """Controls + status line + figure; ``update(**values) -> (figure, status)`` runs on every change."""

    def __init__(self, controls: dict[str, W.ValueWidget], update: Update, title: str = "") -> None:
        self.controls = controls
        self.update = update
        self.title = W.HTML(f"<b>{html.escape(title)}</b>") if title else None
        self.status = W.HTML()
        self.output = W.Output()
        self.last_status = ""
        self.last_figure: Figure | None = None  # kept (closed) so tests can inspect what was drawn
        self.last_png = b""
        self.redraws = 0
        for control in controls.values():
            control.observe(self._on_change, names="value")
        parts = ([self.title] if self.title else []) + [W.HBox(list(controls.values()),
                                                                layout=W.Layout(flex_flow="row wrap")),
                                                         self.status, self.output]
        self.widget = W.VBox(parts)
        self.refresh()

    def values(self) -> dict[str, object]:
        """The controls' current values by name."""
        return {name: c.value for name, c in self.controls.items()}

    def refresh(self) -> str:
        """Recompute, redraw and return the status message."""
        try:
            fig, status = self.update(**self.values())
        except ValueError as exc:  # a setting the model cannot take: say so, never crash the widget
            fig, status = None, f"⚠ {exc}"
        self.last_status = status
        self.last_figure = fig
        self.redraws += 1
        colour = "#D55E00" if status.startswith("⚠") else "#000000"
        self.status.value = f'<span style="color:{colour}">{html.escape(status)}</span>'
        self.last_png = render_png(fig) if fig is not None else b""
        if fig is not None:
            plt.close(fig)  # a figure reused across updates keeps working: only pyplot forgets it
        with self.output:
            self.output.clear_output(wait=True)
            if self.last_png:
                display(Image(data=self.last_png, format="png"))
        return status

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        display(self.widget)
