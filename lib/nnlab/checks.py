"""The shared validators: every public function checks what it is given here, with one style of message.

Each returns the checked value (converted where that is safe) or raises ``TypeError`` (wrong kind of value)
or ``ValueError`` (right kind, wrong value) naming the argument, what was expected and what was given.
"""
from __future__ import annotations

import math
from typing import Any
from collections.abc import Iterable

import numpy as np
import torch

__all__ = ["integer", "number", "choice", "finite", "same_shape", "non_empty"]


def integer(name: str, value: Any, lo: int | None = None, hi: int | None = None) -> int:
    """An int (not a bool, not a float) in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must be an integer in [{'-inf' if lo is None else lo}, "
                         f"{'inf' if hi is None else hi}], got {value}")
    return value


def number(name: str, value: Any, lo: float | None = None, hi: float | None = None,
           positive: bool = False) -> float:
    """A finite real number (not a bool) in [lo, hi]; ``positive`` also excludes 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value:g}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"{name} must lie in [{'-inf' if lo is None else f'{lo:g}'}, "
                         f"{'inf' if hi is None else f'{hi:g}'}], got {value:g}")
    return value


def choice(name: str, value: Any, options: Iterable[Any]) -> Any:
    """One of ``options``."""
    options = tuple(options)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def non_empty(name: str, x: Any) -> Any:
    """An array or tensor with at least one element."""
    if np.size(x) == 0 if not isinstance(x, torch.Tensor) else x.numel() == 0:
        raise ValueError(f"{name} is empty (shape {tuple(np.shape(x))}); it needs at least one element")
    return x


def finite(name: str, x: Any) -> Any:
    """An array or tensor of real, finite numbers (NaN and inf are bad data, not divergence)."""
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise TypeError(f"{name} must be real, got a complex tensor ({x.dtype})")
        ok = bool(torch.isfinite(x).all()) if x.is_floating_point() else True
    else:
        arr = np.asarray(x)
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} must be real, got complex values ({arr.dtype})")
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
        ok = bool(np.isfinite(arr).all()) if arr.dtype.kind == "f" else True
    if not ok:
        raise ValueError(f"{name} contains NaN or infinite values: bad input data, fix it before training")
    return x


def same_shape(name_a: str, a: Any, name_b: str, b: Any) -> None:
    """Two arrays or tensors of the same shape (a (B, 1) vs (B,) mismatch would broadcast silently)."""
    sa, sb = tuple(np.shape(a)) if not isinstance(a, torch.Tensor) else tuple(a.shape), \
        tuple(np.shape(b)) if not isinstance(b, torch.Tensor) else tuple(b.shape)
    if sa != sb:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {sa} and {sb}")
