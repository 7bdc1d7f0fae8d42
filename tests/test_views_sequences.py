"""nnlab.views.sequences: the diagrams of 06-07, the explorer's figure and its widget (a fresh one per case)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from nnlab.experiments.sequences import BOUNDS, SequenceSettings, explore_sequence
from nnlab.systems import load_record
from nnlab.views import sequences as V


@pytest.fixture(scope="module")
def tanks():
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


@pytest.mark.parametrize("draw,kw,texts", [
    (V.draw_unrolled, {"steps": 3}, ["$h(t+2)$", "$W_f$", "$h(t-1)$"]),
    (V.draw_stacked, {"steps": 4, "layers": 2}, ["$h^{2}(4)$", "$u(1)$"]),
    (V.draw_bidirectional, {"steps": 4}, ["$h^{\\leftarrow}(4)$", "$h^{\\rightarrow}(1)$"]),
    (V.draw_windows, {}, []),
    (V.draw_lstm_cell, {}, ["$c(t-1)$", "tanh  g", "$\\sigma$  o"]),
])
def test_diagrams_draw_on_the_given_axes_and_return_them(draw, kw, texts):
    fig, ax = plt.subplots()
    assert draw(ax, **kw) is ax
    drawn = {t.get_text() for t in ax.texts}
    assert set(texts) <= drawn and ax.get_title()
    assert draw(**kw).figure is not fig                         # without ax: a figure of its own


def test_windows_diagram_has_one_bar_row_per_window():
    ax = V.draw_windows(T=1024, length=128, washout=20)
    # full unfolding (1 window), non-overlapping (8), overlapping at stride 64 (15): a bar and a washout each
    assert len(ax.collections) == 2 * (1 + 8 + 15)


def test_plot_sequence_draws_loss_and_simulation(tanks):
    r = explore_sequence(SequenceSettings(steps=3), *tanks)
    fig = V.plot_sequence(r, tanks[1])
    loss_ax, sim_ax = fig.axes
    assert len(loss_ax.lines[0].get_xdata()) == 3 and len(sim_ax.lines) == 2
    assert "LSTM" in sim_ax.get_title()


CHANGES = [("kind", "rnn"), ("kind", "lstm"), ("hidden", 1), ("hidden", 32), ("overlap", 0.0), ("overlap", 0.9),
           ("lr", 1e-4), ("lr", 1.0), ("washout", 0), ("washout", 31), ("length", 16)]


@pytest.mark.parametrize("name,value", CHANGES)
def test_every_control_reaches_its_bound(tanks, name, value):
    panel = V.sequence_explorer(SequenceSettings(steps=2, length=32, washout=5, n_init=0), *tanks)  # fresh per case
    assert panel.last_status.startswith("LSTM, H = 16: ")
    panel.controls[name].value = value
    assert not panel.last_status.startswith("⚠"), (name, value, panel.last_status)
    assert panel.last_figure is not None and len(panel.last_figure.axes) == 2


@pytest.mark.parametrize("name", ["hidden", "length", "lr", "overlap"])
def test_slider_ranges_are_read_from_bounds(tanks, name):
    panel = V.sequence_explorer(SequenceSettings(steps=1), *tanks)
    c = panel.controls[name]
    lo, hi = (10 ** c.min, 10 ** c.max) if name == "lr" else (c.min, c.max)
    assert (lo, hi) == pytest.approx(BOUNDS[name])


def test_washout_slider_follows_the_length(tanks):
    panel = V.sequence_explorer(SequenceSettings(steps=2, length=128, washout=100), *tanks)
    assert panel.controls["washout"].max == 127
    panel.controls["length"].value = 16          # washout 100 would be impossible: the slider's bound clamps it
    assert panel.controls["washout"].max == 15 and panel.controls["washout"].value == 15
    assert "subsequences of 16" in panel.last_status and "washout 15" in panel.last_status


def test_a_refused_setting_shows_on_the_status_line(tanks):
    panel = V.sequence_explorer(SequenceSettings(steps=2, length=32, washout=5, n_init=5), *tanks)
    assert "reading 5 measured outputs" in panel.last_status
    panel.controls["washout"].value = 0          # below n_init: refused, shown in orange
    assert panel.last_status.startswith("⚠") and "washout must be >= n_init" in panel.last_status


def test_default_records_are_loaded():
    panel = V.sequence_explorer(SequenceSettings(steps=1))
    assert panel.last_status.startswith("LSTM, H = 16: 69 subsequences of 128 (stride 13)")
    with pytest.raises(ValueError, match="both train and test"):
        V.sequence_explorer(SequenceSettings(steps=1), train=load_record("cascaded_tanks", "train"))
