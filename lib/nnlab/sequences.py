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
from .bptt import _all_finite
from .checks import choice, finite, flag, float_dtype, integer, non_empty, number, real_array, same_shape, string
from .regression import Standardizer

__all__ = ["KINDS", "IMPLS", "SEED_MAX", "SequenceModel", "make_model", "near_identity_", "full_sequence",
           "subsequences", "washout_mse", "SequenceFit", "fit_sequence", "simulate"]

KINDS = ("rnn", "lstm", "gru")
IMPLS = ("torch", "nnlab", "bptt")
SEED_MAX = 2 ** 64 - 1          # the largest seed torch's generators take


def _samples(x, name: str) -> np.ndarray:
    """x as a numpy array of real numbers, bool and float16 refused (TypeError naming ``name``); shape unchecked."""
    if isinstance(x, torch.Tensor) and x.dtype in (torch.float16, torch.bfloat16):
        float_dtype(name, x.dtype)
    arr = real_array(name, x)
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold numbers, got booleans (dtype bool)")
    if arr.dtype == np.float16:
        raise TypeError(f"{name} must hold float32 or float64 numbers, got float16 (half precision keeps about 3 "
                        "digits); convert it with .astype(np.float64)")
    return arr


def _record(x, name: str) -> np.ndarray:
    """A finite 1-D record (T,), T >= 2, of real numbers as float64; TypeError or ValueError naming ``name``."""
    arr = _samples(x, name)
    if arr.ndim == 0:
        raise ValueError(f"{name} must be a 1-D record of shape (T,) with T >= 2, got a single number {arr.item()!r} "
                         "(shape ()): give one sample per time step")
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"{name} must be a 1-D record of shape (T,) with T >= 2, got shape {arr.shape}")
    finite(name, arr)
    return arr.astype(np.float64, copy=False)


def _signal(x, name: str) -> torch.Tensor:
    """A finite 1-D record (T,), T >= 2, as a float32 tensor; ValueError otherwise."""
    return torch.as_tensor(_record(x, name), dtype=torch.float32)


def _varies(arr: np.ndarray, name: str) -> None:
    """A record that can be standardised: not constant (ValueError naming ``name`` otherwise)."""
    if np.ptp(arr) == 0:
        raise ValueError(f"{name} is constant (every sample is {arr[0]:g}): a constant signal cannot be standardised "
                         f"(its standard deviation is 0); train on a record in which {name} varies")


