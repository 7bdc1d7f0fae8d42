"""Feedforward networks: the lecture's model (bugs fixed), an MLP builder, explicit forward, training on the houses.

Derived in 03_feedforward_networks.ipynb. ``ACTIVATIONS`` is the course's one table of activations; this
module loads neither matplotlib nor the houses data when imported (``house_tensors`` reads the data when called).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from .checks import choice, float_tensor, integer, number
from .metrics import n_params, rmse
from .regression import Standardizer
from .training import History, seeded, train

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "linear": nn.Identity}


class FeedforwardNeuralNetModel(nn.Module):
    """The lecture's network: Linear -> Sigmoid -> Linear -> Sigmoid -> Linear; x (B, input_dim) -> (B, output_dim).

    Fixed from the notes: ``return x`` belongs inside ``forward``.
    """

    def __init__(self, input_dim: int, hidden_dim: list[int], output_dim: int) -> None:
        super().__init__()
        input_dim, output_dim = integer("input_dim", input_dim, 1), integer("output_dim", output_dim, 1)
        if not isinstance(hidden_dim, (list, tuple)):
            raise TypeError(f"hidden_dim must be a list of 2 layer sizes, got {hidden_dim!r} "
                            f"({type(hidden_dim).__name__})")
        if len(hidden_dim) != 2:
            raise ValueError(f"hidden_dim must list 2 layer sizes, got {hidden_dim!r}")
        hidden_dim = [integer(f"hidden_dim[{i}]", h, 1) for i, h in enumerate(hidden_dim)]
        self.fc1 = nn.Linear(input_dim, hidden_dim[0])
        self.sigmoid1 = nn.Sigmoid()
        self.fc2 = nn.Linear(hidden_dim[0], hidden_dim[1])
        self.sigmoid2 = nn.Sigmoid()
        self.output = nn.Linear(hidden_dim[1], output_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.fc1.in_features:
            raise ValueError(f"x must have {self.fc1.in_features} features in its last dimension, "
                             f"got shape {tuple(x.shape)}")
        x = self.fc1(x)
        x = self.sigmoid1(x)
        x = self.fc2(x)
        x = self.sigmoid2(x)
        x = self.output(x)
        return x


def _sizes(sizes: list[int]) -> list[int]:
    """Layer sizes n_0, ..., n_L: a list or tuple of at least 2 positive integers."""
    if not isinstance(sizes, (list, tuple)):
        raise TypeError(f"sizes must be a list of layer sizes such as [4, 16, 1], got {sizes!r} "
                        f"({type(sizes).__name__})")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least 2 positive layer sizes, got {sizes!r}")
    return [integer(f"sizes[{i}]", s, 1) for i, s in enumerate(sizes)]


def mlp(sizes: list[int], activation: str = "sigmoid") -> nn.Sequential:
    """Linear layers sizes[0] -> ... -> sizes[-1] with ``activation`` between them (none after the last)."""
    sizes = _sizes(sizes)
    choice("activation", activation, ACTIVATIONS)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def explicit_forward(x: torch.Tensor, weights: list[torch.Tensor], biases: list[torch.Tensor],
                     activation: str = "sigmoid") -> torch.Tensor:
    """y = W_L act(... act(W_1 x + b_1) ...) + b_L with explicit matrix products: x (B, n_0) -> (B, n_L).

    weights[l] is (n_{l+1}, n_l) as in nn.Linear; each row of x is one z^1, so z^{l+1} = act(z^l W^T + b).
    """
    x = float_tensor("x", x)
    if x.ndim == 0:
        raise ValueError("x must have shape (B, n_0), got a 0-d tensor")
    for name, given in (("weights", weights), ("biases", biases)):
        if not isinstance(given, (list, tuple)):
            raise TypeError(f"{name} must be a list of tensors, one per layer, got {type(given).__name__}")
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"need equally many (>= 1) weights and biases, got {len(weights)} and {len(biases)}")
    for name, given, ndim in (("weights", weights, 2), ("biases", biases, 1)):
        for i, t in enumerate(given):
            float_tensor(f"{name}[{i}]", t, ndim, "(n_out, n_in)" if ndim == 2 else "(n_out,)")
            if t.dtype != x.dtype:
                raise TypeError(f"{name}[{i}] is {t.dtype} but x is {x.dtype}: use one dtype throughout")
    act = ACTIVATIONS[choice("activation", activation, ACTIVATIONS)]()   # the module, called as a function
    z = x
    for i, (w, b) in enumerate(zip(weights, biases)):
        if z.shape[-1] != w.shape[1] or b.shape != (w.shape[0],):
            raise ValueError(f"layer {i + 1}: input has {z.shape[-1]} features, W is {tuple(w.shape)}, "
                             f"b is {tuple(b.shape)}; expected W (n_out, {z.shape[-1]}) and b (n_out,)")
        z = z @ w.T + b                       # (B, n_{l+1})
        if i < len(weights) - 1:
            z = act(z)                        # no activation after the output layer
    return z


def linear_params(model: nn.Module) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """The weights (n_out, n_in) and biases (n_out,) of every nn.Linear in the model, in order."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not layers:
        raise ValueError(f"model ({type(model).__name__}) has no nn.Linear layers")
    return [m.weight for m in layers], [m.bias for m in layers]


