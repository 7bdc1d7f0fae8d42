"""Exercises of 08_playground.ipynb: count the playground network's parameters, the L1/L2 penalty, accuracy."""
from __future__ import annotations

import torch

from ..ffn import mlp
from ..metrics import n_params as count_params
from .core import Exercise, Incorrect, call, close

_SHAPES = [(0, 4), (1, 1), (1, 8), (2, 4), (3, 5), (6, 8)]  # (hidden layers, neurons per layer)


def _count(layers: int, neurons: int) -> int:
    with torch.device("meta"):                      # counts shapes only: leaves the random state alone
        return count_params(mlp([2] + [neurons] * layers + [1]))


def _check_params(fn):
    for layers, neurons in _SHAPES:
        got = call(fn, layers, neurons)
        if got != _count(layers, neurons):
            raise Incorrect(f"n_params({layers}, {neurons}) = {got} does not match the network "
                            "2 -> hidden layers -> 1 (check the first and last layers, and the biases).")


n_params = Exercise(
    "Exercise 1 · count the playground network's parameters",
    _check_params,
    hints=["Each Linear(a, b) layer holds a weight matrix (b, a) and a bias vector (b,): a*b + b numbers.",
           "The layer sizes are 2, then `neurons` repeated `layers` times, then 1; with 0 hidden layers it is "
           "one Linear(2, 1)."],
    solution_text=("def n_params(layers, neurons):\n    sizes = [2] + [neurons] * layers + [1]\n"
                   "    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))"),
    reference=lambda L, n: sum(a * b + b for a, b in zip([2] + [n] * L, [n] * L + [1])),
    wrong=[lambda L, n: sum(a * b for a, b in zip([2] + [n] * L, [n] * L + [1])),
           lambda L, n: 2 * n + (L - 1) * n * n + n + 1 if L else 3, lambda L, n: L * (n * n + n)],
)

_g = torch.Generator().manual_seed(8)
_W = [torch.randn(4, 2, generator=_g), torch.randn(4, 4, generator=_g), torch.randn(1, 4, generator=_g)]


def _check_penalty(fn):
    for l1, l2 in [(0.01, 0.0), (0.0, 0.03), (0.1, 0.001)]:
        every = torch.cat([w.flatten() for w in _W])          # the expected value: torch's vector norms
        expected = l1 * torch.linalg.vector_norm(every, ord=1) + l2 * torch.linalg.vector_norm(every, ord=2) ** 2
        close(call(fn, _W, l1, l2), expected, f"penalty(weights, l1={l1}, l2={l2})", rtol=1e-5)


penalty = Exercise(
    "Exercise 2 · the L1 + L2 penalty",
    _check_penalty,
    hints=["L1 adds up absolute values, L2 adds up squares, over every entry of every weight matrix.",
           "Sum over all matrices (not the mean), then scale: l1 * (Σ |w|) + l2 * (Σ w²)."],
    solution_text=("def penalty(weights, l1, l2):\n"
                   "    return l1 * sum(w.abs().sum() for w in weights) + l2 * sum((w ** 2).sum() for w in weights)"),
    reference=lambda W, l1, l2: l1 * sum(w.abs().sum() for w in W) + l2 * sum((w ** 2).sum() for w in W),
    wrong=[lambda W, l1, l2: l1 * sum(w.abs().mean() for w in W) + l2 * sum((w ** 2).mean() for w in W),
           lambda W, l1, l2: l1 * sum((w ** 2).sum() for w in W) + l2 * sum(w.abs().sum() for w in W),
           lambda W, l1, l2: l1 * sum(w.sum() for w in W) + l2 * sum((w ** 2).sum() for w in W)],
)

_logits = torch.tensor([2.0, -1.0, 0.5, -3.0, 0.1, -0.2, 4.0, -0.5])
_labels = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0])


def _check_accuracy(fn):
    # the expected value, counted in plain Python: a logit above 0 predicts label 1
    hits = sum((z > 0) == (t == 1.0) for z, t in zip(_logits.tolist(), _labels.tolist()))
    expected = hits / len(_labels)
    got = call(fn, _logits, _labels)
    if abs(float(got) - float(1 - expected)) < 1e-9:
        raise Incorrect("that is the error rate (the fraction of wrong labels), not the accuracy.")
    close(got, expected, "accuracy(logits, labels)", rtol=1e-6)


accuracy = Exercise(
    "Exercise 3 · accuracy from logits",
    _check_accuracy,
    hints=["The network outputs a logit z; P(label 1) = sigmoid(z) is above 1/2 exactly when z is above 0.",
           "Predict 1 where logits > 0, compare with the labels, and average the matches as floats."],
    solution_text="def accuracy(logits, labels):\n    return ((logits > 0).float() == labels).float().mean()",
    reference=lambda z, y: ((z > 0).float() == y).float().mean(),
    wrong=[lambda z, y: ((torch.sigmoid(z) > 0).float() == y).float().mean(),
           lambda z, y: ((z > 0).float() != y).float().mean(), lambda z, y: ((z > 0.5).float() == y).float().mean()],
)
