"""nnlab.experiments.sequences: settings and their bounds, stride and windows, training + free-run simulation,
divergence on the status line, the cache; the tanks records come from nnlab.systems.load_record."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from nnlab.experiments import sequences as E
from nnlab.experiments.sequences import BOUNDS, SequenceResult, SequenceSettings, explore_sequence
from nnlab.metrics import rmse
from nnlab.sequences import SequenceFit
from nnlab.systems import load_record


@pytest.fixture(scope="module")
def tanks():
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


def test_default_records_are_the_tanks(tanks):
    train, test = tanks
    assert train.u.shape == test.y.shape == (1024,) and test.n_skip == 5
    r = explore_sequence(SequenceSettings(steps=1), cache=False)
    assert r.y_sim.shape == (1024,)
    assert explore_sequence(SequenceSettings(steps=1), *tanks, cache=False).rmse == r.rmse


@pytest.mark.parametrize("length,overlap,stride,windows", [(64, 0.0, 64, 16), (64, 0.5, 32, 31), (128, 0.75, 32, 29),
                                                           (16, 0.9, 2, 505), (512, 0.5, 256, 3)])
def test_overlap_sets_the_stride_and_the_number_of_subsequences(tanks, length, overlap, stride, windows):
    s = SequenceSettings(length=length, overlap=overlap, washout=0, n_init=0, steps=1)
    assert s.stride == stride
    assert explore_sequence(s, *tanks, cache=False).fit.windows == windows == (1024 - length) // stride + 1


@pytest.mark.parametrize("changes,error,match", [
    ({"kind": "transformer"}, ValueError, "kind"), ({"kind": "LSTM"}, ValueError, "kind"),   # lower-case kind only
    ({"hidden": 0}, ValueError, "hidden"), ({"hidden": 33}, ValueError, "hidden"),
    ({"hidden": 4.0}, TypeError, "hidden"),
    ({"length": 8}, ValueError, "length"), ({"overlap": 0.95}, ValueError, "overlap"),
    ({"lr": 2.0}, ValueError, "lr"), ({"lr": math.nan}, ValueError, "lr"), ({"steps": 0}, ValueError, "steps"),
    ({"washout": 128}, ValueError, "washout must be shorter"), ({"washout": -1}, ValueError, "washout"),
    ({"n_init": 5, "washout": 4}, ValueError, "washout must be >= n_init"), ({"seed": -1}, ValueError, "seed")])
def test_impossible_settings_raise_naming_the_setting(changes, error, match):
    with pytest.raises(error, match=match):
        replace(SequenceSettings(), **changes)


def test_bounds_are_the_settings_fields_and_hold_the_defaults():
    s = SequenceSettings()
    assert set(BOUNDS) | {"kind", "seed"} == set(s.__dataclass_fields__)
    for name, (lo, hi) in BOUNDS.items():
        assert lo <= getattr(s, name) <= hi
    lowest = {name: lo for name, (lo, _) in BOUNDS.items()}
    highest = {name: hi for name, (_, hi) in BOUNDS.items()}
    assert SequenceSettings(**{**lowest, "washout": 0, "n_init": 0}).length == 16     # the ends are allowed
    assert SequenceSettings(**{**highest, "n_init": 16}).washout == 511


def test_length_longer_than_the_record_raises(tanks):
    train, test = tanks
    short = replace(train, u=train.u[:100], y=train.y[:100])
    with pytest.raises(ValueError, match="at most the training record's 100 samples"):
        explore_sequence(SequenceSettings(length=128), short, test)
    with pytest.raises(ValueError, match="both train and test"):
        explore_sequence(SequenceSettings(), train)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.parametrize("hidden,length,overlap,washout,n_init", [(1, 16, 0.0, 0, 0), (8, 128, 0.5, 20, 5),
                                                                  (32, 64, 0.75, 63, 0)])
def test_training_and_free_run_simulation(tanks, kind, hidden, length, overlap, washout, n_init):
    s = SequenceSettings(kind=kind, hidden=hidden, length=length, overlap=overlap, washout=washout, steps=8,
                         n_init=n_init)
    r = explore_sequence(s, *tanks, cache=False)
    assert r.fit.losses.shape == (8,) and np.isfinite(r.fit.losses).all() and r.diverged_at is None
    assert r.y_sim.shape == (1024,) and np.isfinite(r.rmse) and r.rmse > 0
    assert r.status().startswith(f"{kind.upper()}, H = {hidden}:") and not r.status().startswith("⚠")
    assert f"training loss ≈{r.fit.losses[-1]:.4f}, test simulation RMSE ≈{r.rmse:.3f} V" in r.status()  # trained: ≈
    assert ("reading 5 measured outputs" in r.status()) == bool(n_init)
    again = explore_sequence(s, *tanks, cache=False)
    assert np.array_equal(r.fit.losses, again.fit.losses) and np.array_equal(r.y_sim, again.y_sim)  # seeded


def test_lstm_has_four_times_the_rnn_weights(tanks):
    rnn, lstm = (explore_sequence(SequenceSettings(kind=k, hidden=8, steps=1, washout=0, n_init=0), *tanks)
                 for k in ("rnn", "lstm"))           # the input only: one feature
    assert rnn.params == 8 * (1 + 8) + 16 + 9 and lstm.params == 4 * 8 * (1 + 8) + 64 + 9


def test_default_lstm_learns(tanks):
    r = explore_sequence(SequenceSettings(), *tanks)
    assert r.fit.losses[-1] < 0.5 * r.fit.losses[0]
    assert r.rmse < np.std(tanks[1].y)  # better than predicting the mean level


def test_the_07_settings_read_the_first_outputs(tanks):
    """07's explorer: LSTM, stride L/4, reading the first 5 measured outputs, 60 steps at lr 0.01."""
    s = SequenceSettings(length=128, overlap=0.75, washout=5, lr=1e-2, steps=60, n_init=5)
    assert s.stride == 32
    r = explore_sequence(s, *tanks)
    assert r.rmse < np.std(tanks[1].y) and r.params == 1361


