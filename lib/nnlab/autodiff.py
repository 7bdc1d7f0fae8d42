"""Reverse-mode automatic differentiation from scratch: a micrograd-sized engine on numpy arrays.

Derived in 04_backpropagation.ipynb. Every operation returns a new Tensor that remembers its
parents and a ``_backward`` function: given the output's gradient, it adds (never assigns: a value
used twice receives two contributions) each parent's share. ``backward()`` visits the recorded
graph in reverse topological order, so a node's gradient is complete before it is passed on.
(``_backward`` receives the gradient as an argument instead of reading ``out.grad``: then no
tensor refers to itself, and a graph nobody holds any more is freed at once.)

``nnlab.views.autodiff.draw_graph`` draws a recorded graph.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from . import checks

if TYPE_CHECKING:
    import torch

ArrayLike = np.ndarray | float | int | list
N = TypeVar("N")


def _leaf_data(name: str, data: ArrayLike) -> np.ndarray:
    """The array of a leaf tensor: real, finite, non-empty numbers; float32/float64 kept, integers -> float64."""
    arr = checks.real_array(name, data)
    if arr.dtype.kind == "f" and arr.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64 (or integers, made float64), got {arr.dtype}")
    checks.finite(name, checks.non_empty(name, arr))
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes numpy broadcasting added or stretched, so it gets ``shape`` back."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def sigmoid_plain(x: np.ndarray) -> np.ndarray:
    """The readable reference of ``_sigmoid_fast``: 1 / (1 + exp(-x)) (tests hold the two bitwise equal)."""
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_slope_plain(s: np.ndarray) -> np.ndarray:
    """The readable reference of ``_sigmoid_slope_fast``: s (1 - s), the sigmoid's slope from its output s."""
    return s * (1.0 - s)


# The engine races torch at batch 100,000 in notebook 04, section 7; there these in-place versions make one
# new array instead of four (forward) or two (slope), which saves about a third of the sigmoid's time.
def _sigmoid_fast(x: np.ndarray) -> np.ndarray:
    """Same numbers as ``sigmoid_plain``, computed in one new array."""
    s = np.negative(x, out=np.empty_like(x))
    np.exp(s, out=s)
    s += 1.0
    np.reciprocal(s, out=s)
    return s


def _sigmoid_slope_fast(s: np.ndarray) -> np.ndarray:
    """Same numbers as ``sigmoid_slope_plain``, computed in one new array."""
    out = 1.0 - s
    out *= s
    return out


