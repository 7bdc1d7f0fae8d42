"""Bad input to the modules of 06-07 (recurrent, bptt, sequences, the sequence explorer) gets a clear error.

Every case calls one public function, class or method with one bad argument and asserts the error TYPE
(TypeError: wrong kind of value; ValueError: right kind, wrong value) and that the message NAMES the
argument (``match=``). Bad data (NaN/inf, complex, float16, constant signals) is refused as bad data,
never reported as divergence. The widget cases push each control to its extremes and force callbacks to
fail: no exception escapes, the status line starts with ⚠, and the controls stay consistent.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn as nn

from nnlab import bptt as B
from nnlab import recurrent as R
from nnlab import sequences as S
from nnlab.experiments import sequences as E
from nnlab.systems import load_record
from nnlab.views import sequences as V

I, H, N, L = 3, 4, 2, 5


def t(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(0)).to(dtype)


def nan(*shape):
    x = t(*shape)
    x.view(-1)[0] = math.nan
    return x


def inf(*shape):
    x = t(*shape)
    x.view(-1)[-1] = math.inf
    return x


def record(T=200, seed=0):
    rng = np.random.default_rng(seed)
    u = 3 + np.cumsum(rng.normal(size=T)) * 0.1
    y = np.tanh(u - 3) + 5
    return u, y


U, Y = record()


def rnn_args(**kw):
    """rnn_cell's arguments u (N, I), h (N, H), w_ih (H, I), w_hh (H, H), b_ih, b_hh (H,); kw replaces some."""
    a = dict(u=t(N, I), h=t(N, H), w_ih=t(H, I), w_hh=t(H, H), b_ih=t(H), b_hh=t(H))
    return {**a, **kw}


def lstm_args(**kw):
    a = dict(u=t(N, I), h=t(N, H), c=t(N, H), w_ih=t(4 * H, I), w_hh=t(4 * H, H), b_ih=t(4 * H), b_hh=t(4 * H))
    return {**a, **kw}


def rnn_layer(**kw):
    a = dict(x=t(L, N, I), h0=t(N, H), w_ih=t(H, I), w_hh=t(H, H), b_ih=t(H), b_hh=t(H))
    return {**a, **kw}


def lstm_layer(**kw):
    a = dict(x=t(L, N, I), h0=t(N, H), c0=t(N, H), w_ih=t(4 * H, I), w_hh=t(4 * H, H), b_ih=t(4 * H),
             b_hh=t(4 * H))
    return {**a, **kw}


def rnn_ref(**kw):
    a = {**rnn_layer(), "g_out": t(L, N, H), "g_hn": t(N, H)}
    return {**a, **kw}


def lstm_ref(**kw):
    a = {**lstm_layer(), "g_out": t(L, N, H), "g_hn": t(N, H), "g_cn": t(N, H)}
    return {**a, **kw}


def model(n_init=0, kind="rnn"):
    return S.make_model(kind, 3, n_init=n_init, seed=0)


def fit(**kw):
    a = dict(model=model(), u=U, y=Y, length=32, steps=1)
    a.update(kw)
    m, u, y = a.pop("model"), a.pop("u"), a.pop("y")
    return S.fit_sequence(m, u, y, **a)


def tiny_record(T=200, seed=0, **changes):
    u, y = record(T, seed)
    r = load_record("cascaded_tanks", "test")
    return replace(r, name="tiny", u=u, y=y, **changes)


def corrupt(rec, **fields):
    """A copy of a record altered after it was made (Record checks its fields when made; its arrays stay mutable)."""
    out = replace(rec, u=rec.u.copy(), y=rec.y.copy())
    for name, value in fields.items():
        object.__setattr__(out, name, value)
    return out


def fake_fit(**kw):
    a = dict(losses=np.array([1.0, 0.5]), seconds=0.1, windows=3, epochs=1.0, diverged_at=None)
    return S.SequenceFit(**{**a, **kw})


def result(**kw):
    s = E.SequenceSettings(steps=1)
    a = dict(settings=s, fit=fake_fit(), y_sim=np.zeros(200), rmse=0.5, params=10)
    return E.SequenceResult(**{**a, **kw})


C = pytest.param


def case(module, name, fn, error, match):
    return C(fn, error, match, id=f"{module}-{name}")


