"""The playground's figures and live widget (nnlab.views.playground): every control drives the experiment from a
fresh widget, the slider bounds are the experiment's BOUNDS, buttons, save/load, play/pause and the redraw throttle.

tests/browser/test_browser.py (test_notebook08_playground_play_pause_and_controls) drives the same widget in a
real browser: keep the control descriptions, button labels and the epoch/status text it looks for.
"""
import asyncio
import math

import ipywidgets as W
import pytest

from nnlab.experiments.playground import ACTIVATIONS, BOUNDS, Playground
from nnlab.playground import DATASETS
from nnlab.views.playground import (REGULARIZATION, PlaygroundWidget, neuron_mosaic, playground, plot_datasets,
                                    plot_neurons, plot_playground)


def _run(coro):
    """asyncio.run in a fresh thread: the browser tests' sync Playwright keeps an event loop in the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def weights_equal(a: Playground, b: Playground) -> bool:
    sa, sb = a.model.state_dict(), b.model.state_dict()
    return sa.keys() == sb.keys() and all((sa[k] == sb[k]).all() for k in sa)


# ---- figures -------------------------------------------------------------------------------------
def test_static_plot_has_labelled_axes():
    fig = plot_playground(Playground(dataset="houses"))
    ax_out, ax_loss = fig.axes
    assert "livingArea" in ax_out.get_xlabel() and ax_loss.get_xlabel() == "epoch"
    assert math.isclose(fig.get_figwidth(), 9.5)


def test_dataset_figure_shows_all_six():
    fig = plot_datasets()
    assert [ax.get_title().split(" (")[0] for ax in fig.axes] == list(DATASETS)
    assert fig.axes[0].get_title() == "circle (500)" and fig.axes[-1].get_title() == "houses (1728)"


@pytest.mark.parametrize("layers,neurons", [(0, 4), (1, 3), (2, 4), (3, 8)])
def test_neuron_figure_has_one_panel_per_neuron(layers, neurons):
    pg = Playground(hidden_layers=layers, neurons=neurons, activation="relu")
    fig = plot_neurons(pg, resolution=8)
    shown = [ax for ax in fig.axes if ax.axison]
    assert len(shown) == layers * neurons
    if layers:
        assert shown[-1].get_title() == f"layer {layers}, neuron {neurons}"
    assert neuron_mosaic(pg)[:8] == b"\x89PNG\r\n\x1a\n"


def test_blitted_redraws_match_a_fresh_full_draw():
    """The Renderer repaints only what changes (fast); a fresh Renderer draws everything once (the plain reference).
    After many incremental redraws the plane view is pixel for pixel the fresh one's, with few full draws. (The loss
    legend's 'best' place is chosen at the last full draw, so the loss panel may differ there.)"""
    import io

    import numpy as np
    from PIL import Image

    from nnlab.views.playground import Renderer

    pg, renderer = Playground(dataset="spiral", lr=0.3), Renderer()
    for _ in range(12):
        pg.step(17)
        fast = renderer.png(pg)
    plain = Renderer().png(pg)
    a, b = (np.asarray(Image.open(io.BytesIO(png))) for png in (fast, plain))
    assert a.shape == b.shape and np.array_equal(a[:, : a.shape[1] // 2], b[:, : b.shape[1] // 2])
    assert renderer.full_draws <= 5


# ---- widget ------------------------------------------------------------------------------------------
CONTROL_VALUES = {"dataset": list(DATASETS), "features": [("bedrooms", "bathrooms")], "activation": list(ACTIVATIONS),
                  "hidden_layers": [0, 6, 2], "neurons": [1, 8], "lr": [1e-4, 10.0, 0.1], "batch_size": [1, 64],
                  "l1": [REGULARIZATION[-1], 0.0], "l2": [REGULARIZATION[-1], 0.0], "noise": [0.0, 0.5],
                  "train_ratio": [0.1, 0.9]}


@pytest.fixture
def widget():
    """A fresh widget for every test (and every parametrised case)."""
    return playground()


@pytest.mark.parametrize("name", list(CONTROL_VALUES))
def test_every_control_drives_the_playground(widget, name):
    assert widget.playground.steps == 0 and widget.redraws == 1  # fresh: nothing left by another case
    for value in CONTROL_VALUES[name]:
        widget.controls[name].value = value
        got = getattr(widget.playground.config, name)
        assert got == value or (isinstance(value, float) and got == pytest.approx(value)), (name, value, got)
        assert not widget.last_status.startswith("⚠"), widget.last_status  # never a settings error
        widget.playground.step(3)
        status = widget.redraw()
        assert not status.startswith("⚠") or status.startswith("⚠ Diverged"), status  # e.g. lr 10: reported
        widget.buttons["reset"].click()
    assert widget.controls["neurons"].disabled == (widget.playground.config.hidden_layers == 0)


def test_slider_ranges_are_the_experiments_bounds(widget):
    sliders = {name: c for name, c in widget.controls.items() if isinstance(c, (W.IntSlider, W.FloatSlider))}
    assert set(sliders) == {"hidden_layers", "neurons", "batch_size", "noise", "train_ratio"}
    for name, control in sliders.items():
        lo, hi = BOUNDS[name]
        top = min(hi, widget.playground.config.n_train) if name == "batch_size" else hi
        assert (control.min, control.max) == (lo, top), name
    lr = widget.controls["lr"]
    assert (10 ** lr.min, 10 ** lr.max) == pytest.approx(BOUNDS["lr"])
    assert all(BOUNDS["l1"][0] <= r <= BOUNDS["l1"][1] for r in REGULARIZATION)
    assert widget.controls["activation"].options == ACTIVATIONS


def test_batch_size_bound_follows_the_training_set():
    w = playground(n_points=20, batch_size=8)
    w.controls["train_ratio"].value = 0.1  # 2 training points: the slider's bound moves and clamps the value
    assert w.controls["batch_size"].max == 2 and w.playground.config.batch_size == 2
    w.controls["train_ratio"].value = 0.9
    assert w.controls["batch_size"].max == 18


def test_buttons_step_reset_seed_and_divergence_on_the_panel():
    w = playground(dataset="plane")
    image = w.plane.value
    w.buttons["step"].click()
    assert w.playground.steps == 1 and "step 1" in w.epoch.value and w.plane.value != image
    w.buttons["seed"].click()
    assert w.playground.config.seed == 1 and w.playground.steps == 0
    w.controls["lr"].value = 10.0
    w.playground.step(100)
    w.buttons["reset"].click()  # reset clears divergence
    assert not w.last_status.startswith("⚠")
    w.playground.step(100)
    w.redraw()
    assert w.last_status.startswith("⚠ Diverged") and "D55E00" in w.status.value


def test_test_points_are_optional(widget):
    with_test = widget.plane.value
    assert len(widget.renderer.fig.axes[0].collections) == 2
    widget.show_test.value = False
    assert len(widget.renderer.fig.axes[0].collections) == 1 and widget.plane.value != with_test


def test_save_and_load_buttons(tmp_path):
    w = playground(dataset="xor", hidden_layers=3)
    w.playground.step(30)
    w.filename.value = str(tmp_path / "x.json")
    w.buttons["save"].click()
    other = playground()
    other.filename.value = w.filename.value
    other.buttons["load"].click()
    assert weights_equal(w.playground, other.playground)
    assert other.controls["dataset"].value == "xor" and other.controls["hidden_layers"].value == 3
    other.filename.value = str(tmp_path / "missing.json")
    other.buttons["load"].click()
    assert other.last_status.startswith("⚠ could not load")


def test_play_runs_in_chunks_and_pause_stops_it():
    async def scenario():
        w = PlaygroundWidget(Playground(dataset="gauss"), steps_per_chunk=5, max_redraws_per_s=20)
        w.play()
        for _ in range(40):  # the loop yields between chunks, so this coroutine keeps running
            await asyncio.sleep(0)
        w.pause()
        await w._task
        steps = w.playground.steps
        await asyncio.sleep(0.01)
        return w, steps

    w, steps = _run(scenario())
    assert steps >= 100 and steps % 5 == 0 and w.playground.steps == steps and not w.playing
    assert w.redraws >= 2 and f"step {steps}" in w.epoch.value


def test_redraws_are_throttled_while_playing():
    """At most max_redraws_per_s redraws per second of the widget's clock, yet one as soon as that much time passed:
    here each chunk takes 1/64 s of a fake clock and the limit is 16 per second, so every 4th chunk is drawn."""
    w = PlaygroundWidget(Playground(dataset="gauss"), steps_per_chunk=5, max_redraws_per_s=16)
    now, drawn, chunks = [0.0], [], [0]
    w.clock = lambda: now[0]
    step, redraw = w.playground.step, w.redraw

    def slow_step(n):
        now[0] += 1 / 64
        chunks[0] += 1
        if chunks[0] == 40:
            w.pause()
        return step(n)

    def logged_redraw():
        drawn.append((now[0], w.playing))
        return redraw()

    w.playground.step, w.redraw = slow_step, logged_redraw

    async def scenario():
        w.play()
        await w._task

    _run(scenario())
    while_playing = [t for t, playing in drawn if playing]
    gaps = [b - a for a, b in zip(while_playing, while_playing[1:])]
    assert chunks[0] == 40 and w.playground.steps == 200
    assert gaps and all(g >= 1 / 16 for g in gaps)      # never more often than the limit
    assert all(g == 1 / 16 for g in gaps)               # and never later than needed
    assert len(while_playing) == 10 and drawn[-1] == (40 / 64, False)  # plus the final redraw on pause


def test_play_stops_by_itself_on_divergence():
    async def scenario():
        w = PlaygroundWidget(Playground(dataset="plane", lr=10.0))
        w.play()
        await asyncio.wait_for(w._task, timeout=10)
        return w

    w = _run(scenario())
    assert w.last_status.startswith("⚠ Diverged") and not w.playing
