"""The sigmoid neuron: sigma, its derivative, one neuron's response and its fit by gradient descent.

Derived in 02_sigmoid_neuron.ipynb.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .checks import finite, float_tensor, integer, number
from .training import diverged

SATURATION_SLOPE = 0.01  # sigma'(z) below this (|z| > ~4.6): the neuron is saturated, its gradient nearly 0
MAX_POINTS = 1_000_000   # response() evaluates at most this many inputs


def _pre_activation(z: object) -> torch.Tensor:
    """z as given: a real floating tensor (any float dtype, any shape, ±inf allowed: σ(±inf) = 1 or 0), no NaN."""
    if not isinstance(z, torch.Tensor):
        raise TypeError(f"z must be a torch.Tensor, got {type(z).__name__} (use torch.tensor(...))")
    if not z.is_floating_point():
        raise TypeError(f"z must hold floating-point numbers, got {z.dtype}; convert it with .double()")
    if bool(torch.isnan(z).any()):
        raise ValueError("z contains NaN: bad input data")
    return z


def sigmoid(z: torch.Tensor) -> torch.Tensor:
    """sigma(z) = 1 / (1 + e^-z), elementwise, any shape. Derived in 02_sigmoid_neuron.ipynb."""
    z = _pre_activation(z)
    return 1.0 / (1.0 + torch.exp(-z))


def sigmoid_prime(z: torch.Tensor) -> torch.Tensor:
    """sigma'(z) = sigma(z) (1 - sigma(z)), elementwise, any shape. Derived in 02_sigmoid_neuron.ipynb."""
    s = sigmoid(z)
    return s * (1.0 - s)


def _bias(b: object) -> float | torch.Tensor:
    """A finite number or a 0-d / one-element floating tensor."""
    if isinstance(b, torch.Tensor):
        if b.numel() != 1 or b.ndim > 1:
            raise ValueError(f"b must be a number or a 0-d tensor, got a tensor of shape {tuple(b.shape)}")
        if not b.is_floating_point():
            raise TypeError(f"b must hold a floating-point number, got {b.dtype}")
        return finite("b", b)
    return number("b", b)


def _neuron(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | float) -> torch.Tensor:
    return 1.0 / (1.0 + torch.exp(-(x @ w + b)))


def neuron(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor | float) -> torch.Tensor:
    """One sigmoid neuron y = sigma(sum_j w_j x_j + b): x (N, n), w (n,), b scalar -> (N,).

    x and w are non-empty, finite float32/float64 tensors of one dtype; b a finite number or 0-d tensor.
    """
    x = float_tensor("x", x, 2, "(N, n)")
    w = float_tensor("w", w, 1, "(n,)")
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"expected x of shape (N, n) and w of shape (n,), got x {tuple(x.shape)} and w "
                         f"{tuple(w.shape)}")
    if x.dtype != w.dtype:
        raise TypeError(f"x and w must have the same dtype, got {x.dtype} and {w.dtype}")
    return _neuron(x, w, _bias(b))


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
    n = integer("n", n, 2, MAX_POINTS)
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
    x = float_tensor("x", x, 2, "(N, n)")
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"y must be a torch.Tensor, got {type(y).__name__}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"expected x of shape (N, n) and y of shape (N,), got x {tuple(x.shape)} and y "
                         f"{tuple(y.shape)}")
    y = float_tensor("y", y)
    lr = number("lr", lr, positive=True)
    steps = integer("steps", steps, 0)
    if w0 is None:
        w = torch.zeros(x.shape[1], dtype=x.dtype)
    else:
        if not isinstance(w0, torch.Tensor):
            raise TypeError(f"w0 must be a torch.Tensor, got {type(w0).__name__}")
        if w0.shape != (x.shape[1],):
            raise ValueError(f"expected w0 of shape ({x.shape[1]},), got {tuple(w0.shape)}")
        w = float_tensor("w0", w0).clone().to(x.dtype)
    b = number("b0", b0)
    losses = []
    diverged_at = None
    for step in range(steps + 1):
        y_hat = _neuron(x, w, b)                        # (N,)
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