RECURRENT = [
    # --- RNN / LSTM settings
    case("recurrent", "RNN input_size str", lambda: R.RNN("3", H), TypeError, "input_size"),
    case("recurrent", "RNN input_size bool", lambda: R.RNN(True, H), TypeError, "input_size"),
    case("recurrent", "RNN input_size float", lambda: R.RNN(3.0, H), TypeError, "input_size"),
    case("recurrent", "RNN input_size 0", lambda: R.RNN(0, H), ValueError, "input_size"),
    case("recurrent", "RNN hidden_size float", lambda: R.RNN(I, 2.5), TypeError, "hidden_size"),
    case("recurrent", "RNN hidden_size -1", lambda: R.RNN(I, -1), ValueError, "hidden_size"),
    case("recurrent", "RNN num_layers 0", lambda: R.RNN(I, H, num_layers=0), ValueError, "num_layers"),
    case("recurrent", "RNN num_layers bool", lambda: R.RNN(I, H, num_layers=False), TypeError, "num_layers"),
    case("recurrent", "RNN dropout 1.5", lambda: R.RNN(I, H, dropout=1.5), ValueError, "dropout"),
    case("recurrent", "RNN dropout nan", lambda: R.RNN(I, H, dropout=math.nan), ValueError, "dropout"),
    case("recurrent", "RNN dropout bool", lambda: R.RNN(I, H, dropout=True), TypeError, "dropout"),
    case("recurrent", "RNN bias str", lambda: R.RNN(I, H, bias="yes"), TypeError, "bias"),
    case("recurrent", "RNN batch_first int", lambda: R.RNN(I, H, batch_first=1), TypeError, "batch_first"),
    case("recurrent", "RNN bidirectional None", lambda: R.RNN(I, H, bidirectional=None), TypeError,
         "bidirectional"),
    case("recurrent", "RNN nonlinearity", lambda: R.RNN(I, H, nonlinearity="sigmoid"), ValueError, "nonlinearity"),
    case("recurrent", "RNN nonlinearity type", lambda: R.RNN(I, H, nonlinearity=None), TypeError, "nonlinearity"),
    case("recurrent", "RNN dtype int", lambda: R.RNN(I, H, dtype=torch.int64), TypeError, "dtype"),
    case("recurrent", "RNN dtype float16", lambda: R.RNN(I, H, dtype=torch.float16), TypeError, "dtype"),
    case("recurrent", "RNN dtype complex", lambda: R.RNN(I, H, dtype=torch.complex64), TypeError, "dtype"),
    case("recurrent", "RNN bptt str", lambda: R.RNN(I, H, bptt="yes"), TypeError, "bptt"),
    case("recurrent", "LSTM proj_size = hidden", lambda: R.LSTM(I, H, proj_size=H), ValueError, "proj_size"),
    case("recurrent", "LSTM proj_size float", lambda: R.LSTM(I, H, proj_size=1.0), TypeError, "proj_size"),
    case("recurrent", "LSTM proj_size -1", lambda: R.LSTM(I, H, proj_size=-1), ValueError, "proj_size"),
    case("recurrent", "LSTM hidden_size 0", lambda: R.LSTM(I, 0), ValueError, "hidden_size"),
    case("recurrent", "LSTM bptt int", lambda: R.LSTM(I, H, bptt=1), TypeError, "bptt"),
    # --- RNN forward
    case("recurrent", "RNN input list", lambda: R.RNN(I, H)([[0.0] * I]), TypeError, "input"),
    case("recurrent", "RNN input numpy", lambda: R.RNN(I, H)(np.zeros((L, N, I))), TypeError, "input"),
    case("recurrent", "RNN input size names both shapes", lambda: R.RNN(I, H)(t(L, N, I + 1)), ValueError,
         r"input_size=3.*\(5, 2, 4\)"),
    case("recurrent", "RNN input 1-D", lambda: R.RNN(I, H)(t(I)), ValueError, r"input.*\(3,\)"),
    case("recurrent", "RNN input 4-D", lambda: R.RNN(I, H)(t(L, N, N, I)), ValueError, r"input.*\(5, 2, 2, 3\)"),
    case("recurrent", "RNN input L=0", lambda: R.RNN(I, H)(t(0, N, I)), ValueError, "input.*time step"),
    case("recurrent", "RNN input L=0 batch_first", lambda: R.RNN(I, H, batch_first=True)(t(N, 0, I)), ValueError,
         "input.*time step"),
    case("recurrent", "RNN input L=0 unbatched", lambda: R.RNN(I, H)(t(0, I)), ValueError, "input.*time step"),
    case("recurrent", "RNN bptt input L=0", lambda: R.RNN(I, H, bptt=True)(t(0, N, I)), ValueError,
         "input.*time step"),
    case("recurrent", "RNN input N=0", lambda: R.RNN(I, H)(t(L, 0, I)), ValueError, "input.*batch"),
    case("recurrent", "RNN input NaN", lambda: R.RNN(I, H)(nan(L, N, I)), ValueError, "input.*NaN"),
    case("recurrent", "RNN input inf", lambda: R.RNN(I, H, bptt=True)(inf(L, N, I)), ValueError, "input.*NaN"),
    case("recurrent", "RNN input complex", lambda: R.RNN(I, H)(t(L, N, I, dtype=torch.complex64)), TypeError,
         "input"),
    case("recurrent", "RNN input int", lambda: R.RNN(I, H)(torch.zeros(L, N, I, dtype=torch.long)), TypeError,
         "input"),
    case("recurrent", "RNN input float64 vs float32 layer", lambda: R.RNN(I, H)(t(L, N, I, dtype=torch.float64)),
         TypeError, "input.*float32"),
    case("recurrent", "RNN input float16", lambda: R.RNN(I, H)(t(L, N, I, dtype=torch.float16)), TypeError,
         "input.*float16"),
    case("recurrent", "RNN h0 shape names both", lambda: R.RNN(I, H, num_layers=2)(t(L, N, I), t(1, N, H)),
         ValueError, r"h0.*\(2, 2, 4\).*\(1, 2, 4\)"),
    case("recurrent", "RNN h0 list", lambda: R.RNN(I, H)(t(L, N, I), [[0.0] * H]), TypeError, "h0"),
    case("recurrent", "RNN h0 tuple", lambda: R.RNN(I, H)(t(L, N, I), (t(1, N, H), t(1, N, H))), TypeError, "h0"),
    case("recurrent", "RNN h0 NaN", lambda: R.RNN(I, H)(t(L, N, I), nan(1, N, H)), ValueError, "h0.*NaN"),
    case("recurrent", "RNN h0 float64", lambda: R.RNN(I, H)(t(L, N, I), t(1, N, H, dtype=torch.float64)), TypeError,
         "h0"),
    # --- LSTM forward
    case("recurrent", "LSTM input size names both shapes",
         lambda: R.LSTM(I, H, batch_first=True)(t(N, L, I + 1)), ValueError, r"input_size=3.*\(2, 5, 4\)"),
    case("recurrent", "LSTM input L=0", lambda: R.LSTM(I, H)(t(0, N, I)), ValueError, "input.*time step"),
    case("recurrent", "LSTM bptt input L=0", lambda: R.LSTM(I, H, bptt=True)(t(0, N, I)), ValueError,
         "input.*time step"),
    case("recurrent", "LSTM input NaN", lambda: R.LSTM(I, H)(nan(L, N, I)), ValueError, "input.*NaN"),
    case("recurrent", "LSTM hx a tensor", lambda: R.LSTM(I, H)(t(L, N, I), t(1, N, H)), TypeError, "hx"),
    case("recurrent", "LSTM hx 3-tuple", lambda: R.LSTM(I, H)(t(L, N, I), (t(1, N, H),) * 3), ValueError, "hx"),
    case("recurrent", "LSTM c0 shape names both", lambda: R.LSTM(I, H)(t(L, N, I), (t(1, N, H), t(1, N, H + 1))),
         ValueError, r"c0.*\(1, 2, 4\).*\(1, 2, 5\)"),
    case("recurrent", "LSTM c0 inf", lambda: R.LSTM(I, H)(t(L, N, I), (t(1, N, H), inf(1, N, H))), ValueError,
         "c0.*NaN"),
    case("recurrent", "LSTM proj h0 shape", lambda: R.LSTM(I, H, proj_size=2)(t(L, N, I), (t(1, N, H), t(1, N, H))),
         ValueError, r"h0.*\(1, 2, 2\).*\(1, 2, 4\)"),
    # --- rnn_cell
    case("recurrent", "rnn_cell u list", lambda: R.rnn_cell(**rnn_args(u=[[0.0] * I] * N)), TypeError, "u"),
    case("recurrent", "rnn_cell u width vs w_ih", lambda: R.rnn_cell(**rnn_args(u=t(N, I + 1))), ValueError,
         r"u.*\(2, 4\).*w_ih.*\(4, 3\)"),
    case("recurrent", "rnn_cell h width", lambda: R.rnn_cell(**rnn_args(h=t(N, H + 1))), ValueError, r"h.*\(2, 5\)"),
    case("recurrent", "rnn_cell w_hh not square", lambda: R.rnn_cell(**rnn_args(w_hh=t(H, H + 1))), ValueError,
         r"w_hh.*\(4, 5\)"),
    case("recurrent", "rnn_cell batch mismatch", lambda: R.rnn_cell(**rnn_args(h=t(N + 1, H))), ValueError,
         r"h.*\(3, 4\)"),
    case("recurrent", "rnn_cell b_ih shape", lambda: R.rnn_cell(**rnn_args(b_ih=t(H + 1))), ValueError,
         r"b_ih.*\(5,\)"),
    case("recurrent", "rnn_cell u NaN", lambda: R.rnn_cell(**rnn_args(u=nan(N, I))), ValueError, "u.*NaN"),
    case("recurrent", "rnn_cell w_ih inf", lambda: R.rnn_cell(**rnn_args(w_ih=inf(H, I))), ValueError, "w_ih.*NaN"),
    case("recurrent", "rnn_cell u complex", lambda: R.rnn_cell(**rnn_args(u=t(N, I, dtype=torch.complex64))),
         TypeError, "u"),
    case("recurrent", "rnn_cell u int", lambda: R.rnn_cell(**rnn_args(u=torch.zeros(N, I, dtype=torch.long))),
         TypeError, "u"),
    case("recurrent", "rnn_cell h float64", lambda: R.rnn_cell(**rnn_args(h=t(N, H, dtype=torch.float64))),
         TypeError, "h.*float64"),
    case("recurrent", "rnn_cell nonlinearity", lambda: R.rnn_cell(**rnn_args(), nonlinearity="sigmoid"), ValueError,
         "nonlinearity"),
    case("recurrent", "rnn_cell empty batch", lambda: R.rnn_cell(**rnn_args(u=t(0, I), h=t(0, H))), ValueError,
         "u.*empty"),
    # --- lstm_cell
    case("recurrent", "lstm_cell w_ih rows not 4H", lambda: R.lstm_cell(**lstm_args(w_ih=t(4 * H + 1, I))),
         ValueError, r"w_ih.*\(17, 3\)"),
    case("recurrent", "lstm_cell c shape", lambda: R.lstm_cell(**lstm_args(c=t(N, H + 1))), ValueError,
         r"c.*\(2, 5\)"),
    case("recurrent", "lstm_cell h width", lambda: R.lstm_cell(**lstm_args(h=t(N, H - 1))), ValueError,
         r"h.*\(2, 3\)"),
    case("recurrent", "lstm_cell w_hr shape", lambda: R.lstm_cell(**lstm_args(w_hr=t(H, H + 1))), ValueError,
         r"w_hr.*\(4, 5\)"),
    case("recurrent", "lstm_cell c NaN", lambda: R.lstm_cell(**lstm_args(c=nan(N, H))), ValueError, "c.*NaN"),
    case("recurrent", "lstm_cell u float16", lambda: R.lstm_cell(**lstm_args(u=t(N, I, dtype=torch.float16))),
         TypeError, "u.*float16"),
    case("recurrent", "lstm_cell u numpy", lambda: R.lstm_cell(**lstm_args(u=np.zeros((N, I)))), TypeError, "u"),
]

