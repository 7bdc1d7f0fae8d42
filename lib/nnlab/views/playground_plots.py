"""The playground's figures (08_playground.ipynb), under ``nnlab.views.playground``, which has the live widget.

The six data sets, the output over the plane with the loss curves, each run of a comparison side by side, each
hidden neuron over the plane (a figure, or the widget's PNG mosaic), and ``Renderer``, the widget's live view:
one figure redrawn by blitting. Each draws a ``nnlab.experiments.playground.Playground``; every name here is
importable from ``nnlab.views.playground`` too.
"""
from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from PIL import Image

from ..checks import flag, integer
from ..experiments.playground import MAX_RESOLUTION, Config, Playground
from ..playground import DATASETS

# Okabe-Ito orange (label 0 / negative) to blue (label 1 / positive): readable with colour blindness.
ORANGE_BLUE = LinearSegmentedColormap.from_list("orange_blue", ["#E69F00", "#FFFFFF", "#0072B2"])


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

