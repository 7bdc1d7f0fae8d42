"""Back-propagation through time written by hand: one RNN or LSTM layer as a ``torch.autograd.Function``.

Derived in 06_recurrent_networks.ipynb (RNN) and 07_lstm.ipynb (LSTM). The forward pass stores every gate
activation and cell state; the backward pass walks time in reverse, carrying dL/dh and dL/dc from step t to
step t-1, and computes the weight gradients at the end with one matrix product over all time steps.
Checked against autograd with ``gradcheck``.

``LSTMLayerBPTT`` and ``RNNLayerBPTT`` are tuned for speed (states kept transposed as (H, N), views of
preallocated buffers, in-place ``out=`` chains). ``lstm_bptt_reference`` and ``rnn_bptt_reference`` are the
same forward and backward passes written plainly, one step at a time in the notes' (N, H) layout: read
those; the test suite holds the fast versions equal to them.
"""
from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

from .checks import choice, finite, flag, float_dtype, string

__all__ = ["RNNLayerBPTT", "rnn_layer_bptt", "rnn_bptt_reference", "LSTMLayerBPTT", "lstm_layer_bptt",
           "lstm_bptt_reference"]


def _tensor(name: str, x, dtype: torch.dtype | None = None, like: str = "the other tensors") -> torch.Tensor:
    """A torch tensor of float32 or float64 numbers (of ``dtype`` when given); TypeError otherwise.

    Structure only: finiteness is checked where the data enter (a layer above the first reads activations,
    and a NaN there is a divergence, not bad data).
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    float_dtype(name, x.dtype)
    if dtype is not None and x.dtype != dtype:
        raise TypeError(f"{name} must have the dtype of {like} ({dtype}), got {x.dtype}; convert it with .to({dtype})")
    return x


def _shape(name: str, x: torch.Tensor, expected: tuple[int, ...], legend: str) -> None:
    """ValueError naming both shapes when x's shape is not ``expected`` (``legend`` names its dimensions)."""
    if tuple(x.shape) != tuple(expected):
        raise ValueError(f"{name}: expected shape {tuple(expected)} {legend}, got {tuple(x.shape)}")


def _check_layer(gates: int, x, h0, c0, w_ih, w_hh, b_ih, b_hh) -> None:
    """The shapes and dtypes of one layer's arguments: x (L, N, I), h0 [and c0] (N, H), w_ih (G*H, I),
    w_hh (G*H, H), biases (G*H,) or both None, with G = ``gates`` (1: RNN, 4: LSTM); c0 None for an RNN."""
    x = _tensor("x", x)
    if x.dim() != 3:
        raise ValueError(f"x must have shape (L, N, input_size), got shape {tuple(x.shape)}")
    steps, n, n_in = x.shape
    if steps == 0:
        raise ValueError(f"x has no time steps (L = 0, shape {tuple(x.shape)}): a sequence needs at least one")
    if n == 0:
        raise ValueError(f"x has an empty batch (N = 0, shape {tuple(x.shape)}): give at least one sequence")
    w_ih = _tensor("w_ih", w_ih, x.dtype)
    rows = w_ih.shape[0] if w_ih.dim() == 2 else 0
    if rows == 0 or rows % gates:
        what = f"{gates} x hidden_size" if gates > 1 else "hidden_size"
        raise ValueError(f"w_ih: expected shape ({what}, input_size) with input_size={n_in}, got {tuple(w_ih.shape)}")
    size = rows // gates
    gate_rows = f"{gates}*hidden_size" if gates > 1 else "hidden_size"
    _shape("w_ih", w_ih, (rows, n_in), f"({gate_rows}, input_size)")
    _shape("w_hh", _tensor("w_hh", w_hh, x.dtype), (rows, size), f"({gate_rows}, hidden_size)")
    _shape("h0", _tensor("h0", h0, x.dtype), (n, size), "(N, hidden_size)")
    if c0 is not None or gates > 1:
        _shape("c0", _tensor("c0", c0, x.dtype), (n, size), "(N, hidden_size)")
    if (b_ih is None) != (b_hh is None):
        raise ValueError("give both biases b_ih and b_hh, or neither")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None:
            _shape(name, _tensor(name, b, x.dtype), (rows,), f"({gate_rows},)")


