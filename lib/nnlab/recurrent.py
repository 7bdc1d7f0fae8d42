"""Recurrent layers from scratch: ``RNN`` and ``LSTM`` with PyTorch's arguments, parameter names and outputs.

Derived in 06_recurrent_networks.ipynb (RNN) and 07_lstm.ipynb (LSTM). Plain tensor operations and an
explicit loop over time; no ``nn.RNN``/``nn.LSTM`` inside, so ``load_state_dict`` swaps weights both ways.
``bptt=True`` (keyword only) runs each layer through the hand-written backward through time in ``nnlab.bptt``.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .bptt import LSTMLayerBPTT, RNNLayerBPTT, _all_finite, _shape, _tensor
from .checks import choice, finite, flag, float_dtype, integer, non_empty, number, string

__all__ = ["NONLINEARITIES", "rnn_cell", "lstm_cell", "RNN", "LSTM"]

NONLINEARITIES = ("tanh", "relu")                                     # nn.RNN's two choices of f in h(t) = f(z)


def _check_cell(gates: int, u, h, c, w_ih, w_hh, b_ih, b_hh, w_hr) -> None:
    """One step's arguments: u (N, I) or (I,), h (N, H_out), c (N, H) (LSTM), w_ih (G*H, I), w_hh (G*H, H_out),
    biases (G*H,) or None, w_hr (H_out, H) or None; all float32/float64 tensors of u's dtype, finite, non-empty.
    ValueError naming both shapes for a wrong shape; TypeError for a wrong type or dtype."""
    u = _tensor("u", u)
    if u.dim() not in (1, 2):
        raise ValueError(f"u must have shape (N, input_size) or (input_size,), got shape {tuple(u.shape)}")
    non_empty("u", u)
    w_ih = _tensor("w_ih", w_ih, u.dtype)
    gate_rows = f"{gates}*hidden_size" if gates > 1 else "hidden_size"
    if w_ih.dim() != 2 or w_ih.shape[0] == 0 or w_ih.shape[0] % gates:
        raise ValueError(f"w_ih: expected shape ({gate_rows}, input_size={u.shape[-1]}), got {tuple(w_ih.shape)}")
    if w_ih.shape[1] != u.shape[-1]:
        raise ValueError(f"u has shape {tuple(u.shape)} but w_ih has shape {tuple(w_ih.shape)}: u must be "
                         f"(N, input_size) with input_size = the {w_ih.shape[1]} columns of w_ih")
    rows = w_ih.shape[0]
    size = rows // gates
    batch = tuple(u.shape[:-1])
    if w_hr is not None:
        w_hr = _tensor("w_hr", w_hr, u.dtype)
        if w_hr.dim() != 2:
            raise ValueError(f"w_hr: expected shape (proj_size, hidden_size={size}), got {tuple(w_hr.shape)}")
        _shape("w_hr", w_hr, (w_hr.shape[0], size), "(proj_size, hidden_size)")
    h_out = size if w_hr is None else w_hr.shape[0]
    _shape("w_hh", _tensor("w_hh", w_hh, u.dtype), (rows, h_out),
           f"({gate_rows}, {'proj_size' if w_hr is not None else 'hidden_size'})")
    _shape("h", _tensor("h", h, u.dtype), batch + (h_out,), "(N, hidden_size)" if batch else "(hidden_size,)")
    if gates > 1:
        _shape("c", _tensor("c", c, u.dtype), batch + (size,), "(N, hidden_size)" if batch else "(hidden_size,)")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None:
            _shape(name, _tensor(name, b, u.dtype), (rows,), f"({gate_rows},)")
    for name, x in (("u", u), ("h", h), ("c", c), ("w_ih", w_ih), ("w_hh", w_hh), ("b_ih", b_ih), ("b_hh", b_hh),
                    ("w_hr", w_hr)):
        if x is not None:
            finite(name, x)                                           # bad data, not a divergence


def rnn_cell(u: torch.Tensor, h: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
             b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None,
             nonlinearity: str = "tanh") -> torch.Tensor:
    """One vanilla RNN step h(t) = f(W_ih u(t) + b_ih + W_hh h(t-1) + b_hh): u (N, I), h (N, H) -> (N, H).

    f is tanh or relu (``nonlinearity``); any other name is a ValueError. Wrong shapes (both are named),
    NaN/inf or an empty batch are a ValueError; anything but float32/float64 tensors of one dtype a TypeError.
    """
    choice("nonlinearity", string("nonlinearity", nonlinearity), NONLINEARITIES)
    _check_cell(1, u, h, None, w_ih, w_hh, b_ih, b_hh, None)
    return _rnn_step(u, h, w_ih, w_hh, b_ih, b_hh, nonlinearity)


def _rnn_step(u, h, w_ih, w_hh, b_ih, b_hh, nonlinearity):
    """rnn_cell without the checks: the layers' loop over time (their input is checked once, at the layer)."""
    z = u @ w_ih.T + h @ w_hh.T                                       # (N, H)
    for b in (b_ih, b_hh):                                            # either bias may be None
        if b is not None:
            z = z + b
    return torch.tanh(z) if nonlinearity == "tanh" else torch.relu(z)


