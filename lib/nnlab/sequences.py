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
from .narx import sim_rmse  # the field's score, shared with the NARX models
from .report import approx

__all__ = ["SequenceModel", "make_model", "near_identity_", "full_sequence", "subsequences", "washout_mse", "FitResult",
           "fit", "simulate", "sim_rmse", "n_params", "draw_unrolled", "explore", "explorer"]

IMPLS = ("torch", "nnlab", "bptt")


def _signal(x, name: str) -> torch.Tensor:
    """A 1-D record (T,) as float32 tensor; ValueError otherwise."""
    t = torch.as_tensor(np.asarray(x, dtype=np.float32))
    if t.ndim != 1 or t.numel() < 2 or not torch.isfinite(t).all():
        raise ValueError(f"{name} must be a finite 1-D record of shape (T,), got shape {tuple(t.shape)}")
    return t


class SequenceModel(nn.Module):
    """u (N, L) in volts -> y^ (N, L) in volts: normalise, recurrent core h(t), read-out y^(t) = g(h(t)).

    With ``n_init > 0`` the core also reads the first n_init measured outputs (the samples an ARX free run
    starts from) to set its state: input features [u(t), m(t) y(t), m(t)], m(t) = 1 for t < n_init, else 0.
    The normalisation constants are buffers set by ``fit`` from the training record (mean/std of u and y).
    """

    def __init__(self, core: nn.Module, n_init: int = 0) -> None:
        super().__init__()
        features = 3 if n_init else 1
        if not getattr(core, "batch_first", False) or core.input_size != features:
            raise ValueError(f"core must be a recurrent layer with batch_first=True and input_size={features} "
                             f"(n_init={n_init}), got input_size={getattr(core, 'input_size', None)}")
        self.core, self.n_init = core, n_init
        width = (core.proj_size or core.hidden_size) * (2 if core.bidirectional else 1)
        self.readout = nn.Linear(width, 1)
        for name, value in [("u_mean", 0.0), ("u_std", 1.0), ("y_mean", 0.0), ("y_std", 1.0)]:
            self.register_buffer(name, torch.tensor(value))

    def set_scaling(self, u: torch.Tensor, y: torch.Tensor) -> None:
        """Use the training record's mean and standard deviation (u, y: (T,))."""
        for name, value in [("u_mean", u.mean()), ("u_std", u.std()), ("y_mean", y.mean()), ("y_std", y.std())]:
            getattr(self, name).fill_(float(value))

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
    """A SequenceModel with an RNN or LSTM core: impl 'torch' (nn.RNN/nn.LSTM), 'nnlab' (from scratch, autograd
    loop) or 'bptt' (from scratch, hand-written backward through time); n_init: see SequenceModel."""
    if kind not in ("rnn", "lstm"):
        raise ValueError(f"kind must be 'rnn' or 'lstm', got {kind!r}")
    if impl not in IMPLS:
        raise ValueError(f"impl must be one of {IMPLS}, got {impl!r}")
    kw = dict(num_layers=num_layers, batch_first=True, bidirectional=bidirectional)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if impl == "torch":
            core = (nn.LSTM if kind == "lstm" else nn.RNN)(3 if n_init else 1, hidden_size, **kw)
        else:
            core = (recurrent.LSTM if kind == "lstm" else recurrent.RNN)(3 if n_init else 1, hidden_size, **kw,
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
    """Loss per step (normalised MSE after the washout), wall time, windows Q, epochs done (windows seen / Q),
    and the step where the loss became non-finite (None if it never did)."""

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
        weight_decay: float = 0.0, seed: int = 0, progress: bool = False) -> FitResult:
    """Train on the record u, y (T,) in volts with Adam: length=None unfolds the full sequence, else windows of
    ``length`` every ``stride`` (default: length, no overlap), ``batch_size`` windows per step, shuffled each epoch;
    the learning rate falls geometrically to ``lr * decay`` at the last step; gradients clipped to norm ``clip``;
    ``weight_decay`` > 0 shrinks the weights (AdamW; 0 is plain Adam); ``progress`` shows a tqdm bar over the steps."""
    u_t, y_t = full_sequence(u, y)
    model.set_scaling(u_t[0], y_t[0])
    un, yn = (u_t - model.u_mean) / model.u_std, (y_t - model.y_mean) / model.y_std
    uw, yw = (un, yn) if length is None else subsequences(un[0], yn[0], length, stride or length)
    washout_mse(yw[:1], yw[:1], washout)                    # checks the washout against the window length
    if washout < model.n_init:
        raise ValueError(f"washout must be >= n_init = {model.n_init} (those outputs are inputs), got {washout}")
    if steps < 1 or batch_size < 1 or not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"need steps >= 1, batch_size >= 1 and a finite lr > 0, got {steps}, {batch_size}, {lr}")
    q, gen = uw.shape[0], torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=decay ** (1 / max(steps - 1, 1)))
    losses, order, diverged, seen = [], torch.empty(0, dtype=torch.long), None, 0
    model.train()
    start = time.perf_counter()
    step_range = range(steps)
    if progress:
        from tqdm.auto import tqdm

        step_range = tqdm(step_range, desc="Adam steps")
    for step in step_range:
        if order.numel() == 0:                               # a new epoch: reshuffle the windows
            order = torch.randperm(q, generator=gen)
        idx, order = order[:batch_size], order[batch_size:]
        loss = washout_mse(model.normalized(uw[idx], yw[idx]), yw[idx], washout)
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
        seen += idx.numel()
    seconds = time.perf_counter() - start
    model.eval()
    return FitResult(np.array(losses), seconds, q, max(seen, 1) / q, diverged)