def _all_finite(name: str, x: torch.Tensor) -> torch.Tensor:
    """``checks.finite`` for a float tensor in a hot path: a finite sum proves every element finite (a NaN or
    inf anywhere makes the sum NaN or inf) at the cost of one reduction; only a sum that is not finite (bad data,
    or an overflow of huge values) goes on to the exact element-wise check and its message."""
    if not bool(torch.isfinite(x.detach().sum())):
        finite(name, x)
    return x


def _finite(**tensors) -> None:
    """The data a public function is given hold no NaN or inf (bad data: never reported as divergence)."""
    for name, x in tensors.items():
        if x is not None:
            finite(name, x)


class LSTMLayerBPTT(torch.autograd.Function):
    """x (L, N, I), h0 (N, H), c0 (N, H), w_ih (4H, I), w_hh (4H, H), b_ih, b_hh (4H,) or None -> (out, h_n, c_n)."""

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh):
        _check_layer(4, x, h0, c0, w_ih, w_hh, b_ih, b_hh)
        # Work "transposed": states as (H, N) and gates as (4H, N), so each gate is one contiguous block.
        L, N, n_in = x.shape
        H = w_hh.shape[1]
        xt = x.transpose(1, 2)                                             # (L, I, N), a view
        if b_ih is None:                                                   # all input terms in one batched product
            z = torch.matmul(w_ih, xt)                                     # (L, 4H, N)
        else:
            z = torch.baddbmm((b_ih + b_hh).view(1, 4 * H, 1), w_ih.expand(L, 4 * H, n_in), xt)
        acts = torch.empty_like(z)                                         # i, f, g, o after their nonlinearity
        hs = x.new_empty(H, L + 1, N)                                      # hs[:, t] = h(t-1)^T; hs[:, 0] = h0^T
        cs = x.new_empty(L + 1, H, N)
        tc = x.new_empty(L, H, N)                                          # tanh(c(t)), reused by backward
        hs[:, 0], cs[0] = h0.T, c0.T
        I, F, G, O = (v.unbind(0) for v in acts.chunk(4, dim=1))          # per step (H, N) views
        Z, A, ZG = z.unbind(0), acts.unbind(0), z[:, 2 * H:3 * H].unbind(0)
        HS, CS, TC = hs.unbind(1), cs.unbind(0), tc.unbind(0)
        for t in range(L):
            Z[t].addmm_(w_hh, HS[t])                                       # z = W_ih u + b + W_hh h(t-1)
            torch.sigmoid(Z[t], out=A[t])                                  # i, f, o (g overwritten next)
            torch.tanh(ZG[t], out=G[t])                                    # g
            torch.mul(F[t], CS[t], out=CS[t + 1])                          # c(t) = f * c(t-1) ...
            CS[t + 1].addcmul_(I[t], G[t])                                 #        ... + i * g
            torch.tanh(CS[t + 1], out=TC[t])
            torch.mul(O[t], TC[t], out=HS[t + 1])                          # h(t) = o * tanh(c(t))
        ctx.save_for_backward(x, w_ih, w_hh)
        ctx.buffers = (acts, hs, cs, tc)
        ctx.has_bias = b_ih is not None
        return hs[:, 1:].permute(1, 2, 0).contiguous(), hs[:, L].T.contiguous(), cs[L].T.contiguous()

    @staticmethod
    @once_differentiable
    def backward(ctx, g_out, g_hn, g_cn):
        x, w_ih, w_hh = ctx.saved_tensors
        acts, hs, cs, tc = ctx.buffers
        L, N, n_in = x.shape
        H = w_hh.shape[1]
        i, f, g, o = acts.chunk(4, dim=1)                                  # 4 x (L, H, N)
        # Local derivatives for all steps at once: dz_gate = (what multiplies the gate) * (its activation's slope).
        q = acts * (1 - acts)                                              # sigmoid slopes s(1-s) (g row unused)
        qi, qf, qg, qo = q.chunk(4, dim=1)                                 # 4 x (L, H, N)
        qi.mul_(g)                                                         # dz_i = dc * g * i(1-i)
        qf.mul_(cs[:-1])                                                   # dz_f = dc * c(t-1) * f(1-f)
        torch.addcmul(i, i, g * g, value=-1, out=qg)                       # dz_g = dc * i * (1-g^2)
        qo.mul_(tc)                                                        # dz_o = dh * tanh(c) * o(1-o)
        dh_to_dc = torch.addcmul(o, o, tc * tc, value=-1).unbind(0)        # dc += dh * o * (1 - tanh(c)^2)
        dz = acts.new_empty(4 * H, L, N)                                   # pre-activation gradients, gate-major
        DZ, DZO, DZ3 = dz.unbind(1), dz[3 * H:].unbind(1), dz[:3 * H].view(3, H, L, N).unbind(2)
        Q3, QO, F = q[:, :3 * H].view(L, 3, H, N).unbind(0), qo.unbind(0), f.unbind(0)
        GO = [g.T for g in g_out.unbind(0)]                                # (H, N) per step
        w_hh_t = w_hh.T
        dh = GO[L - 1] + g_hn.T                                            # dL/dh(t): from the output and from t+1
        dc = g_cn.T.contiguous()
        for t in range(L - 1, -1, -1):                                     # walk time backwards
            dc.addcmul_(dh, dh_to_dc[t])
            torch.mul(Q3[t], dc, out=DZ3[t])                               # dz_i, dz_f, dz_g
            torch.mul(QO[t], dh, out=DZO[t])                               # dz_o
            dc.mul_(F[t])                                                  # dL/dc(t-1) = dL/dc(t) * f
            dh = torch.addmm(GO[t - 1], w_hh_t, DZ[t]) if t else w_hh_t @ DZ[0]  # dL/dh(t-1)
        dzp = dz.view(4 * H, L * N)                                        # weight gradients: sum over all steps
        dx = (dzp.T @ w_ih).view(L, N, n_in) if ctx.needs_input_grad[0] else None  # ... in one product each
        dw_ih = dzp @ x.reshape(L * N, n_in)
        dw_hh = dzp @ hs[:, :L].reshape(H, L * N).T                         # a view: no copy
        db = dzp.sum(1) if ctx.has_bias else None
        return dx, dh.T, dc.T, dw_ih, dw_hh, db, db


