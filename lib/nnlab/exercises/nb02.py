"""Exercises of 02_sigmoid_neuron.ipynb: the derivative, one neuron, its midpoint, and a logic gate."""
from __future__ import annotations

import torch

from ..neuron import neuron as one_neuron
from ..neuron import sigmoid_prime
from .core import Exercise, Incorrect, call, close

_Z = torch.linspace(-8, 8, 33, dtype=torch.float64)
_X = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-2.0, 1.0, 1.0], [0.0, 0.0, 0.0]], dtype=torch.float64)
_W = torch.tensor([0.7, -1.2, 0.4], dtype=torch.float64)
_B = 0.3


def _check_dsigmoid(fn) -> None:
    close(call(fn, _Z.clone()), sigmoid_prime(_Z), "dsigmoid(z)", rtol=1e-6, atol=1e-9)


dsigmoid = Exercise(
    "Exercise 1 · the derivative of the sigmoid", _check_dsigmoid,
    hints=["Write the derivative with sigma itself: no exp needed once you have s = torch.sigmoid(z).",
           "The derivative is largest (1/4) at z = 0, where s = 1/2; check your formula gives that."],
    solution_text="def dsigmoid(z):\n    s = torch.sigmoid(z)\n    return s * (1 - s)",
    reference=lambda z: torch.sigmoid(z) * (1 - torch.sigmoid(z)),
    wrong=[lambda z: torch.sigmoid(z) * (1 + torch.sigmoid(z)), lambda z: torch.exp(-z) / (1 + torch.exp(-z))])


def _check_neuron(fn) -> None:
    close(call(fn, _X.clone(), _W.clone(), _B), one_neuron(_X, _W, _B), "neuron(x, w, b)", rtol=1e-6)


neuron = Exercise(
    "Exercise 2 · one neuron on a batch", _check_neuron,
    hints=["x is (N, n) and w is (n,): one matrix-vector product gives the N weighted sums.",
           "Add b before the non-linearity, and return shape (N,)."],
    solution_text="def neuron(x, w, b):\n    return torch.sigmoid(x @ w + b)  # (N,)",
    reference=lambda x, w, b: torch.sigmoid(x @ w + b),
    wrong=[lambda x, w, b: torch.sigmoid(x @ w) + b, lambda x, w, b: torch.sigmoid(x * w + b),
           lambda x, w, b: x @ w + b])


def _check_midpoint(fn) -> None:
    for w, b in [(2.0, 1.0), (-0.5, 3.0), (4.0, -2.0)]:
        got = call(fn, w, b)
        if abs(float(torch.sigmoid(torch.tensor(w * float(got) + b))) - 0.5) > 1e-9:
            raise Incorrect(f"for w = {w}, b = {b} the neuron's output at your x is not 0.5.")


midpoint = Exercise(
    "Exercise 3 · where the neuron switches", _check_midpoint,
    hints=["sigma(z) = 0.5 exactly when z = 0.", "Solve w x + b = 0 for x."],
    solution_text="def midpoint(w, b):\n    return -b / w",
    reference=lambda w, b: -b / w, wrong=[lambda w, b: b / w, lambda w, b: -w / b])


def _check_and_gate(answer) -> None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Incorrect(f"give three numbers (w1, w2, b), got {answer!r}.")
    w1, w2, b = (float(a) for a in answer)
    for x1 in (0, 1):
        for x2 in (0, 1):
            y = 1 / (1 + torch.exp(torch.tensor(-(w1 * x1 + w2 * x2 + b), dtype=torch.float64)))
            want = x1 and x2
            if (want and y < 0.9) or (not want and y > 0.1):
                raise Incorrect(f"for inputs ({x1}, {x2}) the output is {float(y):.2f}; "
                                f"it should be {'above 0.9' if want else 'below 0.1'}.")


and_gate = Exercise(
    "Exercise 4 · a neuron that computes AND", _check_and_gate,
    hints=["Only the input (1, 1) may push w1 x1 + w2 x2 + b above 0; one input alone must stay clearly below.",
           "Large equal weights and a bias of about -1.5 times a weight: sigma(+-5) is about 0.993 / 0.007."],
    solution_text="(10.0, 10.0, -15.0)  # z = -15, -5, -5, +5 for (0,0), (0,1), (1,0), (1,1)",
    reference=(10.0, 10.0, -15.0), wrong=[(10.0, 10.0, -5.0), (1.0, 1.0, -1.5), (10.0, 10.0)])
