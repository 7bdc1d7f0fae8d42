"""ARX static gain (against the step response), k-step-ahead RMSE (against one-step and free-run references), the
ARX-initialised NARX net (starts as ARX, correction exactly zero, trainable), the tanks' static characteristic
(against the simulator held at constant inputs), and the 05-narx experiment's metrics at a tiny budget."""
import math

import numpy as np
import pytest
import torch

from nnlab import narx, narx_analysis
from nnlab.experiments import lessons_narx, robustness
from nnlab.metrics import rmse
from nnlab.systems import CascadedTanks, load_record, load_rig

STABLE = {(1, 0): [0.8, 0.5, 0.1], (2, 1): [1.2, -0.5, 0.3, 0.2, -0.05], (2, 3): [0.5, 0.2, 1.0, -0.4, 0.3, 0.1, 0.0]}
RNG = np.random.default_rng(0)


@pytest.mark.parametrize("na, nb", list(STABLE))
def test_static_gain_matches_the_step_response(na, nb):
    theta = np.array(STABLE[(na, nb)])
    gain, offset = narx_analysis.static_gain(theta, na)
    u = np.r_[np.full(20, 1.0), np.full(2000, 3.0)]
    y = narx.simulate(theta, u, np.full(max(na, nb), gain * 1.0 + offset), na, nb)
    assert abs(y[19] - (gain + offset)) < 1e-9                       # started at its steady state, it stays
    assert abs((y[-1] - y[19]) / 2.0 - gain) < 1e-9
    assert gain != pytest.approx(sum(theta[na:-1]))                   # sum(b) alone is not the gain


def test_static_gain_bad_input():
    with pytest.raises(ValueError, match="integrates"):
        narx_analysis.static_gain(np.array([1.0, 0.5, 0.0]), 1)
    with pytest.raises(ValueError, match="theta"):
        narx_analysis.static_gain(np.array([0.5]), 1)
    with pytest.raises(TypeError, match="na"):
        narx_analysis.static_gain(np.array([0.5, 1.0, 0.0]), 1.0)


def _brute_k_step(theta, u, y, na, nb, k_max):
    n0 = max(na, nb)
    err = [[] for _ in range(k_max)]
    for s in range(n0, u.size - k_max + 1):
        sim = narx.simulate(theta, u[s - n0:s + k_max], y[s - n0:s], na, nb)[n0:]
        for k in range(k_max):
            err[k].append(sim[k] - y[s + k])
    return np.sqrt(np.mean(np.square(err), axis=1))


@pytest.mark.parametrize("na, nb", list(STABLE))
def test_k_step_rmse_arx_against_free_runs_from_every_start(na, nb):
    theta = np.array(STABLE[(na, nb)])
    u, y = RNG.normal(size=60), RNG.normal(size=60)
    got = narx_analysis.k_step_rmse(theta, u, y, na, nb, 7)
    np.testing.assert_allclose(got, _brute_k_step(theta, u, y, na, nb, 7), rtol=1e-10, atol=1e-12)
    n0, one = max(na, nb), narx.predict_one_step(theta, u, y, na, nb)
    assert got[0] == pytest.approx(rmse(y[n0:-6], one[n0:-6]), rel=1e-12)    # k = 1 is the one-step error


def test_k_step_rmse_net_equals_arx_when_the_net_is_arx():
    rec = load_record("cascaded_tanks", "train")
    theta = narx.fit_arx(rec.u, rec.y, 2, 5)
    net = narx_analysis.from_arx(rec.u, rec.y, 2, 5, hidden=4, seed=1).net
    a = narx_analysis.k_step_rmse(theta, rec.u, rec.y, 2, 5, 20)
    b = narx_analysis.k_step_rmse(net, rec.u, rec.y, 2, 5, 20)
    assert a.shape == b.shape == (20,)
    np.testing.assert_allclose(b, a, atol=2e-3)                    # float32 net vs float64 ARX
    assert (np.diff(a) > 0).all()                                  # on the tanks the error grows with the horizon


def test_k_step_rmse_bad_input():
    u, y = RNG.normal(size=30), RNG.normal(size=30)
    theta = np.array(STABLE[(2, 1)])
    with pytest.raises(ValueError, match="k_max"):
        narx_analysis.k_step_rmse(theta, u, y, 2, 1, 29)
    with pytest.raises(ValueError, match="k_max"):
        narx_analysis.k_step_rmse(theta, u, y, 2, 1, 0)
    with pytest.raises(ValueError, match="theta must have shape"):
        narx_analysis.k_step_rmse(theta[:-1], u, y, 2, 1, 3)
    with pytest.raises(TypeError, match="model"):
        narx_analysis.k_step_rmse("arx", u, y, 2, 1, 3)
    with pytest.raises(ValueError, match="same shape|shape"):
        narx_analysis.k_step_rmse(theta, u, y[:-1], 2, 1, 3)


