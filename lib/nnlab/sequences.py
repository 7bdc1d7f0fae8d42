"""Training recurrent models on one long input/output record: windows, washout, ``fit`` and free-run ``simulate``.

Derived in 06_recurrent_networks.ipynb; used again in 07_lstm.ipynb. Two ways to make training data from a
record of T samples (the lecture notes): unfold over the whole sequence (one window of length T), or cut Q
subsequences of length L starting every ``stride`` samples (overlapping when stride < L), fed in batches.
The first ``washout`` samples of every window are left out of the loss: the state starts at zero there.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from . import recurrent

__all__ = ["SequenceModel", "make_model", "full_sequence", "subsequences", "washout_mse", "FitResult",
           "fit", "simulate", "sim_rmse", "n_params"]

IMPLS = ("torch", "nnlab", "bptt")


def _signal(x, name: str) -> torch.Tensor:
    """A 1-D record (T,) as float32 tensor; ValueError otherwise."""
    t = torch.as_tensor(np.asarray(x, dtype=np.float32))
    if t.ndim != 1 or t.numel() < 2 or not torch.isfinite(t).all():
        raise ValueError(f"{name} must be a finite 1-D record of shape (T,), got shape {tuple(t.shape)}")
    return t


class SequenceModel(nn.Module):
    """u (N, L) or (N, L, 1) in volts -> y^ (N, L) in volts: normalise, recurrent core h(t), read-out y^(t) = g(h(t)).

    The normalisation constants are buffers set by ``fit`` from the training record (mean/std of u and y).
    """

    def __init__(self, core: nn.Module) -> None:
        super().__init__()
        if not getattr(core, "batch_first", False) or core.input_size != 1:
            raise ValueError("core must be a recurrent layer with input_size=1 and batch_first=True")
        self.core = core
        width = (core.proj_size or core.hidden_size) * (2 if core.bidirectional else 1)
        self.readout = nn.Linear(width, 1)
        for name, value in [("u_mean", 0.0), ("u_std", 1.0), ("y_mean", 0.0), ("y_std", 1.0)]:
            self.register_buffer(name, torch.tensor(value))

    def set_scaling(self, u: torch.Tensor, y: torch.Tensor) -> None:
        """Use the training record's mean and standard deviation (u, y: (T,))."""
        for name, value in [("u_mean", u.mean()), ("u_std", u.std()), ("y_mean", y.mean()), ("y_std", y.std())]:
            getattr(self, name).fill_(float(value))

    def normalized(self, u: torch.Tensor) -> torch.Tensor:
        """Normalised input (N, L) -> normalised output (N, L); zero initial state."""
        h, _ = self.core(u.unsqueeze(-1))                  # (N, L, H)
        return self.readout(h).squeeze(-1)                 # (N, L)

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        if u.ndim == 3:
            u = u.squeeze(-1)
        return self.normalized((u - self.u_mean) / self.u_std) * self.y_std + self.y_mean


def make_model(kind: str = "lstm", hidden_size: int = 16, num_layers: int = 1, impl: str = "torch",
               bidirectional: bool = False, seed: int = 0) -> SequenceModel:
    """A SequenceModel with an RNN or LSTM core: impl 'torch' (nn.RNN/nn.LSTM), 'nnlab' (from scratch, autograd
    loop) or 'bptt' (from scratch, hand-written backward through time)."""
    if kind not in ("rnn", "lstm"):
        raise ValueError(f"kind must be 'rnn' or 'lstm', got {kind!r}")
    if impl not in IMPLS:
        raise ValueError(f"impl must be one of {IMPLS}, got {impl!r}")
    kw = dict(num_layers=num_layers, batch_first=True, bidirectional=bidirectional)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if impl == "torch":
            core = (nn.LSTM if kind == "lstm" else nn.RNN)(1, hidden_size, **kw)
        else:
            core = (recurrent.LSTM if kind == "lstm" else recurrent.RNN)(1, hidden_size, **kw, bptt=(impl == "bptt"))
        return SequenceModel(core)


def full_sequence(u, y) -> tuple[torch.Tensor, torch.Tensor]:
    """Unfold over the whole record: u, y (T,) -> one window each, (1, T)."""
    u, y = _signal(u, "u"), _signal(y, "y")
    if u.shape != y.shape:
        raise ValueError(f"u and y must have the same shape, got {tuple(u.shape)} and {tuple(y.shape)}")
    return u[None], y[None]


