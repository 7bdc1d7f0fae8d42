"""Inside a trained recurrent model: the LSTM's gates over a record, and how far back a state's gradient reaches.

Derived in 07_lstm.ipynb (section 6), which computes both by hand and checks them against these functions.
Both run the model's first layer step by step (PyTorch's equations, gate order i, f, g, o) on a record in
volts, normalised and with the first ``n_init`` measured outputs read in exactly as ``SequenceModel`` does.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from . import recurrent
from .checks import integer
from .sequences import SequenceModel, _signal

__all__ = ["lstm_trace", "state_gradient"]


def _inputs(model: SequenceModel, u, y) -> torch.Tensor:
    """The model's core input (1, T, features) for the record u, y (T,) in volts."""
    if not isinstance(model, SequenceModel):
        raise TypeError(f"model must be a SequenceModel (nnlab.sequences.make_model), got {type(model).__name__}")
    u_t, y_t = _signal(u, "u"), _signal(y, "y")
    if u_t.shape != y_t.shape:
        raise ValueError(f"u and y must have the same shape, got u {tuple(u_t.shape)} and y {tuple(y_t.shape)}")
    un = ((u_t - model.u_mean) / model.u_std)[None]
    yn = ((y_t - model.y_mean) / model.y_std)[None]
    return model.features(un, yn if model.n_init else None)


_LAYERS = {"LSTM": (nn.LSTM, recurrent.LSTM), "RNN": (nn.RNN, recurrent.RNN)}   # PyTorch's or the course's


def _core(model: SequenceModel, kind: str) -> nn.Module:
    if not isinstance(model, SequenceModel):
        raise TypeError(f"model must be a SequenceModel (nnlab.sequences.make_model), got {type(model).__name__}")
    core = model.core
    if not isinstance(core, _LAYERS[kind]) or core.num_layers != 1 or core.bidirectional \
            or getattr(core, "proj_size", 0):
        raise ValueError(f"model.core must be a one-layer, one-direction {kind} without projection, got "
                         f"{type(core).__name__}")
    return core


def _lstm_steps(core: nn.LSTM, x: torch.Tensor):
    """Yield (i, f, g, o, c, h) per step, each (1, H); x (1, T, I)."""
    h = c = torch.zeros(1, core.hidden_size, dtype=x.dtype)
    b = core.bias_ih_l0 + core.bias_hh_l0
    for t in range(x.shape[1]):
        z = x[:, t] @ core.weight_ih_l0.T + h @ core.weight_hh_l0.T + b           # (1, 4H)
        zi, zf, zg, zo = z.chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
        c = f * c + i * g
        h = o * torch.tanh(c)
        yield i, f, g, o, c, h


def lstm_trace(model: SequenceModel, u, y) -> dict[str, torch.Tensor]:
    """Gates and states of an LSTM model's layer over the record u, y (T,): "i", "f", "o", "c", "h", each (T, H)."""
    core = _core(model, "LSTM")
    with torch.no_grad():
        steps = list(_lstm_steps(core, _inputs(model, u, y)))
    return {name: torch.cat([s[k] for s in steps]) for k, name in [(0, "i"), (1, "f"), (3, "o"), (4, "c"), (5, "h")]}


def state_gradient(model: SequenceModel, u, y, max_lag: int = 200) -> torch.Tensor:
    """|d sum(s(T)) / d s(T-k)| for k = 0..max_lag, (max_lag + 1,): s the cell state c of an LSTM, the state h
    of a vanilla tanh RNN, T the record's last sample."""
    is_lstm = isinstance(getattr(model, "core", None), _LAYERS["LSTM"])
    core = _core(model, "LSTM" if is_lstm else "RNN")
    if not is_lstm and core.nonlinearity != "tanh":
        raise ValueError("model.core must be a tanh RNN")
    x = _inputs(model, u, y).detach()
    max_lag = integer("max_lag", max_lag, 0, x.shape[1] - 1)
    if is_lstm:
        states = [s[4] for s in _lstm_steps(core, x)]
    else:
        h, states = torch.zeros(1, core.hidden_size, dtype=x.dtype), []
        for t in range(x.shape[1]):
            h = torch.tanh(x[:, t] @ core.weight_ih_l0.T + core.bias_ih_l0 + h @ core.weight_hh_l0.T + core.bias_hh_l0)
            states.append(h)
    grads = torch.autograd.grad(states[-1].sum(), states[-1 - max_lag:])
    return torch.stack([g.norm() for g in grads]).flip(0).detach()             # index = lag k
