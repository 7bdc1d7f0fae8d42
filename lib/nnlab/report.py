"""Printing results that read the same on every machine: the course's output convention.

A notebook prints three kinds of number:

- **exact or closed-form values** (counts, shapes, data statistics, a least-squares fit) print plainly,
  rounded to the digits that are stable from one CPU to another;
- **agreement checks** print the bound they meet, never the floating-point noise itself:
  ``close("by hand - autograd", a, b, atol=1e-6)`` prints ``max |by hand - autograd| < 1e-06 ✓``;
- **numbers that come out of training** (a loss, an RMSE, an accuracy, a fitted weight) differ in their
  last digits from one CPU, BLAS build or instruction set to another, and the difference grows over
  thousands of steps; they print with the approximate sign, ``approx(0.1534)`` -> ``≈0.153``. The test
  suite's sanitizer (``tests/nbval_sanitize.cfg``, rule "trained numbers") masks exactly the numbers
  behind a ``≈``, so nbval compares the text, the structure and the verdicts around them.

A comparison the prose makes about trained numbers is asserted in the open with ``claim``, which prints
a verdict line that nbval does compare: ``✓ the LSTM beats ARX: ≈0.153 V < ≈0.322 V``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["APPROX", "approx", "close", "claim"]

APPROX = "≈"


def _max_abs_diff(actual: Any, expected: Any) -> float:
    """Largest |actual - expected| over all elements (tensors, arrays, numbers or equal-length sequences)."""
    def as_array(x: Any) -> np.ndarray:
        if hasattr(x, "detach"):                     # a torch tensor, without importing torch here
            x = x.detach().cpu().double().numpy()
        return np.asarray(x, dtype=np.float64)

    a, e = as_array(actual), as_array(expected)
    if a.shape != e.shape:
        raise ValueError(f"close: actual has shape {tuple(a.shape)} but expected has shape {tuple(e.shape)}")
    if a.size == 0:
        raise ValueError("close: nothing to compare (both are empty)")
    diff = np.abs(a - e)
    return float(np.nan) if np.isnan(diff).any() else float(diff.max())


def approx(value: float, fmt: str = ".3f") -> str:
    """Format a number that comes out of training as '≈<value>' (e.g. '≈0.153'); nbval masks the number."""
    number = float(value)
    if not math.isfinite(number):
        return f"{APPROX}{number}"
    return f"{APPROX}{number:{fmt}}"


def close(label: str, actual: Any, expected: Any, atol: float) -> None:
    """Assert max |actual - expected| < atol and print 'max |label| < atol ✓' (returns None: no noise shown)."""
    if not (isinstance(atol, (int, float)) and not isinstance(atol, bool) and atol > 0):
        raise ValueError(f"close: atol must be a positive number, got {atol!r}")
    worst = _max_abs_diff(actual, expected)
    if not worst < atol:                              # NaN fails too
        raise AssertionError(f"max |{label}| = {worst:.3g}, not below {atol:.0e}")
    print(f"max |{label}| < {atol:.0e} ✓")


def claim(statement: str, holds: bool, detail: str = "") -> None:
    """Assert a claim the prose makes and print its verdict line: '✓ statement: detail'."""
    line = f"{statement}: {detail}" if detail else statement
    if not bool(holds):
        raise AssertionError(f"claim does not hold: {line}")
    print(f"✓ {line}")
