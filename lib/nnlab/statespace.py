"""A neural state-space model, also a recurrent network: x(t+1) = x(t) + f(x(t), u(t)), y^(t) = C x(t) + d.

Introduced in 07_lstm.ipynb as the course's best recurrent model on the real cascaded-tanks rig. f is a
one-hidden-layer tanh network; the initial state x(0) is estimated by a linear **encoder** from the first
``n_init`` measured inputs and outputs (the samples the score skips), the idea of the deep-encoder
state-space models (Beintema, Tóth, Schoukens 2021). ``StateSpaceCore`` has the interface of a batch-first
recurrent layer, so it plugs into ``nnlab.sequences.SequenceModel`` and trains with ``fit_sequence`` and
``simulate`` like the RNN and the LSTM: the read-out is the model's linear ``readout`` (C, d).
"""
from __future__ import annotations

import torch
import torch.nn as nn

from . import training
from .checks import integer
from .sequences import SEED_MAX, SequenceModel, _windows

__all__ = ["StateSpaceCore", "make_statespace"]


class StateSpaceCore(nn.Module):
    """Features (N, L, 3) = [u, measured y for t < n_init, flag] -> states x (N, L, state_size), last state.

    x(0) = E [u(0..n_init-1), y(0..n_init-1)] (a linear encoder); then x(t+1) = x(t) + W2 tanh(W1 [x(t); u(t)]
    + b1) + b2. The increment's last layer starts at a tenth of its default scale (a slow, nearly constant
    start) and b2 at 0.
    """

    batch_first, bidirectional, proj_size, input_size = True, False, 0, 3

    def __init__(self, state_size: int = 3, hidden: int = 16, n_init: int = 5) -> None:
        super().__init__()
        self.hidden_size = integer("state_size", state_size, 1)
        self.hidden, self.n_init = integer("hidden", hidden, 1), integer("n_init", n_init, 1)
        self.f_in = nn.Linear(self.hidden_size + 1, self.hidden)
        self.f_out = nn.Linear(self.hidden, self.hidden_size)
        self.encoder = nn.Linear(2 * self.n_init, self.hidden_size)
        with torch.no_grad():
            self.f_out.weight.mul_(0.1)
            self.f_out.bias.zero_()

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (N, L, 3), L >= n_init -> (states (N, L, state_size), last state (N, state_size))."""
        if not isinstance(x, torch.Tensor) or x.ndim != 3 or x.shape[-1] != 3:
            got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"x must have shape (N, L, 3) (windows, samples, [u, y, flag]), got {got}")
        if x.shape[1] < self.n_init:
            raise ValueError(f"x must hold at least n_init = {self.n_init} samples per window, got {x.shape[1]}")
        _windows("x[..., 0]", x[..., 0], x.dtype)
        u, y, n = x[..., 0], x[..., 1], self.n_init
        s = self.encoder(torch.cat([u[:, :n], y[:, :n]], dim=1))          # (N, nx): x(0)
        w_x, w_u = self.f_in.weight[:, :-1].t(), self.f_in.weight[:, -1]   # (nx, hidden), (hidden,)
        w_out, b_out = self.f_out.weight.t(), self.f_out.bias              # (hidden, nx), (nx,)
        z_u = (u.unsqueeze(-1) * w_u + self.f_in.bias).unbind(1)          # L x (N, hidden): the input's part, at once
        states = []
        for z in z_u:                                                     # as few operations per step as possible
            states.append(s)
            s = s + torch.addmm(b_out, torch.tanh(torch.addmm(z, s, w_x)), w_out)
        return torch.stack(states, dim=1), s                              # (N, L, nx), (N, nx)


def make_statespace(state_size: int = 3, hidden: int = 16, n_init: int = 5, seed: int = 0) -> SequenceModel:
    """A SequenceModel whose core is a StateSpaceCore (weights drawn in a seeded block); train it with
    ``nnlab.sequences.fit_sequence`` (washout >= n_init) and run it with ``nnlab.sequences.simulate``."""
    seed = integer("seed", seed, 0, SEED_MAX)
    with training.seeded(seed):
        return SequenceModel(StateSpaceCore(state_size, hidden, n_init), n_init=integer("n_init", n_init, 1))
