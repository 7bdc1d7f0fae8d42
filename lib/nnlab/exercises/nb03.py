"""Exercises of 03_feedforward_networks.ipynb: parameter counts, an explicit forward pass, RMSE in k$."""
from __future__ import annotations

import torch

from .. import ffn
from .core import Exercise, Incorrect, call, close


def _check_count(fn) -> None:
    for sizes in ([4, 200, 300, 1], [3, 1], [10, 5, 5, 5, 2]):
        got = call(fn, list(sizes))
        want = ffn.param_count(list(sizes))
        if float(got) != want:
            raise Incorrect(f"param_count({sizes}) gives {float(got):,.0f}; compare with "
                            "sum(p.numel() for p in mlp(sizes).parameters()).")


param_count = Exercise(
    "Exercise 1 · count the parameters", _check_count,
    hints=["Go through consecutive pairs of sizes (n_in, n_out): zip(sizes[:-1], sizes[1:]).",
           "Each layer has a weight matrix n_out x n_in AND a bias vector of n_out entries."],
    solution_text="def param_count(sizes):\n    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))",
    reference=lambda sizes: sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])),
    wrong=[lambda sizes: sum(a * b for a, b in zip(sizes[:-1], sizes[1:])),
           lambda sizes: sum((a + 1) * (b + 1) for a, b in zip(sizes[:-1], sizes[1:]))])

_G = torch.Generator().manual_seed(3)
_X = torch.randn(5, 4, generator=_G, dtype=torch.float64)
_W1, _B1 = torch.randn(6, 4, generator=_G, dtype=torch.float64), torch.randn(6, generator=_G, dtype=torch.float64)
_W2, _B2 = torch.randn(1, 6, generator=_G, dtype=torch.float64), torch.randn(1, generator=_G, dtype=torch.float64)


def _check_forward(fn) -> None:
    want = ffn.explicit_forward(_X, [_W1, _W2], [_B1, _B2], "sigmoid")
    close(call(fn, _X.clone(), _W1.clone(), _B1.clone(), _W2.clone(), _B2.clone()), want,
          "forward(x, W1, b1, W2, b2)", rtol=1e-6)


forward = Exercise(
    "Exercise 2 · a one-hidden-layer net by hand", _check_forward,
    hints=["Rows of x are examples: W1 is (6, 4) like nn.Linear's weight, so multiply by its transpose.",
           "sigma goes on the hidden layer only; the output layer is linear, as in y = W2 sigma(W1 x + b1) + b2."],
    solution_text="def forward(x, W1, b1, W2, b2):\n    h = torch.sigmoid(x @ W1.T + b1)  # (B, 6)\n"
                  "    return h @ W2.T + b2              # (B, 1)",
    reference=lambda x, W1, b1, W2, b2: torch.sigmoid(x @ W1.T + b1) @ W2.T + b2,
    wrong=[lambda x, W1, b1, W2, b2: torch.sigmoid(torch.sigmoid(x @ W1.T + b1) @ W2.T + b2),
           lambda x, W1, b1, W2, b2: torch.sigmoid(x @ W1.T) @ W2.T + b2 + b1.sum()])


def _check_rmse(fn) -> None:
    for mse_std, y_std in [(0.25, 100.0), (1.0, 97.8), (0.49, 50.0)]:
        close(call(fn, mse_std, y_std), mse_std ** 0.5 * y_std, f"rmse_k({mse_std}, {y_std})", rtol=1e-9)


rmse_k = Exercise(
    "Exercise 3 · from a standardised loss back to k$", _check_rmse,
    hints=["The net predicts (price - mean) / std; an error of e in those units is e * std in k$.",
           "The MSE is in squared units: take the root first, then scale."],
    solution_text="def rmse_k(mse_std, y_std):\n    return mse_std ** 0.5 * y_std",
    reference=lambda m, s: m ** 0.5 * s, wrong=[lambda m, s: m * s, lambda m, s: (m * s) ** 0.5])