BPTT = [
    case("bptt", "rnn x 2-D", lambda: B.rnn_layer_bptt(**rnn_layer(x=t(N, I))), ValueError, r"x.*\(2, 3\)"),
    case("bptt", "rnn x L=0", lambda: B.rnn_layer_bptt(**rnn_layer(x=t(0, N, I))), ValueError, "x.*time step"),
    case("bptt", "rnn x N=0", lambda: B.rnn_layer_bptt(**rnn_layer(x=t(L, 0, I), h0=t(0, H))), ValueError,
         "x.*batch"),
    case("bptt", "rnn h0 shape names both", lambda: B.rnn_layer_bptt(**rnn_layer(h0=t(N, H + 1))), ValueError,
         r"h0.*\(2, 4\).*\(2, 5\)"),
    case("bptt", "rnn w_ih columns", lambda: B.rnn_layer_bptt(**rnn_layer(w_ih=t(H, I + 1))), ValueError,
         r"w_ih.*\(4, 3\).*\(4, 4\)"),
    case("bptt", "rnn w_hh not square", lambda: B.rnn_layer_bptt(**rnn_layer(w_hh=t(H, H + 1))), ValueError,
         r"w_hh.*\(4, 5\)"),
    case("bptt", "rnn b_ih shape", lambda: B.rnn_layer_bptt(**rnn_layer(b_ih=t(H + 1))), ValueError, r"b_ih.*\(5,\)"),
    case("bptt", "rnn x NaN", lambda: B.rnn_layer_bptt(**rnn_layer(x=nan(L, N, I))), ValueError, "x.*NaN"),
    case("bptt", "rnn h0 inf", lambda: B.rnn_layer_bptt(**rnn_layer(h0=inf(N, H))), ValueError, "h0.*NaN"),
    case("bptt", "rnn x complex", lambda: B.rnn_layer_bptt(**rnn_layer(x=t(L, N, I, dtype=torch.complex64))),
         TypeError, "x"),
    case("bptt", "rnn x int", lambda: B.rnn_layer_bptt(**rnn_layer(x=torch.zeros(L, N, I, dtype=torch.long))),
         TypeError, "x"),
    case("bptt", "rnn x float16", lambda: B.rnn_layer_bptt(**rnn_layer(x=t(L, N, I, dtype=torch.float16))),
         TypeError, "x.*float16"),
    case("bptt", "rnn w_hh float64", lambda: B.rnn_layer_bptt(**rnn_layer(w_hh=t(H, H, dtype=torch.float64))),
         TypeError, "w_hh.*float64"),
    case("bptt", "rnn x list", lambda: B.rnn_layer_bptt(**rnn_layer(x=[[[0.0] * I] * N] * L)), TypeError, "x"),
    case("bptt", "rnn nonlinearity", lambda: B.rnn_layer_bptt(**rnn_layer(), nonlinearity="sigmoid"), ValueError,
         "nonlinearity"),
    case("bptt", "rnn one bias", lambda: B.rnn_layer_bptt(**rnn_layer(b_hh=None)), ValueError, "b_ih and b_hh"),
    case("bptt", "lstm w_ih rows not 4H", lambda: B.lstm_layer_bptt(**lstm_layer(w_ih=t(4 * H + 1, I))), ValueError,
         r"w_ih.*\(17, 3\)"),
    case("bptt", "lstm w_hh columns", lambda: B.lstm_layer_bptt(**lstm_layer(w_hh=t(4 * H, H + 1))), ValueError,
         r"w_hh.*\(16, 5\)"),
    case("bptt", "lstm c0 shape names both", lambda: B.lstm_layer_bptt(**lstm_layer(c0=t(N, H + 1))), ValueError,
         r"c0.*\(2, 4\).*\(2, 5\)"),
    case("bptt", "lstm x L=0", lambda: B.lstm_layer_bptt(**lstm_layer(x=t(0, N, I))), ValueError, "x.*time step"),
    case("bptt", "lstm c0 NaN", lambda: B.lstm_layer_bptt(**lstm_layer(c0=nan(N, H))), ValueError, "c0.*NaN"),
    case("bptt", "lstm x complex", lambda: B.lstm_layer_bptt(**lstm_layer(x=t(L, N, I, dtype=torch.complex128))),
         TypeError, "x"),
    case("bptt", "LSTMLayerBPTT.apply x L=0", lambda: B.LSTMLayerBPTT.apply(*lstm_layer(x=t(0, N, I)).values()),
         ValueError, "x.*time step"),
    case("bptt", "LSTMLayerBPTT.apply x int",
         lambda: B.LSTMLayerBPTT.apply(*lstm_layer(x=torch.zeros(L, N, I, dtype=torch.long)).values()), TypeError,
         "x"),
    case("bptt", "RNNLayerBPTT.apply h0 shape", lambda: B.RNNLayerBPTT.apply(*rnn_layer(h0=t(N + 1, H)).values()),
         ValueError, r"h0.*\(2, 4\).*\(3, 4\)"),
    case("bptt", "rnn reference g_out shape", lambda: B.rnn_bptt_reference(**rnn_ref(g_out=t(L, N, H + 1))),
         ValueError, r"g_out.*\(5, 2, 4\).*\(5, 2, 5\)"),
    case("bptt", "rnn reference x L=0", lambda: B.rnn_bptt_reference(**rnn_ref(x=t(0, N, I), g_out=t(0, N, H))),
         ValueError, "x.*time step"),
    case("bptt", "rnn reference nonlinearity", lambda: B.rnn_bptt_reference(**rnn_ref(), nonlinearity="relu6"),
         ValueError, "nonlinearity"),
    case("bptt", "rnn reference g_hn NaN", lambda: B.rnn_bptt_reference(**rnn_ref(g_hn=nan(N, H))), ValueError,
         "g_hn.*NaN"),
    case("bptt", "lstm reference g_cn shape", lambda: B.lstm_bptt_reference(**lstm_ref(g_cn=t(N, H + 1))),
         ValueError, r"g_cn.*\(2, 4\).*\(2, 5\)"),
    case("bptt", "lstm reference one bias", lambda: B.lstm_bptt_reference(**lstm_ref(b_hh=None)), ValueError,
         "b_ih and b_hh"),
    case("bptt", "lstm reference x NaN", lambda: B.lstm_bptt_reference(**lstm_ref(x=nan(L, N, I))), ValueError,
         "x.*NaN"),
]

