"""The playground's experiment (08_playground.ipynb): settings in, a small network trained on a 2-D data set,
the views' data and the learner's status line out. Nothing here draws: ``nnlab.views.playground`` does.

``Config`` holds every setting (bounds checked with ``nnlab.checks``); ``Playground`` holds the data, the
network and the training state, runs ``step(n)`` in chunks of any size (the run does not depend on them),
stops on divergence (``nnlab.training.diverged``, checked on each mini-batch loss before its update) and
saves and loads itself as JSON, bit for bit; ``result()`` / ``explore_playground`` give a ``PlaygroundResult``.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import choice, integer, number
from ..ffn import ACTIVATIONS as ACTIVATION_MODULES
from ..ffn import mlp
from ..playground import DATASETS, DEFAULT_FEATURES, Dataset, check_features, make_dataset, split_sizes
from ..report import approx
from ..training import diverged, seeded

FORMAT = "nnlab-playground/1"
ACTIVATIONS = tuple(ACTIVATION_MODULES)  # the names of nnlab.ffn.ACTIVATIONS
# name: (lowest, highest) allowed; the widget's controls are built from the same bounds, so they cannot leave them.
BOUNDS = {"lr": (1e-4, 10.0), "hidden_layers": (0, 6), "neurons": (1, 8), "batch_size": (1, 64),
          "l1": (0.0, 0.1), "l2": (0.0, 0.1), "noise": (0.0, 0.5), "train_ratio": (0.1, 0.9),
          "n_points": (20, 2000), "seed": (0, 2**31 - 1)}
INTEGER_SETTINGS = ("hidden_layers", "neurons", "batch_size", "n_points", "seed")
RESET_ON = ("dataset", "activation", "hidden_layers", "neurons", "noise", "train_ratio", "n_points",
            "features", "seed")  # changing these rebuilds data and model; lr, batch_size, l1, l2 apply live
_VERSIONS = itertools.count(1)  # every reset of every playground gets a new number, so views know when to rebuild


@dataclass
class Config:
    """Every control of the playground plus the seed: this (and the weights) is an experiment's full state."""

    dataset: str = "circle"
    activation: str = "tanh"
    hidden_layers: int = 2
    neurons: int = 4
    lr: float = 0.3
    batch_size: int = 10
    l1: float = 0.0
    l2: float = 0.0
    noise: float = 0.1
    train_ratio: float = 0.5
    n_points: int = 500
    features: tuple[str, str] = DEFAULT_FEATURES
    seed: int = 0

    def __post_init__(self) -> None:
        """Check every setting (TypeError: wrong kind, e.g. a bool or float for an integer; ValueError: out of
        bounds), each message naming the setting; numbers are stored as int or float."""
        self.dataset = choice("dataset", self.dataset, DATASETS)
        self.activation = choice("activation", self.activation, ACTIVATIONS)
        for name, (lo, hi) in BOUNDS.items():
            check = integer if name in INTEGER_SETTINGS else number
            setattr(self, name, check(name, getattr(self, name), lo, hi))
        self.features = check_features(self.features)
        if self.batch_size > self.n_train:
            raise ValueError(f"batch_size must be at most the {self.n_train} training points, got {self.batch_size}")

    @property
    def n_total(self) -> int:
        """Number of points actually used (all 1,728 houses for the real-estate data)."""
        return split_sizes(self.dataset, self.n_points, self.train_ratio)[0]

    @property
    def n_train(self) -> int:
        """Training points: round(train_ratio * n_total), at least 1, leaving at least 1 test point."""
        return split_sizes(self.dataset, self.n_points, self.train_ratio)[1]

    def make_dataset(self) -> Dataset:
        """The data set these settings describe (``nnlab.playground.make_dataset``)."""
        return make_dataset(self.dataset, n_points=self.n_points, noise=self.noise, train_ratio=self.train_ratio,
                            seed=self.seed, features=self.features)

    def to_dict(self) -> dict:
        """Plain JSON-able dict of every setting."""
        d = asdict(self)
        d["features"] = list(self.features)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Config:
        """Inverse of to_dict; unknown keys raise ValueError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {unknown}; known: {sorted(known)}")
        return cls(**d)


@dataclass(frozen=True)
class PlaygroundResult:
    """Where a playground run stands: its settings, steps and epochs so far, the last recorded losses."""

    config: Config
    steps: int                     # optimizer updates so far
    epoch: float                   # passes over the training set so far (fractional)
    start_loss: float              # training loss of the initial network (step 0)
    train_loss: float              # last recorded training loss (data loss, without the penalty)
    test_loss: float
    test_accuracy: float | None    # None for regression
    diverged: str | None           # the warning line when training stopped on divergence

    def status(self) -> str:
        """One line for the learner: epoch, step, last train/test loss (and test accuracy), or the divergence.

        Losses and accuracy come out of training and differ in their last digits from one CPU to another:
        they are marked ≈ (``nnlab.report.approx``); the epoch and the step count are exact.
        """
        if self.diverged:
            return self.diverged
        text = (f"epoch {self.epoch:.2f} · step {self.steps} · train loss {approx(self.train_loss)} · "
                f"test loss {approx(self.test_loss)}")
        acc = self.test_accuracy
        return text + (f" · test accuracy {approx(acc, '.1%')}" if acc is not None else "")


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
        self.data: Dataset = c.make_dataset()
        with seeded(c.seed):
            self.model = mlp([2] + [c.neurons] * c.hidden_layers + [1], c.activation)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=c.lr)  # no momentum: no hidden state
        self.steps, self._epoch_index, self._pos = 0, 0, 0
        self._perm = self._permutation(0)
        self.history: dict[str, list[float]] = {"step": [], "epoch": [], "train": [], "test": []}
        self.diverged: str | None = None
        self.version = next(_VERSIONS)
        self._record()

    def set(self, **changes) -> bool:
        """Change settings (checked; on an error nothing changes); return True when this reset the run."""
        new = replace(self.config, **changes)  # Config.__post_init__ checks every setting
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
        """Run up to n SGD steps on mini-batches; returns the steps actually taken.

        Before each update the mini-batch loss is checked with ``nnlab.training.diverged`` against the
        training loss at step 0: a diverging loss is never stepped on; training stops and ``diverged``
        holds the warning line (it names the step that was refused).
        """
        n = integer("n", n, 0)
        self.optimizer.param_groups[0]["lr"] = self.config.lr
        start = self.history["train"][0]
        n_train, done = len(self.data.train), 0
        self.model.train()
        while done < n and self.diverged is None:
            if self._pos >= n_train:
                self._epoch_index, self._pos = self._epoch_index + 1, 0
                self._perm = self._permutation(self._epoch_index)
            idx = self.data.train[self._perm[self._pos:self._pos + self.config.batch_size]]
            out = self.model(self.data.x[idx]).squeeze(1)  # (B,)
            loss = self._data_loss(out, self.data.y[idx]) + self.penalty()
            if diverged(loss.item(), start):
                self._diverge(loss.item())
                break
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            self._pos += len(idx)
            self.steps, done = self.steps + 1, done + 1
            if self.steps % self.record_every == 0:
                self._record()
        self.model.eval()
        return done

    def _record(self) -> None:
        with torch.no_grad():
            out = self._outputs(self.data.x)
            train = self._data_loss(out[self.data.train], self.data.y[self.data.train]).item()
            test = self._data_loss(out[self.data.test], self.data.y[self.data.test]).item()
        for key, value in zip(self.history, (self.steps, self.epoch, train, test)):
            self.history[key].append(float(value))

    def _outputs(self, x: torch.Tensor) -> torch.Tensor:
        """The network's outputs (N,) for x (N, 2) in evaluation mode (the training mode is restored after)."""
        mode = self.model.training
        self.model.eval()
        with torch.no_grad():
            out = self.model(x).squeeze(1)
        self.model.train(mode)
        return out

    def _diverge(self, loss: float) -> None:
        # where and how high it diverged come out of training: marked ≈ (nnlab.report.approx)
        self.diverged = (f"⚠ Diverged at step {approx(self.steps + 1, '.0f')} (epoch {approx(self.epoch, '.1f')}): "
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
        out = self._outputs(pts)
        if self.data.task == "classification":
            out = torch.sigmoid(out)
        return out.reshape(resolution, resolution).numpy()

    def neuron_grids(self, resolution: int = 16) -> list[np.ndarray]:
        """Each hidden layer's neuron outputs over the plane: a list of arrays (neurons, R, R)."""
        _, _, h = self.grid(resolution)
        layers, mode = [], self.model.training
        self.model.eval()
        with torch.no_grad():
            for i, module in enumerate(self.model):
                h = module(h)
                if i % 2 == 1:  # after an activation
                    layers.append(h.T.reshape(-1, resolution, resolution).numpy())
        self.model.train(mode)
        return layers

    def accuracy(self, split: str = "test") -> float | None:
        """Fraction of correctly labelled points in 'train' or 'test' (None for regression)."""
        if self.data.task != "classification":
            return None
        idx = self.data.train if choice("split", split, ("train", "test")) == "train" else self.data.test
        pred = (self._outputs(self.data.x[idx]) > 0).float()
        return float((pred == self.data.y[idx]).float().mean())

    def result(self) -> PlaygroundResult:
        """The run as it stands now."""
        h = self.history
        return PlaygroundResult(replace(self.config), self.steps, self.epoch, h["train"][0], h["train"][-1],
                                h["test"][-1], self.accuracy(), self.diverged)

    def summary(self) -> str:
        """The status line (the widget's too): ``self.result().status()``."""
        return self.result().status()

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
    def from_json(cls, text: str) -> Playground:
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
    def load(cls, path: str) -> Playground:
        """Read a file written by save()."""
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())


def explore_playground(settings: Config, steps: int) -> PlaygroundResult:
    """Train a fresh playground with these settings for ``steps`` steps (fewer if it diverges)."""
    pg = Playground(settings)
    pg.step(steps)
    return pg.result()
