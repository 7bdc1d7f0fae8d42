"""The playground's experiment (08_playground.ipynb): settings in, a small network trained on a 2-D data set,
the views' data and the learner's status line out. Nothing here draws: ``nnlab.views.playground`` does.

``Config`` holds every setting (bounds checked with ``nnlab.checks``); ``Playground`` holds the data, the
network and the training state, runs ``step(n)`` in chunks of any size (the run does not depend on them),
stops on divergence (``nnlab.training.diverged``, checked on each mini-batch loss before its update) and
saves and loads itself as JSON, bit for bit; ``result()`` / ``explore_playground`` give a ``PlaygroundResult``.

Where the parts live: this module keeps the settings, the run's state and its training loop, the result and
``explore_playground``; ``playground_train`` has the training helpers and ``Readouts`` (the views' data:
``loss_curves``, ``grid``, ``output_grid``, ``neuron_grids``, ``accuracy``); ``playground_save`` has ``Saving``
(``to_json``, ``from_json``, ``save``, ``load``) and the file format (``FORMAT``), whose field-by-field reading
lives in ``playground_file``. ``Playground`` mixes both in, and every name stays importable from here.
"""
from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, fields, replace

import torch

from ..checks import integer, number
from ..ffn import ACTIVATIONS as ACTIVATION_MODULES
from ..ffn import mlp
from ..playground import (DATASETS, DEFAULT_FEATURES, Dataset, check_features, check_name, make_dataset,
                          split_sizes)
from ..report import approx
from ..training import diverged, seeded
from .playground_file import FORMAT, MAX_FILE_BYTES  # noqa: F401 - importable from here, as before
from .playground_save import Saving
from .playground_train import MAX_RESOLUTION, Readouts, _data_loss, _losses, _outputs, _permutation  # noqa: F401

ACTIVATIONS = tuple(ACTIVATION_MODULES)  # the names of nnlab.ffn.ACTIVATIONS
# name: (lowest, highest) allowed; the widget's controls are built from the same bounds, so they cannot leave them.
BOUNDS = {"lr": (1e-4, 10.0), "hidden_layers": (0, 6), "neurons": (1, 8), "batch_size": (1, 64),
          "l1": (0.0, 0.1), "l2": (0.0, 0.1), "noise": (0.0, 0.5), "train_ratio": (0.1, 0.9),
          "n_points": (20, 2000), "seed": (0, 2**31 - 1)}
INTEGER_SETTINGS = ("hidden_layers", "neurons", "batch_size", "n_points", "seed")
RESET_ON = ("dataset", "activation", "hidden_layers", "neurons", "noise", "train_ratio", "n_points",
            "features", "seed")  # changing these rebuilds data and model; lr, batch_size, l1, l2 apply live
_VERSIONS = itertools.count(1)  # every reset of every playground gets a new number, so views know when to rebuild


@dataclass(frozen=True)
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
        put = object.__setattr__    # frozen: a Config cannot change after these checks; use replace() or set()
        put(self, "dataset", check_name("dataset", self.dataset, DATASETS))
        put(self, "activation", check_name("activation", self.activation, ACTIVATIONS))
        for name, (lo, hi) in BOUNDS.items():
            check = integer if name in INTEGER_SETTINGS else number
            put(self, name, check(name, getattr(self, name), lo, hi))
        put(self, "features", check_features(self.features))
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
        """Inverse of to_dict: a dict of settings (TypeError otherwise); unknown keys raise ValueError."""
        if not isinstance(d, dict):
            raise TypeError(f"config must be a dict of settings by name, got {type(d).__name__}")
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

    def __post_init__(self) -> None:
        if not isinstance(self.config, Config):
            raise TypeError(f"config must be a Config, got {type(self.config).__name__}")
        integer("steps", self.steps, 0)
        number("epoch", self.epoch, 0.0)
        for name in ("start_loss", "train_loss", "test_loss"):  # a loss after a blow-up may be inf or NaN
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
        if self.test_accuracy is not None:
            number("test_accuracy", self.test_accuracy, 0.0, 1.0)
        if self.diverged is not None and not isinstance(self.diverged, str):
            raise TypeError(f"diverged must be None or the warning line (str), got {type(self.diverged).__name__}")

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


