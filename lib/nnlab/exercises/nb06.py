"""Exercises of 06_recurrent_networks.ipynb: one RNN step, counting windows, the washout loss, RNN parameters."""
from __future__ import annotations

import torch

from ..metrics import n_params
from ..sequences import subsequences
from .core import Exercise, Incorrect, call, close

_G = torch.Generator().manual_seed(6)
_U, _H = torch.randn(3, 2, generator=_G), torch.randn(3, 4, generator=_G)
_W_UH, _W_HH, _B = torch.randn(4, 2, generator=_G), torch.randn(4, 4, generator=_G), torch.randn(4, generator=_G)


def _ref_step(u, h, W_uh, W_hh, b_h):
    return torch.tanh(u @ W_uh.T + h @ W_hh.T + b_h)


def _torch_rnn_step(u, h, W_uh, W_hh, b_h):
    """The expected state: torch.nn.RNNCell (tanh) holding these weights, b_h as bias_ih and a zero bias_hh.

    Built on the meta device and given the weights by assignment, so no random initialisation runs: checking
    leaves torch's global random state, and so the notebook's later cells, as they were.
    """
    cell = torch.nn.RNNCell(W_uh.shape[1], W_uh.shape[0], device="meta")
    cell.load_state_dict({"weight_ih": W_uh.clone(), "weight_hh": W_hh.clone(), "bias_ih": b_h.clone(),
                          "bias_hh": torch.zeros_like(b_h)}, assign=True)
    with torch.no_grad():
        return cell(u, h)


def _check_step(fn):
    want = _torch_rnn_step(_U, _H, _W_UH, _W_HH, _B)
    got = call(fn, _U.clone(), _H.clone(), _W_UH.clone(), _W_HH.clone(), _B.clone())
    if not isinstance(got, torch.Tensor):
        raise Incorrect(f"return a tensor of shape (B, H) = {tuple(_H.shape)}, got {type(got).__name__}.")
    if got.shape == _H.shape and torch.allclose(got, _U @ _W_UH.T + _H @ _W_HH.T + _B, atol=1e-6):
        raise Incorrect("the values are the pre-activation: the state goes through tanh.")
    close(got, want, "the new state h", rtol=1e-5, atol=1e-6)


rnn_step = Exercise(
    "Exercise 1 · one vanilla RNN step",
    _check_step,
    hints=["Rows are samples: multiply u (B, I) by W_uh transposed, h (B, H) by W_hh transposed.",
           "h_new = tanh(u W_uh^T + h W_hh^T + b_h); in torch: `@`, `.T` and torch.tanh."],
    solution_text="""
def my_rnn_step(u, h, W_uh, W_hh, b_h):
    return torch.tanh(u @ W_uh.T + h @ W_hh.T + b_h)
""",
    reference=_ref_step,
    wrong=[lambda u, h, W_uh, W_hh, b_h: u @ W_uh.T + h @ W_hh.T + b_h,
           lambda u, h, W_uh, W_hh, b_h: torch.tanh(u @ W_uh.T + b_h)],
)


def _ref_windows(T, L, stride):
    return (T - L) // stride + 1


_WINDOW_CASES = [(1024, 128, 128), (1024, 128, 16), (1024, 100, 30), (10, 10, 3), (50, 7, 1)]


def _count_windows(T, L, stride):
    """The expected count: the windows nnlab.sequences.subsequences (Tensor.unfold) cuts from a record of T samples."""
    return subsequences(torch.zeros(T), torch.zeros(T), L, stride)[0].shape[0]


def _check_windows(fn):
    for T, L, s in _WINDOW_CASES:
        want = _count_windows(T, L, s)
        got = call(fn, T, L, s)
        if got != want:
            raise Incorrect(f"for T={T}, L={L}, stride={s} you get {got}: count the start times 0, stride, ... "
                            "whose window still ends inside the record.")