def test_cache_returns_the_same_result(tanks):
    s = SequenceSettings(steps=3)
    assert explore_sequence(s, *tanks) is explore_sequence(s, *tanks)
    assert explore_sequence(s, *tanks, cache=False) is not explore_sequence(s, *tanks)


def test_rmse_is_metrics_rmse_after_n_skip(tanks):
    r = explore_sequence(SequenceSettings(steps=2), *tanks)
    y = tanks[1].y
    assert r.rmse == rmse(y, r.y_sim, 5) == pytest.approx(np.sqrt(np.mean((r.y_sim - y)[5:] ** 2)), rel=1e-12)


def test_divergence_is_reported_not_raised_with_its_step_from_0(tanks):
    ok = explore_sequence(SequenceSettings(steps=2), *tanks)
    fit = SequenceFit(ok.fit.losses[:1], 0.1, ok.fit.windows, 0.1, diverged_at=1)
    r = SequenceResult(ok.settings, fit, ok.y_sim, ok.rmse, ok.params)
    assert r.diverged_at == 1
    assert r.status().startswith("⚠ Training diverged at step ≈1 (counted from 0)") and "learning rate" in r.status()
    blown = SequenceResult(ok.settings, ok.fit, np.full(1024, np.nan), math.inf, ok.params)
    assert blown.status().startswith("⚠ The test simulation diverged")


def test_a_real_divergence_stops_before_the_update(tanks, monkeypatch):
    """explore_sequence uses nnlab.training.diverged: a rule that fires at step 2 stops training there."""
    import nnlab.training as T

    seen = []

    def fires_at_step_2(loss, start):
        seen.append(loss)
        return len(seen) == 3

    monkeypatch.setattr(T, "diverged", fires_at_step_2)
    r = explore_sequence(SequenceSettings(steps=10), *tanks, cache=False)
    assert r.diverged_at == 2 and len(r.fit.losses) == 2 and r.status().startswith("⚠ Training diverged at step ≈2")


def test_non_finite_data_raise_a_value_error_the_panel_can_show(tanks):
    train, test = tanks
    broken = replace(train, y=np.full_like(train.y, np.inf))
    with pytest.raises(ValueError, match="finite"):
        explore_sequence(SequenceSettings(steps=2), broken, test)


def test_module_has_one_explorer_and_no_second_loader():
    assert not hasattr(E, "load_tanks") and not hasattr(E, "TanksData")
    import importlib.util

    assert importlib.util.find_spec("nnlab.sequence_explorer") is None
