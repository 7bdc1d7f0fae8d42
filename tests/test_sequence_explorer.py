"""The sequence explorer: overlap and stride, bounds, training + free-run simulation, divergence, the widget."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from nnlab.sequence_explorer import (SeqResult, SeqSettings, explore_sequence, load_tanks, plot_sequence,
                                     sequence_explorer)


@pytest.fixture(scope="module")
def tanks():
    return load_tanks()


def test_tanks_records(tanks):
    assert tanks.u_train.shape == tanks.y_train.shape == tanks.u_test.shape == tanks.y_test.shape == (1024,)
    assert tanks.ts == 4.0 and tanks.n_skip == 5
    assert not np.array_equal(tanks.u_train, tanks.u_test)


@pytest.mark.parametrize("length,overlap,stride,windows", [(64, 0.0, 64, 16), (64, 0.5, 32, 31), (128, 0.75, 32, 29),
                                                           (16, 0.9, 2, 505), (512, 0.5, 256, 3)])
def test_overlap_sets_the_stride_and_the_number_of_subsequences(tanks, length, overlap, stride, windows):
    s = SeqSettings(length=length, overlap=overlap, washout=0, iterations=1)
    assert s.stride == stride
    assert explore_sequence(s, tanks, cache=False).n_windows == windows == (1024 - length) // stride + 1


@pytest.mark.parametrize("changes,match", [({"model": "GRU"}, "model"), ({"hidden": 0}, "hidden"),
                                           ({"length": 4}, "length"), ({"overlap": 0.95}, "overlap"),
                                           ({"lr": 1.0}, "lr"), ({"washout": 128}, "washout must be shorter"),
                                           ({"length": 512, "washout": 10, "iterations": 0}, "iterations")])
def test_impossible_settings_raise(changes, match, tanks):
    with pytest.raises(ValueError, match=match):
        explore_sequence(replace(SeqSettings(), **changes), tanks)


def test_length_longer_than_the_record_raises():
    with pytest.raises(ValueError, match="at most the record's 100 samples"):
        SeqSettings(length=128).validate(100)


@pytest.mark.parametrize("model", ["RNN", "LSTM"])
@pytest.mark.parametrize("hidden,length,overlap,washout", [(1, 16, 0.0, 0), (8, 128, 0.5, 20), (32, 64, 0.75, 63)])
def test_training_and_free_run_simulation(tanks, model, hidden, length, overlap, washout):
    s = SeqSettings(model=model, hidden=hidden, length=length, overlap=overlap, washout=washout, iterations=8)
    r = explore_sequence(s, tanks, cache=False)
    assert r.losses.shape == (8,) and np.isfinite(r.losses).all() and r.diverged_at is None
    assert r.y_sim.shape == (1024,) and np.isfinite(r.rmse) and r.rmse > 0
    assert f"{model}, H = {hidden}" in r.status() and not r.status().startswith("⚠")
    assert f"training loss ≈{r.losses[-1]:.4f}, test simulation RMSE ≈{r.rmse:.3f} V" in r.status()  # trained: ≈
    again = explore_sequence(s, tanks, cache=False)
    assert np.array_equal(r.losses, again.losses) and np.array_equal(r.y_sim, again.y_sim)  # seeded


def test_default_lstm_learns(tanks):
    r = explore_sequence(SeqSettings(), tanks)
    assert r.losses[-1] < 0.5 * r.losses[0]
    assert r.rmse < np.std(tanks.y_test)  # better than predicting the mean level


def test_cache_returns_the_same_result(tanks):
    s = SeqSettings(iterations=3)
    assert explore_sequence(s, tanks) is explore_sequence(s, tanks)


def test_rmse_skips_the_initial_samples(tanks):
    r = explore_sequence(SeqSettings(iterations=2), tanks)
    expected = np.sqrt(np.mean((r.y_sim - tanks.y_test)[tanks.n_skip:] ** 2))
    assert r.rmse == pytest.approx(expected, rel=1e-12)


def test_divergence_is_reported_not_raised(tanks):
    ok = explore_sequence(SeqSettings(iterations=2), tanks)
    r = SeqResult(ok.settings, ok.losses[:1], ok.y_sim, float("nan"), ok.n_windows, diverged_at=2)
    assert r.status().startswith("⚠ Diverged at iteration ≈2:") and "learning rate" in r.status()
    assert len(plot_sequence(r, tanks).axes) == 2


def test_non_finite_data_raise_a_value_error_the_panel_can_show(tanks):
    broken = replace(tanks, y_train=np.full_like(tanks.y_train, np.inf))
    with pytest.raises(ValueError, match="finite"):
        explore_sequence(SeqSettings(iterations=2), broken)


def test_widget_controls_and_washout_bound():
    panel = sequence_explorer(SeqSettings(iterations=2, length=32, washout=5))
    assert "LSTM, H = 16" in panel.last_status
    for name, values in {"model": ["RNN", "LSTM"], "hidden": [1, 32], "overlap": [0.0, 0.9], "lr": [1e-4, 0.3],
                         "washout": [0, 31]}.items():
        for v in values:
            panel.controls[name].value = v
            assert not panel.last_status.startswith("⚠"), (name, v, panel.last_status)
    panel.controls["length"].value = 16  # washout 127 would be impossible: the slider's bound clamps it
    assert panel.controls["washout"].max == 15 and panel.controls["washout"].value == 15
    assert "subsequences of 16" in panel.last_status and "washout 15" in panel.last_status
