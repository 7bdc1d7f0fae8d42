"""The experiments of notebook 06 (nnlab.experiments.lessons_rnn): registered, their helpers against oracles."""
from __future__ import annotations

import numpy as np
import pytest

from nnlab.experiments import lessons_rnn, robustness
from nnlab.metrics import rmse
from nnlab.sequences import make_model, simulate

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
