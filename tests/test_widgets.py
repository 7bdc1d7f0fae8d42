"""The common widget pieces (nnlab.views.widgets): the sliders' arguments, render_png, and the Panel every course
widget uses: its arguments, and its exception containment (any failure in a callback becomes a ⚠ status line,
the last good figure stays, nothing escapes; a later good setting draws again)."""
from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from nnlab.views.widgets import Panel, failure_status, float_slider, int_slider, log_slider, render_png


def figure(x: float) -> Figure:
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1], [0, x])
    return fig


def good_update(x: int):
    return figure(x), f"x = {x}"


# ---- the sliders and render_png: bad arguments --------------------------------------------------------
CASES = [
    ("render_png-none", lambda: render_png(None), TypeError, "fig"),
    ("render_png-axes", lambda: render_png(plt.subplots()[1]), TypeError, "fig"),
    ("log-description", lambda: log_slider(5, 0.1, 1e-3, 1.0), TypeError, "description"),
    ("log-lo-zero", lambda: log_slider("lr", 0.1, 0.0, 1.0), ValueError, "lo"),
    ("log-value-outside", lambda: log_slider("lr", 5.0, 1e-3, 1.0), ValueError, "value"),
    ("log-lo-above-hi", lambda: log_slider("lr", 0.1, 1.0, 1e-3), ValueError, "hi"),
    ("log-nan", lambda: log_slider("lr", float("nan"), 1e-3, 1.0), ValueError, "value"),
    ("log-str", lambda: log_slider("lr", "0.1", 1e-3, 1.0), TypeError, "value"),
    ("log-bool", lambda: log_slider("lr", True, 1e-3, 1.0), TypeError, "value"),
    ("log-steps-zero", lambda: log_slider("lr", 0.1, 1e-3, 1.0, steps_per_decade=0), ValueError, "steps_per_decade"),
    ("log-steps-float", lambda: log_slider("lr", 0.1, 1e-3, 1.0, steps_per_decade=2.5), TypeError,
     "steps_per_decade"),
    ("int-description", lambda: int_slider(None, 1, 0, 5), TypeError, "description"),
    ("int-float-for-int", lambda: int_slider("n", 2.5, 0, 5), TypeError, "value"),
    ("int-bool-for-int", lambda: int_slider("n", True, 0, 5), TypeError, "value"),
    ("int-lo-float", lambda: int_slider("n", 2, 0.0, 5), TypeError, "lo"),
    ("int-outside", lambda: int_slider("n", 9, 0, 5), ValueError, "value"),
    ("int-lo-above-hi", lambda: int_slider("n", 3, 5, 0), ValueError, "hi"),
    ("int-step-zero", lambda: int_slider("n", 2, 0, 5, step=0), ValueError, "step"),
    ("int-step-float", lambda: int_slider("n", 2, 0, 5, step=1.0), TypeError, "step"),
    ("float-description", lambda: float_slider(["w"], 0.0, -1.0, 1.0, 0.1), TypeError, "description"),
    ("float-step-zero", lambda: float_slider("w", 0.0, -1.0, 1.0, 0.0), ValueError, "step"),
    ("float-step-negative", lambda: float_slider("w", 0.0, -1.0, 1.0, -0.1), ValueError, "step"),
    ("float-inf", lambda: float_slider("w", 0.0, -float("inf"), 1.0, 0.1), ValueError, "lo"),
    ("float-outside", lambda: float_slider("w", 2.0, -1.0, 1.0, 0.1), ValueError, "value"),
    ("float-complex", lambda: float_slider("w", 1j, -1.0, 1.0, 0.1), TypeError, "value"),
    ("Panel-controls-list", lambda: Panel([W.IntSlider()], good_update), TypeError, "controls"),
    ("Panel-controls-empty", lambda: Panel({}, good_update), ValueError, "controls"),
    ("Panel-control-type", lambda: Panel({"x": 3}, good_update), TypeError, r"controls\['x'\]"),
    ("Panel-control-name", lambda: Panel({1: W.IntSlider()}, good_update), TypeError, "names"),
    ("Panel-update", lambda: Panel({"x": W.IntSlider()}, "update"), TypeError, "update"),
    ("Panel-title", lambda: Panel({"x": W.IntSlider()}, good_update, title=3), TypeError, "title"),
]