SEQUENCES = [
    # --- records (through full_sequence)
    case("sequences", "u a single number", lambda: S.full_sequence(1.0, Y), ValueError, r"u .*single number"),
    case("sequences", "u empty", lambda: S.full_sequence([], []), ValueError, r"u .*\(0,\)"),
    case("sequences", "u one sample", lambda: S.full_sequence([1.0], [2.0]), ValueError, r"u .*\(1,\)"),
    case("sequences", "u 2-D", lambda: S.full_sequence(np.zeros((4, 5)), np.zeros((4, 5))), ValueError,
         r"u .*shape \(T,\)"),
    case("sequences", "u complex", lambda: S.full_sequence(U + 1j, Y), TypeError, "u .*complex"),
    case("sequences", "u strings", lambda: S.full_sequence(["a", "b"], ["c", "d"]), TypeError, "u "),
    case("sequences", "u None", lambda: S.full_sequence(None, Y), TypeError, "u "),
    case("sequences", "u float16", lambda: S.full_sequence(U.astype(np.float16), Y), TypeError, "u .*float16"),
    case("sequences", "u bool", lambda: S.full_sequence(U > 3, Y), TypeError, "u .*bool"),
    case("sequences", "u NaN", lambda: S.full_sequence(np.r_[U[:-1], np.nan], Y), ValueError, "u .*NaN"),
    case("sequences", "y inf", lambda: S.full_sequence(U, np.r_[np.inf, Y[1:]]), ValueError, "y .*NaN"),
    case("sequences", "u and y lengths", lambda: S.full_sequence(U, Y[:-1]), ValueError,
         r"u and y .*\(200,\) and \(199,\)"),
    # --- subsequences
    case("sequences", "subsequences length 0", lambda: S.subsequences(U, Y, 0, 1), ValueError, "length"),
    case("sequences", "subsequences length > T", lambda: S.subsequences(U, Y, 201, 1), ValueError, "length"),
    case("sequences", "subsequences length float", lambda: S.subsequences(U, Y, 10.0, 1), TypeError, "length"),
    case("sequences", "subsequences length bool", lambda: S.subsequences(U, Y, True, 1), TypeError, "length"),
    case("sequences", "subsequences stride 0", lambda: S.subsequences(U, Y, 10, 0), ValueError, "stride"),
    case("sequences", "subsequences stride > T", lambda: S.subsequences(U, Y, 10, 201), ValueError, "stride"),
    case("sequences", "subsequences stride float", lambda: S.subsequences(U, Y, 10, 2.0), TypeError, "stride"),
    case("sequences", "subsequences stride None", lambda: S.subsequences(U, Y, 10, None), TypeError, "stride"),
    # --- washout_mse
    case("sequences", "washout_mse washout = L", lambda: S.washout_mse(t(N, L), t(N, L), L), ValueError, "washout"),
    case("sequences", "washout_mse washout -1", lambda: S.washout_mse(t(N, L), t(N, L), -1), ValueError, "washout"),
    case("sequences", "washout_mse washout float", lambda: S.washout_mse(t(N, L), t(N, L), 1.0), TypeError,
         "washout"),
    case("sequences", "washout_mse washout bool", lambda: S.washout_mse(t(N, L), t(N, L), True), TypeError,
         "washout"),
    case("sequences", "washout_mse shapes", lambda: S.washout_mse(t(N, L), t(N, L - 1)), ValueError,
         r"y_hat and y .*\(2, 5\) and \(2, 4\)"),
    case("sequences", "washout_mse no windows", lambda: S.washout_mse(t(0, L), t(0, L)), ValueError, "y is empty"),
    case("sequences", "washout_mse no samples", lambda: S.washout_mse(t(N, 0), t(N, 0)), ValueError, "y is empty"),
    case("sequences", "washout_mse y_hat list", lambda: S.washout_mse([[0.0] * L] * N, t(N, L)), TypeError, "y_hat"),
    case("sequences", "washout_mse y NaN", lambda: S.washout_mse(t(N, L), nan(N, L)), ValueError, "y .*NaN"),
    case("sequences", "washout_mse y complex", lambda: S.washout_mse(t(N, L), t(N, L, dtype=torch.complex64)),
         TypeError, "y "),
    case("sequences", "washout_mse 0-D", lambda: S.washout_mse(torch.tensor(1.0), torch.tensor(1.0)), ValueError,
         "y "),
    # --- make_model
    case("sequences", "make_model kind", lambda: S.make_model("transformer"), ValueError, "kind"),
    case("sequences", "make_model kind type", lambda: S.make_model(None), TypeError, "kind"),
    case("sequences", "make_model hidden 0", lambda: S.make_model("rnn", 0), ValueError, "hidden_size"),
    case("sequences", "make_model hidden float", lambda: S.make_model("rnn", 4.0), TypeError, "hidden_size"),
    case("sequences", "make_model num_layers bool", lambda: S.make_model("rnn", 4, num_layers=True), TypeError,
         "num_layers"),
    case("sequences", "make_model impl", lambda: S.make_model("rnn", impl="fast"), ValueError, "impl"),
    case("sequences", "make_model bidirectional str", lambda: S.make_model("rnn", bidirectional="yes"), TypeError,
         "bidirectional"),
    case("sequences", "make_model n_init -1", lambda: S.make_model("rnn", n_init=-1), ValueError, "n_init"),
    case("sequences", "make_model seed -1", lambda: S.make_model("rnn", seed=-1), ValueError, "seed"),
    case("sequences", "make_model seed float", lambda: S.make_model("rnn", seed=1.5), TypeError, "seed"),
    case("sequences", "make_model seed 2**64", lambda: S.make_model("rnn", seed=2 ** 64), ValueError, "seed"),
    # --- SequenceModel
    case("sequences", "SequenceModel core str", lambda: S.SequenceModel("lstm"), TypeError, "core"),
    case("sequences", "SequenceModel core not batch_first", lambda: S.SequenceModel(nn.LSTM(1, 4)), ValueError,
         "core"),
    case("sequences", "SequenceModel n_init float", lambda: S.SequenceModel(nn.LSTM(3, 4, batch_first=True), 1.5),
         TypeError, "n_init"),
    case("sequences", "forward u numpy", lambda: model()(np.zeros((N, L))), TypeError, "u "),
    case("sequences", "forward u 1-D", lambda: model()(t(L)), ValueError, r"u .*\(5,\)"),
    case("sequences", "forward u NaN", lambda: model()(nan(N, L)), ValueError, "u .*NaN"),
    case("sequences", "forward u float64", lambda: model()(t(N, L, dtype=torch.float64)), TypeError,
         "u .*float32"),
    case("sequences", "forward u empty", lambda: model()(t(0, L)), ValueError, "u .*empty"),
    case("sequences", "forward y_init for n_init=0", lambda: model()(t(N, L), t(N, 2)), ValueError, "y_init"),
    case("sequences", "forward y_init too short", lambda: model(3)(t(N, L), t(N, 2)), ValueError,
         r"y_init.*\(2, 2\)"),
    case("sequences", "forward y_init NaN", lambda: model(3)(t(N, L), nan(N, 3)), ValueError, "y_init.*NaN"),
    case("sequences", "normalized u int", lambda: model().normalized(torch.zeros(N, L, dtype=torch.long)),
         TypeError, "u "),
    case("sequences", "features y wrong rows", lambda: model(3).features(t(N, L), t(N + 1, L)), ValueError,
         r"y .*\(3, 5\)"),
    case("sequences", "set_scaling constant u", lambda: model().set_scaling(np.ones(50), Y[:50]), ValueError,
         "u .*constant"),
    case("sequences", "set_scaling y NaN", lambda: model().set_scaling(U, np.full(200, np.nan)), ValueError,
         "y .*NaN"),
    # --- near_identity_
    case("sequences", "near_identity_ LSTM core", lambda: S.near_identity_(model(kind="lstm").core), ValueError,
         "core"),
    case("sequences", "near_identity_ SequenceModel", lambda: S.near_identity_(model()), TypeError, "core"),
    case("sequences", "near_identity_ core str", lambda: S.near_identity_("rnn"), TypeError, "core"),
    case("sequences", "near_identity_ scale nan", lambda: S.near_identity_(model().core, scale=math.nan), ValueError,
         "scale"),
    case("sequences", "near_identity_ noise str", lambda: S.near_identity_(model().core, noise="0.1"), TypeError,
         "noise"),
    # --- fit_sequence
    case("sequences", "fit constant u", lambda: fit(u=np.full(200, 3.0)), ValueError,
         "u is constant.*cannot be standardised"),
    case("sequences", "fit constant y", lambda: fit(y=np.zeros(200)), ValueError,
         "y is constant.*cannot be standardised"),
    case("sequences", "fit u a single number", lambda: fit(u=3.0), ValueError, "u .*single number"),
    case("sequences", "fit model nn.RNN", lambda: fit(model=nn.RNN(1, 4, batch_first=True)), TypeError, "model"),
    case("sequences", "fit length 0", lambda: fit(length=0), ValueError, "length"),
    case("sequences", "fit length > T", lambda: fit(length=201), ValueError, "length"),
    case("sequences", "fit length float", lambda: fit(length=32.0), TypeError, "length"),
    case("sequences", "fit stride 0", lambda: fit(stride=0), ValueError, "stride"),
    case("sequences", "fit stride > T", lambda: fit(stride=201), ValueError, "stride"),
    case("sequences", "fit stride float", lambda: fit(stride=2.0), TypeError, "stride"),
    case("sequences", "fit stride without length", lambda: fit(length=None, stride=4), ValueError, "stride"),
    case("sequences", "fit washout = length", lambda: fit(washout=32), ValueError, "washout"),
    case("sequences", "fit washout >= T, full record", lambda: fit(length=None, washout=200), ValueError, "washout"),
    case("sequences", "fit washout float", lambda: fit(washout=1.0), TypeError, "washout"),
    case("sequences", "fit washout < n_init", lambda: fit(model=model(3), washout=2), ValueError,
         "washout must be >= n_init"),
    case("sequences", "fit batch_size 0", lambda: fit(batch_size=0), ValueError, "batch_size"),
    case("sequences", "fit batch_size bool", lambda: fit(batch_size=True), TypeError, "batch_size"),
    case("sequences", "fit steps 0", lambda: fit(steps=0), ValueError, "steps"),
    case("sequences", "fit steps float", lambda: fit(steps=2.0), TypeError, "steps"),
    case("sequences", "fit lr 0", lambda: fit(lr=0.0), ValueError, "lr"),
    case("sequences", "fit lr nan", lambda: fit(lr=math.nan), ValueError, "lr"),
    case("sequences", "fit lr str", lambda: fit(lr="0.1"), TypeError, "lr"),
    case("sequences", "fit decay 0", lambda: fit(decay=0.0), ValueError, "decay"),
    case("sequences", "fit clip -1", lambda: fit(clip=-1.0), ValueError, "clip"),
    case("sequences", "fit clip inf", lambda: fit(clip=math.inf), ValueError, "clip"),
    case("sequences", "fit seed -1", lambda: fit(seed=-1), ValueError, "seed"),
    case("sequences", "fit progress str", lambda: fit(progress="yes"), TypeError, "progress"),
    case("sequences", "fit u NaN", lambda: fit(u=np.r_[np.nan, U[1:]]), ValueError, "u .*NaN"),
    case("sequences", "fit y inf", lambda: fit(y=np.r_[Y[:-1], -np.inf]), ValueError, "y .*NaN"),
    case("sequences", "fit u empty", lambda: fit(u=[], y=[]), ValueError, r"u .*\(0,\)"),
    case("sequences", "fit u complex", lambda: fit(u=U * (1 + 1j)), TypeError, "u .*complex"),
    case("sequences", "fit u and y lengths", lambda: fit(y=Y[:100]), ValueError, r"\(200,\) and \(100,\)"),
    # --- simulate
    case("sequences", "simulate model nn.LSTM", lambda: S.simulate(nn.LSTM(1, 4), U), TypeError, "model"),
    case("sequences", "simulate u NaN", lambda: S.simulate(model(), np.r_[U, np.nan]), ValueError, "u .*NaN"),
    case("sequences", "simulate u empty", lambda: S.simulate(model(), []), ValueError, r"u .*\(0,\)"),
    case("sequences", "simulate u 2-D", lambda: S.simulate(model(), np.zeros((2, 50))), ValueError, r"u .*\(2, 50\)"),
    case("sequences", "simulate y_init NaN", lambda: S.simulate(model(3), U, [1.0, np.nan, 2.0]), ValueError,
         "y_init.*NaN"),
    case("sequences", "simulate y_init too short", lambda: S.simulate(model(3), U, Y[:2]), ValueError, "y_init"),
    case("sequences", "simulate y_init missing", lambda: S.simulate(model(3), U), ValueError, "y_init"),
    case("sequences", "simulate y_init for n_init=0", lambda: S.simulate(model(), U, Y[:3]), ValueError, "y_init"),
    case("sequences", "simulate y_init 2-D", lambda: S.simulate(model(3), U, np.zeros((3, 3))), ValueError,
         "y_init"),
    case("sequences", "simulate y_init complex", lambda: S.simulate(model(3), U, Y[:3] + 1j), TypeError, "y_init"),
    # --- SequenceFit
    case("sequences", "SequenceFit windows 0", lambda: fake_fit(windows=0), ValueError, "windows"),
    case("sequences", "SequenceFit losses 2-D", lambda: fake_fit(losses=np.zeros((2, 2))), ValueError, "losses"),
    case("sequences", "SequenceFit diverged_at -1", lambda: fake_fit(diverged_at=-1), ValueError, "diverged_at"),
    case("sequences", "SequenceFit seconds nan", lambda: fake_fit(seconds=math.nan), ValueError, "seconds"),
]


