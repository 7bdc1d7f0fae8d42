"""Smoothing baselines for 06_recurrent_networks.ipynb: centred and causal moving averages of a record.

A **centred** average of ``width`` samples (odd) uses the samples from t - width//2 to t + width//2: it looks
into the future, like a bidirectional RNN. A **causal** average uses t - width + 1 .. t only: what a filter
running in real time can do. Near the ends the average is taken over the samples that exist.
A moving average is the simplest FIR (finite impulse response) filter; ``fit_fir`` fits the taps of one by
least squares (the linear baseline of the smoothing task, as ARX is for simulation).
"""
from __future__ import annotations

import numpy as np

from .checks import finite, flag, integer, real_array

__all__ = ["moving_average", "lagged", "fit_fir", "fir"]


def _record(x, name: str = "x") -> np.ndarray:
    """A finite 1-D record (T,), T >= 1, of real numbers as float64; TypeError or ValueError naming ``name``."""
    arr = real_array(name, x)
    if arr.dtype.kind == "b":
        raise TypeError(f"{name} must hold numbers, got booleans (dtype bool)")
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"{name} must be a 1-D record of shape (T,) with T >= 1, got shape {arr.shape}")
    return finite(name, arr).astype(np.float64)


def _width(width: int, size: int, centred: bool) -> tuple[int, bool]:
    width, centred = integer("width", width, 1, size), flag("centred", centred)
    if centred and width % 2 == 0:
        raise ValueError(f"width must be odd for a centred filter (as many samples before t as after), got {width}")
    return width, centred


def moving_average(x, width: int, centred: bool = True) -> np.ndarray:
    """Moving average of a record x (T,) over ``width`` samples -> (T,) float64; centred (width odd) or causal."""
    arr = _record(x)
    width, centred = _width(width, arr.size, centred)
    csum = np.concatenate([[0.0], np.cumsum(arr)])           # csum[k] = sum of x[:k]
    t = np.arange(arr.size)
    lo = t - width // 2 if centred else t - width + 1
    hi = t + width // 2 + 1 if centred else t + 1
    lo, hi = np.clip(lo, 0, arr.size), np.clip(hi, 0, arr.size)
    return (csum[hi] - csum[lo]) / (hi - lo)


def lagged(x, width: int, centred: bool = True) -> np.ndarray:
    """The samples an FIR filter of ``width`` taps sees, (T, width): column j is x(t - j) (causal) or
    x(t + width//2 - j) (centred, width odd); the record is extended by repeating its end samples."""
    arr = _record(x)
    width, centred = _width(width, arr.size, centred)
    ahead = width // 2 if centred else 0
    padded = np.pad(arr, (width - 1 - ahead, ahead), mode="edge")         # (T + width - 1,)
    return np.lib.stride_tricks.sliding_window_view(padded, width)[:, ::-1].copy()


def fit_fir(x, y, width: int, centred: bool = True) -> np.ndarray:
    """Least-squares FIR smoother from x (T,) to y (T,): taps (width,) then the bias, shape (width + 1,)."""
    z, target = lagged(x, width, centred), _record(y, "y")
    if target.shape != (z.shape[0],):
        raise ValueError(f"x and y must have the same shape, got x {(z.shape[0],)} and y {target.shape}")
    return np.linalg.lstsq(np.hstack([z, np.ones((z.shape[0], 1))]), target, rcond=None)[0]


def fir(x, theta, centred: bool = True) -> np.ndarray:
    """Apply the FIR smoother theta (width + 1,) from ``fit_fir`` to x (T,) -> (T,)."""
    theta = _record(theta, "theta")
    if theta.size < 2:
        raise ValueError(f"theta must hold at least one tap and the bias, shape (width + 1,), got {theta.shape}")
    return lagged(x, theta.size - 1, centred) @ theta[:-1] + theta[-1]
