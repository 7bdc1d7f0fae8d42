"""The playground's experiment (08_playground.ipynb): settings in, a small network trained on a 2-D data set,
the views' data and the learner's status line out. Nothing here draws: ``nnlab.views.playground`` does.

``Config`` holds every setting (bounds checked with ``nnlab.checks``); ``Playground`` holds the data, the
network and the training state, runs ``step(n)`` in chunks of any size (the run does not depend on them),
stops on divergence (``nnlab.training.diverged``, checked on each mini-batch loss before its update) and
saves and loads itself as JSON, bit for bit; ``result()`` / ``explore_playground`` give a ``PlaygroundResult``.

The file format (``FORMAT``), checked whole by ``from_json`` before anything is used, every error naming the field::

    {"format": "nnlab-playground/1",
     "config": {every setting of Config, by name; a missing one takes Config's default},
     "state": {"steps": int >= 0, "epoch_index": int >= 0, "pos": int in [0, training points],
               "diverged": null or the warning line,
               "history": {"step": [0, 5, 10, ...], "epoch": [...], "train": [...], "test": [...]},
               "weights": {parameter name: nested lists of the parameter's shape, finite numbers}}}

"state" is absent in a settings-only document (``to_json(weights=False)``). The four history lists have one
record at step 0 and one every ``record_every`` steps; a loss that is not finite is written as the string
"NaN", "Infinity" or "-Infinity" (so the file is plain JSON: no bare NaN) and read back as that float. A file
or document has at most ``MAX_FILE_BYTES``. The field-by-field reading lives in ``playground_file``.
"""
from __future__ import annotations

import itertools
import json
import os
from dataclasses import asdict, dataclass, fields, replace

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import flag, integer, number
from ..ffn import ACTIVATIONS as ACTIVATION_MODULES
from ..ffn import mlp
from ..playground import (DATASETS, DEFAULT_FEATURES, Dataset, check_features, check_name, make_dataset,
                          split_sizes)
from ..report import approx
from ..training import diverged, seeded
from .playground_file import (FORMAT, MAX_FILE_BYTES, encode_loss, json_kind, path_of, read_state,
                              read_weights)

ACTIVATIONS = tuple(ACTIVATION_MODULES)  # the names of nnlab.ffn.ACTIVATIONS
# name: (lowest, highest) allowed; the widget's controls are built from the same bounds, so they cannot leave them.
BOUNDS = {"lr": (1e-4, 10.0), "hidden_layers": (0, 6), "neurons": (1, 8), "batch_size": (1, 64),
          "l1": (0.0, 0.1), "l2": (0.0, 0.1), "noise": (0.0, 0.5), "train_ratio": (0.1, 0.9),
          "n_points": (20, 2000), "seed": (0, 2**31 - 1)}
INTEGER_SETTINGS = ("hidden_layers", "neurons", "batch_size", "n_points", "seed")
RESET_ON = ("dataset", "activation", "hidden_layers", "neurons", "noise", "train_ratio", "n_points",
            "features", "seed")  # changing these rebuilds data and model; lr, batch_size, l1, l2 apply live
MAX_RESOLUTION = 1000        # grid points per axis at most for the views over the plane
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


