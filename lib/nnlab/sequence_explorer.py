"""The sequence explorer (08_playground.ipynb): train an RNN or LSTM on subsequences of the cascaded-tanks
training record and show its training loss and its free-run simulation on the test record.

Settings: model type, hidden size, subsequence length, overlap between subsequences, washout (first samples
of each subsequence left out of the loss) and learning rate. Training and simulation are ``nnlab.sequences``'
``make_model`` / ``fit`` / ``simulate`` / ``sim_rmse`` (06-07), on ``torch.nn.RNN`` / ``torch.nn.LSTM``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .report import approx

MODELS = ("RNN", "LSTM")
BOUNDS = {"hidden": (1, 64), "length": (8, 512), "overlap": (0.0, 0.9), "washout": (0, 511),
          "lr": (1e-4, 0.3), "iterations": (1, 1000)}


@dataclass(frozen=True)
class TanksData:
    """Input u and output y (T,) in volts of the training and test records, sample time ts (s), n_skip."""

    u_train: np.ndarray
    y_train: np.ndarray
    u_test: np.ndarray
    y_test: np.ndarray
    ts: float
    n_skip: int


@lru_cache(maxsize=1)
def load_tanks() -> TanksData:
    """The shipped cascaded-tanks records (nnlab.systems.load_record, SHA-256 checked): u, y (1024,) in volts."""
    from .systems import load_record

    train, test = load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")
    return TanksData(train.u, train.y, test.u, test.y, train.ts, train.n_skip)


@dataclass(frozen=True)
class SeqSettings:
    """One experiment of the explorer; validate() names any setting out of its bounds."""

    model: str = "LSTM"
    hidden: int = 16
    length: int = 128
    overlap: float = 0.5
    washout: int = 16
    lr: float = 0.05
    iterations: int = 100
    seed: int = 0

    def validate(self, n_samples: int = 1024) -> None:
        """Raise ValueError for an impossible setting or combination (washout >= length, length > record)."""
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}, got {self.model!r}")
        for name, (lo, hi) in BOUNDS.items():
            value = getattr(self, name)
            if not (math.isfinite(value) and lo <= value <= hi):
                raise ValueError(f"{name} must lie in [{lo}, {hi}], got {value!r}")
        if self.washout >= self.length:
            raise ValueError(f"washout must be shorter than the subsequence length {self.length}, got {self.washout}")
        if self.length > n_samples:
            raise ValueError(f"length must be at most the record's {n_samples} samples, got {self.length}")

    @property
    def stride(self) -> int:
        """Samples between the starts of two subsequences: round(length * (1 - overlap)), at least 1."""
        return max(1, round(self.length * (1 - self.overlap)))


@dataclass(frozen=True)
class SeqResult:
    """Training loss per iteration (normalised MSE), test simulation (T,) in volts, its RMSE, windows used."""

    settings: SeqSettings
    losses: np.ndarray
    y_sim: np.ndarray
    rmse: float
    n_windows: int
    diverged_at: int | None

    def status(self) -> str:
        """One line for the learner (starts with ⚠ when training diverged).

        The loss, the RMSE and the iteration of a divergence come out of training: marked ≈
        (``nnlab.report.approx``); the settings and the number of subsequences are exact.
        """
        s = self.settings
        if self.diverged_at is not None:
            return (f"⚠ Diverged at iteration {approx(self.diverged_at, '.0f')}: the loss became non-finite. "
                    f"Lower the learning rate (now {s.lr:.3g}).")
        return (f"{s.model}, H = {s.hidden}: {self.n_windows} subsequences of {s.length} (stride {s.stride}), "
                f"washout {s.washout}; training loss {approx(self.losses[-1], '.4f')}, "
                f"test simulation RMSE {approx(self.rmse)} V")


_CACHE: dict[tuple[SeqSettings, int], tuple[TanksData, SeqResult]] = {}  # revisited settings return at once


def explore_sequence(settings: SeqSettings, data: TanksData | None = None, cache: bool = True) -> SeqResult:
    """Train (nnlab.sequences.fit: Adam, batches of windows, loss after the washout), simulate the test record free-run."""
    data = data if data is not None else load_tanks()
    settings.validate(len(data.u_train))
    key = (settings, id(data))
    if cache and key in _CACHE:
        return _CACHE[key][1]
    result = _explore(settings, data)
    if cache:
        if len(_CACHE) >= 64:
            _CACHE.clear()
        _CACHE[key] = (data, result)  # holding data keeps its id from being reused
    return result


def _explore(settings: SeqSettings, data: TanksData) -> SeqResult:
    from .sequences import fit, make_model, sim_rmse, simulate

    model = make_model(settings.model.lower(), settings.hidden, seed=settings.seed)
    res = fit(model, data.u_train, data.y_train, length=settings.length, stride=settings.stride,
              washout=settings.washout, steps=settings.iterations, lr=settings.lr, seed=settings.seed)
    y_sim = simulate(model, data.u_test)  # free run: the model sees only the test input, from a zero state
    diverged = None if res.diverged_at is None else res.diverged_at + 1
    rmse = sim_rmse(data.y_test, y_sim, data.n_skip) if diverged is None else float("nan")
    return SeqResult(settings, res.losses, y_sim, rmse, res.windows, diverged)


def plot_sequence(result: SeqResult, data: TanksData) -> Figure:
    """Training loss per iteration (left) and the test record with the free-run simulation (right)."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.4), width_ratios=[1, 2])
    ax.semilogy(np.arange(1, len(result.losses) + 1), result.losses, color="#0072B2")
    ax.set(xlabel="iteration", ylabel="MSE (normalised)", title="training loss")
    t = np.arange(len(data.y_test)) * data.ts
    ax2.plot(t, data.y_test, color="#000000", lw=1, label="measured (test)")
    if result.diverged_at is None:
        ax2.plot(t, result.y_sim, color="#D55E00", lw=1, label=f"simulated, RMSE {approx(result.rmse)} V")
    ax2.set(xlabel="time (s)", ylabel="lower tank level y (V)",
            title=f"free-run simulation on the test record ({result.settings.model})")
    ax2.legend(fontsize=8, loc="lower left", frameon=True)
    fig.tight_layout()
    return fig


def sequence_explorer(settings: SeqSettings | None = None, data: TanksData | None = None):
    """The widget: model, hidden size, subsequence length, overlap, washout, learning rate -> widgets.Panel."""
    import ipywidgets as W

    from .views.widgets import Panel, int_slider, log_slider

    s, data = settings or SeqSettings(), data if data is not None else load_tanks()
    controls = {
        "model": W.Dropdown(options=MODELS, value=s.model, description="model"),
        "hidden": int_slider("hidden size", s.hidden, 1, 32),
        "length": int_slider("subsequence length", s.length, 16, 256, step=16),
        "overlap": W.FloatSlider(value=s.overlap, min=0.0, max=0.9, step=0.1, description="overlap",
                                 continuous_update=False),
        "washout": int_slider("washout", s.washout, 0, s.length - 1),
        "lr": log_slider("learning rate", s.lr, 1e-4, 0.3),
    }

    def bound_washout(change: dict) -> None:  # washout < length, always: the slider cannot go there
        controls["washout"].max = change["new"] - 1

    controls["length"].observe(bound_washout, names="value")  # registered before the Panel's own observer

    def update(**values):
        values["overlap"] = round(values["overlap"], 2)
        result = explore_sequence(replace(s, **values), data)
        return plot_sequence(result, data), result.status()

    return Panel(controls, update, title="Sequence explorer: RNN / LSTM on the cascaded tanks")