def lstm_layer_bptt(x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
                    b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None
                    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One LSTM layer and direction with hand-written BPTT: x (L, N, I), h0, c0 (N, H) -> (out (L, N, H), h_n, c_n).

    ValueError naming both shapes for a wrong shape, for no time steps or an empty batch, and for NaN or inf in
    any argument; TypeError for anything but float32/float64 tensors of one dtype.
    """
    _check_layer(4, x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    _finite(x=x, h0=h0, c0=c0, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh)
    return LSTMLayerBPTT.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh)


class RNNLayerBPTT(torch.autograd.Function):
    """x (L, N, I), h0 (N, H), w_ih (H, I), w_hh (H, H), b_ih, b_hh (H,) or None, relu flag -> (out (L, N, H), h_n)."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, relu=False):
        _check_layer(1, x, h0, None, w_ih, w_hh, b_ih, b_hh)
        relu = flag("relu", relu)
        L, N, n_in = x.shape
        H = w_hh.shape[1]
        xt = x.transpose(1, 2)                                             # (L, I, N): states kept as (H, N)
        if b_ih is None:
            z = torch.matmul(w_ih, xt)                                     # (L, H, N): all input terms at once
        else:
            z = torch.baddbmm((b_ih + b_hh).view(1, H, 1), w_ih.expand(L, H, n_in), xt)
        hs = x.new_empty(H, L + 1, N)                                      # hs[:, t] = h(t-1)^T; hs[:, 0] = h0^T
        hs[:, 0] = h0.T
        Z, HS = z.unbind(0), hs.unbind(1)
        for t in range(L):
            Z[t].addmm_(w_hh, HS[t])                                       # z = W_ih u + b + W_hh h(t-1)
            if relu:
                torch.clamp_min(Z[t], 0, out=HS[t + 1])                    # h(t) = relu(z)
            else:
                torch.tanh(Z[t], out=HS[t + 1])                            # h(t) = tanh(z)
        ctx.save_for_backward(x, w_ih, w_hh)
        ctx.hs, ctx.relu, ctx.has_bias = hs, relu, b_ih is not None
        return hs[:, 1:].permute(1, 2, 0).contiguous(), hs[:, L].T.contiguous()

    @staticmethod
    @once_differentiable
    def backward(ctx, g_out, g_hn):
        x, w_ih, w_hh = ctx.saved_tensors
        hs = ctx.hs
        L, N, n_in = x.shape
        H = w_hh.shape[1]
        h = hs[:, 1:]                                                      # (H, L, N)
        slope = (h > 0).to(h.dtype) if ctx.relu else 1 - h * h             # dh(t)/dz(t), all steps at once
        dz = torch.empty_like(slope)                                       # (H, L, N)
        DZ, S = dz.unbind(1), slope.unbind(1)
        GO = [g.T for g in g_out.unbind(0)]
        w_hh_t = w_hh.T
        dh = GO[L - 1] + g_hn.T                                            # dL/dh(t): from the output and from t+1
        for t in range(L - 1, -1, -1):                                     # walk time backwards
            torch.mul(dh, S[t], out=DZ[t])                                 # dL/dz(t)
            dh = torch.addmm(GO[t - 1], w_hh_t, DZ[t]) if t else w_hh_t @ DZ[0]  # dL/dh(t-1) = W_hh^T dz + ...
        dzp = dz.view(H, L * N)
        dx = (dzp.T @ w_ih).view(L, N, n_in) if ctx.needs_input_grad[0] else None
        dw_ih = dzp @ x.reshape(L * N, n_in)
        dw_hh = dzp @ hs[:, :L].reshape(H, L * N).T
        db = dzp.sum(1) if ctx.has_bias else None
        return dx, dh.T, dw_ih, dw_hh, db, db, None


def rnn_layer_bptt(x: torch.Tensor, h0: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
                   b_ih: torch.Tensor | None = None, b_hh: torch.Tensor | None = None, nonlinearity: str = "tanh"
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """One RNN layer and direction with hand-written BPTT: x (L, N, I), h0 (N, H) -> (out (L, N, H), h_n (N, H)).

    Checked like ``lstm_layer_bptt``; ``nonlinearity`` is "tanh" or "relu".
    """
    choice("nonlinearity", string("nonlinearity", nonlinearity), ("tanh", "relu"))
    _check_layer(1, x, h0, None, w_ih, w_hh, b_ih, b_hh)
    _finite(x=x, h0=h0, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh)
    return RNNLayerBPTT.apply(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity == "relu")


Tensor = torch.Tensor


def _check_grads(x: Tensor, size: int, **grads: Tensor) -> None:
    """The incoming gradients of a reference pass: g_out (L, N, H), g_hn and g_cn (N, H)."""
    steps, n = x.shape[:2]
    for name, g in grads.items():
        if name == "g_out":
            _shape(name, _tensor(name, g, x.dtype), (steps, n, size), "(L, N, hidden_size)")
        else:
            _shape(name, _tensor(name, g, x.dtype), (n, size), "(N, hidden_size)")


def lstm_bptt_reference(x: Tensor, h0: Tensor, c0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
                        b_hh: Tensor | None, g_out: Tensor, g_hn: Tensor, g_cn: Tensor
                        ) -> tuple[tuple[Tensor, Tensor, Tensor], tuple[Tensor, ...]]:
    """``LSTMLayerBPTT`` written plainly: the forward pass, then back-propagation through time by hand.

    x (L, N, I), h0, c0 (N, H), weights as in nn.LSTM (gates i, f, g, o); g_out (L, N, H), g_hn, g_cn (N, H) are
    dL/d(out), dL/dh_n, dL/dc_n. Returns (out, h_n, c_n) and the gradients (dx, dh0, dc0, dw_ih, dw_hh, db),
    db (4H,) being the gradient of each of the two biases (None without biases). Checked like ``lstm_layer_bptt``.
    """
    _check_layer(4, x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    _check_grads(x, w_ih.shape[0] // 4, g_out=g_out, g_hn=g_hn, g_cn=g_cn)
    _finite(x=x, h0=h0, c0=c0, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh, g_out=g_out, g_hn=g_hn, g_cn=g_cn)
    b = 0 if b_ih is None else b_ih + b_hh
    hs, cs, gates = [h0], [c0], []                                     # hs[t] = h(t-1), cs[t] = c(t-1)
    for t in range(x.shape[0]):
        z = x[t] @ w_ih.T + hs[t] @ w_hh.T + b                         # (N, 4H)
        zi, zf, zg, zo = z.chunk(4, dim=1)
        i, f, g, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg), torch.sigmoid(zo)
        cs.append(f * cs[t] + i * g)                                   # c(t) = f * c(t-1) + i * g
        hs.append(o * torch.tanh(cs[t + 1]))                           # h(t) = o * tanh(c(t))
        gates.append((i, f, g, o))
    dw_ih, dw_hh, db = torch.zeros_like(w_ih), torch.zeros_like(w_hh), torch.zeros(w_hh.shape[0], dtype=x.dtype)
    dx = torch.zeros_like(x)
    dh, dc = g_hn, g_cn                                                # what flows back from after the last step
    for t in reversed(range(x.shape[0])):                              # walk time backwards
        i, f, g, o = gates[t]
        dh = dh + g_out[t]                                             # dL/dh(t): from the output and from t+1
        tanh_c = torch.tanh(cs[t + 1])
        dc = dc + dh * o * (1 - tanh_c ** 2)                           # dL/dc(t): through h(t) and from t+1
        dz = torch.cat([dc * g * i * (1 - i),                          # dz_i
                        dc * cs[t] * f * (1 - f),                      # dz_f
                        dc * i * (1 - g ** 2),                         # dz_g
                        dh * tanh_c * o * (1 - o)], dim=1)             # dz_o; all (N, H) -> (N, 4H)
        dw_ih = dw_ih + dz.T @ x[t]                                    # weight gradients: summed over steps
        dw_hh = dw_hh + dz.T @ hs[t]
        db = db + dz.sum(0)
        dx[t] = dz @ w_ih
        dh = dz @ w_hh                                                 # dL/dh(t-1) through the gates
        dc = dc * f                                                    # dL/dc(t-1) = dL/dc(t) * f
    return (torch.stack(hs[1:]), hs[-1], cs[-1]), (dx, dh, dc, dw_ih, dw_hh, None if b_ih is None else db)


def rnn_bptt_reference(x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None,
                       g_out: Tensor, g_hn: Tensor, nonlinearity: str = "tanh"
                       ) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, ...]]:
    """``RNNLayerBPTT`` written plainly: h(t) = f(W_ih u(t) + W_hh h(t-1) + b), then its backward pass by hand.

    x (L, N, I), h0 (N, H); g_out (L, N, H), g_hn (N, H) are dL/d(out), dL/dh_n. Returns (out, h_n) and the
    gradients (dx, dh0, dw_ih, dw_hh, db), db (H,) being the gradient of each bias (None without biases).
    Checked like ``rnn_layer_bptt``.
    """
    choice("nonlinearity", string("nonlinearity", nonlinearity), ("tanh", "relu"))
    _check_layer(1, x, h0, None, w_ih, w_hh, b_ih, b_hh)
    _check_grads(x, w_ih.shape[0], g_out=g_out, g_hn=g_hn)
    _finite(x=x, h0=h0, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh, g_out=g_out, g_hn=g_hn)
    b = 0 if b_ih is None else b_ih + b_hh
    hs = [h0]                                                          # hs[t] = h(t-1)
    for t in range(x.shape[0]):
        z = x[t] @ w_ih.T + hs[t] @ w_hh.T + b                         # (N, H)
        hs.append(torch.tanh(z) if nonlinearity == "tanh" else torch.relu(z))
    dw_ih, dw_hh, db = torch.zeros_like(w_ih), torch.zeros_like(w_hh), torch.zeros(w_hh.shape[0], dtype=x.dtype)
    dx = torch.zeros_like(x)
    dh = g_hn
    for t in reversed(range(x.shape[0])):                              # walk time backwards
        dh = dh + g_out[t]                                             # dL/dh(t): from the output and from t+1
        h = hs[t + 1]
        slope = 1 - h ** 2 if nonlinearity == "tanh" else (h > 0).to(h.dtype)   # dh(t)/dz(t)
        dz = dh * slope                                                # (N, H)
        dw_ih = dw_ih + dz.T @ x[t]
        dw_hh = dw_hh + dz.T @ hs[t]
        db = db + dz.sum(0)
        dx[t] = dz @ w_ih
        dh = dz @ w_hh                                                 # dL/dh(t-1) = W_hh^T dz, as rows
    return (torch.stack(hs[1:]), hs[-1]), (dx, dh, dw_ih, dw_hh, None if b_ih is None else db)
