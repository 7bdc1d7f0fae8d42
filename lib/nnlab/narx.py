"""NARX models: regressors from lagged data, linear ARX by least squares, small NARX nets, free-run simulation.

Derived in 05_narx_models.ipynb. The model predicts
    y^(k) = f(y(k-1), ..., y(k-na), u(k), u(k-1), ..., u(k-nb)),
with f linear (ARX, theta) or a feedforward net (NARX). Scores: free-run simulation RMSE, skipping n_skip samples
(``nnlab.metrics.rmse``).

Baselines at notebook 05's orders (NA, NB = 2, 5) on the simulated records, each well under 2 s on one core
(notebook 05 itself fits them on the real rig, ``systems.load_rig``; see ``experiments.lessons_narx``):
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


def _check_model(model: nn.Module | np.ndarray, na: int, nb: int) -> nn.Module | np.ndarray:
    """A net (a NarxNet must have these orders) or a finite ARX theta (na+nb+2,) as a float64 array."""
    if isinstance(model, nn.Module):
        if isinstance(model, NarxNet) and (model.na, model.nb) != (na, nb):
            raise ValueError(f"model is a NarxNet for na={model.na}, nb={model.nb}, but na={na}, nb={nb} were given")
        return model
    if not isinstance(model, (np.ndarray, list, tuple)):
        raise TypeError(f"model must be an ARX theta (a numpy array from fit_arx) or a net (nn.Module), "
                        f"got {type(model).__name__}")
    theta = checks.finite("model", checks.real_array("model", model)).astype(np.float64, copy=False)
    if theta.shape != (na + nb + 2,):
        raise ValueError(f"ARX theta must have shape ({na + nb + 2},) for na={na}, nb={nb}, got {theta.shape}")
    return theta


def _check_windows(u: torch.Tensor, y_init: torch.Tensor, na: int, nb: int, model: nn.Module) -> None:
    """u (B, L), y_init (B, n0) for a free run: finite torch tensors of the model's dtype, n0 >= max(na, nb), L > n0."""
    for name, t in (("u", u), ("y_init", y_init)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch tensor, got {type(t).__name__}")
    if u.ndim != 2 or y_init.ndim != 2 or u.shape[0] != y_init.shape[0] or y_init.shape[1] < max(na, nb):
        raise ValueError(f"expected u (B, L) and y_init (B, n0 >= {max(na, nb)}), got {tuple(u.shape)}, "
                         f"{tuple(y_init.shape)}")
    n0 = y_init.shape[1]
    if u.shape[1] <= n0:
        raise ValueError(f"u must be longer than the n0 = {n0} initial outputs, got {u.shape[1]} samples per window: "
                         "there is nothing to simulate")
    checks.non_empty("u", u)
    dtype = next((p.dtype for p in model.parameters()), None)
    if dtype is not None and (u.dtype != dtype or y_init.dtype != dtype):
        raise ValueError(f"u and y_init must have the model's dtype {dtype}, got {u.dtype} and {y_init.dtype}")
    checks.finite("u", u)
    checks.finite("y_init", y_init)


def _refuse_constant(name: str, a: np.ndarray) -> None:
    if a.size and np.ptp(a) == 0:
        raise ValueError(f"{name} is constant (every sample is {a[0]:g}): a constant signal cannot be standardised "
                         f"(its standard deviation is 0) and shows nothing of the system's dynamics; "
                         f"give a record whose {name} varies")


def _record_signals(name: str, record) -> tuple[np.ndarray, np.ndarray]:
    if not (hasattr(record, "u") and hasattr(record, "y")):
        raise TypeError(f"{name} must be a Record (with .u and .y), e.g. load_record('cascaded_tanks', 'train'), "
                        f"got {type(record).__name__}")
    return record.u, record.y


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
    (ARX) path next to the hidden layer, so the net only has to learn what ARX misses; ``narx_analysis.from_arx``
    builds one that starts exactly at the least-squares ARX fit with a zero correction (notebook 05).
    """

    def __init__(self, na: int, nb: int, hidden: int = 16, z_mean: np.ndarray | None = None,
                 z_std: np.ndarray | None = None, y_mean: float = 0.0, y_std: float = 1.0,
                 delta: bool = True, linear: bool = False) -> None:
        super().__init__()
        na, nb = _check_orders(na, nb)
        hidden = checks.integer("hidden", hidden, 1)
        delta, linear = checks.flag("delta", delta), checks.flag("linear", linear)
        p = na + nb + 1
        for name, given in (("z_mean", z_mean), ("z_std", z_std)):
            if given is not None:
                a = checks.finite(name, checks.real_array(name, given))
                if a.shape != (p,):
                    raise ValueError(f"{name} must have shape ({p},) for na={na}, nb={nb}, got {a.shape}")
                if name == "z_std" and not (a > 0).all():
                    raise ValueError(f"z_std must be > 0 in every column (it divides z), got {a.tolist()}")
        y_mean, y_std = checks.number("y_mean", y_mean), checks.number("y_std", y_std, positive=True)
        self.na, self.nb, self.hidden, self.delta = na, nb, hidden, delta
        self.net = mlp([p, hidden, 1], activation="tanh")
        self.linear = nn.Linear(p, 1, bias=False) if linear else None
        z_mean = torch.zeros(p) if z_mean is None else torch.as_tensor(z_mean, dtype=torch.float32)
        self.register_buffer("z_mean", z_mean)
        self.register_buffer("z_std", torch.ones(p) if z_std is None else torch.as_tensor(z_std, dtype=torch.float32))
        self.register_buffer("y_mean", torch.tensor(y_mean))
        self.register_buffer("y_std", torch.tensor(y_std))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """z (B, na+nb+1) -> y^ (B,). Values are not checked here: a free run feeds back its own (maybe diverging)
        outputs, which must come out as inf/NaN, never as an error."""
        if not isinstance(z, torch.Tensor):
            raise TypeError(f"z must be a torch tensor, got {type(z).__name__}")
        if z.ndim != 2 or z.shape[1] != self.na + self.nb + 1:
            raise ValueError(f"expected z of shape (B, {self.na + self.nb + 1}), got {tuple(z.shape)}")
        if z.dtype != self.z_mean.dtype:
            raise ValueError(f"z must have the net's dtype {self.z_mean.dtype}, got {z.dtype}")
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
        _check_windows(u, y_init, self.na, self.nb, self)
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
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a net (nn.Module), got {type(model).__name__}")
    na, nb = _check_orders(na, nb)
    fast = checks.flag("fast", fast)
    _check_windows(u, y_init, na, nb, model)
    n0 = y_init.shape[1]
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
    model = _check_model(model, na, nb)
    u = check_signal(u, "u")
    y_init = checks.finite("y_init", checks.real_array("y_init", y_init)).astype(np.float64).ravel()
    n0 = y_init.size
    if n0 < max(na, nb) or n0 > u.size:
        raise ValueError(f"y_init must hold n0 finite outputs with max(na, nb) = {max(na, nb)} <= n0 <= {u.size}, "
                         f"got {n0}")
    if isinstance(model, nn.Module):
        with torch.no_grad():
            ut = torch.as_tensor(u, dtype=torch.float32)[None]
            yt = torch.as_tensor(y_init, dtype=torch.float32)[None]
            rest = unroll(model, ut, yt, na, nb)[0].double().numpy()
        return np.concatenate([y_init, rest])
    theta = model
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
    model = _check_model(model, na, nb)
    if isinstance(model, nn.Module):
        with torch.no_grad():
            pred = model(torch.as_tensor(z, dtype=torch.float32)).double().numpy()
    else:
        pred = z @ model[:-1] + model[-1]
    return np.concatenate([check_signal(y, "y")[:max(na, nb)], pred])






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

    def __post_init__(self) -> None:
        if not isinstance(self.net, NarxNet):
            raise TypeError(f"net must be a NarxNet, got {type(self.net).__name__}")
        if self.diverged_at is not None and not (isinstance(self.diverged_at, tuple) and len(self.diverged_at) == 2
                                                 and self.diverged_at[0] in ("one-step", "simulation")):
            raise ValueError(f"diverged_at must be None or (phase, step) with phase 'one-step' or 'simulation', "
                             f"got {self.diverged_at!r}")

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
    seed = checks.integer("seed", seed, 0)
    delta, linear = checks.flag("delta", delta), checks.flag("linear", linear)
    z, target = regressors(u, y, na, nb)
    _refuse_constant("u", check_signal(u, "u"))      # the net standardises its inputs: a constant one cannot be
    _refuse_constant("y", check_signal(y, "y"))
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
    seed = checks.integer("seed", seed, 0)
    progress = checks.flag("progress", progress)
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
    u, y = _record_signals("record", record)
    simulation = checks.flag("simulation", simulation)
    fit = train_one_step(u, y, na, nb, hidden, seed=seed, linear=linear)
    if simulation and not fit.diverged:
        fit = train_simulation(fit, u, y, seed=seed)
    return fit