def lstm_cell(u: torch.Tensor, h: torch.Tensor, c: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
              b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None,
              w_hr: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step, gates stacked i, f, g, o: u (N, I), h (N, H_out), c (N, H) -> (h (N, H_out), c (N, H)).

    Checked like ``rnn_cell``: w_ih (4H, I), w_hh (4H, H_out), biases (4H,), w_hr (H_out, H) or None.
    """
    _check_cell(4, u, h, c, w_ih, w_hh, b_ih, b_hh, w_hr)
    return _lstm_step(u, h, c, w_ih, w_hh, b_ih, b_hh, w_hr)


def _lstm_step(u, h, c, w_ih, w_hh, b_ih, b_hh, w_hr):
    """lstm_cell without the checks: the layers' loop over time."""
    z = u @ w_ih.T + h @ w_hh.T                                       # (N, 4H)
    for b in (b_ih, b_hh):                                            # either bias may be None
        if b is not None:
            z = z + b
    zi, zf, zg, zo = z.chunk(4, dim=-1)                               # 4 x (N, H)
    i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
    c = f * c + i * g                                                 # c(t) = f * c(t-1) + i * g
    h = o * torch.tanh(c)                                             # h(t) = o * tanh(c(t))
    if w_hr is not None:
        h = h @ w_hr.T                                                # projection: (N, H) -> (N, H_out)
    return h, c


class _Recurrent(nn.Module):
    """Shared machinery: parameters named like PyTorch's, shape checks, layers, directions, dropout."""

    GATES = 1

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None) -> None:
        super().__init__()
        input_size, hidden_size = integer("input_size", input_size, 1), integer("hidden_size", hidden_size, 1)
        num_layers, dropout = integer("num_layers", num_layers, 1), number("dropout", dropout, 0, 1)
        bias, batch_first = flag("bias", bias), flag("batch_first", batch_first)
        bidirectional = flag("bidirectional", bidirectional)
        if dtype is not None:
            float_dtype("dtype", dtype)
        if integer("proj_size", proj_size, 0) >= hidden_size:
            raise ValueError(f"proj_size must be 0 or an int in [1, hidden_size={hidden_size}), got {proj_size!r}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        self.num_directions = 2 if bidirectional else 1
        h_out = proj_size or hidden_size
        kw = {"device": device, "dtype": dtype}
        for layer in range(num_layers):
            for d in range(self.num_directions):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                n_in = input_size if layer == 0 else h_out * self.num_directions
                rows = self.GATES * hidden_size
                self.register_parameter("weight_ih" + sfx, nn.Parameter(torch.empty(rows, n_in, **kw)))
                self.register_parameter("weight_hh" + sfx, nn.Parameter(torch.empty(rows, h_out, **kw)))
                if bias:
                    self.register_parameter("bias_ih" + sfx, nn.Parameter(torch.empty(self.GATES * hidden_size, **kw)))
                    self.register_parameter("bias_hh" + sfx, nn.Parameter(torch.empty(self.GATES * hidden_size, **kw)))
                if proj_size:
                    self.register_parameter("weight_hr" + sfx, nn.Parameter(torch.empty(proj_size, hidden_size, **kw)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-bound, bound)

    def _weights(self, layer: int, d: int) -> list[torch.Tensor | None]:
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        return [getattr(self, n + sfx, None) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")]

    def _check_input(self, x: torch.Tensor) -> tuple[torch.Tensor, bool]:
        """Return the input as (L, N, I) and whether it was batched; ValueError naming both shapes otherwise.

        TypeError for anything but a float32/float64 tensor of the weights' dtype; ValueError for no time steps,
        an empty batch, NaN or inf (bad input data, not a divergence).
        """
        layout = "(N, L, input_size)" if self.batch_first else "(L, N, input_size)"
        x = _tensor("input", x, self.weight_ih_l0.dtype, "the layer's weights")
        if x.dim() not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(f"input: expected shape {layout} or (L, input_size) with input_size={self.input_size}"
                             f" (batch_first={self.batch_first}), got {tuple(x.shape)}")
        batched = x.dim() == 3
        x = (x.transpose(0, 1) if self.batch_first else x) if batched else x.unsqueeze(1)   # (L, N, I)
        if x.shape[0] == 0:
            raise ValueError(f"input has no time steps (L = 0, shape {tuple(self._output(x, batched).shape)}): "
                             "a sequence needs at least one")
        if x.shape[1] == 0:
            raise ValueError(f"input has an empty batch (N = 0, shape {tuple(self._output(x, batched).shape)}): "
                             "give at least one sequence")
        _all_finite("input", x)
        return x, batched

    def _check_state(self, s: torch.Tensor | None, name: str, size: int, n: int, batched: bool,
                     like: torch.Tensor) -> torch.Tensor:
        """Return state (D*num_layers, N, size), zeros when not given; ValueError naming both shapes."""
        k = self.num_directions * self.num_layers
        if s is None:
            return torch.zeros(k, n, size, dtype=like.dtype, device=like.device)
        _tensor(name, s, like.dtype, "the input")
        expected = (k, n, size) if batched else (k, size)
        if tuple(s.shape) != expected:
            raise ValueError(f"{name}: expected shape {expected} (num_directions*num_layers, "
                             f"{'N, ' if batched else ''}{'proj_size' if size == self.proj_size else 'hidden_size'}),"
                             f" got {tuple(s.shape)}")
        _all_finite(name, s)
        return s if batched else s.unsqueeze(1)

    def _direction(self, x: torch.Tensor, state: tuple[torch.Tensor, ...], weights: list) -> tuple:
        raise NotImplementedError

    def _run(self, x: torch.Tensor, states: list[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """x (L, N, I), states: per kind (h, c) a (D*layers, N, size) tensor -> output (L, N, D*H_out), final states."""
        finals: list[list[torch.Tensor]] = [[] for _ in states]
        for layer in range(self.num_layers):
            outs = []
            for d in range(self.num_directions):
                k = layer * self.num_directions + d
                seq = x if d == 0 else x.flip(0)                       # the reverse direction reads time backwards
                out, last = self._direction(seq, tuple(s[k] for s in states), self._weights(layer, d))
                outs.append(out if d == 0 else out.flip(0))
                for f, s in zip(finals, last):
                    f.append(s)
            x = torch.cat(outs, dim=-1) if len(outs) > 1 else outs[0]  # (L, N, D*H_out): the next layer's input
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        return x, [torch.stack(f) for f in finals]

    def _output(self, out: torch.Tensor, batched: bool) -> torch.Tensor:
        if not batched:
            return out.squeeze(1)
        return out.transpose(0, 1) if self.batch_first else out

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        for name, default in [("num_layers", 1), ("bias", True), ("batch_first", False), ("dropout", 0.0),
                              ("bidirectional", False), ("proj_size", 0)]:
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s


class RNN(_Recurrent):
    """Elman RNN like ``torch.nn.RNN``: input (L, N, I) (or (N, L, I) batch_first), h0 (D*layers, N, H)
    -> (output, h_n).

    ``bptt=True`` (keyword only, not in PyTorch) uses the hand-written backward through time.
    """

    GATES = 1

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None, *, bptt: bool = False) -> None:
        self.nonlinearity = choice("nonlinearity", string("nonlinearity", nonlinearity), NONLINEARITIES)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         0, device, dtype)
        self.bptt = flag("bptt", bptt)

    def _direction(self, x, state, weights):
        (h,), (w_ih, w_hh, b_ih, b_hh, _) = state, weights
        if self.bptt:
            out, h = RNNLayerBPTT.apply(x, h, w_ih, w_hh, b_ih, b_hh, self.nonlinearity == "relu")
            return out, (h,)
        outs = []
        for t in range(x.shape[0]):                                    # explicit loop over time
            h = _rnn_step(x[t], h, w_ih, w_hh, b_ih, b_hh, self.nonlinearity)  # (N, H)
            outs.append(h)
        return torch.stack(outs), (h,)

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Return output (L, N, D*H) (batch_first: (N, L, D*H)) and h_n (D*num_layers, N, H)."""
        x, batched = self._check_input(input)
        h0 = self._check_state(hx, "h0", self.hidden_size, x.shape[1], batched, x)
        out, (h_n,) = self._run(x, [h0])
        return self._output(out, batched), (h_n if batched else h_n.squeeze(1))

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return s + (f", nonlinearity={self.nonlinearity!r}" if self.nonlinearity != "tanh" else "")


class LSTM(_Recurrent):
    """LSTM like ``torch.nn.LSTM``: input, (h0, c0) -> (output, (h_n, c_n)); gates stacked i, f, g, o.

    ``bptt=True`` (keyword only, not in PyTorch) uses the hand-written backward through time when proj_size == 0.
    """

    GATES = 4

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None, *, bptt: bool = False) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)
        self.bptt = flag("bptt", bptt)

    def _direction(self, x, state, weights):
        (h, c), (w_ih, w_hh, b_ih, b_hh, w_hr) = state, weights
        if self.bptt and w_hr is None:
            out, h, c = LSTMLayerBPTT.apply(x, h, c, w_ih, w_hh, b_ih, b_hh)
            return out, (h, c)
        outs = []
        for t in range(x.shape[0]):                                    # explicit loop over time
            h, c = _lstm_step(x[t], h, c, w_ih, w_hh, b_ih, b_hh, w_hr)  # (N, H_out), (N, H)
            outs.append(h)
        return torch.stack(outs), (h, c)

    def forward(self, input: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Return output (L, N, D*H_out) (batch_first: (N, L, D*H_out)) and
        (h_n (D*layers, N, H_out), c_n (D*layers, N, H))."""
        x, batched = self._check_input(input)
        if hx is not None and not isinstance(hx, (tuple, list)):
            raise TypeError(f"hx must be a tuple (h0, c0), got {type(hx).__name__}")
        if hx is not None and len(hx) != 2:
            raise ValueError(f"hx must be a tuple (h0, c0) of two tensors, got {len(hx)} items")
        h0, c0 = hx if hx is not None else (None, None)
        h0 = self._check_state(h0, "h0", self.proj_size or self.hidden_size, x.shape[1], batched, x)
        c0 = self._check_state(c0, "c0", self.hidden_size, x.shape[1], batched, x)
        out, (h_n, c_n) = self._run(x, [h0, c0])
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._output(out, batched), (h_n, c_n)