def _windows(name: str, x, dtype: torch.dtype) -> torch.Tensor:
    """A non-empty (N, L) tensor of finite numbers of the model's dtype; TypeError or ValueError naming ``name``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor of shape (N, L) (windows, samples), got {type(x).__name__}")
    float_dtype(name, x.dtype)
    if x.dtype != dtype:
        raise TypeError(f"{name} must have the model's dtype {dtype}, got {x.dtype}; convert it with .to({dtype})")
    if x.ndim != 2:
        raise ValueError(f"{name} must have shape (N, L) (windows, samples), got shape {tuple(x.shape)}")
    return _all_finite(name, non_empty(name, x))


class SequenceModel(nn.Module):
    """u (N, L) in volts -> y^ (N, L) in volts: normalise, recurrent core h(t), read-out y^(t) = g(h(t)).

    With ``n_init > 0`` the core also reads the first n_init measured outputs (the samples an ARX free run
    starts from) to set its state: input features [u(t), m(t) y(t), m(t)], m(t) = 1 for t < n_init, else 0.
    The normalisation constants are buffers set by ``fit_sequence`` from the training record
    (``nnlab.regression.Standardizer``: mean and population standard deviation of u and y).
    """

    def __init__(self, core: nn.Module, n_init: int = 0) -> None:
        super().__init__()
        if not isinstance(core, nn.Module):
            raise TypeError(f"core must be a recurrent layer (an nn.Module such as nn.LSTM), got {type(core).__name__}")
        n_init = integer("n_init", n_init, 0)
        features = 3 if n_init else 1
        if (not getattr(core, "batch_first", False) or getattr(core, "input_size", None) != features
                or not isinstance(getattr(core, "hidden_size", None), int)):
            raise ValueError(f"core must be a recurrent layer with batch_first=True and input_size={features} "
                             f"(n_init={n_init}), got input_size={getattr(core, 'input_size', None)}")
        self.core, self.n_init = core, n_init
        width = (getattr(core, "proj_size", 0) or core.hidden_size) * (2 if core.bidirectional else 1)
        self.readout = nn.Linear(width, 1)
        for name, value in [("u_mean", 0.0), ("u_std", 1.0), ("y_mean", 0.0), ("y_std", 1.0)]:
            self.register_buffer(name, torch.tensor(value))

    def set_scaling(self, u, y) -> None:
        """Standardise with the training record's mean and standard deviation (u, y: (T,)).

        A constant record cannot be standardised: ValueError naming it (as for NaN, inf or a wrong shape).
        """
        records = [(prefix, _record(x, prefix)) for prefix, x in (("u", u), ("y", y))]
        for prefix, arr in records:
            _varies(arr, prefix)
        for prefix, arr in records:                          # both checked: now assign
            s = Standardizer.fit(arr)
            getattr(self, f"{prefix}_mean").fill_(float(s.mean))
            getattr(self, f"{prefix}_std").fill_(float(s.std))

    def _dtype(self) -> torch.dtype:
        return self.readout.weight.dtype

    def features(self, u: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Core input (N, L, 1), or (N, L, 3) with the first n_init measured outputs y (N, >= n_init)."""
        u = _windows("u", u, self._dtype())
        if not self.n_init:
            return u.unsqueeze(-1)
        if y is None or not isinstance(y, torch.Tensor) or y.ndim != 2 or y.shape[0] != u.shape[0] \
                or y.shape[1] < self.n_init:
            got = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
            raise ValueError(f"this model reads its first {self.n_init} measured outputs: give y of shape "
                             f"({u.shape[0]}, >= {self.n_init}), got {got}")
        y = _windows("y", y, self._dtype())
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
        """u (N, L) in volts [, y_init (N, n_init) in volts] -> y^ (N, L) in volts.

        y_init is required when the model reads measured outputs (n_init > 0) and refused when it does not.
        """
        u = _windows("u", u, self._dtype())
        if not self.n_init and y_init is not None:
            raise ValueError("y_init: this model reads no measured outputs (n_init = 0); leave y_init out")
        if self.n_init:
            if y_init is None:
                raise ValueError(f"this model reads its first {self.n_init} measured outputs: give y_init of shape "
                                 f"({u.shape[0]}, >= {self.n_init})")
            y_init = _windows("y_init", y_init, self._dtype())
            if y_init.shape[0] != u.shape[0] or y_init.shape[1] < self.n_init:
                raise ValueError(f"y_init must have shape ({u.shape[0]}, >= {self.n_init}) (windows, first measured "
                                 f"outputs) for u of shape {tuple(u.shape)}, got {tuple(y_init.shape)}")
        y_n = None if y_init is None else (y_init - self.y_mean) / self.y_std
        return self.normalized((u - self.u_mean) / self.u_std, y_n) * self.y_std + self.y_mean


def make_model(kind: str = "lstm", hidden_size: int = 16, num_layers: int = 1, impl: str = "torch",
               bidirectional: bool = False, n_init: int = 0, seed: int = 0) -> SequenceModel:
    """A SequenceModel with an RNN, LSTM or GRU core (``kind`` "rnn", "lstm", "gru"), its weights drawn in a seeded
    block: impl "torch" (nn.RNN/nn.LSTM/nn.GRU), "nnlab" (from scratch, autograd loop) or "bptt" (from scratch,
    hand-written backward through time); a GRU is "torch" only; n_init: see SequenceModel."""
    choice("kind", string("kind", kind), KINDS)
    choice("impl", string("impl", impl), IMPLS)
    if kind == "gru" and impl != "torch":
        raise ValueError(f"impl must be 'torch' for kind 'gru' (the course has no from-scratch GRU), got {impl!r}")
    hidden_size, num_layers = integer("hidden_size", hidden_size, 1), integer("num_layers", num_layers, 1)
    n_init, seed = integer("n_init", n_init, 0), integer("seed", seed, 0, SEED_MAX)
    bidirectional = flag("bidirectional", bidirectional)
    features = 3 if n_init else 1
    kw = dict(num_layers=num_layers, batch_first=True, bidirectional=bidirectional)
    with training.seeded(seed):
        if impl == "torch":
            core = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[kind](features, hidden_size, **kw)
        else:
            core = (recurrent.LSTM if kind == "lstm" else recurrent.RNN)(features, hidden_size, **kw,
                                                                          bptt=(impl == "bptt"))
        return SequenceModel(core, n_init)