def simulate(model: SequenceModel, u, y_init=None) -> np.ndarray:
    """Free-run simulation y^ (T,) in volts from the input record u (T,) alone (zero initial state), or also
    from the first n_init measured outputs y_init when the model reads them."""
    u_t = _signal(u, "u")
    y_t = None if y_init is None else torch.as_tensor(np.asarray(y_init, dtype=np.float32)).reshape(1, -1)
    with torch.no_grad():
        return model(u_t[None], y_t)[0].double().numpy()


def n_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def draw_unrolled(ax, steps: int = 4):
    """Draw the RNN unrolled over ``steps`` time steps (u(t) -> h(t) -> y^(t), h(t-1) -> h(t)) on ax; returns ax."""
    box = dict(boxstyle="round,pad=0.35", fc="#56B4E9", ec="#0072B2")
    arrow = dict(arrowstyle="->", color="#000000", lw=1.2)
    for k in range(steps):
        t = "t" if k == 0 else f"t+{k}"
        ax.text(k, 0, f"$h({t})$", ha="center", va="center", bbox=box, fontsize=11)
        ax.text(k, -1, f"$u({t})$", ha="center", va="center", fontsize=11)
        ax.text(k, 1, f"$\\hat y({t})$", ha="center", va="center", fontsize=11)
        ax.annotate("", (k, -0.25), (k, -0.8), arrowprops=arrow)
        ax.annotate("", (k, 0.8), (k, 0.25), arrowprops=arrow)
        ax.annotate("", (k - 0.28, 0), (k - 0.72, 0), arrowprops=arrow)
        ax.text(k - 0.5, 0.12, "$W_f$", ha="center", fontsize=9)
        ax.text(k + 0.1, 0.5, "$W_g$", fontsize=9)
    ax.text(-1, 0, "$h(t-1)$", ha="center", va="center", fontsize=11)
    ax.set(xlim=(-1.5, steps - 0.5), ylim=(-1.4, 1.4))
    ax.axis("off")
    return ax


@dataclass
class Explored:
    """One run of the explorer: fit result, test simulation (T,) in volts, its RMSE, parameter count."""

    result: FitResult
    y_sim: np.ndarray
    rmse: float
    params: int

    def status(self) -> str:
        """One line for the learner; starts with ⚠ when training diverged. Trained numbers are marked ≈
        (nnlab.report.approx): their last digits differ from one machine to another."""
        r = self.result
        if r.diverged_at is not None:
            return f"⚠ training diverged (step {approx(r.diverged_at, '.0f')}): lower the learning rate"
        if not math.isfinite(self.rmse):
            return "⚠ the test simulation diverged: lower the learning rate"
        return (f"{r.windows} windows, {len(r.losses)} steps (took {r.seconds:.1f} s), final loss "
                f"{approx(r.losses[-1], '.4f')}; test simulation RMSE {approx(self.rmse)} V ({self.params} parameters)")


def explore(train, test, hidden: int = 16, length: int = 128, washout: int = 20, lr: float = 1e-2,
            steps: int = 60, kind: str = "lstm", n_init: int = 5, seed: int = 0) -> Explored:
    """The 07 widget's logic: train kind/hidden on train windows of ``length`` (stride length/4), reading the first
    n_init measured outputs, then simulate the test record free-run."""
    if not 0 <= washout < length:
        raise ValueError(f"washout must lie in 0..length-1 = {length - 1}, got {washout}")
    if washout < n_init:
        raise ValueError(f"washout must be >= {n_init}: the first {n_init} measured outputs are inputs, got {washout}")
    model = make_model(kind, hidden, n_init=n_init, seed=seed)
    result = fit(model, train.u, train.y, length=length, stride=max(length // 4, 1), washout=washout,
                 steps=steps, lr=lr, seed=seed)
    y_sim = simulate(model, test.u, test.y[:n_init] if n_init else None)
    return Explored(result, y_sim, sim_rmse(test.y, y_sim, test.n_skip), n_params(model))


def explorer(train, test, hidden: int = 16, length: int = 128, washout: int = 20, lr: float = 1e-2, steps: int = 60):
    """A Panel: sliders for hidden size, subsequence length, washout and learning rate; plots the test simulation."""
    import matplotlib.pyplot as plt

    from .views.widgets import Panel, int_slider, log_slider

    def update(hidden: int, length: int, washout: int, lr: float):
        run = explore(train, test, hidden, length, washout, lr, steps)
        fig, ax = plt.subplots(figsize=(8, 3.2))
        ax.plot(test.t / 60, test.y, color="#000000", lw=1.2, label="measured")
        ax.plot(test.t / 60, np.where(np.isfinite(run.y_sim), run.y_sim, np.nan), lw=1, label="LSTM free run")
        ax.set(xlabel="time (min)", ylabel="y (V)", title=f"LSTM H={hidden}: test simulation RMSE {approx(run.rmse)} V")
        ax.legend(fontsize=8, loc="lower right")
        return fig, run.status()

    controls = {"hidden": int_slider("hidden size", hidden, 2, 32), "length": int_slider("length L", length, 16, 512, 16),
                "washout": int_slider("washout", washout, 0, 100, 5), "lr": log_slider("learning rate", lr, 1e-4, 1.0)}
    return Panel(controls, update, title="LSTM on the cascaded tanks: subsequence training")