@pytest.mark.parametrize("case,call,error,match", CASES, ids=[c[0] for c in CASES])
def test_bad_argument_is_refused_naming_it(case, call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_good_sliders_are_as_before():
    s = log_slider("lr", 0.1, 1e-3, 1.0)
    assert (s.min, s.max, s.step, s.value) == (-3.0, 0.0, 0.25, pytest.approx(0.1)) and not s.continuous_update
    i = int_slider("n", 3, 0, 5, step=1)
    assert (i.min, i.max, i.value) == (0, 5, 3)
    f = float_slider("w", 0.5, -1.0, 1.0, 0.1)
    assert (f.min, f.max, f.step, f.value) == (-1.0, 1.0, 0.1, 0.5)
    assert render_png(figure(1.0)).startswith(b"\x89PNG")


# ---- the Panel: exception containment ---------------------------------------------------------------------
FAILURES = [
    (ValueError("x must be at most 3, got 4"), "⚠ x must be at most 3, got 4"),
    (TypeError("x must be an integer"), "⚠ x must be an integer"),
    (ZeroDivisionError("division by zero"), "⚠ ZeroDivisionError: division by zero"),
    (IndexError("list index out of range"), "⚠ IndexError: list index out of range"),
    (KeyError("hidden"), "⚠ KeyError: 'hidden'"),
    (RuntimeError("stack expects a non-empty TensorList"), "⚠ RuntimeError: stack expects a non-empty TensorList"),
    (RuntimeError(), "⚠ RuntimeError"),
]


def failing_panel(exc: Exception) -> Panel:
    """x = 0..2 draws; x >= 3 raises exc."""
    def update(x):
        if x >= 3:
            raise exc
        return good_update(x)
    return Panel({"x": W.IntSlider(value=1, min=0, max=5)}, update, title="t")


@pytest.mark.parametrize("exc,status", FAILURES, ids=lambda v: type(v).__name__ if isinstance(v, Exception) else "")
def test_a_failing_update_becomes_a_status_line_and_the_last_figure_stays(exc, status):
    panel = failing_panel(exc)
    figure_before, png_before, outputs_before = panel.last_figure, panel.last_png, panel.output.outputs
    assert panel.last_status == "x = 1" and panel.last_error is None and png_before.startswith(b"\x89PNG")
    panel.controls["x"].value = 4  # must not raise
    assert panel.last_status.startswith(status) and "last settings that worked" in panel.last_status
    assert panel.last_error is exc and "D55E00" in panel.status.value
    assert panel.last_figure is figure_before and panel.last_png == png_before
    assert panel.output.outputs == outputs_before
    assert panel.controls["x"].value == 4 and panel.redraws == 2  # the learner's choice stays on the control
    panel.controls["x"].value = 2  # a good setting draws again
    assert panel.last_status == "x = 2" and panel.last_error is None and panel.last_png != png_before


@pytest.mark.parametrize("returned", [None, (1, 2), ("fig", "status"), (None,), (figure(1.0), 3)],
                         ids=["none", "numbers", "str-figure", "one", "status-not-str"])
def test_an_update_returning_the_wrong_thing_is_a_status_line(returned):
    panel = Panel({"x": W.IntSlider(value=1)}, lambda x: returned)
    assert panel.last_status.startswith("⚠ update must return (figure or None, status line)")
    assert panel.last_png == b"" and panel.last_figure is None  # nothing good was ever drawn: no figure


def test_a_figure_that_cannot_be_drawn_is_a_status_line():
    class Broken(Artist):
        def draw(self, renderer):
            raise RuntimeError("cannot draw this")

    def update(x):
        fig = figure(x)
        if x:
            fig.add_artist(Broken())
        return fig, "drawn"

    panel = Panel({"x": W.IntSlider(value=0)}, update)
    good = panel.last_png
    assert panel.last_status == "drawn" and good.startswith(b"\x89PNG")
    panel.controls["x"].value = 1
    assert panel.last_status.startswith("⚠ RuntimeError: cannot draw this") and panel.last_png == good


def test_a_failing_first_update_still_builds_the_panel():
    panel = failing_panel(ValueError("x must be at most 3, got 5"))
    panel.controls["x"].value = 5
    fresh = Panel({"x": W.IntSlider(value=5, max=5)}, panel.update)
    assert fresh.last_status == "⚠ x must be at most 3, got 5" and fresh.last_png == b""
    fresh.controls["x"].value = 0
    assert fresh.last_status == "x = 0" and fresh.last_png.startswith(b"\x89PNG")


def test_divergence_reported_by_the_update_is_a_good_figure():
    panel = Panel({"x": W.IntSlider(value=1)}, lambda x: (figure(x), "⚠ Diverged at step 3"))
    assert panel.last_status == "⚠ Diverged at step 3" and panel.last_error is None and panel.last_png


def test_an_interrupt_is_not_swallowed():
    def update(x):
        if x:
            raise KeyboardInterrupt
        return good_update(x)

    panel = Panel({"x": W.IntSlider(value=0)}, update)
    with pytest.raises(KeyboardInterrupt):
        panel.controls["x"].value = 1


def test_failure_status():
    assert failure_status(ValueError("lr must be > 0")) == "⚠ lr must be > 0"
    assert failure_status(FileNotFoundError("path 'x': no such file"), "could not load x") == \
        "⚠ could not load x: path 'x': no such file"
    assert failure_status(ZeroDivisionError("division by zero")) == "⚠ ZeroDivisionError: division by zero"
    assert failure_status(ValueError()) == "⚠ ValueError"
