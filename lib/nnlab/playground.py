"""A TensorFlow-Playground-like lab for small PyTorch networks on 2-D data (08_playground.ipynb).

``Playground`` is the pure, testable core: settings, data, model, ``step(n)``, the
views' data (loss curves, output over the plane, each hidden neuron's output), an exact
JSON save/load, and the static figure of its views. ``nnlab.playground_widget`` runs it live.
"""
from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from .ffn import mlp
from .playground_data import Config, Dataset, make_dataset
from .report import approx

FORMAT = "nnlab-playground/1"
RESET_ON = ("dataset", "activation", "hidden_layers", "neurons", "noise", "train_ratio", "n_points",
            "features", "seed")  # changing these rebuilds data and model; lr, batch_size, l1, l2 apply live
# Okabe-Ito orange (label 0 / negative) to blue (label 1 / positive): readable with colour blindness.
ORANGE_BLUE = LinearSegmentedColormap.from_list("orange_blue", ["#E69F00", "#FFFFFF", "#0072B2"])
_VERSIONS = itertools.count(1)  # every reset of every playground gets a new number, so views know when to rebuild


class Playground:
    """Settings + data + model + training state; ``step(n)`` runs n mini-batch SGD steps."""

    record_every = 5  # steps between two points of the loss curves (independent of how steps are chunked)

    def __init__(self, config: Config | None = None, **settings) -> None:
        self.config = config if config is not None else Config(**settings)
        if config is not None and settings:
            self.config = replace(config, **settings)
        self.reset()

    # ---- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Rebuild the data and re-initialise the model from the seed; clears the history."""
        c = self.config
        self.data: Dataset = make_dataset(c)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(c.seed)
            self.model = mlp([2] + [c.neurons] * c.hidden_layers + [1], c.activation)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=c.lr)  # no momentum: no hidden state
        self.steps, self._epoch_index, self._pos = 0, 0, 0
        self._perm = self._permutation(0)
        self.history: dict[str, list[float]] = {"step": [], "epoch": [], "train": [], "test": []}
        self.diverged: str | None = None
        self.version = next(_VERSIONS)
        self._record()

    def set(self, **changes) -> bool:
        """Change settings (validated; on ValueError nothing changes); return True when this reset the run."""
        new = replace(self.config, **changes)  # __post_init__ validates
        needs_reset = any(getattr(new, k) != getattr(self.config, k) for k in RESET_ON)
        self.config = new
        if needs_reset:
            self.reset()
        return needs_reset

    def new_seed(self) -> int:
        """Move to the next seed (new data noise, split, initial weights and batch order) and reset."""
        self.set(seed=(self.config.seed + 1) % 2**31)
        return self.config.seed

    @property
    def epoch(self) -> float:
        """Passes over the training set so far (fractional)."""
        return self._epoch_index + self._pos / len(self.data.train)

    # ---- training ----------------------------------------------------------------------------
    def _permutation(self, epoch: int) -> torch.Tensor:
        g = torch.Generator().manual_seed(self.config.seed * 2**32 + epoch)
        return torch.randperm(len(self.data.train), generator=g)

    def _data_loss(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if self.data.task == "classification":
            return F.binary_cross_entropy_with_logits(out, y)
        return F.mse_loss(out, y)

    def penalty(self) -> torch.Tensor:
        """l1 * sum |W| + l2 * sum W^2 over the weight matrices (biases are not regularised)."""
        weights = [p for name, p in self.model.named_parameters() if name.endswith("weight")]
        total = torch.zeros(())
        if self.config.l1:
            total = total + self.config.l1 * sum(w.abs().sum() for w in weights)
        if self.config.l2:
            total = total + self.config.l2 * sum((w ** 2).sum() for w in weights)
        return total

    def step(self, n: int = 1) -> int:
        """Run up to n SGD steps on mini-batches; stop at divergence. Returns the steps actually taken."""
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"n must be a non-negative int, got {n!r}")
        self.optimizer.param_groups[0]["lr"] = self.config.lr
        n_train, done = len(self.data.train), 0
        while done < n and self.diverged is None:
            if self._pos >= n_train:
                self._epoch_index, self._pos = self._epoch_index + 1, 0
                self._perm = self._permutation(self._epoch_index)
            idx = self.data.train[self._perm[self._pos:self._pos + self.config.batch_size]]
            self._pos += len(idx)
            out = self.model(self.data.x[idx]).squeeze(1)  # (B,)
            loss = self._data_loss(out, self.data.y[idx]) + self.penalty()
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self.steps, done = self.steps + 1, done + 1
            if not math.isfinite(loss.item()):
                self._diverge(loss.item())
            elif self.steps % self.record_every == 0:
                self._record()
        return done

    def _record(self) -> None:
        with torch.no_grad():
            out = self.model(self.data.x).squeeze(1)
            train = self._data_loss(out[self.data.train], self.data.y[self.data.train]).item()
            test = self._data_loss(out[self.data.test], self.data.y[self.data.test]).item()
        for key, value in zip(self.history, (self.steps, self.epoch, train, test)):
            self.history[key].append(float(value))
        start = self.history["train"][0]
        if not math.isfinite(train) or train > 1e3 * max(start, 1e-2):
            self._diverge(train)

    def _diverge(self, loss: float) -> None:
        # where and how high it diverged come out of training: marked ≈ (nnlab.report.approx)
        self.diverged = (f"⚠ Diverged at step {approx(self.steps, '.0f')} (epoch {approx(self.epoch, '.1f')}): "
                         f"the training loss reached {approx(loss, '.2e')}. "
                         f"Lower the learning rate (now {self.config.lr:.3g}) and press reset.")

    # ---- views' data -------------------------------------------------------------------------
    def loss_curves(self) -> dict[str, np.ndarray]:
        """{'step', 'epoch', 'train', 'test'}: arrays (K,), one point every ``record_every`` steps."""
        return {k: np.array(v) for k, v in self.history.items()}

    def grid(self, resolution: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
        """Grid axes x1 (R,), x2 (R,) over the plot extent and the points (R*R, 2), row = x2, column = x1."""
        x0, x1, y0, y1 = self.data.extent
        xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, torch.tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)

    def output_grid(self, resolution: int = 40) -> np.ndarray:
        """Model output over the plane (R, R): P(label 1) for classification, the prediction for regression."""
        _, _, pts = self.grid(resolution)
        with torch.no_grad():
            out = self.model(pts).squeeze(1)
        if self.data.task == "classification":
            out = torch.sigmoid(out)
        return out.reshape(resolution, resolution).numpy()

    def neuron_grids(self, resolution: int = 16) -> list[np.ndarray]:
        """Each hidden layer's neuron outputs over the plane: a list of arrays (neurons, R, R)."""
        _, _, h = self.grid(resolution)
        layers, modules = [], list(self.model)
        with torch.no_grad():
            for i, module in enumerate(modules):
                h = module(h)
                if i % 2 == 1:  # after an activation
                    layers.append(h.T.reshape(-1, resolution, resolution).numpy())
        return layers

    def accuracy(self, split: str = "test") -> float | None:
        """Fraction of correctly labelled points in 'train' or 'test' (None for regression)."""
        if self.data.task != "classification":
            return None
        idx = self.data.train if split == "train" else self.data.test
        with torch.no_grad():
            pred = (self.model(self.data.x[idx]).squeeze(1) > 0).float()
        return float((pred == self.data.y[idx]).float().mean())

    def summary(self) -> str:
        """One line for the learner: epoch, step, last train/test loss (and test accuracy).

        Losses and accuracy come out of training and differ in their last digits from one CPU to another:
        they are marked ≈ (``nnlab.report.approx``); the epoch and the step count are exact.
        """
        if self.diverged:
            return self.diverged
        h = self.history
        text = (f"epoch {self.epoch:.2f} · step {self.steps} · train loss {approx(h['train'][-1])} · "
                f"test loss {approx(h['test'][-1])}")
        acc = self.accuracy()
        return text + (f" · test accuracy {approx(acc, '.1%')}" if acc is not None else "")

    # ---- save / load -------------------------------------------------------------------------
    def to_json(self, weights: bool = True) -> str:
        """The experiment as JSON: every setting incl. the seed, and (weights=True) the exact training state."""
        doc: dict = {"format": FORMAT, "config": self.config.to_dict()}
        if weights:
            doc["state"] = {"steps": self.steps, "epoch_index": self._epoch_index, "pos": self._pos,
                            "diverged": self.diverged, "history": self.history,
                            "weights": {k: v.tolist() for k, v in self.model.state_dict().items()}}
        return json.dumps(doc)

    @classmethod
    def from_json(cls, text: str) -> "Playground":
        """Rebuild a Playground from to_json's output; continuing it gives bit-for-bit the same run."""
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            raise ValueError(f"expected a {FORMAT!r} document, got format {doc.get('format')!r}")
        pg = cls(Config.from_dict(doc["config"]))
        state = doc.get("state")
        if state:
            sd = pg.model.state_dict()
            loaded = {k: torch.tensor(v, dtype=sd[k].dtype) for k, v in state["weights"].items()}
            pg.model.load_state_dict(loaded)
            pg.steps, pg._epoch_index, pg._pos = state["steps"], state["epoch_index"], state["pos"]
            pg._perm = pg._permutation(pg._epoch_index)
            pg.history = {k: [float(x) for x in v] for k, v in state["history"].items()}
            pg.diverged = state["diverged"]
        return pg

    def save(self, path: str) -> None:
        """Write to_json() to a file."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    @classmethod
    def load(cls, path: str) -> "Playground":
        """Read a file written by save()."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())


