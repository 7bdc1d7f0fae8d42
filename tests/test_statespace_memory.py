"""The neural state-space model (nnlab.statespace), the LSTM's inside (nnlab.memory), GRU and weight decay in
nnlab.sequences, and the experiments of nnlab.experiments.lessons_sequences (registered, claims well formed)."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from nnlab import memory, sequences
from nnlab.experiments import lessons_sequences, robustness
from nnlab.statespace import StateSpaceCore, make_statespace


def record(n=64, seed=0):
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n).cumsum() * 0.1
    y = np.convolve(u, np.ones(4) / 4, mode="same") + 0.01 * rng.normal(size=n)
    return u, y


@pytest.mark.parametrize("nx,hidden,n_init", [(1, 3, 1), (3, 8, 5), (4, 16, 2)])
def test_statespace_core_matches_a_plain_loop(nx, hidden, n_init):
    torch.manual_seed(nx)
    core = StateSpaceCore(nx, hidden, n_init)
    x = torch.randn(2, 9, 3, dtype=torch.float32)
    states, last = core(x)
    s = core.encoder(torch.cat([x[:, :n_init, 0], x[:, :n_init, 1]], dim=1))
    expected = []
    for t in range(9):                                            # the equations, written plainly
        expected.append(s)
        s = s + core.f_out(torch.tanh(core.f_in(torch.cat([s, x[:, t, :1]], dim=1))))
    torch.testing.assert_close(states, torch.stack(expected, dim=1), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(last, s, atol=1e-5, rtol=1e-5)
    assert states.shape == (2, 9, nx)


def test_statespace_trains_and_simulates():
    u, y = record()
    model = make_statespace(2, 4, 3, seed=0)
    fit = sequences.fit_sequence(model, u, y, length=16, stride=4, washout=3, batch_size=4, steps=30, lr=1e-2)
    assert fit.losses[-1] < fit.losses[0]
    assert sequences.simulate(model, u, y[:3]).shape == (64,)
    again = make_statespace(2, 4, 3, seed=0)
    assert all(torch.equal(a, b) for a, b in zip(make_statespace(2, 4, 3, seed=0).parameters(), again.parameters()))


@pytest.mark.parametrize("call,exc,match", [
    (lambda: StateSpaceCore(0), ValueError, "state_size"),
    (lambda: StateSpaceCore(2, 0), ValueError, "hidden"),
    (lambda: StateSpaceCore(2, 4, 0), ValueError, "n_init"),
    (lambda: StateSpaceCore(2, 4, 3)(torch.zeros(1, 5, 2)), ValueError, "x must have shape"),
    (lambda: StateSpaceCore(2, 4, 3)(torch.zeros(1, 2, 3)), ValueError, "n_init"),
    (lambda: StateSpaceCore(2, 4, 3)(torch.full((1, 5, 3), float("nan"))), ValueError, "NaN"),
    (lambda: make_statespace(seed=-1), ValueError, "seed"),
    (lambda: sequences.make_model("gru", impl="bptt"), ValueError, "impl"),
    (lambda: sequences.fit_sequence(sequences.make_model("rnn", 2), *record(), length=8, steps=1, weight_decay=-1.0),
     ValueError, "weight_decay"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_gru_and_weight_decay():
    u, y = record()
    model = sequences.make_model("gru", 4, n_init=2, seed=1)
    assert isinstance(model.core, nn.GRU)
    fit = sequences.fit_sequence(model, u, y, length=16, washout=2, steps=5, weight_decay=0.1)
    assert len(fit.losses) == 5


def test_lstm_trace_matches_nn_lstm():
    u, y = record()
    model = sequences.make_model("lstm", 5, n_init=3, seed=0)
    model.set_scaling(u, y)
    trace = memory.lstm_trace(model, u, y)
    un = (torch.as_tensor(u, dtype=torch.float32)[None] - model.u_mean) / model.u_std
    yn = (torch.as_tensor(y, dtype=torch.float32)[None] - model.y_mean) / model.y_std
    h_ref = model.core(model.features(un, yn))[0][0]
    torch.testing.assert_close(trace["h"], h_ref, atol=1e-5, rtol=1e-5)
    assert set(trace) == {"i", "f", "o", "c", "h"} and all(v.shape == (64, 5) for v in trace.values())
    assert all(((trace[g] >= 0) & (trace[g] <= 1)).all() for g in "ifo")


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_state_gradient(kind):
    u, y = record()
    model = sequences.make_model(kind, 4, n_init=2, seed=0)
    g = memory.state_gradient(model, u, y, 10)
    assert g.shape == (11,) and torch.isfinite(g).all() and (g >= 0).all()
    # lag 0: d sum(s(T)) / d s(T) is a vector of ones
    torch.testing.assert_close(g[0], torch.tensor(2.0), atol=1e-6, rtol=0)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: memory.lstm_trace(nn.LSTM(1, 2), *record()), TypeError, "SequenceModel"),
    (lambda: memory.lstm_trace(sequences.make_model("rnn", 2), *record()), ValueError, "LSTM"),
    (lambda: memory.lstm_trace(sequences.make_model("lstm", 2, num_layers=2), *record()), ValueError, "one-layer"),
    (lambda: memory.state_gradient(sequences.make_model("gru", 2), *record()), ValueError, "RNN"),
    (lambda: memory.state_gradient(sequences.make_model("rnn", 2), *record(), max_lag=64), ValueError, "max_lag"),
    (lambda: memory.lstm_trace(sequences.make_model("lstm", 2), np.zeros(5), np.zeros(6)), ValueError, "same shape"),
])
def test_memory_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_experiments_registered():
    experiments = robustness.registry()
    for name in ("07-rig", "07-sim", "08-explorer"):
        assert name in experiments and experiments[name].claims
    assert lessons_sequences.RIG_LR.keys() == lessons_sequences.rig_models(0).keys()


def test_baselines_are_exact():
    train, test = lessons_sequences.rig()
    b = lessons_sequences.baselines(train, test)
    assert b["constant"] == pytest.approx(2.11, abs=0.01) and b["arx"] == pytest.approx(0.638, abs=0.001)