def settings_cases():
    out = []
    for name, (lo, hi) in E.BOUNDS.items():
        is_int = isinstance(lo, int)
        below, above = (lo - 1, hi + 1) if is_int else (lo / 10 if lo > 0 else lo - 0.1, hi + 0.1)
        base = {"n_init": 0, "washout": 0} if name in ("washout", "n_init") else {}
        out.append(case("experiments", f"SequenceSettings {name} below", lambda n=name, v=below, b=base:
                        E.SequenceSettings(**{**b, n: v}), ValueError, name))
        extra = {"length": 512} if name == "washout" else {}
        out.append(case("experiments", f"SequenceSettings {name} above", lambda n=name, v=above, b={**base, **extra}:
                        E.SequenceSettings(**{**b, n: v}), ValueError, name))
        out.append(case("experiments", f"SequenceSettings {name} bool", lambda n=name: E.SequenceSettings(**{n: True}),
                        TypeError, name))
        out.append(case("experiments", f"SequenceSettings {name} str", lambda n=name: E.SequenceSettings(**{n: "1"}),
                        TypeError, name))
        if is_int:
            out.append(case("experiments", f"SequenceSettings {name} float",
                            lambda n=name, v=lo: E.SequenceSettings(**{n: float(v) + 1}), TypeError, name))
        else:
            out.append(case("experiments", f"SequenceSettings {name} nan",
                            lambda n=name: E.SequenceSettings(**{n: math.nan}), ValueError, name))
            out.append(case("experiments", f"SequenceSettings {name} inf",
                            lambda n=name: E.SequenceSettings(**{n: math.inf}), ValueError, name))
    return out


