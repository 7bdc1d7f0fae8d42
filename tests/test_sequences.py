"""Tests of nnlab.sequences: windows, washout loss, normalisation, fit_sequence / simulate, divergence.

Small synthetic records (a first-order lag through tanh) keep these fast; tolerances are stated per test.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nnlab import sequences as S
from nnlab.metrics import n_params, rmse


def lag_record(T: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """u: a slow random signal around 3 V; y(t) = 0.9 y(t-1) + 0.1 tanh(u(t) - 3) + 5 (volts)."""
    rng = np.random.default_rng(seed)
    u = 3 + np.convolve(rng.standard_normal(T + 9), np.ones(10) / 3, mode="valid")
    y = np.zeros(T)
    for t in range(1, T):
        y[t] = 0.9 * y[t - 1] + 0.1 * np.tanh(u[t] - 3)
    return u, y + 5


@pytest.mark.parametrize("T,L,stride", [(100, 10, 10), (100, 10, 3), (1024, 128, 16), (50, 50, 1), (37, 5, 7)])
def test_subsequences_shapes_and_values(T, L, stride):
    u, y = np.arange(T, dtype=float), -np.arange(T, dtype=float)
    uw, yw = S.subsequences(u, y, L, stride)
    q = (T - L) // stride + 1
    assert uw.shape == yw.shape == (q, L)
    for k in [0, q - 1]:
        np.testing.assert_array_equal(uw[k].numpy(), u[k * stride:k * stride + L])
        np.testing.assert_array_equal(yw[k].numpy(), y[k * stride:k * stride + L])


def test_full_sequence_and_shape_errors():
    u, y = S.full_sequence(np.zeros(20), np.ones(20))
    assert u.shape == y.shape == (1, 20)
    with pytest.raises(ValueError, match=r"\(20,\) and \(19,\)"):
        S.full_sequence(np.zeros(20), np.ones(19))
    with pytest.raises(ValueError, match="length"):
        S.subsequences(np.zeros(20), np.ones(20), 21, 1)
    with pytest.raises(ValueError, match="stride"):
        S.subsequences(np.zeros(20), np.ones(20), 5, 0)
    with pytest.raises(ValueError, match=r"shape \(T,\)"):
        S.full_sequence(np.zeros((4, 5)), np.zeros((4, 5)))


def test_washout_mse():
    y_hat, y = torch.zeros(2, 8), torch.arange(16.0).view(2, 8)
    torch.testing.assert_close(S.washout_mse(y_hat, y, 3), (y[:, 3:] ** 2).mean())
    torch.testing.assert_close(S.washout_mse(y_hat, y, 0), (y ** 2).mean())
    with pytest.raises(ValueError, match="washout"):
        S.washout_mse(y_hat, y, 8)
    with pytest.raises(ValueError, match=r"\(2, 8\) and \(2, 7\)"):
        S.washout_mse(y_hat, y[:, :7], 0)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_impls_agree(kind):
    """torch, from-scratch and hand-written-BPTT cores with the same weights give the same outputs (1e-5)."""
    models = {impl: S.make_model(kind, 6, impl=impl, seed=3) for impl in S.IMPLS}
    for m in models.values():
        m.load_state_dict(models["torch"].state_dict())
    u = torch.randn(4, 30)
    ref = models["torch"](u)
    for m in models.values():
        torch.testing.assert_close(m(u), ref, rtol=1e-5, atol=1e-5)


def test_fit_normalises_learns_and_is_deterministic():
    u, y = lag_record()
    losses = []
    for _ in range(2):
        model = S.make_model("lstm", 8, seed=0)
        result = S.fit_sequence(model, u, y, length=50, stride=10, washout=10, batch_size=8, steps=40, lr=2e-2)
        losses.append(result.losses)
    np.testing.assert_array_equal(losses[0], losses[1])
    assert math.isclose(float(model.u_mean), u.mean(), rel_tol=1e-6)   # nnlab.regression.Standardizer:
    assert math.isclose(float(model.y_std), y.std(ddof=0), rel_tol=1e-6)   # the population std
    assert result.windows == 26 and result.losses[-10:].mean() < 0.5 * result.losses[:5].mean()
    assert result.epochs == pytest.approx(10.0)              # 26 windows in batches of 8, 8, 8, 2
    y_sim = S.simulate(model, u)
    assert y_sim.shape == (300,) and rmse(y, y_sim, 20) < y.std()
    assert not model.training                                      # fit_sequence leaves it in eval() mode


def test_progress_bar_changes_nothing(capsys):
    """progress=True only adds a tqdm bar (on stderr outside a notebook): the same losses, bit for bit."""
    u, y = lag_record(120)
    runs = [S.fit_sequence(S.make_model("rnn", 4, seed=0), u, y, length=40, stride=20, washout=5, steps=6, progress=p)
            for p in (False, True)]
    np.testing.assert_array_equal(runs[0].losses, runs[1].losses)
    assert "Adam steps" in capsys.readouterr().err


def test_full_unfolding_one_window():
    u, y = lag_record(120)
    model = S.make_model("rnn", 4, impl="bptt")
    result = S.fit_sequence(model, u, y, length=None, washout=5, steps=5)
    assert result.windows == 1 and result.epochs == 5 and len(result.losses) == 5


def test_untrained_model_simulates_around_training_mean():
    u, y = lag_record(100)
    model = S.make_model("rnn", 4)
    model.set_scaling(torch.as_tensor(u), torch.as_tensor(y))
    torch.nn.init.zeros_(model.readout.weight), torch.nn.init.zeros_(model.readout.bias)
    np.testing.assert_allclose(S.simulate(model, u), np.full(100, y.mean()), rtol=1e-6)


def test_n_init_reads_first_outputs():
    model = S.make_model("lstm", 4, n_init=3)
    x = model.features(torch.zeros(2, 6), torch.full((2, 6), 7.0))
    assert x.shape == (2, 6, 3)
    np.testing.assert_array_equal(x[0, :, 1].numpy(), [7, 7, 7, 0, 0, 0])
    np.testing.assert_array_equal(x[0, :, 2].numpy(), [1, 1, 1, 0, 0, 0])
    with pytest.raises(ValueError, match="first 3 measured outputs"):
        S.simulate(model, np.zeros(10))
    u, y = lag_record(100)
    with pytest.raises(ValueError, match="washout must be >= n_init"):
        S.fit_sequence(model, u, y, length=20, washout=2, steps=1)
    assert S.simulate(model, u, y[:3]).shape == (100,)


def test_bad_settings_raise():
    u, y = lag_record(50)
    with pytest.raises(ValueError, match="kind"):
        S.make_model("transformer")
    with pytest.raises(ValueError, match="impl"):
        S.make_model("rnn", impl="fast")
    with pytest.raises(ValueError, match="lr"):
        S.fit_sequence(S.make_model("rnn", 2), u, y, length=10, steps=1, lr=-1.0)
    with pytest.raises(TypeError, match="steps"):
        S.fit_sequence(S.make_model("rnn", 2), u, y, length=10, steps=2.5)
    with pytest.raises(ValueError, match="washout"):
        S.fit_sequence(S.make_model("rnn", 2), u, y, length=10, washout=10, steps=1)
    with pytest.raises(ValueError, match="NaN or infinite"):
        S.fit_sequence(S.make_model("rnn", 2), u, np.full(50, np.inf), length=10, steps=1)


def test_near_identity():
    model = S.make_model("rnn", 5, num_layers=2)
    S.near_identity_(model.core, scale=0.9, noise=0.0)
    torch.testing.assert_close(model.core.weight_hh_l1, 0.9 * torch.eye(5))


def test_divergence_is_caught_before_the_update_and_counted_from_0(monkeypatch):
    """The loss of step 3 is made to blow up: training stops there without stepping on it (3 steps made)."""
    u, y = lag_record(120)
    model = S.make_model("rnn", 4, seed=0)
    calls = {"n": 0}
    real = S.washout_mse

    def blow_up_at_step_3(y_hat, y_true, washout=0):
        loss = real(y_hat, y_true, washout)
        calls["n"] += 1
        return loss * 1e6 if calls["n"] == 4 else loss

    monkeypatch.setattr(S, "washout_mse", blow_up_at_step_3)
    result = S.fit_sequence(model, u, y, length=40, stride=20, washout=5, steps=10)
    assert result.diverged_at == 3 and len(result.losses) == 3 and np.isfinite(result.losses).all()
    assert all(torch.isfinite(p).all() for p in model.parameters())   # the bad loss was never stepped on


def test_huge_learning_rate_diverges_or_stays_finite():
    """Whatever a huge learning rate does, a run either finishes or reports where it stopped, never NaN losses."""
    u, y = lag_record(120)
    result = S.fit_sequence(S.make_model("rnn", 4, impl="nnlab"), u, y, length=40, washout=5, steps=30, lr=1e3,
                            clip=None)
    assert np.isfinite(result.losses).all()
    assert result.diverged_at is None or len(result.losses) == result.diverged_at


def test_make_model_is_seeded_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a, b = S.make_model("lstm", 4, seed=7), S.make_model("lstm", 4, seed=7)
    assert torch.equal(torch.get_rng_state(), before)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert not torch.equal(S.make_model("lstm", 4, seed=8).readout.weight, a.readout.weight)


def test_parameter_count_is_metrics_n_params():
    """The counts 07 prints by hand: LSTM 4H(I + H) + 8H plus the read-out H + 1."""
    model = S.make_model("lstm", 16, n_init=5)
    assert n_params(model) == 4 * 16 * (3 + 16) + 8 * 16 + 17 == 1361
    assert not hasattr(S, "n_params") and not hasattr(S, "sim_rmse")