def param_count(sizes: list[int]) -> int:
    """The lecture's formula for a fully connected net with layer sizes n_0, ..., n_L: sum of (n_l + 1) n_{l+1}.

    It equals ``nnlab.metrics.n_params(mlp(sizes))``, the count of a built model, without building one.
    """
    sizes = _sizes(sizes)
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
    from .data import load_houses   # here, not at the top: importing nnlab.ffn (as nnlab.backprop does) reads no data

    val_fraction = number("val_fraction", val_fraction)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction}")
    seed = integer("seed", seed, 0)
    h = load_houses()
    order = np.random.default_rng(seed).permutation(len(h.y_train))
    n_val = int(round(val_fraction * len(order)))
    if not 1 <= n_val <= len(order) - 1:
        raise ValueError(f"val_fraction = {val_fraction:g} holds out {n_val} of the {len(order):,} training houses: "
                         "both parts need at least one")
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


def fit_network(data: HouseTensors, hidden: list[int], activation: str = "sigmoid", lr: float = 1e-2,
                optimizer: str = "adam", epochs: int = 100, batch_size: int | None = 256, seed: int = 0,
                progress: bool = False) -> NetworkFit:
    """Train mlp([4, *hidden, 1]) on the standardised houses (weights seeded by ``seed``); RMSEs after the last epoch.

    The weights are drawn in ``nnlab.training.seeded(seed)``: the caller's random state is left as it was.
    """
    if not isinstance(data, HouseTensors):
        raise TypeError(f"data must be the HouseTensors of nnlab.ffn.house_tensors(), got {type(data).__name__}")
    if not isinstance(hidden, (list, tuple)):
        raise TypeError(f"hidden must be a list of hidden-layer sizes such as [16], got {hidden!r} "
                        f"({type(hidden).__name__})")
    hidden = [integer(f"hidden[{i}]", h, 1) for i, h in enumerate(hidden)]
    with seeded(seed):
        model = mlp([data.x_train.shape[1], *hidden, 1], activation)
    hist = train(model, data.x_train, data.y_train, epochs, lr=lr, optimizer=optimizer, batch_size=batch_size,
                 x_val=data.x_val, y_val=data.y_val, seed=seed, progress=progress)
    with torch.no_grad():
        k = [rmse(y, model(x)) * data.y_std for x, y in
             [(data.x_train, data.y_train), (data.x_val, data.y_val), (data.x_test, data.y_test)]]
    return NetworkFit(model, hist, n_params(model), *k)


def _layer_inputs(model: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """The input of every nn.Linear of the model on x, in order, without gradients: [(N, n_0), (N, n_1), ...]."""
    weights, _ = linear_params(model)
    x = float_tensor("x", x)
    if x.ndim != 2 or x.shape[1] != weights[0].shape[1]:
        raise ValueError(f"x must have shape (N, {weights[0].shape[1]}) for this model, got {tuple(x.shape)}")
    seen: list[torch.Tensor] = []
    hooks = [m.register_forward_pre_hook(lambda _m, args: seen.append(args[0].detach()))
             for m in model.modules() if isinstance(m, nn.Linear)]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in hooks:
            h.remove()
    return seen


def pre_activations(model: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """The sums W^l z^l + b^l of every hidden layer (what the activation sees) on x (N, n_0): [(N, n_1), ...]."""
    weights, biases = linear_params(model)
    inputs = _layer_inputs(model, x)
    with torch.no_grad():
        return [z @ w.T + b for z, w, b in zip(inputs[:-1], weights[:-1], biases[:-1])]


def output_hessian(model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(H, Z): the MSE's Hessian in the output layer's weights and bias, H = 2/N Z^T Z (p, p), and Z (N, p).

    Z is the last hidden layer's outputs on x (N, n_0) with a column of ones appended (the bias), in float64;
    p = n_{L-1} + 1. The loss is quadratic in these parameters, so H is exact (for one output), at any weights.
    """
    z = _layer_inputs(model, x)[-1].double()
    z = torch.cat([z, torch.ones(len(z), 1, dtype=torch.float64)], dim=1)
    return 2.0 / len(z) * z.T @ z, z