n_windows = Exercise(
    "Exercise 2 · how many subsequences",
    _check_windows,
    hints=["The last window must end at or before sample T - 1, so its start is at most T - L.",
           "Starts are 0, stride, 2*stride, ... <= T - L: integer division counts them."],
    solution_text="""
def my_n_windows(T, L, stride):
    return (T - L) // stride + 1
""",
    reference=_ref_windows,
    wrong=[lambda T, L, stride: T // stride, lambda T, L, stride: (T - L) // stride],
)

_YH, _Y = torch.randn(4, 10, generator=_G), torch.randn(4, 10, generator=_G)


def _ref_washout(y_hat, y, washout):
    return ((y_hat[:, washout:] - y[:, washout:]) ** 2).mean()


def _check_washout(fn):
    for w in [0, 3, 9]:
        want = torch.nn.functional.mse_loss(_YH[:, w:], _Y[:, w:])   # the expected value: torch's own MSE
        got = call(fn, _YH.clone(), _Y.clone(), w)
        if w == 3 and torch.is_tensor(got) and torch.allclose(got, ((_YH - _Y) ** 2).mean()):
            raise Incorrect("with washout=3 the first 3 samples of every window must be left out.")
        if w == 3 and torch.is_tensor(got) and torch.allclose(got, ((_YH[3:] - _Y[3:]) ** 2).mean()):
            raise Incorrect("you skipped the first windows (rows); skip the first samples (columns) of every window.")
        close(got, want, f"the loss with washout={w}", rtol=1e-5, atol=1e-7)


washout_mse = Exercise(
    "Exercise 3 · the washout loss",
    _check_washout,
    hints=["Windows are rows and time runs along the columns: slice the columns.",
           "Slice both tensors with [:, washout:], then take the mean of the squared difference."],
    solution_text="""
def my_washout_mse(y_hat, y, washout):
    return ((y_hat[:, washout:] - y[:, washout:]) ** 2).mean()
""",
    reference=_ref_washout,
    wrong=[lambda y_hat, y, washout: ((y_hat - y) ** 2).mean(),
           lambda y_hat, y, washout: ((y_hat[washout:] - y[washout:]) ** 2).mean()],
)


def _ref_params(I, H):
    layer0 = 2 * (H * I + H * H + 2 * H)
    layer1 = 2 * (H * 2 * H + H * H + 2 * H)
    return layer0 + layer1


def _check_params(fn):
    for I, H in [(1, 4), (3, 8), (10, 20)]:
        got = call(fn, I, H)
        expected = n_params(torch.nn.RNN(I, H, num_layers=2, bidirectional=True, device="meta"))  # no random init
        if got != expected:
            hint = ""
            if got == _ref_params(I, H) - 2 * H * H:            # second layer counted with H inputs
                hint = " The second layer reads both directions: 2H features."
            raise Incorrect(f"for I={I}, H={H} you count {got} parameters, which is not right.{hint} "
                            "Per layer and direction: W_ih, W_hh and two biases.")


rnn_params = Exercise(
    "Exercise 4 · parameters of a 2-layer bidirectional RNN",
    _check_params,
    hints=["Per layer and direction: W_ih (H x inputs), W_hh (H x H), b_ih and b_hh (H each).",
           "Layer 0 reads I features; layer 1 reads the concatenated states of both directions, 2H features."],
    solution_text="""
def my_rnn_params(I, H):
    layer0 = 2 * (H * I + H * H + 2 * H)        # two directions
    layer1 = 2 * (H * 2 * H + H * H + 2 * H)    # reads [forward, backward] = 2H features
    return layer0 + layer1
""",
    reference=_ref_params,
    wrong=[lambda I, H: 2 * (H * I + H * H + 2 * H) + 2 * (H * H + H * H + 2 * H),
           lambda I, H: (H * I + H * H + 2 * H) + (H * H + H * H + 2 * H)],
)