def draw_views(pg: Playground, ax_out: Axes, ax_loss: Axes, resolution: int = 40, show_test: bool = True) -> dict:
    """Draw the output over the plane with the data (ax_out) and the loss curves (ax_loss); return the artists."""
    d, c = pg.data, pg.config
    cls = d.task == "classification"
    lim = (0.0, 1.0) if cls else (float(d.y.min()), float(d.y.max()))
    im = ax_out.imshow(pg.output_grid(resolution), extent=d.extent, origin="lower", cmap=ORANGE_BLUE,
                       vmin=lim[0], vmax=lim[1], aspect="auto", interpolation="nearest")
    x, y = d.x.numpy(), d.y.numpy()
    kw = dict(cmap=ORANGE_BLUE, vmin=lim[0], vmax=lim[1], s=9)
    tr, te = d.train.numpy(), d.test.numpy()
    ax_out.scatter(x[tr, 0], x[tr, 1], c=y[tr], edgecolors="#FFFFFF", linewidths=0.4, label="train", **kw)
    if show_test:
        ax_out.scatter(x[te, 0], x[te, 1], c=y[te], edgecolors="#000000", linewidths=0.6, label="test", **kw)
    ax_out.set(xlim=d.extent[:2], ylim=d.extent[2:], xlabel=d.axis_labels[0], ylabel=d.axis_labels[1],
               title=f"{c.dataset}: " + ("P(label 1) over the plane" if cls else "prediction over the plane"))
    ax_out.grid(False)
    h = pg.loss_curves()
    train, = ax_loss.plot(h["epoch"], h["train"], color="#0072B2", label="train")
    test, = ax_loss.plot(h["epoch"], h["test"], color="#D55E00", label="test")
    ax_loss.set(xlabel="epoch", ylabel="BCE loss" if cls else "MSE (standardised)",
                title="loss: train and test")
    ax_loss.legend(fontsize=8)
    return {"image": im, "train": train, "test": test}


def plot_playground(pg: Playground, show_test: bool = True) -> Figure:
    """A static figure of the playground's two main views (for notebooks)."""
    fig, (ax_out, ax_loss) = plt.subplots(1, 2, figsize=(9.5, 3.8))
    draw_views(pg, ax_out, ax_loss, show_test=show_test)
    fig.tight_layout()
    return fig
