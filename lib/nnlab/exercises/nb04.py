"""Exercises of 04_backpropagation.ipynb: the first delta, a sigmoid and a linear block backwards, a small net."""
from __future__ import annotations

import torch

from .core import Exercise, Incorrect, call, close

_g = torch.Generator().manual_seed(4)
_Y_HAT, _Y = torch.randn(6, 1, generator=_g, dtype=torch.float64), torch.randn(6, 1, generator=_g, dtype=torch.float64)
_DELTA = torch.randn(5, 3, generator=_g, dtype=torch.float64)     # dl/dz^{L+1}, (B, out)
_W = torch.randn(3, 4, generator=_g, dtype=torch.float64)         # (out, in)
_ZIN = torch.randn(5, 4, generator=_g, dtype=torch.float64)       # z^L, (B, in)
_X = torch.randn(8, 2, generator=_g, dtype=torch.float64)
_T = torch.randn(8, 1, generator=_g, dtype=torch.float64)
_PARAMS = {"W1": torch.randn(5, 2, generator=_g, dtype=torch.float64),
           "b1": torch.randn(5, generator=_g, dtype=torch.float64),
           "W2": torch.randn(1, 5, generator=_g, dtype=torch.float64),
           "b2": torch.randn(1, generator=_g, dtype=torch.float64)}