@pytest.mark.parametrize("seed, hidden", [(0, 16), (3, 4)])
def test_from_arx_starts_as_arx_with_a_zero_correction(seed, hidden):
    rec = load_rig("train")             # (the simulated record's ARX has |b| ~ 3000: float32 rounding shows there)
    theta = narx.fit_arx(rec.u, rec.y, 2, 5)
    fit = narx_analysis.from_arx(rec.u, rec.y, 2, 5, hidden=hidden, seed=seed)
    assert isinstance(fit.net, narx.NarxNet) and fit.net.linear is not None and fit.net.delta
    assert torch.count_nonzero(fit.net.net[-1].weight) == 0
    one_net, one_arx = (narx.predict_one_step(m, rec.u, rec.y, 2, 5) for m in (fit.net, theta))
    np.testing.assert_allclose(one_net, one_arx, atol=1e-4)
    sim_net, sim_arx = (narx.simulate(m, rec.u, rec.y[:5], 2, 5) for m in (fit.net, theta))
    np.testing.assert_allclose(sim_net, sim_arx, atol=1e-2)


def test_from_arx_trains_on_the_simulation_error():
    rec = load_record("cascaded_tanks", "train")
    fit = narx_analysis.from_arx(rec.u, rec.y, 2, 5, hidden=4)
    fit = narx.train_simulation(fit, rec.u, rec.y, horizon=20, batch=4, steps=3, seed=0)
    assert fit.simulation.shape == (3,) and np.isfinite(fit.simulation).all() and not fit.diverged
    assert torch.count_nonzero(fit.net.net[-1].weight) > 0        # the correction moved off zero


def test_fit_narx_from_arx_is_from_arx_then_simulation_training():
    rec = load_rig("train")
    small = {"steps": 3, "batch": 2, "horizon": 15}
    fit = narx_analysis.fit_narx_from_arx(rec, hidden=4, seed=2, **small)
    ref = narx.train_simulation(narx_analysis.from_arx(rec.u, rec.y, 2, 5, 4, seed=2), rec.u, rec.y, seed=2,
                                **{**narx_analysis.SIM_BUDGET, **small})
    np.testing.assert_array_equal(fit.simulation, ref.simulation)
    for p, q in zip(fit.net.parameters(), ref.net.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    with pytest.raises(TypeError, match="budget settings"):
        narx_analysis.fit_narx_from_arx(rec, epochs=3)
    with pytest.raises(TypeError, match="record"):
        narx_analysis.fit_narx_from_arx((rec.u, rec.y))


def test_from_arx_bad_input():
    u = RNG.normal(size=40)
    with pytest.raises(ValueError, match="vary"):
        narx_analysis.from_arx(u, np.ones(40), 2, 1)
    with pytest.raises(ValueError, match="hidden"):
        narx_analysis.from_arx(u, RNG.normal(size=40), 2, 1, hidden=0)
    with pytest.raises(ValueError, match="theta must have shape"):
        narx_analysis.from_arx(u, RNG.normal(size=40), 2, 1, theta=np.zeros(3))


def test_static_output_is_the_simulators_steady_state():
    tanks = CascadedTanks()
    u = np.array([0.2, 1.0, 2.5, 3.4, tanks.overflow_input() + 0.05, 3.56, 4.0, 6.0])
    held = np.array([tanks.simulate(np.full(3000, v), x0=(1.0, 1.0))[-1] for v in u])
    np.testing.assert_allclose(tanks.static_output(u), held, atol=1e-6)
    below = np.array([1.0, 2.0, 3.0])
    x2 = np.array([tanks.steady_state(v)[1] for v in below])
    np.testing.assert_allclose(tanks.static_output(below), x2 + tanks.y_off, rtol=1e-12)
    assert tanks.static_output(np.array([6.0]))[0] == tanks.y_sat
    assert tanks.steady_state(tanks.overflow_input() - 1e-9)[0] == pytest.approx(tanks.x1_max)
    with pytest.raises(ValueError, match="u must be a 1-D"):
        tanks.static_output(np.ones((2, 2)))
    with pytest.raises(ValueError, match="u"):
        tanks.static_output(np.array([math.nan]))


def test_05_narx_experiment_gives_every_claimed_metric(monkeypatch):
    monkeypatch.setattr(lessons_narx, "ONE_STEP", 5)
    monkeypatch.setattr(lessons_narx, "SIM_STEPS", 4)
    monkeypatch.setattr(lessons_narx, "SIM_HORIZON", 20)
    exp = robustness.get("05-narx")
    assert exp.notebook == "05"
    trial = exp.trial(0)
    for c in exp.claims:
        left, bound = c.sides(trial.metrics)
        assert math.isfinite(left) and math.isfinite(bound), c.statement
    assert trial.metrics["arx"] == pytest.approx(trial.metrics["narx_arx_start"], abs=2e-3)
    assert set(trial.details["k_step"]) == {"ARX", "NARX simulation trained", "NARX started at ARX"}
