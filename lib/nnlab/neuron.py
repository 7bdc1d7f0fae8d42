"""The sigmoid neuron: sigma, its derivative, one neuron's response and its fit by gradient descent.

Derived in 02_sigmoid_neuron.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .checks import integer, number
from .training import diverged

SATURATION_SLOPE = 0.01  # sigma'(z) below this (|z| > ~4.6): the neuron is saturated, its gradient nearly 0


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """sigma(z) = 1 / (1 + e^-z), elementwise, any shape. Derived in 02_sigmoid_neuron.ipynb."""
    return 1.0 / (1.0 + torch.exp(-z))


def sigmoid_prime(z: torch.Tensor) -> torch.Tensor:
    """sigma'(z) = sigma(z) (1 - sigma(z)), elementwise, any shape. Derived in 02_sigmoid_neuron.ipynb."""
    s = sigmoid(z)
    return s * (1.0 - s)


def neuron(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | float) -> torch.Tensor:
    """One sigmoid neuron y = sigma(sum_j w_j x_j + b): x (N, n), w (n,), b scalar -> (N,)."""
    if x.ndim != 2 or w.ndim != 1 or x.shape[1] != w.shape[0]:
        raise ValueError(f"expected x of shape (N, n) and w of shape (n,), got {tuple(x.shape)} and {tuple(w.shape)}")
    return sigmoid(x @ w + b)


@dataclass(frozen=True)
class Response:
    """One-input neuron over an input range: x (n,), output y (n,), slope dy/dx (n,), and summary numbers."""

    x: torch.Tensor
    y: torch.Tensor
    slope: torch.Tensor
    y_min: float
    y_max: float
    max_slope: float
    saturated: float  # fraction of the range where sigma'(w x + b) < SATURATION_SLOPE
    midpoint: float | None  # the input where w x + b = 0 (output 0.5), None when w = 0
    saturated_mask: torch.Tensor  # (n,) bool: sigma'(w x + b) < SATURATION_SLOPE


def response(w: float, b: float, x_min: float = -5.0, x_max: float = 5.0, n: int = 201) -> Response:
    """The response y = sigma(w x + b) of a one-input neuron on n points of [x_min, x_max]."""
    w, b = number("w", w), number("b", b)
    x_min, x_max = number("x_min", x_min), number("x_max", x_max)
    if not x_min < x_max:
        raise ValueError(f"need x_min < x_max, got x_min={x_min}, x_max={x_max}")
    n = integer("n", n, 2)
    x = torch.linspace(x_min, x_max, n, dtype=torch.float64)
    z = w * x + b
    y = sigmoid(z)
    d = sigmoid_prime(z)
    slope = w * d
    mask = d < SATURATION_SLOPE
    return Response(x, y, slope, float(y.min()), float(y.max()), float(slope.abs().max()),
                    float(mask.double().mean()), (-b / w + 0.0) if w != 0 else None, mask)


@dataclass(frozen=True)
class NeuronFit:
    """Weights (n,), bias, the MSE at each step taken (steps+1,), the final predictions (N,), and where it diverged.

    ``diverged_at`` is the number of steps taken when the loss blew up (``nnlab.training.diverged``), else None.
    """

    w: torch.Tensor
    b: float
    losses: torch.Tensor
    y_hat: torch.Tensor
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def fit_neuron(x: torch.Tensor, y: torch.Tensor, lr: float = 1.0, steps: int = 500,
               w0: torch.Tensor | None = None, b0: float = 0.0) -> NeuronFit:
    """Full-batch gradient descent on the MSE of y_hat = sigma(x w + b) with hand-derived gradients; x (N, n), y (N,).

    Before each update the loss about to be stepped on is checked with ``nnlab.training.diverged``.
    """
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"expected x of shape (N, n) and y of shape (N,), got {tuple(x.shape)} and {tuple(y.shape)}")
    lr = number("lr", lr, positive=True)
    steps = integer("steps", steps, 0)
    w = torch.zeros(x.shape[1], dtype=x.dtype) if w0 is None else w0.clone().to(x.dtype)
    b = number("b0", b0)
    losses = []
    diverged_at = None
    for step in range(steps + 1):
        y_hat = neuron(x, w, b)                         # (N,)
        r = y_hat - y                                   # (N,)
        losses.append(float((r ** 2).mean()))
        if diverged(losses[-1], losses[0]):
            diverged_at = step
            break
        if step == steps:
            break
        delta = 2.0 / len(y) * r * y_hat * (1 - y_hat)  # dL/dz, chain rule through sigma' = sigma (1 - sigma)
        w = w - lr * (x.T @ delta)                      # dL/dw = x^T delta, (n,)
        b = b - lr * float(delta.sum())                 # dL/db = sum delta
    return NeuronFit(w, b, torch.tensor(losses, dtype=torch.float64), y_hat, diverged_at)
