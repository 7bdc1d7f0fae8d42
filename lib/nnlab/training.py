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

import numpy as np
import torch
import torch.nn as nn

from .checks import choice, flag, float_dtype, float_tensor, integer, number, string

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
T = TypeVar("T")

BLOWUP = 1e3        # the divergence rule: a loss above BLOWUP x max(its start, FLOOR), or not finite
FLOOR = 1e-2        # ... so that a loss starting near 0 is not called diverged for reaching 0.1


def _loss_value(name: str, value: object) -> float:
    """A loss as a float: a number or a one-element float tensor (not a bool, not a string)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.is_floating_point():
        return float(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number (a loss value), got {value!r} ({type(value).__name__})")
    return float(value)


def diverged(loss: float, start: float) -> bool:
    """The course's one divergence rule: loss is not finite, or above 1,000 x max(start, 0.01).

    Every training loop checks it on the loss it is about to step on (before the update), so a
    diverging run stops on the first bad step and reports that step. Loops check their data before they
    start, so a non-finite loss here comes from the run itself (with a non-finite ``start`` too, the run
    is reported as diverged: nothing can be measured against it).
    """
    loss, start = _loss_value("loss", loss), _loss_value("start", start)
    return not math.isfinite(loss) or not math.isfinite(start) or loss > BLOWUP * max(abs(start), FLOOR)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """A block in which torch's global generator starts from ``seed``; the caller's RNG state is restored after."""
    seed = integer("seed", seed, 0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def progress(iterable: Iterable[T], desc: str, enabled: bool = True, unit: str = "step") -> Iterable[T]:
    """iterable wrapped in a tqdm progress bar when enabled (tqdm is imported only then); it changes no number."""
    if not isinstance(iterable, Iterable):
        raise TypeError(f"iterable must be iterable (e.g. range(steps)), got {type(iterable).__name__}")
    string("desc", desc)
    string("unit", unit)
    if not flag("enabled", enabled):
        return iterable
    from tqdm.auto import tqdm
    return tqdm(iterable, desc=desc, unit=unit)


_progress = progress  # train() has an argument named progress (on/off); inside it, this is the helper


def mse_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The notes' loss torch.mean((y_hat - y)**2): two float32/float64 tensors of the same shape -> scalar.

    An empty batch is refused (its mean would be NaN). Non-finite values are not refused here: a prediction
    that blew up gives a non-finite loss, which the divergence rule then reports.
    """
    for name, t in (("y_hat", y_hat), ("y", y)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        float_dtype(name, t.dtype)
    if y_hat.shape != y.shape:
        raise ValueError(f"y_hat and y must have the same shape, got {tuple(y_hat.shape)} and {tuple(y.shape)} "
                         "(a (B, 1) vs (B,) mismatch would silently broadcast to (B, B))")
    if y.numel() == 0:
        raise ValueError(f"y_hat and y are empty (shape {tuple(y.shape)}): the MSE of an empty batch is undefined")
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
        if not losses:
            raise ValueError("this History has no losses yet: it has no best epoch")
        finite = [v if math.isfinite(v) else math.inf for v in losses]
        return min(range(len(finite)), key=finite.__getitem__)


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    """torch.optim.SGD or Adam by name ("sgd", "adam") with learning rate lr."""
    choice("optimizer", name, OPTIMIZERS)
    lr = number("lr", lr, positive=True)
    if isinstance(params, (torch.Tensor, str)) or not isinstance(params, Iterable):
        raise TypeError(f"params must be an iterable of parameters (model.parameters()), got {type(params).__name__}")
    params = list(params)
    if not params:
        raise ValueError("params is empty: the model has no parameters to train")
    return OPTIMIZERS[name](params, lr=lr)


def _evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: LossFn) -> float:
    model.eval()
    with torch.no_grad():
        return float(loss_fn(model(x), y))


def _check_model(model: object) -> nn.Module:
    """An nn.Module with trainable, finite float32/float64 parameters, all of one dtype."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if not named:
        raise ValueError(f"model ({type(model).__name__}) has no trainable parameters")
    for n, p in named:
        float_dtype(f"model parameter {n}", p.dtype)
        if not bool(torch.isfinite(p).all()):
            raise ValueError(f"model parameter {n} contains NaN or infinite values: re-initialise the model")
    dtypes = {p.dtype for _, p in named}
    if len(dtypes) > 1:
        raise TypeError(f"model mixes parameter dtypes {sorted(map(str, dtypes))}: convert it with .float() or "
                        ".double()")
    return model


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

    Bad data is refused before training, never reported as a divergence: x, y (and x_val, y_val) must be
    non-empty, finite float32/float64 tensors (x of the model's dtype), the model's parameters finite
    float32/float64, and the loss before any update finite; a ValueError or TypeError names what is wrong.
    """
    model = _check_model(model)
    dtype = next(p.dtype for p in model.parameters() if p.requires_grad)
    for name, data in (("x", x), ("y", y), ("x_val", x_val), ("y_val", y_val)):
        if data is not None:
            float_tensor(name, data)   # NaN or inf in the data is bad data, not a divergence
            if data.ndim == 0:
                raise ValueError(f"{name} must have a first dimension of samples (N, ...), got a 0-d tensor")
    for name in ("x", "x_val"):
        data = {"x": x, "x_val": x_val}[name]
        if data is not None and data.dtype != dtype:
            raise TypeError(f"{name} is {data.dtype} but the model's parameters are {dtype}: convert one "
                            f"({name}.to({dtype}) or model.to({data.dtype}))")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same number of rows, got {len(x)} and {len(y)}")
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    if x_val is not None and len(x_val) != len(y_val):
        raise ValueError(f"x_val and y_val must have the same number of rows, got {len(x_val)} and {len(y_val)}")
    epochs = integer("epochs", epochs, 0)
    if batch_size is not None:
        batch_size = integer("batch_size", batch_size, 1)
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a function (y_hat, y) -> loss, got {type(loss_fn).__name__}")
    seed = integer("seed", seed, 0)
    progress = flag("progress", progress)
    if isinstance(optimizer, str):
        opt = make_optimizer(optimizer, model.parameters(), lr)
    elif isinstance(optimizer, torch.optim.Optimizer):
        opt = optimizer
    else:
        raise TypeError(f"optimizer must be 'sgd', 'adam' or a torch.optim.Optimizer, got {optimizer!r}")
    gen = torch.Generator().manual_seed(seed)
    n = len(x)
    bs = n if batch_size is None else min(batch_size, n)
    hist = History()

    def record() -> None:
        hist.train.append(_evaluate(model, x, y, loss_fn))
        if x_val is not None:
            hist.val.append(_evaluate(model, x_val, y_val, loss_fn))

    for name, a, b in (("x", x, y), ("x_val", x_val, y_val)):
        if a is not None:
            try:
                losses = hist.val if name == "x_val" else hist.train
                losses.append(_evaluate(model, a, b, loss_fn))
            except RuntimeError as exc:    # e.g. "mat1 and mat2 shapes cannot be multiplied"
                raise ValueError(f"the model cannot take {name} of shape {tuple(a.shape)}: {exc}") from None
    start = hist.train[0]
    for name, value in (("training", start), ("validation", hist.val[0] if hist.val else 0.0)):
        if not math.isfinite(value):
            raise ValueError(f"the {name} loss before any update is {value}: the model's output overflows on "
                             "this data (bad data or weights, not a divergence); standardise the data or "
                             "re-initialise the model")
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
