"""Exercises of 07_lstm.ipynb: one LSTM step, the LSTM's parameter count, the cell state under a shut input gate."""
from __future__ import annotations

import torch

from ..metrics import n_params
from .core import Exercise, Incorrect, call, close

_G = torch.Generator().manual_seed(7)
_B, _I, _H = 3, 2, 4
_U, _H0, _C0 = (torch.randn(_B, n, generator=_G) for n in (_I, _H, _H))
_W_IH, _W_HH = torch.randn(4 * _H, _I, generator=_G), torch.randn(4 * _H, _H, generator=_G)
_BIAS = torch.randn(4 * _H, generator=_G)


def _ref_step(u, h, c, W_ih, W_hh, b):
    zi, zf, zg, zo = (u @ W_ih.T + h @ W_hh.T + b).chunk(4, dim=1)
    c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zg)
    return torch.sigmoid(zo) * torch.tanh(c), c


def _torch_lstm_step(u, h, c, W_ih, W_hh, b):
    """The expected (h, c): torch.nn.LSTMCell (gates i, f, g, o) holding these weights, b as bias_ih, bias_hh = 0.

    Built on the meta device and given the weights by assignment, so no random initialisation runs: checking
    leaves torch's global random state, and so the notebook's later cells, as they were.
    """
    cell = torch.nn.LSTMCell(W_ih.shape[1], W_hh.shape[1], device="meta")
    cell.load_state_dict({"weight_ih": W_ih.clone(), "weight_hh": W_hh.clone(), "bias_ih": b.clone(),
                          "bias_hh": torch.zeros_like(b)}, assign=True)
    with torch.no_grad():
        return cell(u, (h, c))


def _check_step(fn):
    h_ref, c_ref = _torch_lstm_step(_U, _H0, _C0, _W_IH, _W_HH, _BIAS)
    got = call(fn, _U.clone(), _H0.clone(), _C0.clone(), _W_IH.clone(), _W_HH.clone(), _BIAS.clone())
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Incorrect("return a pair (h, c), both of shape (B, H).")
    h, c = got
    if torch.is_tensor(c) and c.shape == c_ref.shape and not torch.allclose(c, c_ref, atol=1e-5):
        zi, zf, zg, zo = (_U @ _W_IH.T + _H0 @ _W_HH.T + _BIAS).chunk(4, dim=1)
        swapped = torch.sigmoid(zi) * _C0 + torch.sigmoid(zf) * torch.tanh(zg)
        if torch.allclose(c, swapped, atol=1e-5):
            raise Incorrect("c is off: the FORGET gate (second block of H rows) multiplies c(t-1), the input "
                            "gate (first block) multiplies g.")
    close(c, c_ref, "the new cell state c", rtol=1e-5, atol=1e-6)
    close(h, h_ref, "the new hidden state h", rtol=1e-5, atol=1e-6)


lstm_step = Exercise(
    "Exercise 1 · one LSTM step",
    _check_step,
    hints=["Compute all four pre-activations at once, z = u W_ih^T + h W_hh^T + b (B, 4H), then z.chunk(4, dim=1).",
           "i, f, o go through sigmoid and g through tanh; c = f * c + i * g; h = o * tanh(c)."],
    solution_text="""
def my_lstm_step(u, h, c, W_ih, W_hh, b):
    zi, zf, zg, zo = (u @ W_ih.T + h @ W_hh.T + b).chunk(4, dim=1)
    i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
    c = f * c + i * g
    return o * torch.tanh(c), c
""",
    reference=_ref_step,
    wrong=[lambda u, h, c, W_ih, W_hh, b: _ref_step(u, h, c, W_ih, W_hh, b)[::-1],
           lambda u, h, c, W_ih, W_hh, b: _swapped_step(u, h, c, W_ih, W_hh, b)],
)


def _swapped_step(u, h, c, W_ih, W_hh, b):
    zi, zf, zg, zo = (u @ W_ih.T + h @ W_hh.T + b).chunk(4, dim=1)
    c = torch.sigmoid(zi) * c + torch.sigmoid(zf) * torch.tanh(zg)
    return torch.sigmoid(zo) * torch.tanh(c), c


def _ref_params(I, H):
    return 4 * H * (I + H) + 8 * H


def _check_params(fn):
    for I, H in [(1, 16), (10, 20), (3, 64)]:
        got = call(fn, I, H)
        expected = n_params(torch.nn.LSTM(I, H, device="meta"))  # no random init
        if got == expected - 4 * H:
            raise Incorrect(f"for I={I}, H={H} you are {4 * H} short: nn.LSTM has TWO bias vectors per gate.")
        if got != expected:
            raise Incorrect(f"for I={I}, H={H} you count {got}; count W_ih, W_hh and the biases of all four gates.")


lstm_params = Exercise(
    "Exercise 2 · parameters of an LSTM layer",
    _check_params,
    hints=["Four gates, each with an (H, I) input matrix, an (H, H) recurrent matrix and biases.",
           "nn.LSTM has two biases per gate (b_ih and b_hh): 4 * H * (I + H) + 4 * 2 * H."],
    solution_text="""
def my_lstm_params(I, H):
    return 4 * H * (I + H) + 8 * H
""",
    reference=_ref_params,
    wrong=[lambda I, H: 4 * H * (I + H) + 4 * H, lambda I, H: H * (I + H) + 2 * H],
)


def _ref_cell(c0, f, k):
    return f ** k * c0


def _run_cell(c0, f, k):
    """The expected state: k LSTM updates c = f * c + i * g with the input gate shut (i = 0), one step at a time."""
    c, i, g = c0, 0.0, 1.0
    for _ in range(k):
        c = f * c + i * g
    return c


def _check_cell(fn):
    for c0, f, k in [(2.0, 0.9, 10), (-1.5, 0.5, 3), (1.0, 0.99, 100), (0.7, 1.0, 50)]:
        want = _run_cell(c0, f, k)
        got = call(fn, c0, f, k)
        added = c0 * f * k                                       # the mistake: f added k times, not multiplied
        if isinstance(got, (int, float)) and abs(got - added) < 1e-9 and abs(added - want) > 1e-6:
            raise Incorrect("the forget gate multiplies the cell state at EVERY step: repeated, not added.")
        close(got, want, f"the cell state for c0={c0}, f={f}, k={k}", rtol=1e-6, atol=1e-9)


cell_after = Exercise(
    "Exercise 3 · the cell state with a shut input gate",
    _check_cell,
    hints=["With i = 0 the update is c(t) = f * c(t-1): nothing is added.",
           "Apply the same factor f k times."],
    solution_text="""
def my_cell_after(c0, f, k):
    return f ** k * c0
""",
    reference=_ref_cell,
    wrong=[lambda c0, f, k: c0 * f * k, lambda c0, f, k: c0 * f],
)
