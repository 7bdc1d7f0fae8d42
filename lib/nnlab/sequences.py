"""Training recurrent models on one long input/output record: windows, washout, ``fit_sequence``, free-run ``simulate``.

Derived in 06_recurrent_networks.ipynb; used again in 07_lstm.ipynb. Two ways to make training data from a
record of T samples (the lecture notes): unfold over the whole sequence (one window of length T), or cut Q
subsequences of length L starting every ``stride`` samples (overlapping when stride < L), fed in batches.
The first ``washout`` samples of every window are left out of the loss: the state starts at zero there.
Scores and parameter counts are ``nnlab.metrics.rmse`` and ``nnlab.metrics.n_params``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from . import recurrent, training
from .checks import choice, finite, integer, number, same_shape
from .regression import Standardizer

__all__ = ["KINDS", "IMPLS", "SequenceModel", "make_model", "near_identity_", "full_sequence", "subsequences",
           "washout_mse", "SequenceFit", "fit_sequence", "simulate"]

KINDS = ("rnn", "lstm")
IMPLS = ("torch", "nnlab", "bptt")


def _signal(x, name: str) -> torch.Tensor:
    """A finite 1-D record (T,), T >= 2, as a float32 tensor; ValueError otherwise."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"{name} must be a 1-D record of shape (T,) with T >= 2, got shape {arr.shape}")
    finite(name, arr)
    return torch.as_tensor(arr, dtype=torch.float32)


