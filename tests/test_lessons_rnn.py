"""The experiments of notebook 06 (nnlab.experiments.lessons_rnn): registered, their helpers against oracles."""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.experiments import lessons_rnn, robustness
from nnlab.metrics import rmse
from nnlab.sequences import fit_sequence, make_model, simulate

NAMES = ["06-windows", "06-horizon", "06-washout", "06-smoothing"]


def test_the_four_experiments_of_06_are_registered():
    experiments = robustness.registry()
    for name in NAMES:
        assert experiments[name].notebook == "06"
        assert experiments[name].claims


def test_last_drop_measures_the_fall_over_the_last_fifth():
    assert lessons_rnn.last_drop(np.ones(100)) == 0.0
    losses = np.r_[np.full(60, 9.0), np.full(20, 2.0), np.full(20, 1.0)]
    assert lessons_rnn.last_drop(losses) == pytest.approx(0.5)


def test_horizon_rmse_over_the_whole_record_is_the_free_run_rmse():
    train, test = lessons_rnn.records()
    model = make_model("rnn", 4, n_init=lessons_rnn.N_INIT, seed=3)
    model.set_scaling(train.u, train.y)
    y_sim = simulate(model, test.u, test.y[:lessons_rnn.N_INIT])
    assert lessons_rnn.horizon_rmse(model, test.u, test.y, test.u.size, 5) == pytest.approx(
        rmse(test.y, y_sim, 5), rel=1e-5)


def test_horizon_rmse_cuts_windows_and_reads_each_one_in():
    train, test = lessons_rnn.records()
    model = make_model("rnn", 4, n_init=lessons_rnn.N_INIT, seed=3)
    model.set_scaling(train.u, train.y)
    per_window = [rmse(test.y[k:k + 256], simulate(model, test.u[k:k + 256], test.y[k:k + 5]), 5) ** 2
                  for k in range(0, 1024, 256)]
    assert lessons_rnn.horizon_rmse(model, test.u, test.y, 256, 5) == pytest.approx(np.sqrt(np.mean(per_window)),
                                                                                  rel=1e-5)


def test_washout_experiment_gives_every_metric_its_claims_read_and_they_hold_on_seed_0():
    exp = robustness.get("06-washout")
    trial = exp.trial(0)
    for c in exp.claims:
        assert c.holds(trial.metrics), c.detail(trial.metrics)
    assert trial.metrics["constant"] == pytest.approx(lessons_rnn.baselines()["constant"])


@pytest.mark.parametrize("windows, batch_size, length", [(29, 8, 128), (8, 8, 128), (1, 1, 1024), (7, 3, 16)])
def test_samples_seen_matches_what_fit_sequence_counts(windows, batch_size, length):
    """Oracle: fit_sequence's epochs x Q x L after a few steps (its last batch of an epoch is short)."""
    steps = 5
    T = length + (windows - 1) * 4                                   # windows of `length` every 4 samples
    rng = np.random.default_rng(0)
    u, y = rng.standard_normal(T), rng.standard_normal(T)
    model = make_model("rnn", 2, seed=0)
    stride = 4 if windows > 1 else None
    fit = fit_sequence(model, u, y, length=length if windows > 1 else None, stride=stride, batch_size=batch_size,
                       steps=steps, lr=1e-3)
    assert fit.windows == windows
    seen = lessons_rnn.samples_seen(windows, batch_size, steps, length)
    assert seen.shape == (steps,)
    assert seen[-1] == pytest.approx(fit.epochs * fit.windows * length)


def test_samples_seen_of_the_overlapping_run_is_9_percent_fewer():
    seen = lessons_rnn.samples_seen(29, 8, lessons_rnn.STEPS, 128)
    assert seen[:4].tolist() == [1024, 2048, 3072, 3712]             # batches of 8, 8, 8, 5
    assert seen[-1] == 185_600 and 1 - seen[-1] / 204_800 == pytest.approx(0.09375)


def test_samples_seen_and_roughness_refuse_bad_input():
    with pytest.raises(ValueError, match="batch_size"):
        lessons_rnn.samples_seen(29, 0, 10, 128)
    assert lessons_rnn.roughness(np.full(10, 2.0)) == 0.0
    assert lessons_rnn.roughness(np.array([1.0, np.e, 1.0])) == pytest.approx(1.0)
