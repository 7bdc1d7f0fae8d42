"""nnlab.autodiff.Tensor against torch autograd (1e-10 in float64): operations, broadcasting, reuse, networks."""
import numpy as np
import pytest
import torch

from nnlab.autodiff import (Tensor, _sigmoid_fast, _sigmoid_slope_fast, forward, parameters_of, sigmoid_plain,
                            sigmoid_slope_plain)
from nnlab.ffn import FeedforwardNeuralNetModel, mlp

ATOL = 1e-10  # float64


def pair(shape, rng, positive=False):
    """The same random float64 values as a leaf Tensor and a leaf torch tensor."""
    data = rng.standard_normal(shape)
    data = np.abs(data) + 0.5 if positive else data
    return Tensor(data), torch.tensor(data, requires_grad=True)


def check(ours, theirs, ours_leaves, their_leaves):
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=0, atol=ATOL)
    seed = np.random.default_rng(99).standard_normal(ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    for a, b in zip(ours_leaves, their_leaves):
        assert a.grad.shape == a.shape
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=0, atol=ATOL)


BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
          "div": lambda a, b: a / b}
SHAPES = [((4, 3), (4, 3)), ((4, 3), (3,)), ((4, 1), (1, 3)), ((2, 4, 3), (4, 1)), ((), (5, 2)), ((3,), ())]


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_ops_with_broadcasting(op, shapes):
    rng = np.random.default_rng(0)
    (a, ta), (b, tb) = pair(shapes[0], rng), pair(shapes[1], rng, positive=(op == "div"))
    check(BINARY[op](a, b), BINARY[op](ta, tb), [a, b], [ta, tb])


UNARY = {"sigmoid": (lambda t: t.sigmoid(), torch.sigmoid), "tanh": (lambda t: t.tanh(), torch.tanh),
         "relu": (lambda t: t.relu(), torch.relu), "pow2": (lambda t: t ** 2, lambda t: t ** 2),
         "pow3": (lambda t: t ** 3, lambda t: t ** 3), "neg": (lambda t: -t, lambda t: -t),
         "transpose": (lambda t: t.T, lambda t: t.T),
         "const": (lambda t: 2.0 - 3.0 * t + 1.5, lambda t: 2.0 - 3.0 * t + 1.5)}


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary_ops(op, seed):
    (a, ta) = pair((5, 3), np.random.default_rng(seed))
    ours, theirs = UNARY[op]
    check(ours(a), theirs(ta), [a], [ta])


@pytest.mark.parametrize("op", ["sigmoid", "tanh", "relu"])
def test_unary_ops_on_scalars(op):
    a, ta = Tensor(0.7), torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    check(UNARY[op][0](a) * 3.0, UNARY[op][1](ta) * 3.0, [a], [ta])


def test_pow_fractional_and_negative_exponents():
    (a, ta) = pair((4,), np.random.default_rng(0), positive=True)
    check(a ** 0.5 + a ** -1.5, ta ** 0.5 + ta ** -1.5, [a], [ta])


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, False), (1, True), (-1, False)])
@pytest.mark.parametrize("reduce", ["sum", "mean"])
def test_sum_and_mean(reduce, axis, keepdims):
    (a, ta) = pair((4, 3), np.random.default_rng(1))
    ours = getattr(a, reduce)(axis=axis, keepdims=keepdims)
    theirs = getattr(ta, reduce)() if axis is None else getattr(ta, reduce)(dim=axis, keepdim=keepdims)
    check(ours, theirs, [a], [ta])


@pytest.mark.parametrize("shapes", [((4, 3), (3, 2)), ((1, 5), (5, 1)), ((3,), (3, 2)), ((4, 3), (3,)), ((3,), (3,))])
def test_matmul(shapes):
    rng = np.random.default_rng(2)
    (a, ta), (b, tb) = pair(shapes[0], rng), pair(shapes[1], rng)
    check(a @ b, ta @ tb, [a, b], [ta, tb])


def test_value_used_twice_accumulates():
    x = Tensor(3.0)
    y = x * x + x                     # dy/dx = 2x + 1 = 7: three contributions, all must add up
    y.backward()
    assert y.item() == 12.0 and x.grad == 7.0


def test_shared_subexpression_in_two_branches():
    rng = np.random.default_rng(3)
    (a, ta), (b, tb) = pair((3, 2), rng), pair((3, 2), rng)
    c, tc = a * b, ta * tb
    check((c.sigmoid() + c.tanh() * c).mean(), (tc.sigmoid() + tc.tanh() * tc).mean(), [a, b], [ta, tb])


def test_leaves_accumulate_across_backward_calls_like_torch():
    x, tx = Tensor(2.0), torch.tensor(2.0, requires_grad=True)
    for _ in range(3):
        (x * x * x).backward()
        (tx * tx * tx).backward()
    assert x.grad == pytest.approx(tx.grad.item()) == 36.0
    x.zero_grad()
    assert x.grad is None