def near_identity_(core: nn.Module, scale: float = 0.95, noise: float = 0.1) -> nn.Module:
    """Start every W_hh of a vanilla RNN at scale * I + noise * (default init): a slow, long-memory state; in place.

    ``core`` is the recurrent layer (``model.core``) of a vanilla RNN: every W_hh must be square (an LSTM's stacks
    four gates: ValueError). Nothing is changed unless every check passes.
    """
    if isinstance(core, SequenceModel):
        raise TypeError("core must be the recurrent layer itself: pass model.core, not the SequenceModel")
    if not isinstance(core, nn.Module):
        raise TypeError(f"core must be a recurrent layer (nn.RNN or nnlab.recurrent.RNN), got {type(core).__name__}")
    scale, noise = number("scale", scale), number("noise", noise)
    weights = [(name, w) for name, w in core.named_parameters() if name.startswith("weight_hh")]
    if not weights:
        raise ValueError(f"core ({type(core).__name__}) has no weight_hh parameters: near_identity_ is for a vanilla "
                         "RNN (nn.RNN or nnlab.recurrent.RNN)")
    for name, w in weights:
        if w.dim() != 2 or w.shape[0] != w.shape[1]:
            raise ValueError(f"core's {name} has shape {tuple(w.shape)}, not square: near_identity_ is for a vanilla "
                             "RNN (an LSTM's W_hh stacks its four gates)")
    with torch.no_grad():
        for _, w in weights:
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
    stride = integer("stride", stride, 1, u.shape[1])
    return u[0].unfold(0, length, stride), y[0].unfold(0, length, stride)


def washout_mse(y_hat: torch.Tensor, y: torch.Tensor, washout: int = 0) -> torch.Tensor:
    """Mean squared error over samples washout.. of every window: y_hat, y (N, L) -> scalar.

    y is data: NaN or inf in it is a ValueError. y_hat is the model's output and is not checked for NaN: a
    non-finite loss is how the training loops see a divergence.
    """
    for name, x in (("y_hat", y_hat), ("y", y)):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name} must be a torch tensor of shape (N, L) (windows, samples), got {type(x).__name__}")
        if x.is_complex():
            raise TypeError(f"{name} must be real, got a complex tensor ({x.dtype})")
    same_shape("y_hat", y_hat, "y", y)
    if y.ndim == 0:
        raise ValueError("y must have shape (N, L) (windows, samples) or (L,), got a single number (shape ())")
    non_empty("y", y)
    if y.is_floating_point():
        _all_finite("y", y)
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

    def __post_init__(self) -> None:
        if not isinstance(self.losses, np.ndarray) or self.losses.ndim != 1:
            raise ValueError(f"losses must be a 1-D numpy array (one loss per step), got "
                             f"{getattr(self.losses, 'shape', type(self.losses).__name__)}")
        number("seconds", self.seconds, 0)
        integer("windows", self.windows, 1)
        number("epochs", self.epochs, 0)
        if self.diverged_at is not None:
            integer("diverged_at", self.diverged_at, 0)

    @property
    def seconds_per_epoch(self) -> float:
        """Training seconds per pass over all windows (NaN when no step was made)."""
        return self.seconds / self.epochs if self.epochs else math.nan


