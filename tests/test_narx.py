"""Regressors (shapes, alignment, no look-ahead), ARX least squares, free-run simulation, NARX nets and the widget."""
import math

import numpy as np
import pytest
import torch

from nnlab import narx
from nnlab.report import approx
from nnlab.systems import load_record

RNG = np.random.default_rng(0)


def linear_system(theta: np.ndarray, u: np.ndarray, y_init: np.ndarray, na: int, nb: int) -> np.ndarray:
    """Reference: y(k) = sum a_i y(k-i) + sum b_j u(k-j) + c, written out plainly."""
    y = list(y_init)
    for k in range(len(y_init), len(u)):
        y.append(sum(theta[i] * y[k - 1 - i] for i in range(na))
                 + sum(theta[na + j] * u[k - j] for j in range(nb + 1)) + theta[-1])
    return np.array(y)


STABLE = {(1, 0): [0.8, 0.5, 0.1], (2, 1): [1.2, -0.5, 0.3, 0.2, -0.05], (2, 3): [0.5, 0.2, 1.0, -0.4, 0.3, 0.1, 0.0],
          (3, 2): [0.9, -0.3, 0.1, 0.2, 0.1, -0.1, 0.3]}


@pytest.mark.parametrize("na, nb", [(1, 0), (2, 1), (2, 3), (5, 5), (1, 6)])
def test_regressor_shapes_and_alignment(na, nb):
    u, y = RNG.normal(size=40), RNG.normal(size=40)
    z, target = narx.regressors(u, y, na, nb)
    k0 = max(na, nb)
    assert z.shape == (40 - k0, na + nb + 1) and target.shape == (40 - k0,)
    for row, k in [(0, k0), (7, k0 + 7), (-1, 39)]:
        assert target[row] == y[k]
        assert z[row].tolist() == [y[k - i] for i in range(1, na + 1)] + [u[k - j] for j in range(nb + 1)]


@pytest.mark.parametrize("na, nb", [(1, 0), (3, 2)])
def test_no_look_ahead(na, nb):
    """Changing y(k) changes row k's target but none of rows <= k's regressors."""
    u, y = RNG.normal(size=30), RNG.normal(size=30)
    z, _ = narx.regressors(u, y, na, nb)
    y2 = y.copy()
    k = 15
    y2[k] += 1.0
    z2, t2 = narx.regressors(u, y2, na, nb)
    row = k - max(na, nb)
    assert np.array_equal(z[: row + 1], z2[: row + 1]) and t2[row] == y2[k]
    assert not np.array_equal(z[row + 1], z2[row + 1])   # it enters the NEXT row as y(k-1)


@pytest.mark.parametrize("orders", sorted(STABLE))
def test_fit_arx_recovers_and_simulate_reproduces_a_linear_system(orders):
    na, nb = orders
    theta = np.array(STABLE[orders])
    u = RNG.normal(size=300)
    y = linear_system(theta, u, RNG.normal(size=max(na, nb)), na, nb)
    fitted = narx.fit_arx(u, y, na, nb)
    np.testing.assert_allclose(fitted, theta, atol=1e-9)              # noise-free data: exact up to round-off
    y_sim = narx.simulate(theta, u, y[: max(na, nb)], na, nb)
    np.testing.assert_allclose(y_sim, y, rtol=1e-12, atol=1e-12)     # free run of the true model = the system
    assert narx.sim_rmse(y, y_sim, 5) < 1e-12


def test_simulate_uses_only_initial_outputs():
    theta, u = np.array(STABLE[(2, 1)]), RNG.normal(size=50)
    y = linear_system(theta, u, [0.3, -0.1], 2, 1)
    corrupted = y.copy()
    corrupted[2:] = 99.0
    assert np.array_equal(narx.simulate(theta, u, corrupted[:2], 2, 1), narx.simulate(theta, u, y[:2], 2, 1))


def test_one_step_prediction_uses_measured_outputs():
    theta, u = np.array(STABLE[(2, 1)]), RNG.normal(size=50)
    y = linear_system(theta, u, [0.3, -0.1], 2, 1) + 0.1 * RNG.normal(size=50)
    z, _ = narx.regressors(u, y, 2, 1)
    np.testing.assert_allclose(narx.predict_one_step(theta, u, y, 2, 1)[2:], z @ theta[:-1] + theta[-1])


