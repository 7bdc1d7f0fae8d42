"""Smoothing baselines for 06_recurrent_networks.ipynb: centred and causal moving averages of a record.

A **centred** average of ``width`` samples (odd) uses the samples from t - width//2 to t + width//2: it looks
into the future, like a bidirectional RNN. A **causal** average uses t - width + 1 .. t only: what a filter
running in real time can do. Near the ends the average is taken over the samples that exist.
"""
from __future__ import annotations

import numpy as np

from .checks import finite, flag, integer, real_array

__all__ = ["moving_average"]


def moving_average(x, width: int, centred: bool = True) -> np.ndarray:
    """Moving average of a record x (T,) over ``width`` samples -> (T,) float64; centred (width odd) or causal."""
    arr = real_array("x", x)
    if arr.dtype.kind == "b":
        raise TypeError("x must hold numbers, got booleans (dtype bool)")
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"x must be a 1-D record of shape (T,) with T >= 1, got shape {arr.shape}")
    finite("x", arr)
    width, centred = integer("width", width, 1, arr.size), flag("centred", centred)
    if centred and width % 2 == 0:
        raise ValueError(f"width must be odd for a centred average (as many samples before t as after), got {width}")
    arr = arr.astype(np.float64)
    csum = np.concatenate([[0.0], np.cumsum(arr)])           # csum[k] = sum of x[:k]
    t = np.arange(arr.size)
    lo = t - width // 2 if centred else t - width + 1
    hi = t + width // 2 + 1 if centred else t + 1
    lo, hi = np.clip(lo, 0, arr.size), np.clip(hi, 0, arr.size)
    return (csum[hi] - csum[lo]) / (hi - lo)
