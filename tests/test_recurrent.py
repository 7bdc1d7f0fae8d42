"""Oracle tests: nnlab.recurrent.RNN / LSTM (and the hand-written LSTM BPTT) against torch.nn.RNN / nn.LSTM.

Tolerances: float64 rtol = atol = 1e-10; float32 rtol = atol = 1e-5 (outputs, final states and gradients).
"""
from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn as nn

from nnlab.bptt import (LSTMLayerBPTT, RNNLayerBPTT, lstm_bptt_reference, lstm_layer_bptt, rnn_bptt_reference,
                        rnn_layer_bptt)
from nnlab.recurrent import LSTM, RNN, lstm_cell, rnn_cell


TOL = {torch.float64: 1e-10, torch.float32: 1e-5}
I, H, P, L, N = 3, 5, 2, 6, 4          # input size, hidden size, proj size, sequence length, batch

KINDS = ["rnn_tanh", "rnn_relu", "rnn_tanh_bptt", "rnn_relu_bptt", "lstm", "lstm_proj", "lstm_bptt"]


def make(kind: str, layers: int, bidir: bool, batch_first: bool, bias: bool, dtype: torch.dtype,
         dropout: float = 0.0):
    """The PyTorch layer and ours with the same settings and weights."""
    kw = dict(num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidir, dropout=dropout)
    if kind.startswith("rnn"):
        kw["nonlinearity"] = kind.split("_")[1]
        ref, ours = nn.RNN(I, H, **kw), RNN(I, H, **kw, bptt=kind.endswith("bptt"))
    else:
        if kind == "lstm_proj":
            kw["proj_size"] = P
        ref = nn.LSTM(I, H, **kw)
        ours = LSTM(I, H, **kw, bptt=(kind == "lstm_bptt"))
    ref, ours = ref.to(dtype), ours.to(dtype)
    ours.load_state_dict(ref.state_dict())
    return ref, ours


def initial_state(kind: str, layers: int, bidir: bool, dtype: torch.dtype, g: torch.Generator):
    k = layers * (2 if bidir else 1)
    h0 = torch.randn(k, N, P if kind == "lstm_proj" else H, dtype=dtype, generator=g, requires_grad=True)
    if kind.startswith("rnn"):
        return h0
    return h0, torch.randn(k, N, H, dtype=dtype, generator=g, requires_grad=True)


def flat(out) -> list[torch.Tensor]:
    """(output, h_n) or (output, (h_n, c_n)) -> a flat list of tensors."""
    y, state = out
    return [y, *state] if isinstance(state, tuple) else [y, state]


def run(model, x, hx, weights):
    """Forward, a loss touching every output, backward; return outputs and gradients (params, x, hx)."""
    outs = flat(model(x, hx))
    loss = sum((o * w).sum() for o, w in zip(outs, weights))
    leaves = [x, *(list(hx) if isinstance(hx, tuple) else [hx] if hx is not None else [])]
    grads = torch.autograd.grad(loss, [*model.parameters(), *leaves])
    return outs, grads


SWITCHES = list(itertools.product([False, True], repeat=4))  # bidirectional, batch_first, bias, given initial state
CASES = ([(k, n, *s, torch.float64) for k, n, s in itertools.product(KINDS, [1, 2, 3], SWITCHES)]
         + [(k, 2, *s, torch.float32) for k, s in itertools.product(KINDS, SWITCHES)])


