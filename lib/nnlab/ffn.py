"""Feedforward networks: the lecture's model (bugs fixed), an MLP builder, explicit forward, training on the houses.

Derived in 03_feedforward_networks.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn as nn

from .data import load_houses
from .regression import Standardizer
from .report import approx
from .training import History, mse_loss, plot_losses, train

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "linear": nn.Identity}


class FeedforwardNeuralNetModel(nn.Module):
    """The lecture's network: input -> Linear -> Sigmoid -> Linear -> Sigmoid -> Linear; x (B, input_dim) -> (B, output_dim).

    Fixed from the notes: ``return x`` belongs inside ``forward``.
    """

    def __init__(self, input_dim: int, hidden_dim: list[int], output_dim: int) -> None:
        super().__init__()
        if len(hidden_dim) != 2:
            raise ValueError(f"hidden_dim must list 2 layer sizes, got {hidden_dim!r}")
        self.fc1 = nn.Linear(input_dim, hidden_dim[0])
        self.sigmoid1 = nn.Sigmoid()
        self.fc2 = nn.Linear(hidden_dim[0], hidden_dim[1])
        self.sigmoid2 = nn.Sigmoid()
        self.output = nn.Linear(hidden_dim[1], output_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc1(x)
        x = self.sigmoid1(x)
        x = self.fc2(x)
        x = self.sigmoid2(x)
        x = self.output(x)
        return x


def mlp(sizes: list[int], activation: str = "sigmoid") -> nn.Sequential:
    """Linear layers sizes[0] -> ... -> sizes[-1] with ``activation`` between them (none after the last)."""
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"sizes must list at least 2 positive layer sizes, got {sizes!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


FUNCTIONS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda z: z}


def explicit_forward(x: torch.Tensor, weights: list[torch.Tensor], biases: list[torch.Tensor],
                     activation: str = "sigmoid") -> torch.Tensor:
    """y = W_L act(... act(W_1 x + b_1) ...) + b_L with explicit matrix products: x (B, n_0) -> (B, n_L).

    weights[l] is (n_{l+1}, n_l) as in nn.Linear; each row of x is one z^1, so z^{l+1} = act(z^l W^T + b).
    """
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"need equally many (>= 1) weights and biases, got {len(weights)} and {len(biases)}")
    if activation not in FUNCTIONS:
        raise ValueError(f"activation must be one of {sorted(FUNCTIONS)}, got {activation!r}")
    z = x
    for i, (w, b) in enumerate(zip(weights, biases)):
        if z.shape[-1] != w.shape[1] or b.shape != (w.shape[0],):
            raise ValueError(f"layer {i + 1}: input has {z.shape[-1]} features, W is {tuple(w.shape)}, "
                             f"b is {tuple(b.shape)}; expected W (n_out, {z.shape[-1]}) and b (n_out,)")
        z = z @ w.T + b                       # (B, n_{l+1})
        if i < len(weights) - 1:
            z = FUNCTIONS[activation](z)      # no activation after the output layer
    return z


def linear_params(model: nn.Module) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """The weights (n_out, n_in) and biases (n_out,) of every nn.Linear in the model, in order."""
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    return [m.weight for m in layers], [m.bias for m in layers]


def param_count(sizes: list[int]) -> int:
    """Parameters of a fully connected net with layer sizes n_0, ..., n_L: sum over layers of (n_l + 1) n_{l+1}."""
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"sizes must list at least 2 positive layer sizes, got {sizes!r}")
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


@dataclass(frozen=True)
class HouseTensors:
    """Standardised float32 tensors x (N, 4), y (N, 1) for train / validation / test, and the price scale in k$."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    y_mean: float
    y_std: float


