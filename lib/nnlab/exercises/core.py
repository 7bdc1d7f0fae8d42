"""The exercise machinery: placeholder detection, friendly checking, tiered hints and solutions."""
from __future__ import annotations

import copy
import importlib
import math
import pkgutil
import traceback
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

import numpy as np
import torch


class _Placeholder:
    """The blank a learner fills in; any answer still containing it counts as not attempted."""

    def __repr__(self) -> str:
        return "____"

    def __call__(self, *args: Any, **kwargs: Any) -> _Placeholder:
        return self

    def __getattr__(self, name: str) -> _Placeholder:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __bool__(self) -> bool:
        return False

    def _not_attempted(self, *args: Any) -> Any:
        raise NotAttempted     # float(____), int(____), np.array([____], dtype=float): the blank is still there

    __float__ = __int__ = __index__ = __complex__ = _not_attempted

    def _same(self, *args: Any) -> _Placeholder:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _same
    __matmul__ = __rmatmul__ = __pow__ = __rpow__ = __neg__ = __getitem__ = _same


____ = _Placeholder()


class Incorrect(Exception):
    """Raised by a checker with a message that says what is off, without giving the answer away."""


class NotAttempted(Exception):
    """The answer still holds the placeholder."""


def _contains_placeholder(value: Any) -> bool:
    if isinstance(value, _Placeholder):
        return True
    if isinstance(value, (list, tuple, set)):
        return any(_contains_placeholder(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_placeholder(v) for v in value.values())
    return False


def _non_finite(value: Any) -> bool:
    """Whether a number, array, tensor or container of them holds a NaN or an infinity."""
    if isinstance(value, torch.Tensor):
        return bool(value.is_floating_point() or value.is_complex()) and not bool(torch.isfinite(value).all())
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and not bool(np.isfinite(value).all())
    if isinstance(value, (float, complex)):
        return not math.isfinite(abs(value))
    if isinstance(value, (list, tuple, set)):
        return any(_non_finite(v) for v in value)
    if isinstance(value, dict):
        return any(_non_finite(v) for v in value.values())
    return False


def _still_blank(answer: Any, exc: BaseException) -> bool:
    """Whether a learner's error comes from a blank left in their code, e.g. torch.tensor([____])."""
    if "_Placeholder" in str(exc) or "____" in str(exc):
        return True
    stack = [getattr(answer, "__code__", None)]
    while stack:                                  # the function's code, its inner functions and comprehensions
        code = stack.pop()
        if code is not None:
            if "____" in code.co_names:
                return True
            stack += [c for c in code.co_consts if hasattr(c, "co_names")]
    return False


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call the learner's function on copies of the inputs; a blank result or NotImplementedError is 'not attempted'.

    The copies keep an answer that works in place (``y -= y_hat``) from changing the data the checker compares with.
    """
    args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted from None
    if _contains_placeholder(result):
        raise NotAttempted
    if _non_finite(result):
        raise Incorrect("your function returned NaN or infinite values.")
    return result


def close(given: Any, expected: Any, what: str, rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Raise Incorrect unless given ≈ expected (arrays or tensors: shape first, then values within rtol/atol)."""
    g = given.detach().cpu().numpy() if isinstance(given, torch.Tensor) else np.asarray(given, dtype=float)
    e = expected.detach().cpu().numpy() if isinstance(expected, torch.Tensor) else np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        raise Incorrect(f"{what} has shape {tuple(g.shape)}, expected shape {tuple(e.shape)}.")
    if not np.all(np.isfinite(g)):
        raise Incorrect(f"{what} contains NaN or infinite values.")
    if not np.allclose(g, e, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(g - e)))
        raise Incorrect(f"{what} has the right shape but wrong values (largest difference {worst:.3g}; "
                        f"tolerance rtol={rtol:g}, atol={atol:g}).")


@dataclass
class Exercise:
    """One exercise: a checker that raises Incorrect (or returns), tiered hints, a solution, and test answers."""

    title: str
    checker: Callable[[Any], None]
    hints: list[str]
    solution_text: str
    reference: Any = None                        # an answer that must pass (used by the tests)
    wrong: list[Any] = field(default_factory=list)  # typical wrong answers that must fail (tests)

    passed: bool = field(default=False, init=False)  # set by the last check()

    def check(self, answer: Any) -> None:
        """Print whether the answer is right, not attempted, or what is off (the result is kept in ``self.passed``)."""
        self.passed = self._check(answer)

    def _check(self, answer: Any) -> bool:
        try:
            if _contains_placeholder(answer):
                raise NotAttempted
            if _non_finite(answer):
                raise Incorrect("your answer contains NaN or infinite values.")
            self.checker(answer)
        except NotAttempted:
            print(f"{self.title}: not attempted yet — replace ____ with your answer, then run this cell again.")
            return False
        except Incorrect as exc:
            print(f"{self.title}: not quite. {exc} Try ex.hint() for a nudge.")
            return False
        except Exception as exc:  # the learner's code failed: report it readably, never raise
            if _still_blank(answer, exc):
                print(f"{self.title}: not attempted yet — replace ____ with your answer, then run this cell again.")
                return False
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            print(f"{self.title}: your answer raised {type(exc).__name__}: {exc} "
                  f"(in {frame.name}, line {frame.lineno}). Fix that and run the cell again.")
            return False
        print(f"{self.title}: correct ✓")
        return True

    def hint(self, level: int = 1) -> None:
        """Print hint number ``level`` (1 = gentlest)."""
        if not self.hints:
            print("No hints for this one.")
            return
        level = min(max(int(level), 1), len(self.hints))
        more = f" (more: hint({level + 1}))" if level < len(self.hints) else ""
        print(f"Hint {level}/{len(self.hints)}: {self.hints[level - 1]}{more}")

    def solution(self) -> None:
        """Print a worked solution."""
        print(self.solution_text.strip())


def all_exercises() -> dict[str, Exercise]:
    """Every exercise of every nbNN module, keyed 'nbNN.name' (used by the tests)."""
    import nnlab.exercises as pkg

    found: dict[str, Exercise] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("nb"):
            module = importlib.import_module(f"{pkg.__name__}.{info.name}")
            for name, value in vars(module).items():
                if isinstance(value, Exercise):
                    found[f"{info.name}.{name}"] = value
    return found
