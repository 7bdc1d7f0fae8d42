"""The sequence explorer of 07_lstm.ipynb and 08_playground.ipynb: settings in, a ``SequenceResult`` out.

One experiment trains an RNN, LSTM or GRU (``nnlab.sequences.make_model``) on overlapping subsequences of the
cascaded-tanks training record (``nnlab.sequences.fit_sequence``: Adam, batches of windows, the loss after
the washout) and simulates the test record free-run (``nnlab.sequences.simulate``), scored by
``nnlab.metrics.rmse`` after the record's first ``n_skip`` samples. The records come from
``nnlab.systems.load_record``. ``BOUNDS`` is the one table of the settings' ranges: ``SequenceSettings``
checks them and the widget (``nnlab.views.sequences.sequence_explorer``) reads its slider ranges from it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..checks import choice, flag, integer, number, real_array, same_shape, string
from ..metrics import n_params, rmse
from ..report import approx
from ..sequences import KINDS, SEED_MAX, SequenceFit, _record, _varies, fit_sequence, make_model, simulate
from ..systems import Record, load_record

__all__ = ["BOUNDS", "SequenceSettings", "SequenceResult", "explore_sequence", "tank_records"]

# setting -> (lowest, highest) value: integers for integer settings, floats for real ones
BOUNDS: dict[str, tuple[int, int] | tuple[float, float]] = {
    "hidden": (1, 32),          # hidden units H
    "length": (16, 512),        # subsequence length L
    "overlap": (0.0, 0.9),      # fraction of a subsequence shared with the next one
    "washout": (0, 511),        # first samples of each subsequence left out of the loss; also < length
    "lr": (1e-4, 1.0),          # Adam's learning rate
    "steps": (1, 1000),         # Adam steps (updates)
    "n_init": (0, 16),          # measured outputs the network reads to set its state; also <= washout
}


@dataclass(frozen=True)
class SequenceSettings:
    """One experiment of the explorer. Every setting is checked against ``BOUNDS`` when the settings are made
    (TypeError or ValueError naming it), and so are the two rules n_init <= washout < length.

    kind: "rnn", "lstm" or "gru"; hidden: H; length: L; overlap: subsequences start every ``stride`` samples;
    washout: samples of each subsequence left out of the loss; lr, steps: Adam; n_init: measured outputs the
    network reads (0: it sees the input only); seed: weights and the shuffling of the windows.
    The defaults (an LSTM reading the first 4 measured outputs, 300 steps at a learning rate of 0.02 on windows
    of 128 every 13 samples; 4, so that 08's washout of length // 8 = 4 at length 32 is allowed) score at most
    half the constant predictor's error on every seed (experiment "08-explorer" in
    ``nnlab.experiments.lessons_sequences``) and train in about a second.
    """

    kind: str = "lstm"
    hidden: int = 16
    length: int = 128
    overlap: float = 0.9
    washout: int = 4
    lr: float = 0.02
    steps: int = 300
    n_init: int = 4
    seed: int = 0

    def __post_init__(self) -> None:
        choice("kind", string("kind", self.kind), KINDS)
        for name, (lo, hi) in BOUNDS.items():
            check = number if isinstance(lo, float) else integer
            object.__setattr__(self, name, check(name, getattr(self, name), lo, hi))
        object.__setattr__(self, "seed", integer("seed", self.seed, 0, SEED_MAX))
        if self.washout >= self.length:
            raise ValueError(f"washout must be shorter than the subsequence length {self.length}, got {self.washout}")
        if self.washout < self.n_init:
            raise ValueError(f"washout must be >= n_init = {self.n_init}: the first {self.n_init} measured outputs "
                             f"are inputs, got {self.washout}")

    @property
    def stride(self) -> int:
        """Samples between the starts of two subsequences: round(length * (1 - overlap)), at least 1."""
        return max(1, round(self.length * (1 - self.overlap)))


@dataclass(frozen=True)
class SequenceResult:
    """One run: its settings, the training (``SequenceFit``: losses per step, windows, ``diverged_at`` counted
    from 0), the free-run simulation y_sim (T,) of the test record in volts, its RMSE and the parameter count."""

    settings: SequenceSettings
    fit: SequenceFit
    y_sim: np.ndarray
    rmse: float
    params: int

    def __post_init__(self) -> None:
        if not isinstance(self.settings, SequenceSettings):
            raise TypeError(f"settings must be a SequenceSettings, got {type(self.settings).__name__}")
        if not isinstance(self.fit, SequenceFit):
            raise TypeError(f"fit must be a SequenceFit (from nnlab.sequences.fit_sequence), got "
                            f"{type(self.fit).__name__}")
        y_sim = real_array("y_sim", self.y_sim)                 # NaN allowed: a diverged simulation is reported
        if y_sim.ndim != 1:
            raise ValueError(f"y_sim must be the simulated record of shape (T,), got shape {y_sim.shape}")
        if isinstance(self.rmse, bool) or not isinstance(self.rmse, (int, float, np.integer, np.floating)):
            raise TypeError(f"rmse must be a number (inf when the simulation diverged), got {type(self.rmse).__name__}")
        integer("params", self.params, 0)

    @property
    def diverged_at(self) -> int | None:
        """The step (counted from 0) whose loss broke the divergence rule, or None."""
        return self.fit.diverged_at

    def status(self) -> str:
        """The line the learner reads; it starts with ⚠ when training or the simulation diverged.

        The loss, the RMSE and the step of a divergence come out of training: marked ≈
        (``nnlab.report.approx``); the settings and the number of subsequences are exact.
        """
        s, f = self.settings, self.fit
        if f.diverged_at is not None:
            return (f"⚠ Training diverged at step {approx(f.diverged_at, '.0f')} (counted from 0): the loss blew up. "
                    f"Lower the learning rate (now {s.lr:.3g}).")
        if not math.isfinite(self.rmse):
            return f"⚠ The test simulation diverged (not finite). Lower the learning rate (now {s.lr:.3g})."
        reads = f", reading {s.n_init} measured outputs" if s.n_init else ""
        return (f"{s.kind.upper()}, H = {s.hidden}: {f.windows} subsequences of {s.length} (stride {s.stride}), "
                f"washout {s.washout}{reads}; training loss {approx(f.losses[-1], '.4f')}, "
                f"test simulation RMSE {approx(self.rmse)} V")


@lru_cache(maxsize=1)
def _tanks() -> tuple[Record, Record]:
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


def tank_records() -> tuple[Record, Record]:
    """The simulated cascaded tanks' training and test records the explorer uses by default (loaded once)."""
    return _tanks()