# --- Exercise 1: where backprop starts --------------------------------------------------------------
def _ref_mse_grad(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return 2 * (y_hat - y) / y_hat.numel()


def _check_mse_grad(fn):
    y_hat = _Y_HAT.clone().requires_grad_()                          # the expected value: autograd of the MSE
    (want,) = torch.autograd.grad(torch.nn.functional.mse_loss(y_hat, _Y), y_hat)
    close(call(fn, _Y_HAT.clone(), _Y.clone()), want, "mse_grad(y_hat, y)", rtol=1e-9, atol=1e-12)


mse_grad = Exercise(
    "Exercise 1 · the first delta, dl/dy_hat of the MSE",
    _check_mse_grad,
    hints=["Differentiate mean((y_hat - y)**2) with respect to one entry of y_hat: the mean divides by the "
           "number of entries.", "The derivative of (y_hat_i - y_i)**2 is 2 (y_hat_i - y_i); then divide by N."],
    solution_text="def mse_grad(y_hat, y):\n    return 2 * (y_hat - y) / y_hat.numel()",
    reference=_ref_mse_grad,
    wrong=[lambda y_hat, y: 2 * (y_hat - y), lambda y_hat, y: 2 * (y - y_hat) / y.numel(),
           lambda y_hat, y: (y_hat - y) / y.numel()],
)


# --- Exercise 2: back through a sigmoid block ---------------------------------------------------------
_Z_S = torch.randn(5, 3, generator=_g, dtype=torch.float64)   # the block's input z
_S = torch.sigmoid(_Z_S)                                       # the block's OUTPUT s = sigma(z), what the learner gets


def _ref_sigmoid_backward(delta: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    return delta * s * (1 - s)


def _check_sigmoid_backward(fn):
    z = _Z_S.clone().requires_grad_()                                # the expected value: autograd through sigmoid
    (want,) = torch.autograd.grad(torch.sigmoid(z), z, grad_outputs=_DELTA)
    close(call(fn, _DELTA.clone(), _S.clone()), want, "sigmoid_backward(delta, s)", rtol=1e-9, atol=1e-12)


sigmoid_backward = Exercise(
    "Exercise 2 · back through a sigmoid block",
    _check_sigmoid_backward,
    hints=["You get the sigmoid's output s, not its input z, and the lecture writes sigma'(z) with sigma(z) itself.",
           "delta^L = delta^{L+1} * sigma'(z^L) elementwise, and sigma'(z) = s (1 - s): no exp, no second sigmoid."],
    solution_text="def sigmoid_backward(delta, s):\n    return delta * s * (1 - s)",
    reference=_ref_sigmoid_backward,
    wrong=[lambda d, s: d * torch.sigmoid(s) * (1 - torch.sigmoid(s)), lambda d, s: d * s,
           lambda d, s: s * (1 - s)],
)


# --- Exercise 3: a linear block backwards --------------------------------------------------------------
def _ref_linear_backward(delta: torch.Tensor, W: torch.Tensor, z: torch.Tensor):
    return delta @ W, delta.T @ z, delta.sum(0)


def _check_linear_backward(fn):
    z, W = _ZIN.clone().requires_grad_(), _W.clone().requires_grad_()    # the expected values: autograd through
    b = torch.zeros(_W.shape[0], dtype=torch.float64, requires_grad=True)  # the block z W^T + b (any b: same grads)
    wants = torch.autograd.grad(torch.nn.functional.linear(z, W, b), (z, W, b), grad_outputs=_DELTA)
    result = call(fn, _DELTA.clone(), _W.clone(), _ZIN.clone())
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise Incorrect("linear_backward must return three things: (delta_in, dW, db).")
    names = ["delta_in = dl/dz^L", "dW = dl/dW", "db = dl/db"]
    for got, want, name in zip(result, wants, names):
        close(got, want, name, rtol=1e-9, atol=1e-12)


linear_backward = Exercise(
    "Exercise 3 · a linear block backwards",
    _check_linear_backward,
    hints=["Check shapes: delta is (B, out), W is (out, in), z is (B, in); each result has the shape of what it "
           "is the gradient of: z (B, in), W (out, in), b (out,).",
           "delta_in is delta times W (the lecture's delta^L = delta^{L+1} W); dW pairs delta with z over the batch "
           "(a transpose and a matrix product); db adds delta up over the batch."],
    solution_text="def linear_backward(delta, W, z):\n    return delta @ W, delta.T @ z, delta.sum(0)",
    reference=_ref_linear_backward,
    wrong=[lambda d, W, z: (d @ W, z.T @ d, d.sum(0)), lambda d, W, z: (d @ W, d.T @ z, d.mean(0)),
           lambda d, W, z: (d @ W.T, d.T @ z, d.sum(0))],
)


# --- Exercise 4: a whole tanh network, by hand -----------------------------------------------------------
def _ref_tanh_net_gradients(p: dict, x: torch.Tensor, y: torch.Tensor) -> dict:
    h = torch.tanh(x @ p["W1"].T + p["b1"])          # (B, 5)
    y_hat = h @ p["W2"].T + p["b2"]                   # (B, 1)
    d2 = 2 * (y_hat - y) / y.numel()
    d1 = (d2 @ p["W2"]) * (1 - h ** 2)
    return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}


def _autograd_tanh_net(p: dict, x: torch.Tensor, y: torch.Tensor) -> dict:
    """The expected gradients: .backward() on the MSE of the same 2-5-1 tanh network, same float64 tensors."""
    leaves = {k: v.clone().requires_grad_() for k, v in p.items()}
    h = torch.tanh(torch.nn.functional.linear(x, leaves["W1"], leaves["b1"]))
    torch.nn.functional.mse_loss(torch.nn.functional.linear(h, leaves["W2"], leaves["b2"]), y).backward()
    return {k: v.grad for k, v in leaves.items()}


def _check_tanh_net(fn):
    want = _autograd_tanh_net(_PARAMS, _X, _T)
    params = {k: v.clone() for k, v in _PARAMS.items()}
    result = call(fn, params, _X.clone(), _T.clone())
    if not isinstance(result, dict) or set(result) != set(_PARAMS):
        raise Incorrect(f"return a dict with the keys {sorted(_PARAMS)}.")
    for name in _PARAMS:
        close(result[name], want[name], f"the gradient for {name}", rtol=1e-9, atol=1e-12)


tanh_net_gradients = Exercise(
    "Exercise 4 · backprop through a 2-5-1 tanh network",
    _check_tanh_net,
    hints=["Forward first and keep h = tanh(x W1^T + b1); then start from the first delta (Exercise 1) and walk "
           "back: output linear block, tanh, first linear block.",
           "tanh'(u) = 1 - tanh(u)**2 = 1 - h**2, so the delta before tanh is (d2 @ W2) * (1 - h**2); then reuse "
           "the linear-block rule of Exercise 3 twice."],
    solution_text="""def tanh_net_gradients(p, x, y):
    h = torch.tanh(x @ p["W1"].T + p["b1"])          # (B, 5)
    y_hat = h @ p["W2"].T + p["b2"]                   # (B, 1)
    d2 = 2 * (y_hat - y) / y.numel()                  # dl/dy_hat
    d1 = (d2 @ p["W2"]) * (1 - h ** 2)                # back through W2, then tanh
    return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}""",
    reference=_ref_tanh_net_gradients,
    wrong=[lambda p, x, y: {k: v * 0 for k, v in _ref_tanh_net_gradients(p, x, y).items()},
           lambda p, x, y: _wrong_tanh_no_derivative(p, x, y)],
)


def _wrong_tanh_no_derivative(p: dict, x: torch.Tensor, y: torch.Tensor) -> dict:
    """A typical slip: forgetting tanh' on the way back."""
    h = torch.tanh(x @ p["W1"].T + p["b1"])
    d2 = 2 * (h @ p["W2"].T + p["b2"] - y) / y.numel()
    d1 = d2 @ p["W2"]
    return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}