def test_intermediate_results_do_not_double_count():
    x = Tensor(2.0)
    h = x * 3.0
    y = h * h
    y.backward(retain_grads=True)
    y.backward(retain_grads=True)     # torch would need retain_graph; here h.grad starts fresh each pass
    assert h.grad == 12.0 and x.grad == 72.0


def test_intermediate_gradients_are_dropped_unless_retained():
    x = Tensor(2.0)
    h = x * 3.0
    (h * h).backward()
    assert h.grad is None and x.grad == 36.0


def test_constants_get_no_gradient():
    x = Tensor(np.ones((2, 2)), requires_grad=False)
    w = Tensor(np.full((2, 1), 0.5))
    out = (x @ w).sum()
    out.backward()
    assert x.grad is None and not (x * 2.0).requires_grad
    np.testing.assert_allclose(w.grad, [[2.0], [2.0]])


def test_long_chain_does_not_recurse():
    x = Tensor(1.0)
    y = x
    for _ in range(5000):
        y = y + x
    y.backward()
    assert x.grad == 5001.0


def test_central_finite_differences():
    rng = np.random.default_rng(4)
    w = Tensor(rng.standard_normal((3, 2)))
    x = Tensor(rng.standard_normal((5, 3)), requires_grad=False)

    def f(w_data):
        return (((x.data @ w_data) ** 2).mean())
    loss = ((x @ w) ** 2).mean()
    loss.backward()
    h = 1e-6
    for i in np.ndindex(w.shape):
        up, down = w.data.copy(), w.data.copy()
        up[i] += h
        down[i] -= h
        assert abs((f(up) - f(down)) / (2 * h) - w.grad[i]) < 1e-8


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("batch", [1, 13])
@pytest.mark.parametrize("sizes, activation", [([4, 20, 30, 1], "sigmoid"), ([3, 8, 8, 2], "tanh"),
                                               ([5, 16, 3], "relu")])
def test_network_matches_torch(sizes, activation, batch, seed):
    torch.manual_seed(seed)
    model = mlp(sizes, activation).double()
    x, y = torch.randn(batch, sizes[0], dtype=torch.float64), torch.randn(batch, sizes[-1], dtype=torch.float64)
    ((model(x) - y) ** 2).mean().backward()
    params = parameters_of(model)
    loss = ((forward(model, params, Tensor(x.numpy(), requires_grad=False)) - y.numpy()) ** 2).mean()
    loss.backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(params[name].grad, p.grad.numpy(), rtol=0, atol=ATOL, err_msg=name)


def test_lecture_model_in_float32_keeps_dtype():
    torch.manual_seed(0)
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    x, y = torch.randn(10, 4), torch.randn(10, 1)
    ((model(x) - y) ** 2).mean().backward()
    params = parameters_of(model)
    loss = ((forward(model, params, Tensor(x.numpy(), requires_grad=False)) - y.numpy()) ** 2).mean()
    loss.backward()
    assert loss.data.dtype == np.float32
    for name, p in model.named_parameters():
        assert params[name].grad.dtype == np.float32
        np.testing.assert_allclose(params[name].grad, p.grad.numpy(), rtol=0, atol=1e-5, err_msg=name)


def test_errors_teach():
    a = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"one-element tensor, got shape \(2, 3\)"):
        a.backward()
    with pytest.raises(ValueError, match=r"\(2, 3\) @ \(2, 3\)"):
        a @ Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="constant int or float exponent"):
        a ** Tensor(2.0)
    with pytest.raises(ValueError, match="one int axis"):
        a.mean(axis=(0, 1))


def test_ints_become_float64_and_repr():
    t = Tensor([1, 2])
    assert t.data.dtype == np.float64 and "leaf" in repr(t) and "op='+'" in repr(Tensor(1.0) + 2.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (7,), (64, 300)])
def test_in_place_sigmoid_equals_the_plain_formula_bitwise(shape, dtype):
    x = (6 * np.random.default_rng(0).standard_normal(shape)).astype(dtype)
    x0 = x.copy()
    s_fast, s_plain = _sigmoid_fast(x), sigmoid_plain(x)
    assert s_fast.dtype == dtype and np.array_equal(s_fast, s_plain) and np.array_equal(x, x0)
    slope_fast, slope_plain = _sigmoid_slope_fast(s_fast), sigmoid_slope_plain(s_plain)
    assert np.array_equal(slope_fast, slope_plain) and np.array_equal(s_fast, s_plain)


def test_sigmoid_op_uses_those_values():
    x = Tensor(np.linspace(-5, 5, 11))
    s = x.sigmoid()
    s.backward(np.ones(11))
    assert np.array_equal(s.data, sigmoid_plain(x.data)) and np.array_equal(x.grad, sigmoid_slope_plain(s.data))