@pytest.mark.filterwarnings("ignore:LSTM with projections")
@pytest.mark.parametrize("kind,layers,bidir,batch_first,bias,given_state,dtype", CASES)
def test_matches_pytorch(kind, layers, bidir, batch_first, bias, given_state, dtype):
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    ref, ours = make(kind, layers, bidir, batch_first, bias, dtype)
    shape = (N, L, I) if batch_first else (L, N, I)
    x = torch.randn(*shape, dtype=dtype, generator=g, requires_grad=True)
    hx = initial_state(kind, layers, bidir, dtype, g) if given_state else None
    ref_out = flat(ref(x, hx))
    weights = [torch.randn(o.shape, dtype=dtype, generator=g) for o in ref_out]
    (r_outs, r_grads), (o_outs, o_grads) = run(ref, x, hx, weights), run(ours, x, hx, weights)
    tol = TOL[dtype]
    for a, b in zip(o_outs, r_outs):
        assert a.shape == b.shape
        torch.testing.assert_close(a, b, rtol=tol, atol=tol)
    for a, b in zip(o_grads, r_grads):
        torch.testing.assert_close(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("kind", KINDS)
def test_parameter_names_shapes_and_swap_both_ways(kind):
    ref, ours = make(kind, 2, True, False, True, torch.float32)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [(n, p.shape) for n, p in ref.named_parameters()]
    torch.nn.init.normal_(ours.weight_hh_l1_reverse)
    ref.load_state_dict(ours.state_dict())                  # ours -> PyTorch
    x = torch.randn(L, N, I)
    torch.testing.assert_close(ours(x)[0], ref(x)[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_unbatched_input(kind):
    ref, ours = make(kind, 2, True, False, True, torch.float64)
    x = torch.randn(L, I, dtype=torch.float64)
    for a, b in zip(flat(ours(x)), flat(ref(x))):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("kind", ["rnn_tanh", "rnn_tanh_bptt", "lstm", "lstm_bptt"])
def test_dropout_between_layers_only(kind):
    """dropout=1 zeroes every layer's input but the first: deterministic, so it can be compared exactly."""
    ref, ours = make(kind, 2, False, False, True, torch.float64, dropout=1.0)
    x = torch.randn(L, N, I, dtype=torch.float64)
    for a, b in zip(flat(ours(x)), flat(ref(x))):             # training mode
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-10)
    ours.eval(), ref.eval()
    for a, b in zip(flat(ours(x)), flat(ref(x))):             # eval mode: no dropout
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-10)


def test_cells_match_one_step():
    torch.manual_seed(0)
    u, h, c = (torch.randn(N, n, dtype=torch.float64) for n in (I, H, H))
    rc, lc = nn.RNNCell(I, H).double(), nn.LSTMCell(I, H).double()
    torch.testing.assert_close(rnn_cell(u, h, rc.weight_ih, rc.weight_hh, rc.bias_ih, rc.bias_hh), rc(u, h))
    hh, cc = lstm_cell(u, h, c, lc.weight_ih, lc.weight_hh, lc.bias_ih, lc.bias_hh)
    rh, rcc = lc(u, (h, c))
    torch.testing.assert_close(hh, rh)
    torch.testing.assert_close(cc, rcc)


@pytest.mark.parametrize("bias", [True, False])
def test_bptt_gradcheck(bias):
    g = torch.Generator().manual_seed(0)
    def r(*s):
        return torch.randn(*s, dtype=torch.float64, generator=g, requires_grad=True)
    args = (r(4, 3, 2), r(3, 5), r(3, 5), r(20, 2), r(20, 5), r(20) if bias else None, r(20) if bias else None)
    assert torch.autograd.gradcheck(LSTMLayerBPTT.apply, args)


@pytest.mark.parametrize("bias,relu", [(True, False), (False, False), (True, True)])
def test_rnn_bptt_gradcheck(bias, relu):
    g = torch.Generator().manual_seed(0)
    def r(*s):
        return torch.randn(*s, dtype=torch.float64, generator=g, requires_grad=True)
    args = (r(4, 3, 2), r(3, 5), r(5, 2), r(5, 5) * 0.5, r(5) if bias else None, r(5) if bias else None, relu)
    assert torch.autograd.gradcheck(RNNLayerBPTT.apply, args)


def test_bptt_biases_both_or_neither():
    with pytest.raises(ValueError, match="both biases"):
        lstm_layer_bptt(torch.randn(2, 1, 1), torch.zeros(1, 1), torch.zeros(1, 1), torch.randn(4, 1),
                        torch.randn(4, 1), torch.randn(4), None)
    with pytest.raises(ValueError, match="both biases"):
        rnn_layer_bptt(torch.randn(2, 1, 1), torch.zeros(1, 1), torch.randn(1, 1), torch.randn(1, 1), None,
                       torch.randn(1))


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_wrong_input_size_names_both_shapes(cls):
    model = cls(I, H, batch_first=True)
    with pytest.raises(ValueError) as err:
        model(torch.randn(N, L, I + 1))
    msg = str(err.value)
    assert f"input_size={I}" in msg and "(N, L, input_size)" in msg and f"({N}, {L}, {I + 1})" in msg


@pytest.mark.parametrize("cls", [RNN, LSTM])
def test_wrong_state_shape_names_both_shapes(cls):
    model = cls(I, H, num_layers=2)
    h0 = torch.zeros(1, N, H)
    hx = h0 if cls is RNN else (h0, torch.zeros(2, N, H))
    with pytest.raises(ValueError) as err:
        model(torch.randn(L, N, I), hx)
    assert f"(2, {N}, {H})" in str(err.value) and f"(1, {N}, {H})" in str(err.value)


def test_wrong_cell_state_and_bad_settings():
    with pytest.raises(ValueError, match=r"c0: expected shape \(1, 4, 5\).*got \(1, 4, 6\)"):
        LSTM(I, H)(torch.randn(L, N, I), (torch.zeros(1, N, H), torch.zeros(1, N, H + 1)))
    with pytest.raises(ValueError, match="proj_size"):
        LSTM(I, H, proj_size=H)
    with pytest.raises(ValueError, match="nonlinearity"):
        RNN(I, H, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="input"):
        RNN(I, H)(torch.randn(I))


def test_repr_like_pytorch():
    assert repr(LSTM(10, 20, batch_first=True)) == "LSTM(10, 20, batch_first=True)"
    assert repr(RNN(1, 8, 2, nonlinearity="relu")) == "RNN(1, 8, num_layers=2, nonlinearity='relu')"


def test_rnn_cell_refuses_an_unknown_nonlinearity():
    u, h, w_ih, w_hh = torch.randn(N, I), torch.randn(N, H), torch.randn(H, I), torch.randn(H, H)
    with pytest.raises(ValueError, match="nonlinearity"):
        rnn_cell(u, h, w_ih, w_hh, nonlinearity="sigmoid")          # once computed ReLU silently
    torch.testing.assert_close(rnn_cell(u, h, w_ih, w_hh, nonlinearity="relu"), torch.relu(u @ w_ih.T + h @ w_hh.T))


def _double(g, *shape):
    return torch.randn(*shape, dtype=torch.float64, generator=g, requires_grad=True)


@pytest.mark.parametrize("bias", [True, False])
def test_fast_lstm_bptt_equals_its_plain_reference(bias):
    """The speed-tuned LSTMLayerBPTT (transposed views, in-place chains) and the readable reference: 1e-12."""
    g = torch.Generator().manual_seed(3)
    x, h0, c0 = _double(g, L, N, I), _double(g, N, H), _double(g, N, H)
    w_ih, w_hh = _double(g, 4 * H, I), _double(g, 4 * H, H)
    b_ih, b_hh = (_double(g, 4 * H), _double(g, 4 * H)) if bias else (None, None)
    g_out, g_hn, g_cn = (torch.randn(*s, dtype=torch.float64, generator=g) for s in [(L, N, H), (N, H), (N, H)])
    outs = LSTMLayerBPTT.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh)
    leaves = [x, h0, c0, w_ih, w_hh] + ([b_ih, b_hh] if bias else [])
    fast = torch.autograd.grad(outs, leaves, (g_out, g_hn, g_cn))
    with torch.no_grad():
        ref_outs, ref = lstm_bptt_reference(x, h0, c0, w_ih, w_hh, b_ih, b_hh, g_out, g_hn, g_cn)
    for a, b in zip(outs, ref_outs):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
    expected = list(ref[:5]) + ([ref[5], ref[5]] if bias else [])  # both biases get the same gradient
    assert ref[5] is None or bias
    for a, b in zip(fast, expected, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bias,nonlinearity", [(True, "tanh"), (False, "tanh"), (True, "relu")])
def test_fast_rnn_bptt_equals_its_plain_reference(bias, nonlinearity):
    g = torch.Generator().manual_seed(4)
    x, h0, w_ih, w_hh = _double(g, L, N, I), _double(g, N, H), _double(g, H, I), _double(g, H, H)
    b_ih, b_hh = (_double(g, H), _double(g, H)) if bias else (None, None)
    g_out, g_hn = torch.randn(L, N, H, dtype=torch.float64, generator=g), torch.randn(N, H, dtype=torch.float64,
                                                                                     generator=g)
    outs = rnn_layer_bptt(x, h0, w_ih, w_hh, b_ih, b_hh, nonlinearity)
    leaves = [x, h0, w_ih, w_hh] + ([b_ih, b_hh] if bias else [])
    fast = torch.autograd.grad(outs, leaves, (g_out, g_hn))
    with torch.no_grad():
        ref_outs, ref = rnn_bptt_reference(x, h0, w_ih, w_hh, b_ih, b_hh, g_out, g_hn, nonlinearity)
    for a, b in zip(outs, ref_outs):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
    expected = list(ref[:4]) + ([ref[4], ref[4]] if bias else [])
    for a, b in zip(fast, expected, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_plain_reference_equals_autograd():
    """The reference's hand-written gradients are autograd's of the same forward pass (the notes' equations)."""
    g = torch.Generator().manual_seed(5)
    args = [_double(g, *s) for s in [(L, N, I), (N, H), (N, H), (4 * H, I), (4 * H, H), (4 * H,), (4 * H,)]]
    g_out, g_hn, g_cn = (torch.randn(*s, dtype=torch.float64, generator=g) for s in [(L, N, H), (N, H), (N, H)])
    with torch.no_grad():
        _, ref = lstm_bptt_reference(*args, g_out, g_hn, g_cn)
    out, hn, cn = lstm_bptt_reference(*args, g_out, g_hn, g_cn)[0]   # the same forward, recorded by autograd
    auto = torch.autograd.grad((out, hn, cn), args, (g_out, g_hn, g_cn))
    for a, b in zip(auto, list(ref) + [ref[5]]):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