TRAIN = tiny_record(200, 0)
TEST = tiny_record(200, 1)

EXPERIMENTS = settings_cases() + [
    case("experiments", "SequenceSettings kind", lambda: E.SequenceSettings(kind="transformer"), ValueError, "kind"),
    case("experiments", "SequenceSettings kind upper", lambda: E.SequenceSettings(kind="LSTM"), ValueError, "kind"),
    case("experiments", "SequenceSettings kind None", lambda: E.SequenceSettings(kind=None), TypeError, "kind"),
    case("experiments", "SequenceSettings seed -1", lambda: E.SequenceSettings(seed=-1), ValueError, "seed"),
    case("experiments", "SequenceSettings seed float", lambda: E.SequenceSettings(seed=1.5), TypeError, "seed"),
    case("experiments", "SequenceSettings seed bool", lambda: E.SequenceSettings(seed=True), TypeError, "seed"),
    case("experiments", "SequenceSettings seed 2**64", lambda: E.SequenceSettings(seed=2 ** 64), ValueError, "seed"),
    case("experiments", "SequenceSettings washout >= length", lambda: E.SequenceSettings(length=32, washout=32),
         ValueError, "washout must be shorter"),
    case("experiments", "SequenceSettings n_init > washout", lambda: E.SequenceSettings(n_init=5, washout=4),
         ValueError, "washout must be >= n_init"),
    case("experiments", "SequenceResult settings dict", lambda: result(settings={"kind": "lstm"}), TypeError,
         "settings"),
    case("experiments", "SequenceResult fit None", lambda: result(fit=None), TypeError, "fit"),
    case("experiments", "SequenceResult y_sim 2-D", lambda: result(y_sim=np.zeros((2, 100))), ValueError, "y_sim"),
    case("experiments", "SequenceResult params float", lambda: result(params=10.0), TypeError, "params"),
    case("experiments", "explore settings dict", lambda: E.explore_sequence({"steps": 1}, TRAIN, TEST), TypeError,
         "settings"),
    case("experiments", "explore train only", lambda: E.explore_sequence(E.SequenceSettings(steps=1), TRAIN),
         ValueError, "train and test"),
    case("experiments", "explore train a tuple", lambda: E.explore_sequence(E.SequenceSettings(steps=1),
                                                                            (U, Y), TEST), TypeError, "train"),
    case("experiments", "explore length > record", lambda: E.explore_sequence(E.SequenceSettings(length=256, steps=1),
                                                                              TRAIN, TEST), ValueError, "length"),
    case("experiments", "explore train.y NaN", lambda: E.explore_sequence(
        E.SequenceSettings(length=64, steps=1), corrupt(TRAIN, y=np.r_[TRAIN.y[:-1], np.nan]), TEST),
        ValueError, r"train\.y .*NaN"),
    case("experiments", "explore train.u constant", lambda: E.explore_sequence(
        E.SequenceSettings(length=64, steps=1), corrupt(TRAIN, u=np.ones(200)), TEST),
        ValueError, r"train\.u is constant"),
    case("experiments", "explore test.u inf", lambda: E.explore_sequence(
        E.SequenceSettings(length=64, steps=1), TRAIN, corrupt(TEST, u=np.r_[np.inf, TEST.u[1:]])),
        ValueError, r"test\.u .*NaN"),
    case("experiments", "explore test shorter than n_skip", lambda: E.explore_sequence(
        E.SequenceSettings(length=64, steps=1), TRAIN, corrupt(TEST, u=TEST.u[:3], y=TEST.y[:3], n_skip=5)),
        ValueError, "test"),
    case("experiments", "explore train u/y lengths", lambda: E.explore_sequence(
        E.SequenceSettings(length=64, steps=1), corrupt(TRAIN, y=TRAIN.y[:150]), TEST),
        ValueError, r"train\.u and train\.y"),
    case("experiments", "explore cache str", lambda: E.explore_sequence(E.SequenceSettings(length=64, steps=1),
                                                                        TRAIN, TEST, cache="no"), TypeError, "cache"),
]

