"""Training plumbing shared by every loop: a seeded block, the one divergence rule, a progress bar helper,
and the generic mini-batch loop ``train`` (derived in 03_feedforward_networks.ipynb: the notes'
zero_grad / forward / loss / backward / step).
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, TypeVar

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
from matplotlib.axes import Axes

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
T = TypeVar("T")

BLOWUP = 1e3        # the divergence rule: a loss above BLOWUP x max(its start, FLOOR), or not finite
FLOOR = 1e-2        # ... so that a loss starting near 0 is not called diverged for reaching 0.1


def diverged(loss: float, start: float) -> bool:
    """The course's one divergence rule: loss is not finite, or above 1,000 x max(start, 0.01).

    Every training loop checks it on the loss it is about to step on (before the update), so a
    diverging run stops on the first bad step and reports that step.
    """
    return not math.isfinite(loss) or loss > BLOWUP * max(abs(start), FLOOR)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """A block in which torch's global generator starts from ``seed``; the caller's RNG state is restored after."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def progress(iterable: Iterable[T], desc: str, enabled: bool = True, unit: str = "step") -> Iterable[T]:
    """iterable wrapped in a tqdm progress bar when enabled (tqdm is imported only then); it changes no number."""
    if not enabled:
        return iterable
    from tqdm.auto import tqdm
    return tqdm(iterable, desc=desc, unit=unit)


def mse_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The notes' loss torch.mean((y_hat - y)**2): two tensors of the same shape -> scalar."""
    if y_hat.shape != y.shape:
        raise ValueError(f"y_hat and y must have the same shape, got {tuple(y_hat.shape)} and {tuple(y.shape)} "
                         "(a (B, 1) vs (B,) mismatch would silently broadcast to (B, B))")
    return torch.mean((y_hat - y) ** 2)


@dataclass
class History:
    """Loss per epoch (index 0 = before training) on the training and validation data; where it diverged."""

    train: list[float] = field(default_factory=list)
    val: list[float] = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def best_epoch(self) -> int:
        """The epoch with the lowest validation loss (training loss if there is no validation data)."""
        losses = self.val or self.train
        finite = [v if math.isfinite(v) else math.inf for v in losses]
        return min(range(len(finite)), key=finite.__getitem__)


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    """torch.optim.SGD or Adam by name ("sgd", "adam") with learning rate lr."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {name!r}")
    if not lr > 0:
        raise ValueError(f"learning rate must be > 0, got {lr}")
    return OPTIMIZERS[name](params, lr=lr)


def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn) -> float:
    with torch.no_grad():
        return float(loss_fn(model(x), y))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, *, lr: float = 1e-3,
          optimizer: str | torch.optim.Optimizer = "adam", batch_size: int | None = None,
          x_val: torch.Tensor | None = None, y_val: torch.Tensor | None = None, loss_fn: LossFn = mse_loss,
          seed: int = 0, progress: bool = False, blowup: float = 1e3) -> History:
    """Train model on x (N, ...) -> y (N, ...) for ``epochs`` passes; batch_size None = full batch.

    Each step is the notes' recipe: zero_grad, forward, loss, backward, step. Mini-batches
    come from a shuffle with its own generator (``seed``). Training stops early, with
    ``diverged_at`` set, once the training loss is not finite or ``blowup`` times its start.
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of rows, got {len(x)} and {len(y)}")
    if epochs < 0 or (batch_size is not None and batch_size < 1):
        raise ValueError(f"need epochs >= 0 and batch_size >= 1 (or None), got {epochs} and {batch_size}")
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    opt = make_optimizer(optimizer, model.parameters(), lr) if isinstance(optimizer, str) else optimizer
    gen = torch.Generator().manual_seed(seed)
    n = len(x)
    bs = n if batch_size is None else min(batch_size, n)
    hist = History()

    def record() -> None:
        hist.train.append(_evaluate(model, x, y, loss_fn))
        if x_val is not None:
            hist.val.append(_evaluate(model, x_val, y_val, loss_fn))

    record()
    epochs_iter = range(1, epochs + 1)
    if progress:
        from tqdm.auto import tqdm
        epochs_iter = tqdm(epochs_iter, desc="epochs")
    for epoch in epochs_iter:
        order = torch.randperm(n, generator=gen) if bs < n else None
        for start in range(0, n, bs):
            idx = None if order is None else order[start:start + bs]
            xb, yb = (x, y) if idx is None else (x[idx], y[idx])
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)   # forward pass
            loss.backward()                 # backward pass
            opt.step()                      # update
        record()
        if not math.isfinite(hist.train[-1]) or hist.train[-1] > blowup * max(hist.train[0], 1e-12):
            hist.diverged_at = epoch
            break
    return hist


def plot_losses(hist: History, ax: Axes | None = None, scale: float = 1.0, unit: str = "MSE",
                title: str = "") -> Axes:
    """Training and validation loss (times ``scale``) per epoch on a log axis; marks the best validation epoch."""
    if ax is None:
        _, ax = plt.subplots()
    ax.semilogy([v * scale for v in hist.train], color="#0072B2", label="training")
    if hist.val:
        ax.semilogy([v * scale for v in hist.val], color="#E69F00", label="validation")
        best = hist.best_epoch
        ax.axvline(best, color="#000000", ls=":", lw=0.8, label=f"best validation (epoch {best})")
    ax.set(xlabel="epoch", ylabel=f"loss ({unit}, log scale)", title=title or "Loss per epoch")
    ax.legend(fontsize=8)
    return ax
