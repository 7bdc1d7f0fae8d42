"""Training plumbing shared by every loop: a seeded block, the one divergence rule, a progress bar helper,
and the generic mini-batch loop ``train`` (derived in 03_feedforward_networks.ipynb: the notes'
zero_grad / forward / loss / backward / step).
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import torch
import torch.nn as nn

from .checks import choice, finite, integer, number

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


_progress = progress  # train() has an argument named progress (on/off); inside it, this is the helper


def mse_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The notes' loss torch.mean((y_hat - y)**2): two tensors of the same shape -> scalar."""
    if y_hat.shape != y.shape:
        raise ValueError(f"y_hat and y must have the same shape, got {tuple(y_hat.shape)} and {tuple(y.shape)} "
                         "(a (B, 1) vs (B,) mismatch would silently broadcast to (B, B))")
    return torch.mean((y_hat - y) ** 2)


@dataclass
class History:
    """Loss per epoch (index 0 = before training) on the training and validation data; where it diverged.

    ``train[e]`` and ``val[e]`` are measured after epoch ``e``. When a run diverges during epoch ``e``
    (``diverged_at = e``), training stops before stepping on the bad loss and the last entry is the
    loss at that point.
    """

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
    choice("optimizer", name, OPTIMIZERS)
    return OPTIMIZERS[name](params, lr=number("lr", lr, positive=True))


def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn) -> float:
    model.eval()
    with torch.no_grad():
        return float(loss_fn(model(x), y))


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, *, lr: float = 1e-3,
          optimizer: str | torch.optim.Optimizer = "adam", batch_size: int | None = None,
          x_val: torch.Tensor | None = None, y_val: torch.Tensor | None = None, loss_fn: LossFn = mse_loss,
          seed: int = 0, progress: bool = False) -> History:
    """Train model on x (N, ...) -> y (N, ...) for ``epochs`` passes; batch_size None = full batch.

    Each step is the notes' recipe: zero_grad, forward, loss, backward, step, with the model in
    ``train()`` mode; the losses per epoch are measured in ``eval()`` mode (the model is left in it).
    Mini-batches come from a shuffle with its own generator (``seed``); the global RNG is not touched.
    Before each update the batch loss is checked with ``diverged`` against the starting training loss:
    on a divergence training stops without stepping, with ``diverged_at`` set to the epoch.
    """
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of rows, got {len(x)} and {len(y)}")
    epochs = integer("epochs", epochs, 0)
    if batch_size is not None:
        batch_size = integer("batch_size", batch_size, 1)
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    for name, data in (("x", x), ("y", y), ("x_val", x_val), ("y_val", y_val)):
        if data is not None:
            finite(name, data)   # NaN or inf in the data is bad data, not a divergence
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
    start = hist.train[0]
    for epoch in _progress(range(1, epochs + 1), "epochs", progress, "epoch"):
        model.train()
        order = torch.randperm(n, generator=gen) if bs < n else None
        for first in range(0, n, bs):
            idx = None if order is None else order[first:first + bs]
            xb, yb = (x, y) if idx is None else (x[idx], y[idx])
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)   # forward pass
            if diverged(loss.item(), start):
                hist.diverged_at = epoch    # stop before stepping on a blown-up loss
                break
            loss.backward()                 # backward pass
            opt.step()                      # update
        record()
        if hist.diverged:
            break
    return hist