VIEWS = [
    case("views", "draw_unrolled steps 0", lambda: V.draw_unrolled(steps=0), ValueError, "steps"),
    case("views", "draw_unrolled steps float", lambda: V.draw_unrolled(steps=2.0), TypeError, "steps"),
    case("views", "draw_unrolled steps bool", lambda: V.draw_unrolled(steps=True), TypeError, "steps"),
    case("views", "draw_unrolled steps huge", lambda: V.draw_unrolled(steps=10 ** 6), ValueError, "steps"),
    case("views", "draw_unrolled ax str", lambda: V.draw_unrolled("axes"), TypeError, "ax"),
    case("views", "draw_stacked layers 0", lambda: V.draw_stacked(layers=0), ValueError, "layers"),
    case("views", "draw_stacked layers float", lambda: V.draw_stacked(layers=1.5), TypeError, "layers"),
    case("views", "draw_stacked steps -1", lambda: V.draw_stacked(steps=-1), ValueError, "steps"),
    case("views", "draw_stacked layers huge", lambda: V.draw_stacked(layers=1000), ValueError, "layers"),
    case("views", "draw_bidirectional steps 0", lambda: V.draw_bidirectional(steps=0), ValueError, "steps"),
    case("views", "draw_bidirectional steps str", lambda: V.draw_bidirectional(steps="4"), TypeError, "steps"),
    case("views", "draw_windows length 1", lambda: V.draw_windows(T=64, length=1, washout=0), ValueError, "length"),
    case("views", "draw_windows length 0", lambda: V.draw_windows(length=0), ValueError, "length"),
    case("views", "draw_windows length > T", lambda: V.draw_windows(T=100, length=128), ValueError, "length"),
    case("views", "draw_windows T 0", lambda: V.draw_windows(T=0), ValueError, "T"),
    case("views", "draw_windows T float", lambda: V.draw_windows(T=1024.0), TypeError, "T"),
    case("views", "draw_windows washout > length", lambda: V.draw_windows(length=16, washout=20), ValueError,
         "washout"),
    case("views", "draw_windows washout -1", lambda: V.draw_windows(washout=-1), ValueError, "washout"),
    case("views", "draw_windows too many windows", lambda: V.draw_windows(T=10 ** 6, length=2, washout=0), ValueError,
         "windows"),
    case("views", "draw_lstm_cell ax str", lambda: V.draw_lstm_cell("axes"), TypeError, "ax"),
    case("views", "plot_sequence result None", lambda: V.plot_sequence(None, TEST), TypeError, "result"),
    case("views", "plot_sequence test tuple", lambda: V.plot_sequence(result(), (U, Y)), TypeError, "test"),
    case("views", "plot_sequence lengths", lambda: V.plot_sequence(result(y_sim=np.zeros(100)), TEST), ValueError,
         r"y_sim.*\(100,\).*\(200,\)"),
    case("views", "sequence_explorer settings dict", lambda: V.sequence_explorer({"steps": 1}, TRAIN, TEST),
         TypeError, "settings"),
    case("views", "sequence_explorer train only", lambda: V.sequence_explorer(E.SequenceSettings(steps=1), TRAIN),
         ValueError, "train and test"),
    case("views", "sequence_explorer train tuple", lambda: V.sequence_explorer(E.SequenceSettings(steps=1), (U, Y),
                                                                               TEST), TypeError, "train"),
]