def graph_order(root: N, parents: Callable[[N], Iterable[N]]) -> list[N]:
    """Every node root depends on (and root), each after all of its parents: an iterative depth-first search, so
    any depth works. Shared by ``Tensor`` here and the scalar ``nnlab.value.Value``."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in parents(node) if id(p) not in seen)
    return order


class Tensor:
    """A numpy array that records the operations applied to it; ``.grad`` (same shape) after ``backward()``."""

    def __init__(self, data: ArrayLike, requires_grad: bool = True, _parents: tuple[Tensor, ...] = (),
                 _op: str = "", label: str = "") -> None:
        if _parents:                            # an operation's result: its data comes from checked tensors
            data = np.asarray(data)
            self.data = data if np.issubdtype(data.dtype, np.floating) else data.astype(np.float64)
        else:                                   # a leaf: the numbers a learner gives are checked here
            self.data = _leaf_data("data", data)
            requires_grad = checks.flag("requires_grad", requires_grad)
            if not isinstance(label, str):
                raise TypeError(f"label must be a str, got {label!r} ({type(label).__name__})")
        self.requires_grad = requires_grad
        self.grad: np.ndarray | None = None
        self._parents = _parents
        self._op = _op
        self._backward: Callable[[np.ndarray], None] = lambda grad: None
        self.label = label

    # --- bookkeeping -------------------------------------------------------------------------
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)

    def __repr__(self) -> str:
        return f"Tensor(shape={self.shape}, op={self._op or 'leaf'!r})" if self.data.size != 1 else \
               f"Tensor({self.data.item():.4g}, op={self._op or 'leaf'!r})"

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element tensor, got shape {self.shape}")
        return float(self.data.item())

    def _accumulate(self, grad: np.ndarray) -> None:
        if self.requires_grad:
            grad = _unbroadcast(grad, self.shape)
            if self.grad is None:               # a leaf gets its own copy: learners may edit .grad in place
                self.grad = grad.copy() if not self._parents else grad
            else:
                self.grad = self.grad + grad

    def _child(self, data: np.ndarray, parents: tuple[Tensor, ...], op: str) -> Tensor:
        return Tensor(data, any(p.requires_grad for p in parents), parents, op)

    @staticmethod
    def _lift(other: Tensor | ArrayLike, like: Tensor) -> Tensor:
        if isinstance(other, Tensor):
            return other
        data = checks.finite("other", checks.real_array("other", other)).astype(like.data.dtype, copy=False)
        lifted = Tensor(1.0, requires_grad=False)   # a constant leaf, its data already checked
        lifted.data = data
        return lifted

    # --- operations: forward value + how to send the gradient back -----------------------------
    def __add__(self, other: Tensor | ArrayLike) -> Tensor:
        other = self._lift(other, self)
        out = self._child(self.data + other.data, (self, other), "+")

        def _backward(grad: np.ndarray) -> None:     # d(a + b)/da = d(a + b)/db = 1
            self._accumulate(grad)
            other._accumulate(grad)
        out._backward = _backward
        return out

    def __mul__(self, other: Tensor | ArrayLike) -> Tensor:
        other = self._lift(other, self)
        out = self._child(self.data * other.data, (self, other), "*")

        def _backward(grad: np.ndarray) -> None:     # d(a b)/da = b, d(a b)/db = a
            self._accumulate(grad * other.data)
            other._accumulate(grad * self.data)
        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Tensor:
        if isinstance(exponent, Tensor):
            raise ValueError("pow takes a constant int or float exponent, got Tensor")
        checks.number("exponent", exponent)         # a real, finite number (not a bool); its own value is used
        out = self._child(self.data ** exponent, (self,), f"**{exponent:g}")

        def _backward(grad: np.ndarray) -> None:
            self._accumulate(grad * exponent * self.data ** (exponent - 1))
        out._backward = _backward
        return out

    def __matmul__(self, other: Tensor) -> Tensor:
        other = self._lift(other, self)
        if self.ndim not in (1, 2) or other.ndim not in (1, 2) or self.shape[-1] != other.shape[0]:
            raise ValueError(f"matmul needs (n, k) @ (k, m) with 1-D or 2-D operands, got {self.shape} @ {other.shape}")
        out = self._child(self.data @ other.data, (self, other), "@")

        def _backward(grad: np.ndarray) -> None:
            a = self.data.reshape(1, -1) if self.ndim == 1 else self.data      # (n, k)
            b = other.data.reshape(-1, 1) if other.ndim == 1 else other.data   # (k, m)
            g = grad.reshape(a.shape[0], b.shape[1])                           # (n, m)
            self._accumulate((g @ b.T).reshape(self.shape))
            other._accumulate((a.T @ g).reshape(other.shape))
        out._backward = _backward
        return out

    @property
    def T(self) -> Tensor:
        """The transpose of a 2-D tensor (k, m) -> (m, k)."""
        out = self._child(self.data.T, (self,), "T")
        out._backward = lambda grad: self._accumulate(grad.T)
        return out

    def sum(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (all axes when None)."""
        self._check_axis(axis)
        keepdims = checks.flag("keepdims", keepdims)
        out = self._child(np.sum(self.data, axis=axis, keepdims=keepdims), (self,), "sum")

        def _backward(grad: np.ndarray) -> None:
            g = grad if keepdims or axis is None else np.expand_dims(grad, axis)
            self._accumulate(np.broadcast_to(g, self.shape))
        out._backward = _backward
        return out

    def mean(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (all axes when None): the sum times 1/count."""
        if isinstance(axis, (tuple, list)):
            raise ValueError(f"mean takes one int axis or None, got {axis!r}")
        self._check_axis(axis)
        count = self.data.size if axis is None else self.shape[axis]
        return self.sum(axis, keepdims) * (1.0 / count)

    def _check_axis(self, axis: int | None) -> None:
        if axis is not None:
            checks.integer("axis", axis, -self.ndim, self.ndim - 1)

    def _unary(self, value: np.ndarray, local_grad: Callable[[], np.ndarray], op: str) -> Tensor:
        out = self._child(value, (self,), op)
        def _backward(grad: np.ndarray) -> None:   # the local derivative is computed only when needed
            local = np.asarray(local_grad())        # a new array, so the product may overwrite it
            self._accumulate(np.multiply(local, grad, out=local))   # = local * grad
        out._backward = _backward
        return out

    def sigmoid(self) -> Tensor:
        """1 / (1 + exp(-x)) elementwise; local derivative s (1 - s) (see sigmoid_plain, sigmoid_slope_plain)."""
        s = _sigmoid_fast(self.data)
        return self._unary(s, lambda: _sigmoid_slope_fast(s), "sigmoid")

    def tanh(self) -> Tensor:
        """tanh elementwise; local derivative 1 - t^2."""
        t = np.tanh(self.data)
        return self._unary(t, lambda: 1.0 - t * t, "tanh")

    def relu(self) -> Tensor:
        """max(x, 0) elementwise (NaN stays NaN, as in torch); local derivative 1 where x > 0, else 0."""
        mask = self.data > 0
        return self._unary(np.where(self.data <= 0, 0.0, self.data).astype(self.data.dtype),
                           lambda: mask.astype(self.data.dtype), "relu")

    # --- the rest follows from the operations above ------------------------------------------------
    def __sub__(self, other: Tensor | ArrayLike) -> Tensor:
        other = self._lift(other, self)
        out = self._child(self.data - other.data, (self, other), "-")

        def _backward(grad: np.ndarray) -> None:     # d(a - b)/da = 1, d(a - b)/db = -1
            self._accumulate(grad)
            other._accumulate(-grad)
        out._backward = _backward
        return out

    def __neg__(self) -> Tensor:
        return self * -1.0

    def __truediv__(self, other: Tensor | ArrayLike) -> Tensor:
        return self * self._lift(other, self) ** -1.0

    def __radd__(self, other: ArrayLike) -> Tensor:
        return self + other

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return self * other

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return self._lift(other, self) - self

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return self._lift(other, self) / self

    # --- reverse mode --------------------------------------------------------------------------------
    def topological_order(self) -> list[Tensor]:
        """Every tensor this one depends on, each listed after all of its parents (iterative depth-first search)."""
        return graph_order(self, lambda node: node._parents)

    def backward(self, grad: np.ndarray | None = None, retain_grads: bool = False) -> None:
        """Fill ``.grad`` of the leaves this tensor depends on (accumulating across calls, like torch).

        Intermediate results drop their gradient once it has been passed on (saves memory), unless
        ``retain_grads`` is True (to inspect or draw them).
        """
        retain_grads = checks.flag("retain_grads", retain_grads)
        if grad is None:
            if self.data.size != 1:
                raise ValueError(f"backward() without a gradient needs a one-element tensor, got shape {self.shape}")
            grad = np.ones_like(self.data)
        else:
            grad = checks.finite("grad", checks.real_array("grad", grad))
            if grad.size != self.data.size:
                raise ValueError(f"grad must have this tensor's shape: got {grad.shape} for a tensor of shape "
                                 f"{self.shape}")
        order = self.topological_order()
        for node in order:
            if node._parents:                  # intermediate results start fresh at each backward pass
                node.grad = None
        grad = np.asarray(grad, dtype=self.data.dtype).reshape(self.shape)
        self.grad = grad + (0 if self.grad is None else self.grad)
        for node in reversed(order):
            if node.grad is not None and node.requires_grad:
                node._backward(node.grad)
                if node._parents and not retain_grads:
                    node.grad = None

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (call on parameters before each training step)."""
        self.grad = None


# --- a bridge to torch modules (used by the notebook, the tests and the benchmark) ---------------------
def parameters_of(model: torch.nn.Module) -> dict[str, Tensor]:
    """Copies of the model's parameters as Tensors (same names, shapes and dtype) that require gradients."""
    from torch import nn

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
    return {name: Tensor(_leaf_data(f"parameter {name}", p.detach().cpu().numpy().copy()), label=name)
            for name, p in model.named_parameters()}


def forward(model: torch.nn.Module, params: dict[str, Tensor], x: Tensor) -> Tensor:
    """Run ``model``'s layers (see nnlab.backprop.layers) on x (B, in) with ``params``; returns (B, out)."""
    from torch import nn

    from .backprop import layers

    blocks = layers(model)
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of Tensors (see parameters_of), got {type(params).__name__}")
    for name, p in model.named_parameters():
        if name not in params:
            raise ValueError(f"params has no {name!r}: it needs one Tensor per model parameter "
                             f"({', '.join(n for n, _ in model.named_parameters())}); see parameters_of(model)")
        if not isinstance(params[name], Tensor):
            raise TypeError(f"params[{name!r}] must be a Tensor, got {type(params[name]).__name__}")
        if params[name].shape != tuple(p.shape):
            raise ValueError(f"params[{name!r}] has shape {params[name].shape}, the model's parameter has shape "
                             f"{tuple(p.shape)}")
    if not isinstance(x, Tensor):
        raise TypeError(f"x must be a Tensor, got {type(x).__name__} (wrap it: Tensor(x, requires_grad=False))")
    first = next(b for _, b in blocks if isinstance(b, nn.Linear))
    if x.ndim != 2 or x.shape[1] != first.in_features:
        raise ValueError(f"x must have shape (B, {first.in_features}), got {x.shape}")
    h = x
    for name, block in blocks:
        if isinstance(block, nn.Linear):
            h = h @ params[f"{name}.weight"].T                    # (B, in) @ (in, out)
            if block.bias is not None:
                h = h + params[f"{name}.bias"]                    # (out,) broadcast over the batch
        elif isinstance(block, nn.Sigmoid):
            h = h.sigmoid()
        elif isinstance(block, nn.Tanh):
            h = h.tanh()
        elif isinstance(block, nn.ReLU):
            h = h.relu()
    return h