def test_unstable_model_reports_divergence_without_raising():
    u = np.ones(2000)
    y_sim = narx.simulate(np.array([1.5, 1.0, 0.0]), u, [1.0], 1, 0)
    assert np.isnan(y_sim[-1]) and narx.sim_rmse(np.zeros(2000), y_sim, 5) == math.inf


def test_sim_rmse_skips_the_first_samples():
    y, y_hat = np.zeros(10), np.zeros(10)
    y_hat[:3] = 100.0
    y_hat[3:] = 2.0
    assert narx.sim_rmse(y, y_hat, 3) == pytest.approx(2.0)
    assert narx.sim_rmse(y, y_hat, 0) > 50


@pytest.mark.parametrize("call, match", [
    (lambda: narx.regressors(np.ones(10), np.ones(9), 1, 1), "same length"),
    (lambda: narx.regressors(np.ones(10), np.ones(10), 0, 1), "na >= 1"),
    (lambda: narx.regressors(np.ones(10), np.ones(10), 2, -1), "nb >= 0"),
    (lambda: narx.regressors(np.ones(3), np.ones(3), 3, 1), "too short"),
    (lambda: narx.regressors(np.ones((3, 2)), np.ones((3, 2)), 1, 1), "shape"),
    (lambda: narx.regressors(np.array([1.0, np.nan, 1, 1]), np.ones(4), 1, 1), "NaN"),
    (lambda: narx.simulate(np.ones(4), np.ones(10), [0.0], 2, 0), "y_init"),
    (lambda: narx.simulate(np.ones(3), np.ones(10), [0.0, 0.0], 2, 0), "theta must have shape"),
    (lambda: narx.sim_rmse(np.ones(5), np.ones(4), 0), "equal length"),
    (lambda: narx.sim_rmse(np.ones(5), np.ones(5), 5), "n_skip"),
])
def test_bad_settings_raise_with_reason(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("delta", [True, False])
@pytest.mark.parametrize("linear", [True, False])
@pytest.mark.parametrize("na, nb", [(1, 0), (2, 2), (3, 5)])
def test_fast_free_run_matches_plain_unroll(na, nb, delta, linear):
    """Oracle: NarxNet.free_run (folded normalisation) vs the step-by-step loop calling model(z); float32, atol 1e-4."""
    torch.manual_seed(na * 10 + nb)
    model = narx.NarxNet(na, nb, 8, RNG.normal(size=na + nb + 1), 1 + RNG.random(na + nb + 1), 0.1, 0.5,
                         delta=delta, linear=linear)
    u, y0 = torch.randn(4, 40) + 2.0, torch.randn(4, max(na, nb, 1)) + 3.0
    fast, plain = narx.unroll(model, u, y0, na, nb), narx.unroll(model, u, y0, na, nb, fast=False)
    torch.testing.assert_close(fast, plain, rtol=1e-5, atol=1e-4)


def test_net_free_run_equals_arx_free_run_for_a_linear_net():
    """A NarxNet with only its linear path set to theta simulates exactly like the ARX theta (float32 tolerance)."""
    theta = np.array(STABLE[(2, 1)])
    net = narx.NarxNet(2, 1, 4, delta=False, linear=True)
    with torch.no_grad():
        net.linear.weight.copy_(torch.tensor(theta[:-1], dtype=torch.float32)[None])
        net.net[-1].weight.zero_()
        net.net[-1].bias.fill_(float(theta[-1]))
    u = RNG.normal(size=100)
    np.testing.assert_allclose(narx.simulate(net, u, [0.2, 0.1], 2, 1), narx.simulate(theta, u, [0.2, 0.1], 2, 1),
                               atol=1e-4)


@pytest.fixture(scope="module")
def tanks():
    return load_record("cascaded_tanks", "train"), load_record("cascaded_tanks", "test")


def test_training_reduces_one_step_and_simulation_error(tanks):
    train, _ = tanks
    net, losses = narx.train_one_step(train.u, train.y, 2, 2, 8, steps=200)
    assert losses[-1] < losses[0]
    one_step = narx.sim_rmse(train.y, narx.predict_one_step(net, train.u, train.y, 2, 2), 5)
    assert one_step < 0.06                                          # about the noise level of 0.02 V x lag gains
    before = narx.sim_rmse(train.y, narx.simulate(net, train.u, train.y[:2], 2, 2), 5)
    narx.train_simulation(net, train.u, train.y, horizon=60, batch=32, steps=100)
    after = narx.sim_rmse(train.y, narx.simulate(net, train.u, train.y[:2], 2, 2), 5)
    assert after < before and after > one_step                      # free run is always harder than one step


def test_fit_narx_baseline_is_deterministic(tanks):
    train, test = tanks
    a = narx.fit_narx(train, 2, 2, 8, simulation=False)
    b = narx.fit_narx(train, 2, 2, 8, simulation=False)
    ya, yb = (narx.simulate(m, test.u, test.y[:2], 2, 2) for m in (a, b))
    assert np.array_equal(ya, yb) and narx.n_params(a) == (5 * 8 + 8) + (8 + 1)


@pytest.mark.parametrize("na, nb, hidden", [(1, 0, 2), (2, 2, 16), (6, 6, 64)])
def test_explore_orders(tanks, na, nb, hidden):
    res, status = narx.explore_orders(*tanks, na, nb, hidden)
    assert res.params_arx == na + nb + 2 and res.y_arx.shape == res.y_narx.shape == (1024,)
    assert f"na={na}, nb={nb}, hidden={hidden}" in status and f"ARX {res.rmse_arx:.3f} V" in status
    assert f"NARX {approx(res.rmse_narx)} V" in status and f"only {approx(res.onestep_narx)} V" in status  # trained: ≈
    assert status.startswith("⚠") == (max(na, nb) > 5 or not math.isfinite(res.rmse_arx + res.rmse_narx))


def test_widget_reports_status(tanks, monkeypatch):
    panel = narx.order_explorer(*tanks)
    assert "na=2, nb=2, hidden=16" in panel.last_status and not panel.last_status.startswith("⚠")
    panel.controls["na"].value = 6
    assert panel.last_status.startswith("⚠") and "n_skip" in panel.last_status
    panel.controls["na"].value = 1
    panel.controls["hidden"].value = 4
    assert "na=1, nb=2, hidden=4" in panel.last_status


def test_fit_narx_reproduces_the_notebook_recipe(tanks):
    """fit_narx(train) = train_one_step + train_simulation with the notebook's settings; beats its own one-step net."""
    train, test = tanks
    net = narx.fit_narx(train)
    manual, _ = narx.train_one_step(train.u, train.y, narx.NA, narx.NB, hidden=16, steps=500)
    one_step_rmse = narx.sim_rmse(test.y, narx.simulate(manual, test.u, test.y[:5], 2, 5), 5)
    narx.train_simulation(manual, train.u, train.y, horizon=60, batch=32, steps=150, lr=3e-3, seed=0)
    y_a, y_b = (narx.simulate(m, test.u, test.y[:5], 2, 5) for m in (net, manual))
    assert np.array_equal(y_a, y_b) and narx.n_params(net) == 161
    assert narx.sim_rmse(test.y, y_a, 5) < one_step_rmse


def test_simulation_training_progress_bar_changes_no_number(tanks, capsys):
    """progress=True draws a tqdm bar over the steps (on stderr outside a notebook) and gives the same losses."""
    train, _ = tanks
    nets = [narx.train_one_step(train.u, train.y, 2, 5, hidden=4, steps=5)[0] for _ in range(2)]
    quiet = narx.train_simulation(nets[0], train.u, train.y, horizon=10, batch=4, steps=3)
    assert capsys.readouterr().err == ""
    shown = narx.train_simulation(nets[1], train.u, train.y, horizon=10, batch=4, steps=3, progress=True)
    assert "simulation training" in capsys.readouterr().err
    np.testing.assert_array_equal(quiet, shown)