class SequenceModel(nn.Module):
    """u (N, L) in volts -> y^ (N, L) in volts: normalise, recurrent core h(t), read-out y^(t) = g(h(t)).

    With ``n_init > 0`` the core also reads the first n_init measured outputs (the samples an ARX free run
    starts from) to set its state: input features [u(t), m(t) y(t), m(t)], m(t) = 1 for t < n_init, else 0.
    The normalisation constants are buffers set by ``fit_sequence`` from the training record
    (``nnlab.regression.Standardizer``: mean and population standard deviation of u and y).
    """

    def __init__(self, core: nn.Module, n_init: int = 0) -> None:
        super().__init__()
        n_init = integer("n_init", n_init, 0)
        features = 3 if n_init else 1
        if not getattr(core, "batch_first", False) or core.input_size != features:
            raise ValueError(f"core must be a recurrent layer with batch_first=True and input_size={features} "
                             f"(n_init={n_init}), got input_size={getattr(core, 'input_size', None)}")
        self.core, self.n_init = core, n_init
        width = (getattr(core, "proj_size", 0) or core.hidden_size) * (2 if core.bidirectional else 1)
        self.readout = nn.Linear(width, 1)
        for name, value in [("u_mean", 0.0), ("u_std", 1.0), ("y_mean", 0.0), ("y_std", 1.0)]:
            self.register_buffer(name, torch.tensor(value))

    def set_scaling(self, u, y) -> None:
        """Standardise with the training record's mean and standard deviation (u, y: (T,))."""
        for prefix, x in (("u", u), ("y", y)):
            s = Standardizer.fit(np.asarray(x, dtype=np.float64))
            getattr(self, f"{prefix}_mean").fill_(float(s.mean))
            getattr(self, f"{prefix}_std").fill_(float(s.std))

    def features(self, u: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Core input (N, L, 1), or (N, L, 3) with the first n_init measured outputs y (N, >= n_init)."""
        if not self.n_init:
            return u.unsqueeze(-1)
        if y is None or y.ndim != 2 or y.shape[0] != u.shape[0] or y.shape[1] < self.n_init:
            raise ValueError(f"this model reads its first {self.n_init} measured outputs: give y of shape "
                             f"({u.shape[0]}, >= {self.n_init}), got {None if y is None else tuple(y.shape)}")
        m = torch.zeros_like(u)
        m[:, :self.n_init] = 1.0
        y_in = torch.zeros_like(u)
        y_in[:, :self.n_init] = y[:, :self.n_init]
        return torch.stack([u, y_in, m], dim=-1)            # (N, L, 3)

    def normalized(self, u: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Normalised input (N, L) [and measured outputs] -> normalised output (N, L); zero initial state."""
        h, _ = self.core(self.features(u, y))              # (N, L, H)
        return self.readout(h).squeeze(-1)                 # (N, L)

    def forward(self, u: torch.Tensor, y_init: torch.Tensor | None = None) -> torch.Tensor:
        """u (N, L) in volts [, y_init (N, n_init) in volts] -> y^ (N, L) in volts."""
        y_n = None if y_init is None else (y_init - self.y_mean) / self.y_std
        return self.normalized((u - self.u_mean) / self.u_std, y_n) * self.y_std + self.y_mean


def make_model(kind: str = "lstm", hidden_size: int = 16, num_layers: int = 1, impl: str = "torch",
               bidirectional: bool = False, n_init: int = 0, seed: int = 0) -> SequenceModel:
    """A SequenceModel with an RNN or LSTM core (``kind`` "rnn" or "lstm"), its weights drawn in a seeded block:
    impl "torch" (nn.RNN/nn.LSTM), "nnlab" (from scratch, autograd loop) or "bptt" (from scratch, hand-written
    backward through time); n_init: see SequenceModel."""
    choice("kind", kind, KINDS)
    choice("impl", impl, IMPLS)
    hidden_size, num_layers = integer("hidden_size", hidden_size, 1), integer("num_layers", num_layers, 1)
    n_init, seed = integer("n_init", n_init, 0), integer("seed", seed, 0)
    features = 3 if n_init else 1
    kw = dict(num_layers=num_layers, batch_first=True, bidirectional=bidirectional)
    with training.seeded(seed):
        if impl == "torch":
            core = (nn.LSTM if kind == "lstm" else nn.RNN)(features, hidden_size, **kw)
        else:
            core = (recurrent.LSTM if kind == "lstm" else recurrent.RNN)(features, hidden_size, **kw,
                                                                          bptt=(impl == "bptt"))
        return SequenceModel(core, n_init)


def near_identity_(core: nn.Module, scale: float = 0.95, noise: float = 0.1) -> nn.Module:
    """Start every W_hh of a vanilla RNN at scale * I + noise * (default init): a slow, long-memory state; in place."""
    with torch.no_grad():
        for name, w in core.named_parameters():
            if name.startswith("weight_hh"):
                w.mul_(noise).add_(scale * torch.eye(w.shape[0], dtype=w.dtype))
    return core


def full_sequence(u, y) -> tuple[torch.Tensor, torch.Tensor]:
    """Unfold over the whole record: u, y (T,) -> one window each, (1, T)."""
    u, y = _signal(u, "u"), _signal(y, "y")
    same_shape("u", u, "y", y)
    return u[None], y[None]


def subsequences(u, y, length: int, stride: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows starting at 0, stride, 2*stride, ...: u, y (T,) -> (Q, length) each, Q = (T - length) // stride + 1."""
    u, y = full_sequence(u, y)
    length = integer("length", length, 1, u.shape[1])
    stride = integer("stride", stride, 1)
    return u[0].unfold(0, length, stride), y[0].unfold(0, length, stride)


def washout_mse(y_hat: torch.Tensor, y: torch.Tensor, washout: int = 0) -> torch.Tensor:
    """Mean squared error over samples washout.. of every window: y_hat, y (N, L) -> scalar."""
    same_shape("y_hat", y_hat, "y", y)
    washout = integer("washout", washout, 0, y.shape[-1] - 1)
    return ((y_hat[..., washout:] - y[..., washout:]) ** 2).mean()


@dataclass
class SequenceFit:
    """What ``fit_sequence`` did: the normalised loss (MSE after the washout) of every Adam step it made, the
    wall time, the number of windows Q, the epochs done (windows seen / Q) and ``diverged_at``.

    Steps are numbered from 0. ``diverged_at = k`` means the loss of step k broke the divergence rule
    (``nnlab.training.diverged``) and was not stepped on: ``losses`` holds the k steps 0..k-1 that were made,
    and the model keeps the weights they gave. ``None``: training ran all its steps.
    """

    losses: np.ndarray
    seconds: float
    windows: int
    epochs: float
    diverged_at: int | None = None

    @property
    def seconds_per_epoch(self) -> float:
        """Training seconds per pass over all windows (NaN when no step was made)."""
        return self.seconds / self.epochs if self.epochs else math.nan


def fit_sequence(model: SequenceModel, u, y, *, length: int | None = 64, stride: int | None = None,
                 washout: int = 0, batch_size: int = 32, steps: int = 200, lr: float = 1e-2, decay: float = 1.0,
                 clip: float | None = 1.0, seed: int = 0, progress: bool = False) -> SequenceFit:
    """Train on the record u, y (T,) in volts with Adam for ``steps`` updates.

    length=None unfolds the full sequence, else windows of ``length`` every ``stride`` (default: length, no
    overlap), ``batch_size`` windows per step, reshuffled every epoch (its own generator, from ``seed``); the
    learning rate falls geometrically to ``lr * decay`` at the last step; gradients are clipped to norm ``clip``.
    Before every update the loss is checked with ``nnlab.training.diverged`` against the first step's loss;
    a diverging run stops there (``SequenceFit.diverged_at``, counted from 0). ``progress`` shows a bar.
    """
    washout, n_init = integer("washout", washout, 0), model.n_init
    batch_size, steps = integer("batch_size", batch_size, 1), integer("steps", steps, 1)
    lr, decay = number("lr", lr, positive=True), number("decay", decay, positive=True)
    clip = None if clip is None else number("clip", clip, positive=True)
    seed = integer("seed", seed, 0)
    u_t, y_t = full_sequence(u, y)
    model.set_scaling(u, y)
    un, yn = (u_t - model.u_mean) / model.u_std, (y_t - model.y_mean) / model.y_std
    uw, yw = (un, yn) if length is None else subsequences(un[0], yn[0], length, stride or length)
    integer("washout", washout, 0, yw.shape[1] - 1)          # shorter than a window
    if washout < n_init:
        raise ValueError(f"washout must be >= n_init = {n_init} (those outputs are inputs), got {washout}")
    q, gen = uw.shape[0], torch.Generator().manual_seed(seed)
    opt = training.make_optimizer("adam", model.parameters(), lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=decay ** (1 / max(steps - 1, 1)))
    losses: list[float] = []
    order, diverged_at, seen, first = torch.empty(0, dtype=torch.long), None, 0, None
    model.train()
    start = time.perf_counter()
    for step in training.progress(range(steps), "Adam steps", enabled=progress):
        if order.numel() == 0:                               # a new epoch: reshuffle the windows
            order = torch.randperm(q, generator=gen)
        idx, order = order[:batch_size], order[batch_size:]
        loss = washout_mse(model.normalized(uw[idx], yw[idx]), yw[idx], washout)
        value = loss.item()
        first = value if first is None else first
        if training.diverged(value, first):                  # checked before the update: never step on it
            diverged_at = step
            break
        opt.zero_grad()
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        sched.step()
        losses.append(value)
        seen += idx.numel()
    seconds = time.perf_counter() - start
    model.eval()
    return SequenceFit(np.array(losses), seconds, q, seen / q, diverged_at)


def simulate(model: SequenceModel, u, y_init=None) -> np.ndarray:
    """Free-run simulation y^ (T,) in volts from the input record u (T,) alone (zero initial state), or also
    from the first n_init measured outputs y_init when the model reads them."""
    u_t = _signal(u, "u")
    y_t = None if y_init is None else torch.as_tensor(np.asarray(y_init, dtype=np.float32)).reshape(1, -1)
    model.eval()
    with torch.no_grad():
        return model(u_t[None], y_t)[0].double().numpy()
