"""What notebook 05 measures about fitted NARX models: ARX's static gain, k-step-ahead errors, the ARX-started net.

Derived in 05_narx_models.ipynb (split from ``nnlab.narx``, which holds the models and their training):

- ``static_gain(theta, na)``: the ARX's steady-state gain sum(b) / (1 - sum(a)) and offset c / (1 - sum(a));
- ``k_step_rmse(model, u, y, na, nb, k_max)``: RMSE of the k-step-ahead prediction for k = 1..k_max (k = 1 is
  the one-step prediction, large k approaches the free run);
- ``from_arx(u, y, na, nb, hidden, seed)``: a ``NarxNet`` whose linear path IS the least-squares ARX fit and
  whose nonlinear correction starts at exactly zero; ``narx.train_simulation`` then trains it on the free-run error;
  ``fit_narx_from_arx(record, seed=...)`` does both at notebook 05's budget (about 3 s on one core):
      fit = fit_narx_from_arx(load_rig("train"), seed=0)
      rmse(test.y, simulate(fit.net, test.u, test.y[:5], 2, 5), skip=test.n_skip)     # about 0.59-0.62 V
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from . import checks, training
from .narx import NA, NB, NarxFit, NarxNet, _check_model, _pair, _record_signals, fit_arx, regressors, \
    train_simulation, unroll
from .regression import Standardizer


def static_gain(theta: np.ndarray, na: int) -> tuple[float, float]:
    """(gain in V/V, offset in V) of the ARX line y_ss = gain u + offset, theta (na+nb+2,) from ``fit_arx``.

    At a steady state y(k) = y(k-i) = y_ss and u(k-j) = u: y_ss = sum(a) y_ss + sum(b) u + c.
    """
    na = checks.integer("na", na, 1)
    theta = checks.finite("theta", checks.real_array("theta", theta)).astype(np.float64)
    if theta.ndim != 1 or theta.size < na + 2:
        raise ValueError(f"theta must be an ARX parameter vector (na+nb+2,) with na={na}, got shape {theta.shape}")
    a, b, c = theta[:na], theta[na:-1], float(theta[-1])
    denom = 1.0 - float(a.sum())
    if abs(denom) < 1e-12:
        raise ValueError(f"theta has sum(a) = {a.sum():g} = 1: this ARX integrates and has no static gain")
    return float(b.sum()) / denom, c / denom


def _arx_windows(theta: np.ndarray, u: np.ndarray, y: np.ndarray, na: int, nb: int, starts: np.ndarray,
                 k_max: int) -> np.ndarray:
    """(W, k_max) ARX free runs of k_max samples from each start s (measured y before s), all windows at once."""
    a, b, c = theta[:na], theta[na:na + nb + 1], theta[-1]
    hist = np.stack([y[starts - i] for i in range(1, na + 1)], axis=1)          # (W, na): y(s-1), ..., y(s-na)
    out = np.empty((starts.size, k_max))
    for k in range(k_max):
        uk = np.stack([u[starts + k - j] for j in range(nb + 1)], axis=1)       # (W, nb+1): u(s+k), ..., u(s+k-nb)
        out[:, k] = hist @ a + uk @ b + c
        hist = np.concatenate([out[:, k:k + 1], hist[:, :-1]], axis=1)
    return out


def k_step_rmse(model: nn.Module | np.ndarray, u: np.ndarray, y: np.ndarray, na: int, nb: int,
                k_max: int = 60) -> np.ndarray:
    """RMSE (k_max,) of the k-step-ahead prediction, k = 1..k_max, in the units of y.

    From every start s = max(na, nb), ..., T - k_max the model starts from the MEASURED y(s-na..s-1) and runs free
    for k_max samples on the measured input; entry k-1 is the RMSE over all starts of its k-th prediction, the one
    of y(s+k-1). Entry 0 is the one-step-ahead RMSE over those samples; large k approaches the free run.
    """
    u, y = _pair(u, y, na, nb)
    n0 = max(na, nb)
    k_max = checks.integer("k_max", k_max, 1, u.size - n0)
    model = _check_model(model, na, nb)
    starts = np.arange(n0, u.size - k_max + 1)                                   # (W,)
    target = np.stack([y[starts + k] for k in range(k_max)], axis=1)            # (W, k_max)
    if isinstance(model, nn.Module):
        idx = torch.as_tensor(starts - n0)[:, None] + torch.arange(n0 + k_max)   # (W, n0 + k_max)
        ut, yt = torch.as_tensor(u, dtype=torch.float32)[idx], torch.as_tensor(y, dtype=torch.float32)[idx]
        with torch.no_grad():
            pred = unroll(model, ut, yt[:, :n0], na, nb).double().numpy()       # (W, k_max)
    else:
        pred = _arx_windows(model, u, y, na, nb, starts, k_max)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sqrt(np.mean((pred - target) ** 2, axis=0))


def from_arx(u: np.ndarray, y: np.ndarray, na: int, nb: int, hidden: int = 16, seed: int = 0,
             theta: np.ndarray | None = None) -> NarxFit:
    """A NarxNet(delta=True, linear=True) equal to the ARX fit ``theta`` (default: ``fit_arx(u, y, na, nb)``).

    The linear path holds the ARX weights (in the net's standardised units), the output bias its constant, and the
    hidden layer's output weights are zero: the nonlinear correction starts at exactly 0, so the net's free run is
    the ARX's (to float32 rounding). The hidden layer's own weights come from ``seed``. No training happens here.
    """
    u, y = _pair(u, y, na, nb)
    hidden = checks.integer("hidden", hidden, 1)
    seed = checks.integer("seed", seed, 0)
    theta = fit_arx(u, y, na, nb) if theta is None else _check_model(theta, na, nb)
    z, target = regressors(u, y, na, nb)
    change = target - z[:, 0]                                                    # (N,) per-sample change
    z_scale, t_scale = Standardizer.fit(z), Standardizer.fit(change)
    t_mean, t_std = float(t_scale.mean), float(t_scale.std)
    if not t_std > 0 or not (np.ptp(z, axis=0) > 0).all():
        raise ValueError("u and y must vary (a constant signal cannot be standardised)")
    w = theta[:-1].copy()
    w[0] -= 1.0                                    # the net predicts the change y(k) - y(k-1)
    with training.seeded(seed):
        net = NarxNet(na, nb, hidden, z_scale.mean, z_scale.std, t_mean, t_std, delta=True, linear=True)
    with torch.no_grad():
        net.linear.weight.copy_(torch.as_tensor(w * z_scale.std / t_std, dtype=torch.float32)[None])
        net.net[-1].weight.zero_()
        net.net[-1].bias.fill_(float((w @ z_scale.mean + theta[-1] - t_mean) / t_std))
    net.eval()
    return NarxFit(net)


SIM_BUDGET = {"steps": 400, "batch": 16, "horizon": 120, "lr": 5e-3}   # notebook 05's simulation-training budget


def fit_narx_from_arx(record, na: int = NA, nb: int = NB, hidden: int = 16, seed: int = 0,
                      theta: np.ndarray | None = None, **budget) -> NarxFit:
    """``from_arx`` on a Record, then ``narx.train_simulation`` at SIM_BUDGET (override any of steps, batch, horizon,
    lr by keyword). The notebook-05 ARX-initialised NARX net; score ``.net`` by its free run."""
    u, y = _record_signals("record", record)
    unknown = set(budget) - set(SIM_BUDGET)
    if unknown:
        raise TypeError(f"budget settings must be some of {sorted(SIM_BUDGET)}, got unknown {sorted(unknown)}")
    fit = from_arx(u, y, na, nb, hidden, seed, theta)
    return train_simulation(fit, u, y, seed=seed, **{**SIM_BUDGET, **budget})