class Playground:
    """Settings + data + model + training state; ``step(n)`` runs n mini-batch SGD steps."""

    record_every = 5  # steps between two points of the loss curves (independent of how steps are chunked)

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

    def _outputs(self, x: torch.Tensor) -> torch.Tensor:
        """The network's outputs (N,) for x (N, 2) in evaluation mode (the training mode is restored after)."""
        return _outputs(self.model, x)

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
        resolution = integer("resolution", resolution, 1, MAX_RESOLUTION)
        x0, x1, y0, y1 = self.data.extent
        xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, torch.tensor(np.stack([gx.ravel(), gy.ravel()], 1), dtype=torch.float32)

    def output_grid(self, resolution: int = 40) -> np.ndarray:
        """Model output over the plane (R, R): P(label 1) for classification, the prediction for regression."""
        resolution = integer("resolution", resolution, 1, MAX_RESOLUTION)
        _, _, pts = self.grid(resolution)
        out = self._outputs(pts)
        if self.data.task == "classification":
            out = torch.sigmoid(out)
        return out.reshape(resolution, resolution).numpy()

    def neuron_grids(self, resolution: int = 16) -> list[np.ndarray]:
        """Each hidden layer's neuron outputs over the plane: a list of arrays (neurons, R, R)."""
        resolution = integer("resolution", resolution, 1, MAX_RESOLUTION)
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
        split = check_name("split", split, ("train", "test"))
        if self.data.task != "classification":
            return None
        idx = self.data.train if split == "train" else self.data.test
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
        """The experiment as JSON (the format in this module's docstring): every setting incl. the seed, and
        (weights=True) the exact training state. Plain JSON only: a loss that is not finite is written as a
        string; weights that are not finite (a diverged run) are refused, a ValueError (press reset first, or
        save the settings only); so is a document larger than MAX_FILE_BYTES (an hours-long history)."""
        weights = flag("weights", weights)
        doc: dict = {"format": FORMAT, "config": self.config.to_dict()}
        if weights:
            sd = self.model.state_dict()
            bad = [k for k, v in sd.items() if not bool(torch.isfinite(v).all())]
            if bad:
                raise ValueError(f"the network's weights {bad} are not finite (training diverged), so they cannot be "
                                 "saved: press reset first, or save the settings only (weights=False)")
            history = {k: [encode_loss(v) for v in values] for k, values in self.history.items()}
            doc["state"] = {"steps": self.steps, "epoch_index": self._epoch_index, "pos": self._pos,
                            "diverged": self.diverged, "history": history,
                            "weights": {k: v.tolist() for k, v in sd.items()}}
        text = json.dumps(doc, allow_nan=False)
        if len(text) > MAX_FILE_BYTES:
            raise ValueError(f"the experiment is {len(text):,} bytes as JSON; a playground file has at most "
                             f"{MAX_FILE_BYTES:,} (the loss history is long): press reset, or save the settings only "
                             "(weights=False)")
        return text

    @classmethod
    def from_json(cls, text: str) -> Playground:
        """Rebuild a Playground from to_json's output; continuing it gives bit-for-bit the same run.

        The whole document is checked first (its type and format tag, every field's type and range, the
        history's lengths against the steps, the weights' shapes and finiteness) into a new playground, returned
        only when all of it is right: TypeError for a field of the wrong kind, ValueError for a wrong value, each
        naming the field (e.g. ``state.pos``)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be the JSON document as a str, got {type(text).__name__}")
        if len(text) > MAX_FILE_BYTES:
            raise ValueError(f"the document is {len(text):,} characters long; a playground file has at most "
                             f"{MAX_FILE_BYTES:,}")
        try:  # bare NaN / Infinity (written by older versions) are read as floats and then checked like any number
            doc = json.loads(text, parse_constant=float)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the document is not valid JSON ({exc.msg} at line {exc.lineno}, column "
                             f"{exc.colno})") from None
        except RecursionError:
            raise ValueError("the document is not a playground file: its JSON is nested too deeply") from None
        if not isinstance(doc, dict):
            raise TypeError(f"the document must be a JSON object with format, config and state, got a JSON "
                            f"{json_kind(doc)}")
        if doc.get("format") != FORMAT:
            raise ValueError(f"format: expected {FORMAT!r}, got {doc.get('format')!r} (not a playground file, or "
                             "one of another version)")
        unknown = sorted(set(doc) - {"format", "config", "state"})
        if unknown:
            raise ValueError(f"unknown field(s) {unknown} in the document; a playground file has format, config "
                             "and state")
        if "config" not in doc:
            raise ValueError("config is missing: a playground file has every setting under config")
        if not isinstance(doc["config"], dict):
            raise TypeError(f"config must be a JSON object of settings, got a JSON {json_kind(doc['config'])}")
        try:
            config = Config.from_dict(doc["config"])
        except (TypeError, ValueError) as exc:
            raise (TypeError if isinstance(exc, TypeError) else ValueError)(f"config: {exc}") from None
        if "state" not in doc:
            return cls(config)
        steps, epoch_index, pos, diverged_line, history = read_state(doc["state"], config.n_train,
                                                                    BOUNDS["batch_size"][1], cls.record_every)
        pg = cls(config)
        weights = read_weights(doc["state"]["weights"], pg.model.state_dict())
        pg.model.load_state_dict(weights)
        pg.steps, pg._epoch_index, pg._pos = steps, epoch_index, pos
        pg._perm = pg._permutation(epoch_index)
        pg.history, pg.diverged = history, diverged_line
        return pg

    def save(self, path: str | os.PathLike) -> None:
        """Write to_json() to a file (a TypeError/ValueError for a bad path or state, an OSError naming the path
        when it cannot be written; the document is made before the file is opened, so a refused one leaves an
        existing file as it was)."""
        target = path_of(path)
        text = self.to_json()
        if target.is_dir():
            raise IsADirectoryError(f"path {str(target)!r} is a folder: give a file name, e.g. "
                                    f"{str(target / 'experiment.json')!r}")
        if not target.parent.is_dir():
            raise FileNotFoundError(f"path {str(target)!r}: the folder {str(target.parent)!r} does not exist")
        try:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            raise type(exc)(f"path {str(target)!r} cannot be written: {exc.strerror or exc}") from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> Playground:
        """Read a file written by save(): its size is checked before it is read (at most MAX_FILE_BYTES), then
        from_json checks all of it. A missing file or a folder is an OSError naming the path."""
        source = path_of(path)
        if source.is_dir():
            raise IsADirectoryError(f"path {str(source)!r} is a folder, not a playground file")
        try:
            size = source.stat().st_size
        except FileNotFoundError:
            raise FileNotFoundError(f"path {str(source)!r}: no such file") from None
        if size > MAX_FILE_BYTES:
            raise ValueError(f"{source}: {size:,} bytes; a playground file has at most {MAX_FILE_BYTES:,}")
        try:
            with open(source, "rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise type(exc)(f"path {str(source)!r} cannot be read: {exc.strerror or exc}") from None
        if len(raw) > MAX_FILE_BYTES:  # it grew after the size check
            raise ValueError(f"{source}: more than {MAX_FILE_BYTES:,} bytes; a playground file has at most that")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start}); a playground file is "
                             "JSON") from None
        return cls.from_json(text)


# ---- helpers: the training state and the file format ---------------------------------------------------
def _permutation(seed: int, epoch: int, n: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed * 2**32 + epoch)
    return torch.randperm(n, generator=g)


def _data_loss(task: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if task == "classification":
        return F.binary_cross_entropy_with_logits(out, y)
    return F.mse_loss(out, y)


def _outputs(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    mode = model.training
    model.eval()
    with torch.no_grad():
        out = model(x).squeeze(1)
    model.train(mode)
    return out


def _losses(model: torch.nn.Module, data: Dataset) -> tuple[float, float]:
    """The data loss on the training and on the test points."""
    with torch.no_grad():
        out = _outputs(model, data.x)
        train = _data_loss(data.task, out[data.train], data.y[data.train]).item()
        test = _data_loss(data.task, out[data.test], data.y[data.test]).item()
    return train, test


def explore_playground(settings: Config, steps: int) -> PlaygroundResult:
    """Train a fresh playground with these settings for ``steps`` steps (fewer if it diverges)."""
    if not isinstance(settings, Config):
        raise TypeError(f"settings must be a Config, got {type(settings).__name__}")
    steps = integer("steps", steps, 0)
    pg = Playground(settings)
    pg.step(steps)
    return pg.result()
