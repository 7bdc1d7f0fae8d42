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
    """One of ``options``, of the same type (True is not 1); anything else, an array included, is a ValueError."""
    options = tuple(options)
    try:                 # an array or tensor compared with a string has no single truth value: not an option
        known = any((type(value) is type(option) or isinstance(value, str) and isinstance(option, str))
                    and bool(value == option) for option in options)
    except (TypeError, ValueError, RuntimeError):
        known = False
    if not known:
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


def flag(name: str, value: Any) -> bool:
    """True or False: a bool, not 0/1 and not a string (``if "no":`` would be true)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def real_array(name: str, x: Any) -> np.ndarray:
    """x as a numpy array of real numbers (bool, int or float; a torch tensor is detached, sharing its memory).

    TypeError for None, strings, other objects or complex values; ValueError for a ragged nested list.
    Finiteness, dtype width and shape are left to ``finite`` and the caller.
    """
    if isinstance(x, torch.Tensor):
        if x.is_complex():
            raise TypeError(f"{name} must be real, got a complex tensor ({x.dtype})")
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x)
    except ValueError as exc:
        raise ValueError(f"{name} must be a rectangular array of numbers, got a ragged sequence ({exc})") from None
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real, got complex values ({arr.dtype})")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got {type(x).__name__} with dtype {arr.dtype}")
    return arr


__all__ += ["flag", "real_array"]


FLOAT_DTYPES = (torch.float32, torch.float64)


def float_dtype(name: str, dtype: torch.dtype) -> torch.dtype:
    """float32 or float64: float16/bfloat16 keep too few digits to train in; integers, bools, complex are refused."""
    if dtype not in FLOAT_DTYPES:
        why = (" (half precision keeps about 3 digits: too few to train in)" if dtype in (torch.float16, torch.bfloat16)
               else "")
        raise TypeError(f"{name} must hold float32 or float64 numbers, got {dtype}{why}; convert it with .float() "
                        "or .double()")
    return dtype


def float_tensor(name: str, x: Any, ndim: int | None = None, layout: str = "") -> torch.Tensor:
    """A non-empty torch tensor of finite float32 or float64 numbers, with ``ndim`` dimensions when given.

    TypeError for anything but a tensor or another dtype (``float_dtype``); ValueError for the wrong number of
    dimensions (``layout``, e.g. "(N, n)", says which shape was expected), an empty tensor, NaN or inf.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    float_dtype(name, x.dtype)
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must have shape {layout or f'of {ndim} dimensions'}, got shape {tuple(x.shape)}")
    return finite(name, non_empty(name, x))


def float_array(name: str, x: Any, ndim: int | None = None, layout: str = "") -> np.ndarray:
    """x as a non-empty float64 numpy array of finite real numbers (``real_array``), ``ndim``-dimensional when given.

    ValueError for the wrong number of dimensions (``layout`` says which shape was expected), empty, NaN or inf.
    """
    arr = real_array(name, x)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have shape {layout or f'of {ndim} dimensions'}, got shape {arr.shape}")
    return finite(name, non_empty(name, arr)).astype(np.float64, copy=False)


def string(name: str, value: Any) -> str:
    """A str (a title, a label, a format)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {value!r} ({type(value).__name__})")
    return value


__all__ += ["float_dtype", "float_tensor", "float_array", "string"]