@pytest.mark.parametrize("fn,error,match", RECURRENT + BPTT + SEQUENCES + EXPERIMENTS + VIEWS)
def test_bad_input_raises_a_clear_error(fn, error, match):
    with pytest.raises(error, match=match):
        fn()


# ---------------------------------------------------------------------------------------------- the widget

@pytest.fixture(scope="module")
def tanks():
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


FAST = E.SequenceSettings(hidden=4, length=32, washout=5, steps=1)
EXTREMES = [("kind", "rnn"), ("kind", "lstm"), ("hidden", 1), ("hidden", 32), ("length", 16), ("length", 512),
            ("overlap", 0.0), ("overlap", 0.9), ("washout", 0), ("washout", "max"), ("lr", 1e-4), ("lr", 1.0),
            ("hidden", 10 ** 6), ("hidden", -5), ("length", 10 ** 6), ("length", 0), ("overlap", 5.0),
            ("overlap", -1.0), ("washout", 10 ** 6), ("washout", -3), ("lr", 1e6), ("lr", 1e-12)]


def _consistent(panel):
    c = panel.controls
    assert c["washout"].max == c["length"].value - 1 and c["washout"].value <= c["washout"].max
    for name, (lo, hi) in E.BOUNDS.items():
        if name in c and name != "washout":
            assert lo <= c[name].value <= hi, name


@pytest.mark.parametrize("name,value", EXTREMES, ids=[f"widget-{n}={v}" for n, v in EXTREMES])
def test_widget_control_pushed_to_its_extreme_never_raises(tanks, name, value):
    panel = V.sequence_explorer(FAST, *tanks)
    control = panel.controls[name]
    control.value = control.max if value == "max" else value          # sliders clamp what is beyond their range
    status = panel.last_status
    assert status and (status.startswith("⚠") or status.startswith(("LSTM, H", "RNN, H"))), status
    _consistent(panel)
    if not status.startswith("⚠"):
        assert panel.last_figure is not None


def _short(record, n):
    return replace(record, u=record.u[:n], y=record.y[:n])


FAILURES = [
    ("washout below n_init", lambda tr, te: (replace(FAST, n_init=5), tr, te), ("washout", 0),
     "washout must be >= n_init"),
    ("length beyond a short record", lambda tr, te: (FAST, _short(tr, 300), te), ("length", 512),
     "at most the training record"),
    ("NaN in the training record", lambda tr, te: (FAST, corrupt(tr, y=np.r_[tr.y[:-1], np.nan]), te), None,
     r"train\.y .*NaN"),
    ("constant training input", lambda tr, te: (FAST, corrupt(tr, u=np.full_like(tr.u, 3.0)), te), None,
     r"train\.u is constant"),
]


@pytest.mark.parametrize("args,change,match", [C(a, c, m, id=f"widget-fails-{n}") for n, a, c, m in FAILURES])
def test_widget_callback_forced_to_fail_shows_a_warning(tanks, args, change, match):
    panel = V.sequence_explorer(*args(*tanks))
    before = panel.last_figure                                         # None when the first run failed already
    if change is not None:
        panel.controls[change[0]].value = change[1]
    assert panel.last_status.startswith("⚠")
    assert panel.last_figure is before                                 # the last good figure (if any) stays
    assert re.search(match, panel.last_status), panel.last_status
    _consistent(panel)


def test_widget_recovers_after_a_refused_setting(tanks):
    panel = V.sequence_explorer(replace(FAST, n_init=5), *tanks)
    panel.controls["washout"].value = 0
    assert panel.last_status.startswith("⚠")
    panel.controls["washout"].value = 6
    assert panel.last_status.startswith("LSTM, H = 4") and panel.last_figure is not None
    _consistent(panel)


def test_widget_contains_an_unexpected_error(tanks, monkeypatch):
    """A failure that is not a ValueError (here a RuntimeError inside the experiment) is a ⚠ line too."""
    panel = V.sequence_explorer(FAST, *tanks)

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure inside the experiment")

    monkeypatch.setattr(V, "explore_sequence", broken)
    panel.controls["hidden"].value = 5                                 # must not raise
    assert panel.last_status.startswith("⚠") and "simulated failure" in panel.last_status
    _consistent(panel)


def test_widget_shows_divergence_with_a_warning(tanks, monkeypatch):
    """A diverging run is reported on the status line with ⚠ (never raised, never shown as bad data)."""
    real = E.fit_sequence

    def diverging(*args, **kwargs):
        f = real(*args, **kwargs)
        return replace(f, losses=f.losses[:0], diverged_at=0)

    monkeypatch.setattr(E, "fit_sequence", diverging)
    panel = V.sequence_explorer(replace(FAST, seed=7), *tanks)
    assert panel.last_status.startswith("⚠ Training diverged"), panel.last_status


# ------------------------------------------------------------------- valid input still works (no regressions)

def test_valid_edge_inputs_still_work():
    assert S.subsequences(U, Y, 200, 200)[0].shape == (1, 200)     # length = stride = T: one window
    assert S.subsequences(U, Y, 10, 200)[0].shape == (1, 10)
    u = torch.as_tensor(U, dtype=torch.float32).requires_grad_()    # a tensor that requires grad is a record too
    assert S.full_sequence(u, Y)[0].shape == (1, 200)
    assert S.simulate(model(), np.ones(20)).shape == (20,)          # a constant input can be simulated
    assert fit(length=None, washout=5).windows == 1
    out, h = R.RNN(I, H)(t(L, I))                                   # unbatched
    assert out.shape == (L, H) and h.shape == (1, H)
    assert R.rnn_cell(t(I), t(H), t(H, I), t(H, H)).shape == (H,)   # an unbatched step
    assert R.LSTM(I, H, dtype=torch.float64)(t(L, N, I, dtype=torch.float64))[0].dtype == torch.float64
