"""nnlab.views.narx: the free-run figure and the order explorer widget (a fresh widget per case)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnlab.systems import load_record
from nnlab.views.narx import order_explorer, plot_free_run


@pytest.fixture(scope="module")
def tanks():
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


def test_plot_free_run_draws_measured_and_each_simulation(tanks):
    _, test = tanks
    diverged = test.y.copy()
    diverged[600:] = np.nan
    fig, ax = plt.subplots()
    assert plot_free_run(test, {"A": test.y + 0.1, "B": diverged}, ax=ax, title="t") is ax
    assert [line.get_label() for line in ax.get_lines()] == ["measured", "A", "B"]
    assert ax.get_title() == "t" and ax.get_xlabel() == "time (min)"
    assert np.isnan(ax.get_lines()[2].get_ydata()[600:]).all()
    assert plot_free_run(test, {}).get_title() == "free-run simulation on the test record"


def test_widget_starts_with_the_given_setting(tanks):
    panel = order_explorer(*tanks)
    assert "na=2, nb=2, hidden=16" in panel.last_status and not panel.last_status.startswith("⚠")
    assert panel.last_png and [c.value for c in panel.controls.values()] == [2, 2, 16]


def test_widget_warns_when_the_free_run_starts_beyond_n_skip(tanks):
    panel = order_explorer(*tanks, na=1, nb=1, hidden=4)
    panel.controls["na"].value = 6
    assert panel.last_status.startswith("⚠") and "n_skip" in panel.last_status


def test_widget_follows_its_sliders(tanks):
    panel = order_explorer(*tanks, na=1, nb=1, hidden=4)
    panel.controls["nb"].value = 2
    assert "na=1, nb=2, hidden=4" in panel.last_status and panel.redraws == 2
    assert panel.controls["na"].min == 1 and panel.controls["na"].max == 6 and panel.controls["hidden"].step == 2