_CACHE: dict[tuple, tuple[Record, Record, SequenceResult]] = {}   # revisited settings return at once


def explore_sequence(settings: SequenceSettings | None = None, train: Record | None = None,
                     test: Record | None = None, *, cache: bool = True) -> SequenceResult:
    """Train on ``train`` and simulate ``test`` free-run (default: the cascaded-tanks records) -> SequenceResult.

    A diverging run is reported (``status()`` starts with ⚠), not raised; an impossible setting or bad data
    (NaN/inf, a constant training signal, records too short) is a ValueError naming it, e.g. ``train.y``.
    """
    settings = settings if settings is not None else SequenceSettings()
    if not isinstance(settings, SequenceSettings):
        raise TypeError(f"settings must be a SequenceSettings, got {type(settings).__name__}")
    cache = flag("cache", cache)
    if (train is None) != (test is None):
        raise ValueError("give both train and test records, or neither (the cascaded tanks)")
    train, test = (train, test) if train is not None else _tanks()
    _check_records(train, test)
    if settings.length > len(train.u):
        raise ValueError(f"length must be at most the training record's {len(train.u)} samples, got {settings.length}")
    if settings.n_init > len(test.y):
        raise ValueError(f"test has {len(test.y)} samples: too few for the first n_init = {settings.n_init} "
                         "measured outputs the model reads")
    key = (settings, id(train), id(test))
    if cache and key in _CACHE:
        return _CACHE[key][2]
    result = _run(settings, train, test)
    if cache:
        if len(_CACHE) >= 64:
            _CACHE.clear()
        _CACHE[key] = (train, test, result)                       # holding the records keeps their ids unused
    return result


def _check_records(train: Record, test: Record) -> None:
    """Both records hold finite 1-D u and y of one length; the training signals vary; the test record is longer
    than the samples its score skips. TypeError or ValueError naming the record and signal (``train.u``)."""
    for split, r in (("train", train), ("test", test)):
        if not isinstance(r, Record):
            raise TypeError(f"{split} must be a Record (nnlab.systems.load_record), got {type(r).__name__}")
        u, y = _record(r.u, f"{split}.u"), _record(r.y, f"{split}.y")
        same_shape(f"{split}.u", u, f"{split}.y", y)
        if split == "train":
            _varies(u, "train.u"), _varies(y, "train.y")
    n_skip = integer("test.n_skip", test.n_skip, 0)
    if len(test.y) <= n_skip:
        raise ValueError(f"test has {len(test.y)} samples: the score needs more than its n_skip = {n_skip} "
                         "(the samples it leaves out)")


def _run(s: SequenceSettings, train: Record, test: Record) -> SequenceResult:
    model = make_model(s.kind, s.hidden, n_init=s.n_init, seed=s.seed)
    fit = fit_sequence(model, train.u, train.y, length=s.length, stride=s.stride, washout=s.washout,
                       steps=s.steps, lr=s.lr, seed=s.seed)
    y_sim = simulate(model, test.u, test.y[:s.n_init] if s.n_init else None)  # free run, state from n_init outputs
    score = rmse(test.y, y_sim, test.n_skip) if np.isfinite(y_sim).all() else math.inf
    return SequenceResult(s, fit, y_sim, score, n_params(model))
