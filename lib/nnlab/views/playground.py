"""The playground's live widget (08_playground.ipynb); its figures live in ``nnlab.views.playground_plots``.

Figures (``playground_plots``, importable from here too): the six data sets, the output over the plane with the
loss curves, each hidden neuron over the plane. The widget ``playground(**settings)`` wires controls,
play/pause/step/reset/new seed and save/load to a ``nnlab.experiments.playground.Playground``; while playing,
training runs in short chunks on the kernel's asyncio loop (so the notebook stays responsive and pause works
mid-run) and the views are redrawn at most ``max_redraws_per_s`` times a second.

No exception escapes the widget's buttons and controls: a failure becomes a ⚠ status line
(``nnlab.views.widgets.failure_status``), the controls are set back to what the playground holds and the last
good picture stays. Every setting the experiment accepts can be shown: a dropdown (L1, L2, the houses'
features) gains a value that is not yet among its options, e.g. ``l1=0.05`` read from a file.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import html
import time
from functools import partial

import ipywidgets as W
from IPython.display import display

from ..checks import integer, number
from ..experiments.playground import ACTIVATIONS, BOUNDS, Config, Playground
from ..playground import DATASETS
from .playground_plots import (ORANGE_BLUE, Renderer, draw_plane, draw_views, neuron_mosaic,  # noqa: F401
                               plot_datasets, plot_neurons, plot_playground, plot_side_by_side)
from .widgets import failure_status, float_slider, int_slider, log_slider

REGULARIZATION = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)  # the L1 / L2 menus (+ any other value in BOUNDS)
FEATURE_PAIRS = [("livingArea", "age"), ("livingArea", "lotSize"), ("livingArea", "bathrooms"),
                 ("age", "landValue"), ("bedrooms", "bathrooms"), ("landValue", "pctCollege")]
SLIDER_STEPS = {"noise": 0.05, "train_ratio": 0.1}


# ---- the live widget -----------------------------------------------------------------------------
def _batch_size_max(config: Config) -> int:
    """The batch-size slider's top: BOUNDS' top, but never more than the training set."""
    return min(BOUNDS["batch_size"][1], config.n_train)


def _feature_options(features: tuple[str, str]) -> list[tuple[str, tuple[str, str]]]:
    """The features menu: FEATURE_PAIRS, and the given pair after them when it is not one of them."""
    pairs = FEATURE_PAIRS + ([tuple(features)] if tuple(features) not in FEATURE_PAIRS else [])
    return [(f"{a}, {b}", (a, b)) for a, b in pairs]


def _regularization_options(value: float) -> tuple[float, ...]:
    """The L1 / L2 menu: REGULARIZATION, and the given value in its place when it is not one of them."""
    return tuple(sorted(set(REGULARIZATION) | {value}))


class PlaygroundWidget:
    """The live playground: ``controls`` by name, buttons, two image views, epoch counter and status line."""

    def __init__(self, playground: Playground | None = None, steps_per_chunk: int = 5,
                 max_redraws_per_s: float = 8.0) -> None:
        if playground is not None and not isinstance(playground, Playground):
            raise TypeError(f"playground must be a Playground or None, got {type(playground).__name__}")
        steps_per_chunk = integer("steps_per_chunk", steps_per_chunk, 1, 10_000)
        max_redraws_per_s = number("max_redraws_per_s", max_redraws_per_s, positive=True)
        self.playground = playground if playground is not None else Playground(Config())
        self.steps_per_chunk, self.min_interval = steps_per_chunk, 1.0 / max_redraws_per_s
        self.clock = time.perf_counter  # the throttle's clock (a test may replace it)
        self.renderer, self.redraws, self.playing, self._task, self._syncing = Renderer(), 0, False, None, False
        self.last_status = ""  # the status line's text, as nnlab.views.widgets.Panel
        self.last_error: Exception | None = None  # what the last failed action failed on
        c, style = self.playground.config, {"description_width": "initial"}
        dd = lambda desc, options, value, width="190px": W.Dropdown(  # noqa: E731
            options=options, value=value, description=desc, style=style, layout=W.Layout(width=width))
        fl = lambda desc, name: float_slider(desc, getattr(c, name), *BOUNDS[name], SLIDER_STEPS[name])  # noqa: E731
        self.controls = {
            "dataset": dd("data set", DATASETS, c.dataset),
            "features": dd("houses features", _feature_options(c.features), c.features, "300px"),
            "activation": dd("activation", ACTIVATIONS, c.activation),
            "hidden_layers": int_slider("hidden layers", c.hidden_layers, *BOUNDS["hidden_layers"]),
            "neurons": int_slider("neurons per layer", c.neurons, *BOUNDS["neurons"]),
            "lr": log_slider("learning rate", c.lr, *BOUNDS["lr"]),
            "batch_size": int_slider("batch size", c.batch_size, BOUNDS["batch_size"][0], _batch_size_max(c)),
            "l1": dd("L1", _regularization_options(c.l1), c.l1), "l2": dd("L2", _regularization_options(c.l2), c.l2),
            "noise": fl("noise", "noise"),
            "train_ratio": fl("train ratio", "train_ratio"),
        }
        for name, control in self.controls.items():
            control.observe(partial(self._changed, name), names="value")
        self.buttons = {name: W.Button(description=label, layout=W.Layout(width="auto"))
                        for name, label in [("play", "▶ play"), ("pause", "‖ pause"), ("step", "step"),
                                            ("reset", "reset"), ("seed", "new seed"), ("save", "save"),
                                            ("load", "load")]}
        actions = {"play": lambda: self._safely(self.play), "pause": self.pause,
                   "step": lambda: self._do(lambda: self.playground.step(1)),
                   "reset": lambda: self._do(lambda: self.playground.reset()),
                   "seed": lambda: self._do(lambda: self.playground.new_seed()),
                   "save": lambda: self.save(self.filename.value), "load": lambda: self.load(self.filename.value)}
        for name, button in self.buttons.items():
            button.on_click(lambda _b, f=actions[name]: f())
        self.filename = W.Text(value="experiment.json", layout=W.Layout(width="150px"))
        self.show_test = W.Checkbox(value=True, description="show test points", indent=False)
        self.show_test.observe(self._toggle_test, names="value")
        self.epoch, self.status = W.HTML(), W.HTML()
        self.plane, self.neurons = W.Image(format="png"), W.Image(format="png")
        self.widget = W.VBox([
            W.HTML("<b>Playground: a small network learning a 2-D data set</b>"),
            W.HBox(list(self.buttons.values())[:5] + [self.epoch], layout=W.Layout(align_items="center")),
            W.HBox(list(self.controls.values()), layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self.buttons["save"], self.buttons["load"], self.filename, self.show_test]), self.status,
            W.HBox([self.plane, W.VBox([W.HTML("hidden neurons (one row per layer)"), self.neurons])])])
        self._sync_enabled()
        self._safely(self.redraw)

    def redraw(self) -> str:
        """Redraw both views, the epoch counter and the status line; return the status. Both pictures are made
        before either is shown, so a failure leaves the last good ones."""
        pg = self.playground
        plane, neurons, status = self.renderer.png(pg), neuron_mosaic(pg), pg.summary()
        self.plane.value, self.neurons.value = plane, neurons
        self._show_epoch()
        self._show(status)
        self.redraws += 1
        return self.last_status

    def _show_epoch(self) -> None:
        pg = self.playground
        self.epoch.value = f"&nbsp;<b>epoch {pg.epoch:.2f}</b> · step {pg.steps}"

    def _toggle_test(self, change: dict) -> None:
        self.renderer.show_test, self.renderer._version = change["new"], None  # rebuild the plane view
        self._safely(self.redraw)

    def _show(self, status: str) -> None:
        self.last_status = status
        colour = "#D55E00" if status.startswith("⚠") else "#000000"
        self.status.value = f'<span style="color:{colour}">{html.escape(status)}</span>'

    def _safely(self, action, doing: str = "") -> bool:
        """Run action(); on any failure show it as a ⚠ line, set the controls back to the playground's state
        (the last good picture stays) and return False."""
        try:
            action()
        except Exception as exc:  # a button or control never lets an exception escape
            self._failed(exc, doing)
            return False
        return True

    def _failed(self, exc: Exception, doing: str = "") -> None:
        self.last_error = exc
        try:
            self._sync_controls()
            self._show_epoch()
        except Exception:  # noqa: BLE001 - the status line below says what failed first
            pass
        self._show(failure_status(exc, doing))

    def _do(self, action) -> None:
        def run():
            action()
            self._sync_controls()
            self.redraw()
        self._safely(run)

    def _changed(self, name: str, change: dict) -> None:
        if self._syncing:
            return
        self._safely(partial(self._apply, name, change["new"]))

    def _apply(self, name: str, value) -> None:
        """One control moved: the playground takes the new setting (the batch size clamped to the training set)
        or refuses it; either way the controls then show the playground's settings."""
        if isinstance(self.controls[name], W.FloatSlider):
            value = round(value, 4)  # a linear slider's float noise (0.15000000000000002 -> 0.15)
        changes = {name: value}
        probe = dataclasses.replace(self.playground.config, **{name: value, "batch_size": 1})  # checked; the
        hi = _batch_size_max(probe)  # new training-set size: batch size can never exceed it
        if self.playground.config.batch_size > hi:
            changes["batch_size"] = hi
        self.playground.set(**changes)
        self._sync_controls()
        self.redraw()

    @contextlib.contextmanager
    def _quiet(self):
        """Change controls without reacting to the changes (bounds and values follow the playground)."""
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    def _sync_enabled(self) -> None:
        c = self.playground.config
        self.controls["neurons"].disabled = c.hidden_layers == 0
        self.controls["features"].disabled = c.dataset != "houses"
        self.controls["train_ratio"].disabled = c.dataset == "houses"  # the houses keep 01's split
        self.controls["noise"].description = "noise" if c.dataset != "houses" else "input noise"

    def _sync_controls(self) -> None:
        """Every control (its menu, its bounds, its value) shows the playground's settings."""
        c = self.playground.config
        with self._quiet():
            menus = {"features": _feature_options(c.features), "l1": _regularization_options(c.l1),
                     "l2": _regularization_options(c.l2)}
            for name, options in menus.items():
                control = self.controls[name]
                if getattr(c, name) not in [o[1] if isinstance(o, tuple) else o for o in control.options]:
                    control.options = options
            self.controls["batch_size"].max = _batch_size_max(c)
            for name, control in self.controls.items():
                if control.value != getattr(c, name):
                    control.value = getattr(c, name)
        self._sync_enabled()

    def play(self) -> None:
        """Start training in chunks on the running event loop (the kernel's); returns at once."""
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = asyncio.get_event_loop()
        self.playing = True
        self._task = loop.create_task(self._run())

    def pause(self) -> None:
        """Stop after the current chunk (a few steps)."""
        self.playing = False

    async def _run(self) -> None:
        last, failure = -float("inf"), None
        try:
            while self.playing and self.playground.diverged is None:
                self.playground.step(self.steps_per_chunk)
                if self.clock() - last >= self.min_interval:  # the throttle: at most max_redraws_per_s
                    self.redraw()
                    last = self.clock()
                await asyncio.sleep(0)  # let the kernel handle widget messages (e.g. pause) between chunks
        except Exception as exc:  # a chunk that fails stops the run and says why
            failure = exc
        finally:
            self.playing = False
            if failure is None:
                self._safely(self.redraw)
        if failure is not None:
            self._failed(failure, "training stopped")

    def save(self, path: str) -> None:
        """Write the experiment (settings, seed, weights, history) as JSON; a failure is a ⚠ status line."""
        if self._safely(lambda: self.playground.save(path), f"could not save to {path}"):
            self._show(f"saved to {path}")

    def load(self, path: str) -> None:
        """Replace the experiment with one saved by save(); controls follow its settings. The file is checked
        whole first (``Playground.load``); if it is refused, or the loaded experiment cannot be shown, the
        current one stays, with a ⚠ status line."""
        doing = f"could not load {path}"
        try:
            loaded = Playground.load(path)
        except Exception as exc:  # noqa: BLE001 - shown on the status line
            self._failed(exc, doing)
            return
        previous, self.playground = self.playground, loaded
        try:
            self._sync_controls()
            self.redraw()
        except Exception as exc:  # noqa: BLE001 - the previous experiment comes back
            self.playground = previous
            self._failed(exc, doing)

    def _ipython_display_(self) -> None:
        display(self.widget)


def playground(**settings) -> PlaygroundWidget:
    """The notebook-08 widget; keyword settings as in ``Config`` (default: circle, tanh, 2 x 4 neurons, lr 0.3)."""
    return PlaygroundWidget(Playground(Config(**settings)))
