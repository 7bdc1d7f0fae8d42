"""Notebook 05's explorer: ARX and a one-step-trained NARX net at chosen orders, both run free on the test record.

``explore_orders(train, test, na, nb, hidden)`` fits both and returns an ``OrderResult``; its ``status()`` is
the widget's status line. The figure and the widget are in ``nnlab.views.narx``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..checks import integer, number
from ..metrics import n_params, rmse
from ..narx import _record_signals, fit_arx, predict_one_step, simulate, train_one_step
from ..report import approx

BOUNDS = {"na": (1, 6), "nb": (0, 6), "hidden": (1, 64)}  # the settings the explorer (and its sliders) accept
STEPS = 300                                                # one-step Adam updates per net (notebook 05 uses 500)


@dataclass(frozen=True)
class OrderResult:
    """Test-record free runs of ARX and of a one-step-trained NARX net at one (na, nb, hidden) setting."""

    na: int
    nb: int
    hidden: int
    n_skip: int                 # samples the score skips
    y_arx: np.ndarray           # (T,) free-run simulation on the test input
    y_narx: np.ndarray          # (T,)
    rmse_arx: float             # simulation RMSE in volts, first n_skip samples skipped (nan if the run diverged)
    rmse_narx: float
    onestep_narx: float         # one-step-ahead RMSE of the net on the test record, volts
    params_arx: int
    params_narx: int
    diverged_at: tuple[str, int] | None = None   # where the net's training diverged (see narx.NarxFit)

    def status(self) -> str:
        """The one line the learner reads: ARX's least-squares RMSE plainly, the trained net's with ≈; ⚠ first
        when the net's training or a free run diverged, or when the free run starts from more samples than
        the score skips."""
        text = (f"na={self.na}, nb={self.nb}, hidden={self.hidden}: test simulation RMSE ARX {self.rmse_arx:.3f} V "
                f"({self.params_arx} parameters), NARX {approx(self.rmse_narx)} V ({self.params_narx} parameters; "
                f"its one-step RMSE is only {approx(self.onestep_narx)} V).")
        n0 = max(self.na, self.nb)
        if self.diverged_at is not None:
            return (f"⚠ The net's {self.diverged_at[0]} training diverged at step {self.diverged_at[1]} "
                    "(its loss grew 1,000-fold or overflowed); it was stopped there. " + text)
        if not math.isfinite(self.rmse_arx) or not math.isfinite(self.rmse_narx):
            return "⚠ A free run diverged (an unstable model feeds its own errors back and grows). " + text
        if n0 > self.n_skip:
            return (f"⚠ max(na, nb) = {n0} > n_skip = {self.n_skip}: the free run starts from {n0} measured "
                    "samples, more than the score skips. " + text)
        return text


def explore_orders(train, test, na: int, nb: int, hidden: int, seed: int = 0, lr: float = 1e-2) -> OrderResult:
    """Fit ARX (least squares) and a NARX net (STEPS one-step Adam updates, learning rate ``lr``) on the ``train``
    Record at orders (na, nb) and ``hidden`` tanh units; free-run both on the ``test`` Record from its first
    max(na, nb) outputs."""
    na, nb = integer("na", na, *BOUNDS["na"]), integer("nb", nb, *BOUNDS["nb"])
    hidden = integer("hidden", hidden, *BOUNDS["hidden"])
    seed, lr = integer("seed", seed, 0), number("lr", lr, positive=True)
    u, y = _record_signals("train", train)
    _record_signals("test", test)
    n_skip = integer("test.n_skip", getattr(test, "n_skip", None), 0)
    n0 = max(na, nb)
    if len(test.u) <= max(n0, n_skip):
        raise ValueError(f"the test record has {len(test.u)} samples: too few for a free run from max(na, nb) = "
                         f"{n0} samples scored after n_skip = {n_skip}")
    theta = fit_arx(u, y, na, nb)
    fit = train_one_step(u, y, na, nb, hidden, steps=STEPS, seed=seed, lr=lr)
    y_arx = simulate(theta, test.u, test.y[:n0], na, nb)
    y_narx = simulate(fit.net, test.u, test.y[:n0], na, nb)
    one_step = predict_one_step(fit.net, test.u, test.y, na, nb)
    return OrderResult(na, nb, hidden, test.n_skip, y_arx, y_narx, rmse(test.y, y_arx, test.n_skip),
                       rmse(test.y, y_narx, test.n_skip), rmse(test.y, one_step, test.n_skip),
                       n_params(theta), n_params(fit.net), fit.diverged_at)
