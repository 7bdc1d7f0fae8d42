"""The scalar reverse-mode engine of 04_backpropagation.ipynb, section 6: micrograd's ``Value``, with tanh and exp.

Derived in 04_backpropagation.ipynb (the notebook writes ``Value`` with ``+`` and ``×``, adds ``tanh``
and ``exp``, and checks itself against this one). Every operation returns a new ``Value`` that keeps its
parents and the local derivatives d(result)/d(parent); ``backward()`` sorts the graph topologically and walks
it in reverse, **adding** each parent's share (a value used twice receives two contributions).
``nnlab.autodiff.Tensor`` is the same idea for arrays.
"""
from __future__ import annotations

import math

from .autodiff import graph_order
from .checks import number

__all__ = ["Value"]


class Value:
    """A number that remembers which values made it and the local derivatives d(self)/d(parent); ``.grad``."""

    def __init__(self, data: float, parents: tuple[Value, ...] = (), local_grads: tuple[float, ...] = (),
                 op: str = "") -> None:
        self.data = number("data", data)
        self.grad = 0.0
        self.parents, self.local_grads, self.op = parents, local_grads, op

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def _lift(other: Value | float) -> Value:
        return other if isinstance(other, Value) else Value(number("other", other))

    def __add__(self, other: Value | float) -> Value:
        other = self._lift(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other: Value | float) -> Value:
        other = self._lift(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, exponent: float) -> Value:
        """self ** exponent for a constant real exponent (d/dx x^k = k x^(k-1))."""
        k = number("exponent", exponent)
        if self.data == 0 and k < 1:
            raise ValueError(f"Value ** {k:g}: the derivative at 0 is not finite")
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),), f"**{k:g}")

    def tanh(self) -> Value:
        """tanh(self); local derivative 1 - tanh²."""
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    def exp(self) -> Value:
        """exp(self); local derivative exp(self), the output itself."""
        e = math.exp(self.data)
        return Value(e, (self,), (e,), "exp")

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._lift(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * self._lift(other) ** -1.0

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return self._lift(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return self._lift(other) / self

    def topological_order(self) -> list[Value]:
        """Every value self depends on (and self), each after all of its parents; iterative, any depth."""
        return graph_order(self, lambda v: v.parents)

    def backward(self) -> None:
        """Set self.grad = 1 and add d(self)/d(v) into v.grad for every value v that self depends on."""
        order = self.topological_order()
        self.grad = 1.0
        for v in reversed(order):
            for parent, local in zip(v.parents, v.local_grads):
                parent.grad += local * v.grad
