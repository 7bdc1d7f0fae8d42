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

from .checks import real_array

__all__ = ["APPROX", "approx", "close", "claim"]

APPROX = "≈"


def _real(name: str, x: Any) -> np.ndarray:
    """x as a float64 array (a tensor, array, number or equal-length sequence of reals), via checks.real_array."""
    try:
        return real_array(name, x).astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"close: {exc}") from None


def _max_abs_diff(actual: Any, expected: Any) -> float:
    """Largest |actual - expected| over all elements (tensors, arrays, numbers or equal-length sequences)."""
    a, e = _real("actual", actual), _real("expected", expected)
    if a.shape != e.shape:
        raise ValueError(f"close: actual has shape {tuple(a.shape)} but expected has shape {tuple(e.shape)}")
    if a.size == 0:
        raise ValueError("close: nothing to compare (actual and expected are empty)")
    with np.errstate(invalid="ignore"):
        diff = np.abs(a - e)
    return float(np.nan) if np.isnan(diff).any() else float(diff.max())


def _size(x: Any) -> int:
    return x.numel() if hasattr(x, "numel") else int(np.size(x))


def _real_number(value: Any) -> float:
    """One real number: an int, float, numpy scalar or one-element tensor/array; not a bool, string or complex."""
    if hasattr(value, "detach"):                     # a torch tensor
        is_complex, is_bool, value = value.is_complex(), str(value.dtype) == "torch.bool", value.detach()
    else:
        is_complex = isinstance(value, complex) or np.iscomplexobj(value)
        is_bool = isinstance(value, (bool, np.bool_)) or getattr(value, "dtype", None) == np.bool_
    if is_bool or is_complex or value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"approx: value must be a real number, got {value!r} ({type(value).__name__})")
    if _size(value) != 1:
        raise TypeError(f"approx: value must be one number, got {type(value).__name__} of shape "
                        f"{tuple(np.shape(value))}")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"approx: value must be a real number, got {type(value).__name__} ({exc})") from None


def approx(value: float, fmt: str = ".3f") -> str:
    """Format a number that comes out of training as '≈<value>' (e.g. '≈0.153'); nbval masks the number.

    A non-finite value (a loss that blew up) prints as '≈inf' or '≈nan'.
    """
    number = _real_number(value)
    if not isinstance(fmt, str):
        raise TypeError(f"approx: fmt must be a format spec such as '.3f', got {fmt!r} ({type(fmt).__name__})")
    try:
        text = f"{number:{fmt}}"
    except ValueError as exc:
        raise ValueError(f"approx: fmt {fmt!r} is not a format spec for a number ({exc})") from None
    if not math.isfinite(number):
        return f"{APPROX}{number}"
    return f"{APPROX}{text}"


def close(label: str, actual: Any, expected: Any, atol: float) -> None:
    """Assert max |actual - expected| < atol and print 'max |label| < atol ✓' (returns None: no noise shown)."""
    if not isinstance(label, str):
        raise TypeError(f"close: label must be a string, got {label!r} ({type(label).__name__})")
    if not (isinstance(atol, (int, float)) and not isinstance(atol, bool) and 0 < atol < math.inf):
        raise ValueError(f"close: atol must be a positive number, got {atol!r}")
    worst = _max_abs_diff(actual, expected)
    if math.isnan(worst):
        raise AssertionError(f"max |{label}| is NaN, not below {atol:.0e}: actual or expected holds NaN "
                             "(or the same infinity)")
    if not worst < atol:
        raise AssertionError(f"max |{label}| = {worst:.3g}, not below {atol:.0e}")
    print(f"max |{label}| < {atol:.0e} ✓")


def _is_bool(holds: Any) -> bool:
    """A verdict: a bool, a numpy bool or a one-element bool array/tensor (what a comparison gives)."""
    if isinstance(holds, (bool, np.bool_)):
        return True
    dtype = str(getattr(holds, "dtype", ""))
    return dtype in ("bool", "torch.bool") and _size(holds) == 1


def claim(statement: str, holds: bool, detail: str = "") -> None:
    """Assert a claim the prose makes and print its verdict line: '✓ statement: detail'."""
    if not isinstance(statement, str):
        raise TypeError(f"claim: statement must be a string, got {statement!r} ({type(statement).__name__})")
    if not isinstance(detail, str):
        raise TypeError(f"claim: detail must be a string, got {detail!r} ({type(detail).__name__})")
    if not _is_bool(holds):
        raise TypeError(f"claim: holds must be a bool (the result of a comparison), got {type(holds).__name__} "
                        f"{holds!r}"[:300])
    line = f"{statement}: {detail}" if detail else statement
    if not bool(holds):
        raise AssertionError(f"claim does not hold: {line}")
    print(f"✓ {line}")
