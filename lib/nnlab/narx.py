"""NARX models: regressors from lagged data, linear ARX by least squares, small NARX nets, free-run simulation.

Derived in 05_narx_models.ipynb. The model predicts
    y^(k) = f(y(k-1), ..., y(k-na), u(k), u(k-1), ..., u(k-nb)),
with f linear (ARX, theta) or a feedforward net (NARX). Scores: free-run simulation RMSE, skipping n_skip samples
(``nnlab.metrics.rmse``).

Baselines as in notebook 05 (orders NA, NB = 2, 5), each well under 2 s on one core:
    train, test = nnlab.systems.load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")
    theta = fit_arx(train.u, train.y, NA, NB)                       # ARX, 9 parameters
    net = fit_narx(train).net                                       # NARX net, simulation trained, 161 parameters
    for m in (theta, net):
        print(rmse(test.y, simulate(m, test.u, test.y[:max(NA, NB)], NA, NB), skip=test.n_skip))
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from . import checks, training
from .ffn import mlp
from .regression import Standardizer
from .systems.models import check_signal

NA, NB = 2, 5  # the orders notebook 05 uses for the tanks (max(NA, NB) = n_skip = 5 initial samples)


def _check_orders(na: int, nb: int) -> tuple[int, int]:
    return checks.integer("na", na, 1), checks.integer("nb", nb, 0)


def _pair(u: np.ndarray, y: np.ndarray, na: int, nb: int) -> tuple[np.ndarray, np.ndarray]:
    _check_orders(na, nb)
    u, y = check_signal(u, "u"), check_signal(y, "y")
    checks.same_shape("u", u, "y", y)
    if u.size <= max(na, nb):
        raise ValueError(f"record of {u.size} samples is too short for na={na}, nb={nb} (need > {max(na, nb)})")
    return u, y


def regressors(u: np.ndarray, y: np.ndarray, na: int, nb: int) -> tuple[np.ndarray, np.ndarray]:
    """Z (N, na+nb+1) with rows z(k) = [y(k-1..k-na), u(k..k-nb)] and target y(k) (N,), k = max(na,nb)..T-1.

    N = T - max(na, nb). No look-ahead: row k never contains y(k).
    """
    u, y = _pair(u, y, na, nb)
    k0, n = max(na, nb), u.size - max(na, nb)
    cols = [y[k0 - i:k0 - i + n] for i in range(1, na + 1)] + [u[k0 - j:k0 - j + n] for j in range(nb + 1)]
    return np.stack(cols, axis=1), y[k0:].copy()


def fit_arx(u: np.ndarray, y: np.ndarray, na: int, nb: int) -> np.ndarray:
    """Least-squares ARX parameters theta (na+nb+2,): weights of z(k) and the bias last (one-step error minimised)."""
    z, target = regressors(u, y, na, nb)
    zb = np.hstack([z, np.ones((z.shape[0], 1))])
    return np.linalg.lstsq(zb, target, rcond=None)[0]


class NarxNet(nn.Module):
    """y^(k) = f(z(k)) with a tanh MLP on standardised z: z (B, na+nb+1) in volts -> y^ (B,) in volts.

    ``delta=True``: f(z) = y(k-1) + g(z), the net g predicts the change per sample (y_mean, y_std then describe
    that change); precise enough for slow, integrating systems such as the tanks. ``linear=True`` adds a linear
    (ARX) path next to the hidden layer, so the net only has to learn what ARX misses.
    """

    def __init__(self, na: int, nb: int, hidden: int = 16, z_mean: np.ndarray | None = None,
                 z_std: np.ndarray | None = None, y_mean: float = 0.0, y_std: float = 1.0,
                 delta: bool = True, linear: bool = False) -> None:
        super().__init__()
        na, nb = _check_orders(na, nb)
        hidden = checks.integer("hidden", hidden, 1)
        p = na + nb + 1
        self.na, self.nb, self.hidden, self.delta = na, nb, hidden, delta
        self.net = mlp([p, hidden, 1], activation="tanh")
        self.linear = nn.Linear(p, 1, bias=False) if linear else None
        z_mean = torch.zeros(p) if z_mean is None else torch.as_tensor(z_mean, dtype=torch.float32)
        self.register_buffer("z_mean", z_mean)
        self.register_buffer("z_std", torch.ones(p) if z_std is None else torch.as_tensor(z_std, dtype=torch.float32))
        self.register_buffer("y_mean", torch.tensor(float(y_mean)))
        self.register_buffer("y_std", torch.tensor(float(y_std)))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.na + self.nb + 1:
            raise ValueError(f"expected z of shape (B, {self.na + self.nb + 1}), got {tuple(z.shape)}")
        zn = (z - self.z_mean) / self.z_std
        out = self.net(zn) if self.linear is None else self.net(zn) + self.linear(zn)
        out = out.squeeze(-1) * self.y_std + self.y_mean
        return out + z[:, 0] if self.delta else out

    def free_run(self, u: torch.Tensor, y_init: torch.Tensor) -> torch.Tensor:
        """The free run of ``unroll(self, u, y_init, na, nb)``, faster: the input part of layer 1 for all k at once.

        u (B, L), y_init (B, n0) -> y^ (B, L - n0). The standardisation is folded into the weights and the
        tanh layer is written out, so each step costs two small matrix products. Its readable reference is
        the plain loop of ``unroll(..., fast=False)`` just below, which calls the net once per step; the tests
        hold the two equal (float32 rounding) for every combination of ``delta`` and ``linear``.
        """
        na, nb, n0, length = self.na, self.nb, y_init.shape[1], u.shape[1]
        lin1, lin2 = self.net[0], self.net[2]
        w = lin1.weight / self.z_std                                   # (H, p): normalisation folded in
        c = lin1.bias - w @ self.z_mean                                # (H,)
        wy_t, wu_t = w[:, :na].T, w[:, na:].T                          # (na, H), (nb+1, H)
        lags = torch.stack([u[:, n0 - j:length - j] for j in range(nb + 1)], dim=2)  # (B, L-n0, nb+1)
        pre_u = lags @ wu_t + c                                        # (B, L-n0, H)
        w2, b2 = lin2.weight[0] * self.y_std, lin2.bias[0] * self.y_std + self.y_mean  # (H,), ()
        ly = None                                                      # weights on the y lags outside the tanh
        base_u = torch.zeros_like(pre_u[..., 0]) + b2                  # (B, L-n0): input part outside the tanh
        if self.linear is not None:                                    # linear path, normalisation folded in
            wl = self.linear.weight[0] / self.z_std * self.y_std       # (p,)
            ly = wl[:na] + float(self.delta) * (torch.arange(na) == 0)
            base_u = base_u + lags @ wl[na:] - wl @ self.z_mean
        ylags = y_init[:, n0 - na:].flip(1)                            # (B, na): y(k-1), ..., y(k-na)
        out = []
        for k in range(length - n0):
            h = torch.tanh(torch.addmm(pre_u[:, k], ylags, wy_t))     # (B, H)
            base = base_u[:, k] if ly is None else torch.addmv(base_u[:, k], ylags, ly)
            if self.delta and ly is None:
                base = base + ylags[:, 0]
            yk = torch.addmv(base, h, w2)                              # (B,)
            out.append(yk)
            ylags = torch.cat([yk[:, None], ylags[:, :-1]], dim=1) if na > 1 else yk[:, None]
        return torch.stack(out, dim=1)                                 # (B, L-n0)


def unroll(model: nn.Module, u: torch.Tensor, y_init: torch.Tensor, na: int, nb: int,
           fast: bool = True) -> torch.Tensor:
    """Differentiable free run of a net over windows: u (B, L), y_init (B, n0) -> y^ (B, L - n0), n0 >= max(na, nb).

    Step k builds z(k) from the last na outputs (measured, then the model's own) and u(k..k-nb), then appends
    y^(k) = model(z(k)). A NarxNet takes its faster equivalent path unless ``fast=False``.
    """
    n0 = y_init.shape[1]
    if n0 < max(na, nb) or u.ndim != 2 or y_init.ndim != 2 or u.shape[0] != y_init.shape[0]:
        raise ValueError(f"expected u (B, L) and y_init (B, n0 >= {max(na, nb)}), got {tuple(u.shape)}, "
                         f"{tuple(y_init.shape)}")
    if fast and isinstance(model, NarxNet) and (model.na, model.nb) == (na, nb):
        return model.free_run(u, y_init)
    # the plain loop: the readable reference of NarxNet.free_run
    hist = list(y_init.unbind(1))             # past outputs, measured then simulated
    out = []
    for k in range(n0, u.shape[1]):
        z = torch.stack(hist[-1:-na - 1:-1] + [u[:, k - j] for j in range(nb + 1)], dim=1)  # (B, na+nb+1)
        yk = model(z)                          # (B,)
        hist.append(yk)
        out.append(yk)
    return torch.stack(out, dim=1)


def simulate(model: nn.Module | np.ndarray, u: np.ndarray, y_init: np.ndarray, na: int, nb: int) -> np.ndarray:
    """Free-run simulation y^ (T,): y^[:n0] = y_init (n0 >= max(na, nb)), then the model's own outputs fed back.

    ``model`` is an ARX theta (na+nb+2,) from fit_arx or a net mapping z (B, na+nb+1) -> (B,). Only the
    input u (T,) and the n0 initial outputs are used; an unstable model returns non-finite values, never raises.
    """
    na, nb = _check_orders(na, nb)
    u = check_signal(u, "u")
    y_init = np.asarray(y_init, dtype=np.float64).ravel()
    n0 = y_init.size
    if n0 < max(na, nb) or n0 > u.size or not np.isfinite(y_init).all():
        raise ValueError(f"y_init must hold n0 finite outputs with max(na, nb) = {max(na, nb)} <= n0 <= {u.size}, "
                         f"got {n0}")
    if isinstance(model, nn.Module):
        with torch.no_grad():
            ut = torch.as_tensor(u, dtype=torch.float32)[None]
            yt = torch.as_tensor(y_init, dtype=torch.float32)[None]
            rest = unroll(model, ut, yt, na, nb)[0].double().numpy()
        return np.concatenate([y_init, rest])
    theta = np.asarray(model, dtype=np.float64)
    if theta.shape != (na + nb + 2,):
        raise ValueError(f"ARX theta must have shape ({na + nb + 2},) for na={na}, nb={nb}, got {theta.shape}")
    a, b, c = theta[:na].tolist(), theta[na:na + nb + 1].tolist(), float(theta[-1])
    y = y_init.tolist() + [0.0] * (u.size - n0)
    ul = u.tolist()
    for k in range(n0, u.size):
        s = c
        for i in range(na):
            s += a[i] * y[k - 1 - i]
        for j in range(nb + 1):
            s += b[j] * ul[k - j]
        if not math.isfinite(s) or abs(s) > 1e12:  # diverged: report it, never overflow
            y[k:] = [math.nan] * (u.size - k)
            break
        y[k] = s
    return np.array(y)


def predict_one_step(model: nn.Module | np.ndarray, u: np.ndarray, y: np.ndarray, na: int, nb: int) -> np.ndarray:
    """One-step-ahead predictions (T,) from MEASURED past outputs; the first max(na, nb) entries copy y."""
    z, _ = regressors(u, y, na, nb)
    if isinstance(model, nn.Module):
        with torch.no_grad():
            pred = model(torch.as_tensor(z, dtype=torch.float32)).double().numpy()
    else:
        pred = z @ np.asarray(model)[:-1] + np.asarray(model)[-1]
    return np.concatenate([np.asarray(y, dtype=np.float64)[:max(na, nb)], pred])






@dataclass(frozen=True)
class NarxFit:
    """A trained NarxNet and its record: the loss (MSE in standardised units) before each update, per phase.

    Every loop checks ``training.diverged`` on the loss it is about to step on; on the first diverged loss it
    stops without stepping, and ``diverged_at`` = (phase, step) names it ("one-step" or "simulation").
    """

    net: NarxNet
    one_step: np.ndarray = field(default_factory=lambda: np.empty(0))     # (steps run,)
    simulation: np.ndarray = field(default_factory=lambda: np.empty(0))   # (steps run,), empty without that phase
    diverged_at: tuple[str, int] | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def train_one_step(u: np.ndarray, y: np.ndarray, na: int, nb: int, hidden: int = 16, steps: int = 500,
                   lr: float = 1e-2, seed: int = 0, delta: bool = True, linear: bool = False) -> NarxFit:
    """Fit a NarxNet to the one-step-ahead error: full-batch Adam on all N rows of the regressors, ``steps``
    updates (or fewer, if the loss diverges). The net's initial weights come from ``seed``."""
    na, nb = _check_orders(na, nb)
    steps = checks.integer("steps", steps, 0)
    lr = checks.number("lr", lr, positive=True)
    z, target = regressors(u, y, na, nb)
    t = target - z[:, 0] if delta else target                      # what the net itself predicts
    z_scale, t_scale = Standardizer.fit(z), Standardizer.fit(t)
    with training.seeded(seed):
        model = NarxNet(na, nb, hidden, z_scale.mean, z_scale.std, float(t_scale.mean), float(t_scale.std),
                        delta, linear)
    if linear:  # start from the least-squares (ARX) fit in standardised units; the hidden layer adds to it
        zn, tn = z_scale.transform(z), t_scale.transform(t)
        with torch.no_grad():
            w = np.linalg.solve(zn.T @ zn + 1e-3 * len(zn) * np.eye(zn.shape[1]), zn.T @ tn)  # ridge: lags correlate
            model.linear.weight.copy_(torch.as_tensor(w, dtype=torch.float32)[None])
            model.net[-1].weight.mul_(0.1)
    zt, tt = torch.as_tensor(z, dtype=torch.float32), torch.as_tensor(target, dtype=torch.float32)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses: list[float] = []
    diverged_at = None
    model.train()
    for step in range(steps):
        loss = (((model(zt) - tt) / model.y_std) ** 2).mean()    # MSE in standardised units
        losses.append(loss.item())
        if training.diverged(losses[-1], losses[0]):             # checked before stepping on it
            diverged_at = ("one-step", step)
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return NarxFit(model, np.array(losses), diverged_at=diverged_at)


def train_simulation(fit: NarxFit, u: np.ndarray, y: np.ndarray, horizon: int = 60, batch: int = 32,
                     steps: int = 150, lr: float = 3e-3, seed: int = 0, progress: bool = False) -> NarxFit:
    """Fine-tune ``fit.net`` (in place) on the free-run error: unroll its own feedback over ``horizon`` samples
    from ``batch`` random start points (measured outputs only as initial lags), ``steps`` Adam updates with the
    learning rate falling linearly to lr/10. Returns the fit with its simulation losses.
    ``progress=True`` shows a progress bar over the steps (it changes no number)."""
    if not isinstance(fit, NarxFit):
        raise TypeError(f"fit must be the NarxFit of train_one_step, got {type(fit).__name__}")
    if fit.diverged:
        raise ValueError(f"the fit diverged at {fit.diverged_at[0]} step {fit.diverged_at[1]}: "
                         "there is no trained net to fine-tune")
    model = fit.net
    na, nb = model.na, model.nb
    u, y = _pair(u, y, na, nb)
    n0 = max(na, nb)
    horizon = checks.integer("horizon", horizon, 1, u.size - n0)
    batch = checks.integer("batch", batch, 1)
    steps = checks.integer("steps", steps, 0)
    lr = checks.number("lr", lr, positive=True)
    ut, yt = torch.as_tensor(u, dtype=torch.float32), torch.as_tensor(y, dtype=torch.float32)
    idx = torch.arange(n0 + horizon)                               # (L,)
    gen = torch.Generator().manual_seed(seed)                      # the windows' own generator
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - 0.9 * s / max(steps, 1))  # lr -> lr/10, linearly
    losses: list[float] = []
    diverged_at = None
    model.train()
    for step in training.progress(range(steps), "simulation training", enabled=progress, unit="step"):
        start = torch.randint(0, u.size - n0 - horizon + 1, (batch, 1), generator=gen)  # (B, 1)
        uw, yw = ut[start + idx], yt[start + idx]                   # (B, L) windows
        y_sim = unroll(model, uw, yw[:, :n0], na, nb)               # (B, horizon)
        loss = (((y_sim - yw[:, n0:]) / model.y_std) ** 2).mean()
        losses.append(loss.item())
        if training.diverged(losses[-1], losses[0]):               # checked before stepping on it
            diverged_at = ("simulation", step)
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
        decay.step()
    model.eval()
    return NarxFit(model, fit.one_step, np.array(losses), diverged_at)


def fit_narx(record, na: int = NA, nb: int = NB, hidden: int = 16, simulation: bool = True, seed: int = 0,
             linear: bool = False) -> NarxFit:
    """The notebook-05 NARX net for a Record (e.g. load_record("cascaded_tanks", "train")), about 1-2 s on one core:
    500 full-batch Adam steps on the one-step error, then (``simulation=True``) 150 steps on the free-run error
    over 60-sample horizons. Score ``.net`` with
    rmse(test.y, simulate(fit.net, test.u, test.y[:max(na, nb)], na, nb), skip=test.n_skip)."""
    fit = train_one_step(record.u, record.y, na, nb, hidden, seed=seed, linear=linear)
    if simulation and not fit.diverged:
        fit = train_simulation(fit, record.u, record.y, seed=seed)
    return fit
