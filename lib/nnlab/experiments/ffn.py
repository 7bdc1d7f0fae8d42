"""Notebook 03's explorer: train a feedforward net on the houses, and the line it reports.

``explore_network(data, hidden, activation, lr, optimizer, epochs)`` trains one net (``nnlab.ffn.fit_network``)
and returns a ``NetworkResult``; its ``status()`` is the widget's status line. The widget is in
``nnlab.views.ffn``.
"""
from __future__ import annotations

from dataclasses import dataclass

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