class Playground(Readouts, Saving):
    """Settings + data + model + training state; ``step(n)`` runs n mini-batch SGD steps.

    The views' data come from ``playground_train.Readouts``, saving and loading from ``playground_save.Saving``.
    """

    record_every = 5  # steps between two points of the loss curves (independent of how steps are chunked)
    config_class = Config                     # from_json reads a file's settings into it
    max_batch_size = BOUNDS["batch_size"][1]  # and checks the file's state against it

    def __init__(self, config: Config | None = None, **settings) -> None:
        if config is not None and not isinstance(config, Config):
            raise TypeError(f"config must be a Config or None (then settings by keyword), got {type(config).__name__}")
        if config is None:
            config = Config(**settings)
        elif settings:
            config = replace(config, **settings)
        self._start(config)

    # ---- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Rebuild the data and re-initialise the model from the seed; clears the history (on an error: no change)."""
        self._start(self.config)

    def _start(self, c: Config) -> None:
        """A fresh run of c: built in locals first, assigned only when all of it succeeded."""
        data: Dataset = c.make_dataset()
        with seeded(c.seed):
            model = mlp([2] + [c.neurons] * c.hidden_layers + [1], c.activation)
        optimizer = torch.optim.SGD(model.parameters(), lr=c.lr)  # no momentum: no hidden state
        perm = _permutation(c.seed, 0, len(data.train))
        train, test = _losses(model, data)
        self.config, self.data, self.model, self.optimizer = c, data, model, optimizer
        self.steps, self._epoch_index, self._pos, self._perm = 0, 0, 0, perm
        self.history: dict[str, list[float]] = {"step": [0.0], "epoch": [0.0], "train": [train], "test": [test]}
        self.diverged: str | None = None
        self.version = next(_VERSIONS)

    def set(self, **changes) -> bool:
        """Change settings (checked; on an error nothing changes); return True when this reset the run."""
        new = replace(self.config, **changes)  # Config.__post_init__ checks every setting
        needs_reset = any(getattr(new, k) != getattr(self.config, k) for k in RESET_ON)
        if needs_reset:
            self._start(new)
        else:
            self.config = new
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
        return _permutation(self.config.seed, epoch, len(self.data.train))

    def _data_loss(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return _data_loss(self.data.task, out, y)

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
        train, test = _losses(self.model, self.data)
        for key, value in zip(self.history, (self.steps, self.epoch, train, test)):
            self.history[key].append(float(value))

    def _diverge(self, loss: float) -> None:
        # where and how high it diverged come out of training: marked ≈ (nnlab.report.approx)
        self.diverged = (f"⚠ Diverged at step {approx(self.steps + 1, '.0f')} (epoch {approx(self.epoch, '.1f')}): "
                         f"the training loss reached {approx(loss, '.2e')}. "
                         f"Lower the learning rate (now {self.config.lr:.3g}) and press reset.")

    # ---- views' data -------------------------------------------------------------------------
    def result(self) -> PlaygroundResult:
        """The run as it stands now."""
        h = self.history
        return PlaygroundResult(replace(self.config), self.steps, self.epoch, h["train"][0], h["train"][-1],
                                h["test"][-1], self.accuracy(), self.diverged)

    def summary(self) -> str:
        """The status line (the widget's too): ``self.result().status()``."""
        return self.result().status()

def explore_playground(settings: Config, steps: int) -> PlaygroundResult:
    """Train a fresh playground with these settings for ``steps`` steps (fewer if it diverges)."""
    if not isinstance(settings, Config):
        raise TypeError(f"settings must be a Config, got {type(settings).__name__}")
    steps = integer("steps", steps, 0)
    pg = Playground(settings)
    pg.step(steps)
    return pg.result()
