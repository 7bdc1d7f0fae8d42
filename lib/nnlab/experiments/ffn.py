"""Notebook 03's explorer: train a feedforward net on the houses, and the line it reports.

``explore_network(data, hidden, activation, lr, optimizer, epochs)`` trains one net (``nnlab.ffn.fit_network``)
and returns a ``NetworkResult``; its ``status()`` is the widget's status line. The widget is in
``nnlab.views.ffn``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..checks import choice, integer, number
from ..ffn import HouseTensors, NetworkFit, fit_network
from ..report import approx

BOUNDS = {"hidden": (1, 128), "layers": (1, 2), "lr": (1e-4, 10.0), "epochs": (1, 200)}
ACTIVATION_CHOICES = ("sigmoid", "tanh", "relu")
OPTIMIZER_CHOICES = ("sgd", "adam")
OVERFIT_VAL_RISE = 1.05    # over-fitting: validation loss 5% above its best ...
OVERFIT_TRAIN_FALL = 0.9   # ... while the training loss fell by 10% since that epoch


@dataclass(frozen=True)
class NetworkResult:
    """The settings of one run and the trained net (``fit``)."""

    hidden: tuple[int, ...]
    activation: str
    lr: float
    optimizer: str
    epochs: int
    fit: NetworkFit

    @property
    def overfits(self) -> bool:
        """Since its best epoch the validation loss rose over 5% while the training loss fell over 10%."""
        h = self.fit.history
        best = h.best_epoch
        return (not h.diverged and h.val[-1] > OVERFIT_VAL_RISE * h.val[best]
                and h.train[-1] < OVERFIT_TRAIN_FALL * h.train[best])

    def status(self) -> str:
        """The one line the learner reads; starts with ⚠ when training diverged or the net over-fits.

        Numbers that come out of training (RMSEs, epochs, the rise of the validation loss) are marked with
        ``approx``: their last digits differ from one CPU to another.
        """
        fit, h = self.fit, self.fit.history
        net = (f"4-{'-'.join(map(str, self.hidden))}-1 {self.activation} ({fit.n_params:,} parameters), "
               f"{self.optimizer} lr={self.lr:.3g}")
        if h.diverged:
            return (f"⚠ Diverged at epoch {approx(h.diverged_at, '.0f')}: {net}; the training loss blew up. "
                    "Lower the learning rate.")
        best = h.best_epoch
        text = (f"{net}: RMSE train {approx(fit.train_rmse, '.1f')}, validation {approx(fit.val_rmse, '.1f')}, "
                f"test {approx(fit.test_rmse, '.1f')} k$; best validation at epoch {approx(best, '.0f')} "
                f"of {len(h.train) - 1}.")
        if self.overfits:
            return (f"⚠ Over-fitting: {text} Since its best epoch the validation loss rose "
                    f"{approx(100 * (h.val[-1] / h.val[best] - 1), '.0f')}% while the training loss kept falling: "
                    "stop earlier or shrink the net.")
        return text


def explore_network(data: HouseTensors, hidden: list[int], activation: str = "tanh", lr: float = 1e-2,
                    optimizer: str = "adam", epochs: int = 60, batch_size: int | None = 256,
                    seed: int = 0) -> NetworkResult:
    """Train mlp([4, *hidden, 1]) on ``data`` (weights and batches seeded by ``seed``) and describe the outcome."""
    if not isinstance(data, HouseTensors):
        raise TypeError(f"data must be the HouseTensors of nnlab.ffn.house_tensors(), got {type(data).__name__}")
    if not isinstance(hidden, (list, tuple)):
        raise TypeError(f"hidden must be a list of 1 or 2 hidden-layer sizes such as [16], got {hidden!r} "
                        f"({type(hidden).__name__})")
    integer("number of hidden layers", len(hidden), *BOUNDS["layers"])
    hidden = tuple(integer(f"hidden[{i}]", h, *BOUNDS["hidden"]) for i, h in enumerate(hidden))
    choice("activation", activation, ACTIVATION_CHOICES)
    lr = number("lr", lr, *BOUNDS["lr"])
    choice("optimizer", optimizer, OPTIMIZER_CHOICES)
    epochs = integer("epochs", epochs, *BOUNDS["epochs"])
    fit = fit_network(data, list(hidden), activation, lr, optimizer, epochs, batch_size=batch_size, seed=seed)
    return NetworkResult(hidden, activation, lr, optimizer, epochs, fit)


@dataclass(frozen=True)
class ValleyRace:
    """Notebook 01's narrow valley (price ~ w livingArea + b, raw units, 1,382 houses) and one descent per optimizer.

    ``paths[name]`` is (steps + 1, 2): (w, b) before each step; ``gaps[name]`` (steps + 1,): loss - minimum, (k$)².
    """

    theta_star: np.ndarray
    loss_star: float
    limit: float
    condition: float             # of X^T X
    paths: dict[str, np.ndarray]
    gaps: dict[str, np.ndarray]


def race_valley(steps: int = 2000, adam_lr: float = 1.0) -> ValleyRace:
    """SGD and momentum (0.9) at 0.9 x 2/λ_max, and Adam (nnlab.optim.Adam, lr ``adam_lr``), all from (0, 0)."""
    from ..data import load_houses
    from ..optim import Adam
    from ..regression import add_bias, least_squares, max_stable_lr, mse

    steps, adam_lr = integer("steps", steps, 1, 100_000), number("adam_lr", adam_lr, positive=True)
    h = load_houses(features=("livingArea",))
    xb = add_bias(h.x_train)                                   # (1382, 2): raw living area and ones
    theta, limit = least_squares(xb, h.y_train), max_stable_lr(xb)
    loss_star = mse(xb, h.y_train, theta)
    x, y = torch.tensor(xb), torch.tensor(h.y_train)
    makers = {"SGD": lambda p: torch.optim.SGD(p, lr=0.9 * limit),
              "momentum": lambda p: torch.optim.SGD(p, lr=0.9 * limit, momentum=0.9),
              "Adam": lambda p: Adam(p, lr=adam_lr)}
    paths, gaps = {}, {}
    for name, make in makers.items():
        p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        opt, path, losses = make([p]), [], []
        for _ in range(steps + 1):
            loss = torch.mean((x @ p - y) ** 2)
            path.append(p.detach().clone())
            losses.append(loss.item())
            if len(path) > steps:
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
        paths[name], gaps[name] = torch.stack(path).numpy(), np.array(losses) - loss_star
    return ValleyRace(theta, loss_star, limit, float(np.linalg.cond(xb.T @ xb)), paths, gaps)
