"""The playground's figures and live widget (08_playground.ipynb).

Figures: the six data sets, the output over the plane with the loss curves, each hidden neuron over the
plane. The widget ``playground(**settings)`` wires controls, play/pause/step/reset/new seed and save/load to a
``nnlab.experiments.playground.Playground``; while playing, training runs in short chunks on the kernel's
asyncio loop (so the notebook stays responsive and pause works mid-run) and the views are redrawn at most
``max_redraws_per_s`` times a second.

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
import io
import time
from functools import partial

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from PIL import Image

from ..checks import flag, integer, number
from ..experiments.playground import ACTIVATIONS, BOUNDS, MAX_RESOLUTION, Config, Playground
from ..playground import DATASETS
from .widgets import failure_status, float_slider, int_slider, log_slider

# Okabe-Ito orange (label 0 / negative) to blue (label 1 / positive): readable with colour blindness.
ORANGE_BLUE = LinearSegmentedColormap.from_list("orange_blue", ["#E69F00", "#FFFFFF", "#0072B2"])
REGULARIZATION = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)  # the L1 / L2 menus (+ any other value in BOUNDS)
FEATURE_PAIRS = [("livingArea", "age"), ("livingArea", "lotSize"), ("livingArea", "bathrooms"),
                 ("age", "landValue"), ("bedrooms", "bathrooms"), ("landValue", "pctCollege")]
SLIDER_STEPS = {"noise": 0.05, "train_ratio": 0.1}


def _check_playground(pg) -> Playground:
    if not isinstance(pg, Playground):
        raise TypeError(f"pg must be a Playground (nnlab.experiments.playground), got {type(pg).__name__}")
    return pg


def _resolution(value) -> int:
    return integer("resolution", value, 1, MAX_RESOLUTION)


# ---- figures -------------------------------------------------------------------------------------
def plot_datasets(**settings) -> Figure:
    """The six data sets side by side (other settings as in ``Config``): colour = label or target."""
    fig, axes = plt.subplots(1, len(DATASETS), figsize=(13, 2.8), layout="constrained")
    for ax, name in zip(axes, DATASETS):
        d = Config(**{**settings, "dataset": name}).make_dataset()
        ax.scatter(d.x[:, 0], d.x[:, 1], c=d.y, cmap=ORANGE_BLUE, s=3)
        ax.set(title=f"{name} ({len(d.y)})", xlabel=d.axis_labels[0].split(" (")[0],
               xlim=d.extent[:2], ylim=d.extent[2:])
    axes[0].set_ylabel("x2")
    fig.suptitle("The six data sets (number of points): blue = label 1 or high value, orange = label 0 or low value")
    return fig


def draw_plane(pg: Playground, ax: Axes, resolution: int = 40, show_test: bool = True, title: str | None = None,
               boundary: bool = False):
    """Draw the output over the plane (P(label 1) or the prediction) with the data on ax, and (boundary, for a
    static figure of a classifier) the decision boundary P = 1/2 as a black line; return the image."""
    _check_playground(pg)
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    resolution, show_test, boundary = _resolution(resolution), flag("show_test", show_test), flag("boundary", boundary)
    d, c = pg.data, pg.config
    cls = d.task == "classification"
    lim = (0.0, 1.0) if cls else (float(d.y.min()), float(d.y.max()))
    im = ax.imshow(pg.output_grid(resolution), extent=d.extent, origin="lower", cmap=ORANGE_BLUE,
                   vmin=lim[0], vmax=lim[1], aspect="auto", interpolation="nearest")
    x, y = d.x.numpy(), d.y.numpy()
    kw = dict(cmap=ORANGE_BLUE, vmin=lim[0], vmax=lim[1], s=9)
    tr, te = d.train.numpy(), d.test.numpy()
    ax.scatter(x[tr, 0], x[tr, 1], c=y[tr], edgecolors="#FFFFFF", linewidths=0.6, label="train",
               **{**kw, "s": 9 if show_test else 16})
    if show_test:
        ax.scatter(x[te, 0], x[te, 1], c=y[te], edgecolors="#000000", linewidths=0.6, label="test", **kw)
    if title is None:
        title = f"{c.dataset}: " + ("P(label 1) over the plane" if cls else "prediction over the plane")
    ax.set(xlim=d.extent[:2], ylim=d.extent[2:], xlabel=d.axis_labels[0], ylabel=d.axis_labels[1], title=title)
    if cls and boundary:  # the decision boundary: P(label 1) = 1/2
        xs, ys, _ = pg.grid(resolution)
        ax.contour(xs, ys, pg.output_grid(resolution), levels=[0.5], colors="#000000", linewidths=1.0)
    ax.grid(False)
    return im


def draw_views(pg: Playground, ax_out: Axes, ax_loss: Axes, resolution: int = 40, show_test: bool = True,
               boundary: bool = False) -> dict:
    """Draw the output over the plane with the data (ax_out) and the loss curves (ax_loss); return the artists.
    The live view keeps boundary False: it repaints only the image, so a drawn boundary would go stale."""
    _check_playground(pg)
    for name, ax in (("ax_out", ax_out), ("ax_loss", ax_loss)):
        if not isinstance(ax, Axes):
            raise TypeError(f"{name} must be a matplotlib Axes, got {type(ax).__name__}")
    im = draw_plane(pg, ax_out, resolution, show_test, boundary=boundary)
    h = pg.loss_curves()
    train, = ax_loss.plot(h["epoch"], h["train"], color="#0072B2", label="train")
    test, = ax_loss.plot(h["epoch"], h["test"], color="#D55E00", label="test")
    ax_loss.set(xlabel="epoch", ylabel="BCE loss" if pg.data.task == "classification" else "MSE (standardised)",
                title="loss: train and test")
    ax_loss.legend(fontsize=8)
    return {"image": im, "train": train, "test": test}


def plot_side_by_side(runs: dict[str, Playground], resolution: int = 40, show_test: bool = False) -> Figure:
    """Each run's output over the plane side by side (titled by its label; the training points, and the test
    points when show_test), then all their loss curves in one panel (train dashed, test solid):
    e.g. {"L2 = 0": pg0, "L2 = 0.001": pg1}."""
    if not isinstance(runs, dict) or not runs or not all(isinstance(k, str) for k in runs):
        raise TypeError(f"runs must be a non-empty dict of label (str) -> Playground, got {type(runs).__name__}")
    for pg in runs.values():
        _check_playground(pg)
    resolution, show_test = _resolution(resolution), flag("show_test", show_test)
    fig, axes = plt.subplots(1, len(runs) + 1, figsize=(3.6 * (len(runs) + 1), 3.4), layout="constrained")
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00"]
    for i, ((label, pg), ax) in enumerate(zip(runs.items(), axes)):
        draw_plane(pg, ax, resolution, show_test, title=label, boundary=True)
        h = pg.loss_curves()
        colour = colours[i % len(colours)]
        axes[-1].plot(h["epoch"], h["train"], "--", color=colour, label=f"{label}: train")
        axes[-1].plot(h["epoch"], h["test"], color=colour, label=f"{label}: test")
    first = next(iter(runs.values()))
    axes[-1].set(xlabel="epoch", title="loss: train (dashed) and test", ylim=(0, None),
                 ylabel="BCE loss" if first.data.task == "classification" else "MSE (standardised)")
    axes[-1].legend(fontsize=7, loc="lower left")
    return fig


def plot_playground(pg: Playground, show_test: bool = True) -> Figure:
    """A static figure of the playground's two main views (for notebooks; a classifier's boundary P = 1/2 drawn)."""
    _check_playground(pg)
    flag("show_test", show_test)
    fig, (ax_out, ax_loss) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    draw_views(pg, ax_out, ax_loss, show_test=show_test, boundary=True)
    fig.tight_layout()
    return fig


def plot_neurons(pg: Playground, resolution: int = 30) -> Figure:
    """Every hidden neuron's output over the plane: one row per layer, one panel per neuron (x1 across, x2 up).

    The colour scale is symmetric, at least -1..1 (tanh's range), wider for larger outputs (relu).
    """
    grids = _check_playground(pg).neuron_grids(_resolution(resolution))
    rows, cols = max(len(grids), 1), max((len(g) for g in grids), default=1)
    fig, axes = plt.subplots(rows, cols, figsize=(2 * cols, 2 * rows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for layer, acts in enumerate(grids):
        top = max(1.0, float(np.abs(acts).max()))
        for k, a in enumerate(acts):
            ax = axes[layer, k]
            ax.set_axis_on()
            ax.imshow(a, origin="lower", cmap=ORANGE_BLUE, vmin=-top, vmax=top, extent=pg.data.extent)
            ax.set(title=f"layer {layer + 1}, neuron {k + 1}", xticks=[], yticks=[])
            ax.grid(False)
    fig.suptitle("Hidden neurons' outputs over the plane (x1 across, x2 up)" if grids else "No hidden layer")
    return fig


def neuron_mosaic(pg: Playground, resolution: int = 16, zoom: int = 4) -> bytes:
    """PNG of every hidden neuron's output over the plane: one row per layer, one tile per neuron."""
    resolution, zoom = _resolution(resolution), integer("zoom", zoom, 1, 64)
    layers = _check_playground(pg).neuron_grids(resolution)
    if not layers:
        layers = [np.zeros((1, resolution, resolution))]  # no hidden layer: one blank tile
    tile, gap = resolution * zoom, 3
    cols = max(len(a) for a in layers)
    canvas = np.full((len(layers) * (tile + gap), cols * (tile + gap), 3), 255, dtype=np.uint8)
    for r, acts in enumerate(layers):
        for k, a in enumerate(acts):
            a = np.nan_to_num(a[::-1])  # row 0 = top = largest x2
            scale = max(float(np.abs(a).max()), 1e-6)
            rgb = (ORANGE_BLUE(0.5 + 0.5 * a / scale)[..., :3] * 255).astype(np.uint8)
            rgb = rgb.repeat(zoom, 0).repeat(zoom, 1)
            canvas[r * (tile + gap):r * (tile + gap) + tile, k * (tile + gap):k * (tile + gap) + tile] = rgb
    buf = io.BytesIO()
    Image.fromarray(canvas).save(buf, format="PNG")
    return buf.getvalue()


class Renderer:
    """One Agg figure, redrawn by blitting: axes, ticks and labels are drawn once and cached; each redraw
    paints only the output image, the points and the loss lines (a full draw only after a reset or when the
    loss axes must grow). PNG bytes come straight from the canvas buffer."""

    def __init__(self, resolution: int = 40, show_test: bool = True) -> None:
        resolution, show_test = _resolution(resolution), flag("show_test", show_test)
        self.fig = Figure(figsize=(8.4, 3.3), dpi=72)
        self.show_test = show_test
        self.canvas = FigureCanvasAgg(self.fig)
        self.resolution, self._version, self._artists, self._background = resolution, None, {}, None
        self.full_draws = 0

    def _full_draw(self) -> None:
        self.canvas.draw()  # animated artists are skipped: this is the static background
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.full_draws += 1

    def png(self, pg: Playground) -> bytes:
        """Redraw for pg's current state and return the PNG bytes."""
        h = _check_playground(pg).loss_curves()
        if self._version != pg.version:
            self.fig.clear()
            ax_out, ax_loss = self.fig.subplots(1, 2, width_ratios=[1, 1.3])
            self._artists = draw_views(pg, ax_out, ax_loss, self.resolution, self.show_test)
            self._artists["points"] = ax_out.collections
            for artist in [self._artists["image"], self._artists["train"], self._artists["test"],
                           *self._artists["points"]]:
                artist.set_animated(True)
            self._ax_loss, self._version = ax_loss, pg.version
            self.fig.tight_layout()
            self._limits = (0.0, 0.0)
        finite = np.isfinite(h["train"]) & np.isfinite(h["test"])
        top = float(max(h["train"][finite].max(), h["test"][finite].max())) if finite.any() else 1.0
        x_hi, y_hi = self._limits
        if h["epoch"][-1] > x_hi or top > y_hi or self._background is None:  # grow the loss axes by doubling
            x_hi = max(1.0, x_hi)
            while x_hi < h["epoch"][-1]:
                x_hi *= 2
            y_hi = max(y_hi, 1.1 * top + 1e-9)
            self._limits = (x_hi, y_hi)
            self._ax_loss.set(xlim=(0, x_hi), ylim=(0, y_hi))
            self._full_draw()
        self.canvas.restore_region(self._background)
        a = self._artists
        a["image"].set_data(pg.output_grid(self.resolution))
        a["train"].set_data(h["epoch"], h["train"])
        a["test"].set_data(h["epoch"], h["test"])
        for artist in [a["image"], *a["points"], a["train"], a["test"]]:
            artist.axes.draw_artist(artist)
        buf = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())[..., :3]).save(buf, format="PNG", compress_level=1)
        return buf.getvalue()


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