def subsequences(u, y, length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows starting at 0, stride, 2*stride, ...: u, y (T,) -> (Q, length) each, Q = (T - length) // stride + 1."""
    u, y = full_sequence(u, y)
    T = u.shape[1]
    if not (isinstance(length, int) and 1 <= length <= T):
        raise ValueError(f"length must be an int in 1..{T} (the record's length), got {length!r}")
    if not (isinstance(stride, int) and stride >= 1):
        raise ValueError(f"stride must be a positive int, got {stride!r}")
    return u[0].unfold(0, length, stride), y[0].unfold(0, length, stride)


def washout_mse(y_hat: torch.Tensor, y: torch.Tensor, washout: int = 0) -> torch.Tensor:
    """Mean squared error over samples washout.. of every window: y_hat, y (N, L) -> scalar."""
    if y_hat.shape != y.shape:
        raise ValueError(f"y_hat and y must have the same shape, got {tuple(y_hat.shape)} and {tuple(y.shape)}")
    if not 0 <= washout < y.shape[-1]:
        raise ValueError(f"washout must lie in 0..{y.shape[-1] - 1} (window length {y.shape[-1]}), got {washout}")
    return ((y_hat[..., washout:] - y[..., washout:]) ** 2).mean()


@dataclass
class FitResult:
    """Loss per step (normalised MSE after the washout), wall time, windows Q, epochs done, diverged step or None."""

    losses: np.ndarray
    seconds: float
    windows: int
    epochs: float
    diverged_at: int | None = None

    @property
    def seconds_per_epoch(self) -> float:
        """Training seconds per pass over all windows."""
        return self.seconds / self.epochs


def fit(model: SequenceModel, u, y, *, length: int | None = 64, stride: int | None = None, washout: int = 0,
        batch_size: int = 32, steps: int = 200, lr: float = 1e-2, decay: float = 1.0, clip: float | None = 1.0,
        seed: int = 0) -> FitResult:
    """Train on the record u, y (T,) in volts with Adam: length=None unfolds the full sequence, else windows of
    ``length`` every ``stride`` (default: length, no overlap), ``batch_size`` windows per step, shuffled each epoch;
    the learning rate falls geometrically to ``lr * decay`` at the last step; gradients clipped to norm ``clip``."""
    u_t, y_t = full_sequence(u, y)
    model.set_scaling(u_t[0], y_t[0])
    un, yn = (u_t - model.u_mean) / model.u_std, (y_t - model.y_mean) / model.y_std
    uw, yw = (un, yn) if length is None else subsequences(un[0], yn[0], length, stride or length)
    washout_mse(yw[:1], yw[:1], washout)                    # checks the washout against the window length
    if steps < 1 or batch_size < 1 or not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"need steps >= 1, batch_size >= 1 and a finite lr > 0, got {steps}, {batch_size}, {lr}")
    q, gen = uw.shape[0], torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=decay ** (1 / max(steps - 1, 1)))
    losses, order, diverged = [], torch.empty(0, dtype=torch.long), None
    model.train()
    start = time.perf_counter()
    for step in range(steps):
        if order.numel() == 0:                               # a new epoch: reshuffle the windows
            order = torch.randperm(q, generator=gen)
        idx, order = order[:batch_size], order[batch_size:]
        loss = washout_mse(model.normalized(uw[idx]), yw[idx], washout)
        if not torch.isfinite(loss):
            diverged = step
            break
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        sched.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    model.eval()
    done = len(losses)
    return FitResult(np.array(losses), seconds, q, max(done, 1) * min(batch_size, q) / q, diverged)


def simulate(model: SequenceModel, u) -> np.ndarray:
    """Free-run simulation y^ (T,) in volts from the input record u (T,) alone, zero initial state."""
    u_t = _signal(u, "u")
    with torch.no_grad():
        return model(u_t[None])[0].double().numpy()


def sim_rmse(y, y_hat, n_skip: int = 0) -> float:
    """Simulation RMSE over samples n_skip..T-1 (the field's score; inf if y_hat is not finite there)."""
    y, y_hat = np.asarray(y, dtype=np.float64), np.asarray(y_hat, dtype=np.float64)
    if y.shape != y_hat.shape or y.ndim != 1:
        raise ValueError(f"y and y_hat must be 1-D of equal length, got {y.shape} and {y_hat.shape}")
    if not 0 <= n_skip < y.size:
        raise ValueError(f"n_skip must lie in 0..{y.size - 1}, got {n_skip}")
    e = y[n_skip:] - y_hat[n_skip:]
    return float(np.sqrt(np.mean(e ** 2))) if np.isfinite(e).all() else math.inf


def n_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
