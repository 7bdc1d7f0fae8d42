"""Common widget pieces: a panel of controls that redraws one figure and a status line.

Every course widget follows one pattern: the numbers come from a plain function
in ``nnlab`` (unit-tested, and printed in the notebook for nbval); the panel only
wires controls to that function and shows its figure and status message.

No exception escapes a panel's callback: whatever goes wrong while computing or drawing becomes a ⚠ status
line (``failure_status``) and the last figure that was drawn stays on show. Widgets that are not a Panel
(the playground's) use ``failure_status`` for their own callbacks, so every widget says it the same way.
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

from ..checks import integer, number, string

Update = Callable[..., tuple[Figure, str]]
EXPECTED = (ValueError, TypeError, OSError)  # their messages say what was wrong (a refused setting, a file)


def failure_status(exc: BaseException, doing: str = "") -> str:
    """The ⚠ status line for an exception caught in a widget's callback.

    A ValueError, TypeError or OSError carries its own explanation (``nnlab.checks``' messages name the setting):
    its message is shown as it is. Anything else is unexpected: its type is named too, e.g. ``⚠ ZeroDivisionError:
    division by zero``. ``doing`` (e.g. "could not load x.json") comes first, followed by a colon.
    """
    text = str(exc).strip()
    if not isinstance(exc, EXPECTED) or not text:
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"⚠ {doing}: {text}" if doing else f"⚠ {text}"




def render_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own size (no tight bounding box: that would draw it twice)."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)  # left by tight_layout(); it makes savefig draw everything twice
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def log_slider(description: str, value: float, lo: float, hi: float, steps_per_decade: int = 4) -> W.FloatLogSlider:
    """A log-scale slider from ``lo`` to ``hi`` (both > 0) that updates on release."""
    import math

    string("description", description)
    lo, value, hi = (number(name, v) for name, v in (("lo", lo), ("value", value), ("hi", hi)))
    steps_per_decade = integer("steps_per_decade", steps_per_decade, 1)
    if not 0 < lo <= value <= hi:
        raise ValueError(f"{description}: need 0 < lo <= value <= hi, got lo={lo}, value={value}, hi={hi}")
    return W.FloatLogSlider(value=value, base=10, min=math.log10(lo), max=math.log10(hi),
                            step=1 / steps_per_decade, description=description, continuous_update=False,
                            readout_format=".1e", style={"description_width": "initial"})


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1) -> W.IntSlider:
    """An integer slider from ``lo`` to ``hi`` (``value`` in between; ValueError otherwise) that updates on release."""
    string("description", description)
    lo, value, hi = (integer(name, v) for name, v in (("lo", lo), ("value", value), ("hi", hi)))
    step = integer("step", step, 1)
    if not lo <= value <= hi:
        raise ValueError(f"{description}: need lo <= value <= hi, got lo={lo}, value={value}, hi={hi}")
    return W.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=False, style={"description_width": "initial"})


def float_slider(description: str, value: float, lo: float, hi: float, step: float) -> W.FloatSlider:
    """A linear slider for a real number from ``lo`` to ``hi`` (``value`` in between) that updates on release."""
    string("description", description)
    lo, value, hi = (number(name, v) for name, v in (("lo", lo), ("value", value), ("hi", hi)))
    step = number("step", step, positive=True)
    if not lo <= value <= hi:
        raise ValueError(f"{description}: need lo <= value <= hi, got lo={lo}, value={value}, hi={hi}")
    return W.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         continuous_update=False, style={"description_width": "initial"})


class Panel:
    """Controls + status line + figure; ``update(**values) -> (figure, status)`` runs on every change.

    Exception containment: if ``update`` raises (anything but a BaseException such as KeyboardInterrupt),
    returns something else than (Figure or None, str), or its figure cannot be drawn, the status line says so
    (``failure_status``, in orange), ``last_error`` holds the exception and the last good figure stays; the
    controls keep the values the learner chose, so the next change tries again.
    """

    def __init__(self, controls: dict[str, W.ValueWidget], update: Update, title: str = "") -> None:
        if not isinstance(controls, dict):
            raise TypeError(f"controls must be a dict of name -> control widget, got {type(controls).__name__}")
        if not controls:
            raise ValueError("controls is empty: a panel needs at least one control")
        for name, control in controls.items():
            if not isinstance(name, str):
                raise TypeError(f"controls' names must be str, got {name!r} ({type(name).__name__})")
            if not isinstance(control, W.ValueWidget):
                raise TypeError(f"controls[{name!r}] must be an ipywidgets control with a value (a slider, a "
                                f"dropdown, ...), got {type(control).__name__}")
        if not callable(update):
            raise TypeError(f"update must be a function of the controls' values, got {type(update).__name__}")
        string("title", title)
        self.controls = controls
        self.update = update
        self.title = W.HTML(f"<b>{html.escape(title)}</b>") if title else None
        self.status = W.HTML()
        self.output = W.Output()
        self.last_status = ""
        self.last_figure: Figure | None = None  # kept (closed) so tests can inspect what was drawn
        self.last_png = b""
        self.last_error: Exception | None = None  # what the last refresh failed on (None when it succeeded)
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
        """Recompute, redraw and return the status message (a ⚠ line when anything failed: see the class)."""
        self.redraws += 1
        fig = None
        try:
            result = self.update(**self.values())
            if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], str)
                    and (result[0] is None or isinstance(result[0], Figure))):
                raise TypeError(f"update must return (figure or None, status line), got {type(result).__name__}")
            fig, status = result
            png = render_png(fig) if fig is not None else b""
        except Exception as exc:  # a setting the model cannot take, or a bug: say so, never crash the widget
            if isinstance(fig, Figure):
                plt.close(fig)
            self.last_error = exc
            status = failure_status(exc)
            if self.last_png:
                status += " (the figure still shows the last settings that worked)"
            self._show_status(status)
            return status
        self.last_error = None
        self.last_figure, self.last_png = fig, png
        self._show_status(status)
        if fig is not None:
            plt.close(fig)  # a figure reused across updates keeps working: only pyplot forgets it
        with self.output:
            self.output.clear_output(wait=True)
            if self.last_png:
                display(Image(data=self.last_png, format="png"))
        return status

    def _show_status(self, status: str) -> None:
        self.last_status = status
        colour = "#D55E00" if status.startswith("⚠") else "#000000"
        self.status.value = f'<span style="color:{colour}">{html.escape(status)}</span>'

    def _on_change(self, _change: dict) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        display(self.widget)