def fit_sequence(model: SequenceModel, u, y, *, length: int | None = 64, stride: int | None = None,
                 washout: int = 0, batch_size: int = 32, steps: int = 200, lr: float = 1e-2, decay: float = 1.0,
                 clip: float | None = 1.0, seed: int = 0, progress: bool = False,
                 weight_decay: float = 0.0) -> SequenceFit:
    """Train on the record u, y (T,) in volts with Adam for ``steps`` updates.

    length=None unfolds the full sequence, else windows of ``length`` every ``stride`` (default: length, no
    overlap), ``batch_size`` windows per step, reshuffled every epoch (its own generator, from ``seed``); the
    learning rate falls geometrically to ``lr * decay`` at the last step; gradients are clipped to norm ``clip``;
    ``weight_decay`` > 0 uses AdamW with that decoupled weight decay (a pull of every weight towards 0).
    Before every update the loss is checked with ``nnlab.training.diverged`` against the first step's loss;
    a diverging run stops there (``SequenceFit.diverged_at``, counted from 0). ``progress`` shows a bar.
    """
    if not isinstance(model, SequenceModel):
        raise TypeError(f"model must be a SequenceModel (nnlab.sequences.make_model), got {type(model).__name__}")
    washout, n_init = integer("washout", washout, 0), model.n_init
    batch_size, steps = integer("batch_size", batch_size, 1), integer("steps", steps, 1)
    lr, decay = number("lr", lr, positive=True), number("decay", decay, positive=True)
    clip = None if clip is None else number("clip", clip, positive=True)
    seed, progress = integer("seed", seed, 0, SEED_MAX), flag("progress", progress)
    if length is None and stride is not None:
        raise ValueError(f"stride is the step between windows: give a length too (length=None trains on the full "
                         f"record, one window), got stride={stride!r}")
    for name, x in (("u", u), ("y", y)):
        if isinstance(x, (int, float, np.number)) and not isinstance(x, bool):
            raise ValueError(f"{name} must be a record of shape (T,), got a single number {x!r}: a constant cannot be "
                             "standardised either; give one sample per time step, varying")
    u_t, y_t = full_sequence(u, y)
    T = u_t.shape[1]
    if length is not None:
        length = integer("length", length, 1, T)
        stride = length if stride is None else integer("stride", stride, 1, T)
    window = T if length is None else length
    if washout >= window:
        raise ValueError(f"washout must be shorter than the {'record' if length is None else 'window length'} "
                         f"{window} (the loss needs at least one sample after it), got {washout}")
    if washout < n_init:
        raise ValueError(f"washout must be >= n_init = {n_init} (those outputs are inputs), got {washout}")
    model.set_scaling(u, y)                                  # a constant u or y is refused here
    un, yn = (u_t - model.u_mean) / model.u_std, (y_t - model.y_mean) / model.y_std
    uw, yw = (un, yn) if length is None else subsequences(un[0], yn[0], length, stride)
    q, gen = uw.shape[0], torch.Generator().manual_seed(seed)
    weight_decay = number("weight_decay", weight_decay, 0)
    opt = (torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay) if weight_decay
           else training.make_optimizer("adam", model.parameters(), lr))
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
    from the first n_init measured outputs y_init (at least n_init samples) when the model reads them (else
    y_init must be left out)."""
    if not isinstance(model, SequenceModel):
        raise TypeError(f"model must be a SequenceModel (nnlab.sequences.make_model), got {type(model).__name__}")
    u_t = _signal(u, "u")
    if not model.n_init and y_init is not None:
        raise ValueError("y_init: this model reads no measured outputs (n_init = 0); leave y_init out")
    y_t = None
    if model.n_init:
        if y_init is None:
            raise ValueError(f"this model reads its first {model.n_init} measured outputs: give y_init, the first "
                             f"{model.n_init} samples of the measured output")
        arr = _samples(y_init, "y_init")
        if arr.ndim != 1 or arr.size < model.n_init:
            raise ValueError(f"y_init must be the first measured outputs, of shape (>= {model.n_init},), got shape "
                             f"{arr.shape}")
        finite("y_init", arr)
        y_t = torch.as_tensor(arr, dtype=torch.float32).reshape(1, -1)
    model.eval()
    with torch.no_grad():
        return model(u_t[None], y_t)[0].double().numpy()
