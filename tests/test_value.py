"""nnlab.value.Value (the scalar engine of notebook 04) against torch autograd in float64 (1e-12)."""
import math

import numpy as np
import pytest
import torch

from nnlab.value import Value

ATOL = 1e-12

EXPRESSIONS = {
    "tanh": lambda a, b, c: (a * b + c).tanh(),
    "exp": lambda a, b, c: (a - b).exp() * c,
    "reuse": lambda a, b, c: a * a + a * b + a * c + a,
    "div_pow": lambda a, b, c: a / (b * b + 1.0) + c ** 2.0,
    "neuron": lambda a, b, c: (c - 1.0 / (1.0 + (-(a * 1.5 + b)).exp())) ** 2,
    "tanh_exp": lambda a, b, c: (a.tanh() * b.exp() - c).tanh() + 2.0 * a - 3.0 / c.exp(),
}


def _torch_expr(name, a, b, c):
    """The same expression in torch (torch tensors have .tanh() and .exp() too)."""
    return EXPRESSIONS[name](a, b, c)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_value_matches_torch(name, seed):
    data = np.random.default_rng(seed).uniform(-1.5, 1.5, 3)
    ours = [Value(float(v)) for v in data]
    theirs = [torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for v in data]
    out, ref = EXPRESSIONS[name](*ours), _torch_expr(name, *theirs)
    out.backward()
    ref.backward()
    assert math.isclose(out.data, ref.item(), rel_tol=0, abs_tol=ATOL)
    for v, t in zip(ours, theirs):
        assert math.isclose(v.grad, t.grad.item(), rel_tol=0, abs_tol=ATOL)


def test_gradients_accumulate_over_uses():
    x = Value(3.0)
    (x * x + x).backward()
    assert x.grad == 7.0                      # 2x + 1


def test_deep_chain_does_not_recurse():
    x = Value(0.5)
    y = x
    for _ in range(5000):                     # deeper than Python's recursion limit
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_trains_a_sigmoid_neuron():
    w, b = Value(0.8), Value(-0.2)
    xs, ys = [-1.0, 0.0, 1.0, 2.0], [0.1, 0.3, 0.7, 0.9]
    losses = []
    for _ in range(200):
        loss = sum(((y - 1.0 / (1.0 + (-(w * x + b)).exp())) ** 2 for x, y in zip(xs, ys)), Value(0.0))
        w.grad = b.grad = 0.0
        loss.backward()
        w.data, b.data = w.data - 0.5 * w.grad, b.data - 0.5 * b.grad
        losses.append(loss.data)
    assert losses[-1] < 0.2 * losses[0]


@pytest.mark.parametrize("bad, error", [("1", TypeError), (True, TypeError), (float("nan"), ValueError),
                                        (None, TypeError)])
def test_bad_data_is_rejected(bad, error):
    with pytest.raises(error, match="data"):
        Value(bad)


def test_bad_operands_are_rejected():
    with pytest.raises(TypeError, match="other"):
        Value(1.0) + "2"
    with pytest.raises(TypeError, match="exponent"):
        Value(1.0) ** Value(2.0)
    with pytest.raises(ValueError, match="not finite"):
        Value(0.0) ** -1.0