def house_tensors(val_fraction: float = 0.2, seed: int = 0) -> HouseTensors:
    """The houses data (4 features) with validation houses held out of the 1,382 training ones; scaled on the rest."""
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction}")
    h = load_houses()
    order = np.random.default_rng(seed).permutation(len(h.y_train))
    n_val = int(round(val_fraction * len(order)))
    val, tr = order[:n_val], order[n_val:]
    sx, sy = Standardizer.fit(h.x_train[tr]), Standardizer.fit(h.y_train[tr])

    def tx(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(sx.transform(a), dtype=torch.float32)

    def ty(a: np.ndarray) -> torch.Tensor:
        return torch.tensor(sy.transform(a), dtype=torch.float32)[:, None]

    return HouseTensors(tx(h.x_train[tr]), ty(h.y_train[tr]), tx(h.x_train[val]), ty(h.y_train[val]),
                        tx(h.x_test), ty(h.y_test), float(sy.mean), float(sy.std))


@dataclass(frozen=True)
class NetworkFit:
    """A trained net, its loss history (MSE of standardised prices) and its final RMSEs in k$."""

    model: nn.Module
    history: History
    n_params: int
    train_rmse: float
    val_rmse: float
    test_rmse: float


def rmse_k(model: nn.Module, x: torch.Tensor, y: torch.Tensor, y_std: float) -> float:
    """Root mean squared error in k$ of a model trained on standardised prices: x (N, d), y (N, 1)."""
    with torch.no_grad():
        return float(torch.sqrt(mse_loss(model(x), y))) * y_std


def fit_network(data: HouseTensors, hidden: list[int], activation: str = "sigmoid", lr: float = 1e-2,
                optimizer: str = "adam", epochs: int = 100, batch_size: int | None = 256, seed: int = 0,
                progress: bool = False) -> NetworkFit:
    """Train mlp([4, *hidden, 1]) on the standardised houses (weights seeded by ``seed``); RMSEs after the last epoch."""
    if any(int(h) < 1 for h in hidden):
        raise ValueError(f"hidden sizes must be positive, got {hidden!r}")
    sizes = [data.x_train.shape[1], *hidden, 1]
    torch.manual_seed(seed)
    model = mlp(sizes, activation)
    hist = train(model, data.x_train, data.y_train, epochs, lr=lr, optimizer=optimizer, batch_size=batch_size,
                 x_val=data.x_val, y_val=data.y_val, seed=seed, progress=progress)
    s = data.y_std
    return NetworkFit(model, hist, param_count(sizes), rmse_k(model, data.x_train, data.y_train, s),
                      rmse_k(model, data.x_val, data.y_val, s), rmse_k(model, data.x_test, data.y_test, s))


def describe_fit(fit: NetworkFit, hidden: list[int], activation: str, lr: float, optimizer: str) -> str:
    """One line for the learner; starts with a warning sign when training diverged or the net over-fits.

    Numbers that come out of training (RMSEs, epochs, the rise of the validation loss) are marked with
    ``approx``: their last digits differ from one CPU to another.
    """
    net = f"4-{'-'.join(map(str, hidden))}-1 {activation} ({fit.n_params:,} parameters), {optimizer} lr={lr:.2g}"
    h = fit.history
    if h.diverged:
        return (f"⚠ Diverged at epoch {approx(h.diverged_at, '.0f')}: {net}; the training loss blew up. "
                "Lower the learning rate.")
    text = (f"{net}: RMSE train {approx(fit.train_rmse, '.1f')}, validation {approx(fit.val_rmse, '.1f')}, "
            f"test {approx(fit.test_rmse, '.1f')} k$; best validation at epoch {approx(h.best_epoch, '.0f')} "
            f"of {len(h.train) - 1}.")
    best = h.best_epoch
    if h.val[-1] > 1.05 * h.val[best] and h.train[-1] < 0.9 * h.train[best]:
        return (f"⚠ Over-fitting: {text} Since its best epoch the validation loss rose "
                f"{approx(100 * (h.val[-1] / h.val[best] - 1), '.0f')}% while the training loss kept falling: "
                "stop earlier or shrink the net.")
    return text


def network_explorer(hidden1: int = 16, hidden2: int = 0, activation: str = "tanh", lr: float = 1e-2,
                     optimizer: str = "adam", epochs: int = 60):
    """The notebook-03 widget: layer sizes, activation, learning rate, optimizer, epochs -> retrain -> widgets.Panel."""
    import ipywidgets as W

    from .views.widgets import Panel, int_slider, log_slider

    data = house_tensors()

    def update(hidden1: int, hidden2: int, activation: str, lr: float, optimizer: str, epochs: int):
        hidden = [hidden1] + ([hidden2] if hidden2 > 0 else [])
        fit = fit_network(data, hidden, activation, lr, optimizer, epochs)
        fig, ax = plt.subplots()
        plot_losses(fit.history, ax, unit="MSE of standardised price",
                    title="Training vs validation loss: watch the gap")
        fig.tight_layout()
        return fig, describe_fit(fit, hidden, activation, lr, optimizer)

    def dropdown(description: str, options: list[str], value: str) -> W.Dropdown:
        return W.Dropdown(options=options, value=value, description=description)

    controls = {"hidden1": int_slider("hidden layer 1", hidden1, 1, 128),
                "hidden2": int_slider("hidden layer 2 (0 = none)", hidden2, 0, 128),
                "activation": dropdown("activation", ["sigmoid", "tanh", "relu"], activation),
                "lr": log_slider("learning rate", lr, 1e-4, 10.0),
                "optimizer": dropdown("optimizer", ["sgd", "adam"], optimizer),
                "epochs": int_slider("epochs", epochs, 1, 200)}
    return Panel(controls, update, title="Train a feedforward net on the houses")
