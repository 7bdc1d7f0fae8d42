"""The scores every notebook reports: the RMSE (optionally skipping a start-up) and the parameter count."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn as nn

from .checks import finite, integer, non_empty, real_array, same_shape

__all__ = ["rmse", "n_params"]


def _as_array(name: str, x: Any) -> np.ndarray:
    """x as a float64 array of real numbers (a tensor of any real dtype is converted; complex is refused)."""
    if isinstance(x, torch.Tensor) and not x.is_complex():
        x = x.detach().cpu().double()
    arr = real_array(name, x)
    if arr.ndim == 0:
        raise ValueError(f"{name} must be an array of shape (T, ...), got the single number {arr.item()!r}")
    return arr.astype(np.float64, copy=False)


def rmse(y: Any, y_hat: Any, skip: int = 0) -> float:
    """sqrt(mean((y - y_hat)²)) over samples ``skip:`` of y (T, ...) and y_hat (T, ...): one float.

    With a simulated output y_hat, this is the free-run simulation RMSE of system identification; ``skip``
    leaves out the first samples, which the model was given or which only show its start-up.
    The measured y must be finite (NaN there is bad data); a y_hat that blew up (a simulation that diverged)
    gives a non-finite RMSE, which the caller reports as a divergence.
    """
    a, b = _as_array("y", y), _as_array("y_hat", y_hat)
    same_shape("y", a, "y_hat", b)
    skip = integer("skip", skip, 0, max(len(a) - 1, 0))
    non_empty("y", a[skip:])
    finite("y", a)
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.sqrt(np.mean((a[skip:] - b[skip:]) ** 2)))


def n_params(model: nn.Module | np.ndarray) -> int:
    """The number of trainable parameters of a module, or of a parameter vector (e.g. ARX's θ)."""
    if isinstance(model, nn.Module):
        return sum(p.numel() for p in model.parameters() if p.requires_grad)
    if isinstance(model, np.ndarray):
        return int(model.size)
    raise TypeError(f"model must be an nn.Module or a numpy parameter vector, got {type(model).__name__}")
