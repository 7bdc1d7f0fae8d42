"""Regressors (shapes, alignment, no look-ahead), ARX least squares, free-run simulation, NARX nets and their
training loops (divergence checked before each update, seeded, progress bar)."""
import math

import numpy as np
import pytest
import torch

from nnlab import narx
from nnlab.metrics import n_params, rmse
from nnlab.regression import Standardizer
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
    assert rmse(y, y_sim, skip=5) < 1e-12


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
    assert np.isnan(y_sim[-1]) and not math.isfinite(rmse(np.zeros(2000), y_sim, skip=5))


@pytest.mark.parametrize("call, match", [
    (lambda: narx.regressors(np.ones(10), np.ones(9), 1, 1), "u and y must have the same shape"),
    (lambda: narx.regressors(np.ones(10), np.ones(10), 0, 1), r"na must be an integer in \[1, inf\], got 0"),
    (lambda: narx.regressors(np.ones(10), np.ones(10), 2, -1), r"nb must be an integer in \[0, inf\], got -1"),
    (lambda: narx.regressors(np.ones(3), np.ones(3), 3, 1), "too short"),
    (lambda: narx.regressors(np.ones((3, 2)), np.ones((3, 2)), 1, 1), "shape"),
    (lambda: narx.regressors(np.array([1.0, np.nan, 1, 1]), np.ones(4), 1, 1), "NaN"),
    (lambda: narx.simulate(np.ones(4), np.ones(10), [0.0], 2, 0), "y_init"),
    (lambda: narx.simulate(np.ones(3), np.ones(10), [0.0, 0.0], 2, 0), "theta must have shape"),
    (lambda: narx.NarxNet(2, 1, hidden=0), r"hidden must be an integer in \[1, inf\]"),
    (lambda: narx.train_one_step(np.ones(20), np.ones(20), 1, 1, steps=-1), "steps must be"),
    (lambda: narx.train_one_step(np.ones(20), np.ones(20), 1, 1, lr=0.0), "lr must be > 0"),
])
def test_bad_settings_raise_with_reason(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call", [lambda: narx.regressors(np.ones(10), np.ones(10), 1.5, 1),
                                  lambda: narx.NarxNet(2, True), lambda: narx.NarxNet(2, 1, hidden=8.0)])
def test_orders_and_sizes_must_be_integers(call):
    with pytest.raises(TypeError, match="must be an integer"):
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
    fit = narx.train_one_step(train.u, train.y, 2, 2, 8, steps=200)
    net, losses = fit.net, fit.one_step
    assert losses.shape == (200,) and losses[-1] < losses[0] and not fit.diverged and fit.simulation.size == 0
    assert not net.training                                          # the loop leaves the net in eval mode
    one_step = rmse(train.y, narx.predict_one_step(net, train.u, train.y, 2, 2), skip=5)
    assert one_step < 0.06                                          # about the noise level of 0.02 V x lag gains
    before = rmse(train.y, narx.simulate(net, train.u, train.y[:2], 2, 2), skip=5)
    tuned = narx.train_simulation(fit, train.u, train.y, horizon=60, batch=32, steps=100)
    assert tuned.net is net and tuned.simulation.shape == (100,) and np.array_equal(tuned.one_step, losses)
    after = rmse(train.y, narx.simulate(net, train.u, train.y[:2], 2, 2), skip=5)
    assert after < before and after > one_step                      # free run is always harder than one step


def test_net_scaling_is_the_standardizer_of_the_regressors(tanks):
    """The net's stored input and output scaling (buffers) is nnlab.regression.Standardizer fitted to z and to
    the change y(k) - y(k-1) it predicts (delta=True)."""
    train, _ = tanks
    net = narx.train_one_step(train.u, train.y, 2, 5, hidden=4, steps=1).net
    z, target = narx.regressors(train.u, train.y, 2, 5)
    zs, ts = Standardizer.fit(z), Standardizer.fit(target - z[:, 0])
    np.testing.assert_array_equal(net.z_mean.numpy(), zs.mean.astype(np.float32))
    np.testing.assert_array_equal(net.z_std.numpy(), zs.std.astype(np.float32))
    assert net.y_mean.item() == np.float32(ts.mean) and net.y_std.item() == np.float32(ts.std)


def test_one_step_divergence_stops_before_the_update(tanks):
    """lr = 1e6 used to run on silently (0.87 -> 1.5e11); now the loop stops on the first diverged loss,
    without stepping on it: the net is the one after the steps before it."""
    train, _ = tanks
    fit = narx.train_one_step(train.u, train.y, 2, 5, hidden=8, steps=200, lr=1e6)
    assert fit.diverged and fit.diverged_at[0] == "one-step"
    step = fit.diverged_at[1]
    assert 0 < step < 200 and fit.one_step.shape == (step + 1,)
    assert not (fit.one_step[-1] <= 1e3 * fit.one_step[0])            # the stopping loss broke the rule ...
    assert (fit.one_step[:-1] <= 1e3 * fit.one_step[0]).all()          # ... and none before it
    before = narx.train_one_step(train.u, train.y, 2, 5, hidden=8, steps=step, lr=1e6)
    assert not before.diverged
    for a, b in zip(fit.net.parameters(), before.net.parameters()):
        assert torch.equal(a, b)
    assert narx.fit_narx(train, hidden=8, linear=False, seed=0).diverged_at is None
    with pytest.raises(ValueError, match="diverged at one-step step"):
        narx.train_simulation(fit, train.u, train.y, steps=3)


def test_simulation_divergence_stops_before_the_update(tanks):
    train, _ = tanks
    fit = narx.train_one_step(train.u, train.y, 2, 5, hidden=8, steps=50)
    tuned = narx.train_simulation(fit, train.u, train.y, horizon=30, batch=8, steps=100, lr=1e5)
    assert tuned.diverged_at is not None and tuned.diverged_at[0] == "simulation"
    assert tuned.simulation.shape == (tuned.diverged_at[1] + 1,) and np.array_equal(tuned.one_step, fit.one_step)


def test_training_is_seeded_and_leaves_the_global_generator_alone(tanks):
    train, _ = tanks
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    a = narx.train_one_step(train.u, train.y, 2, 2, 8, steps=20, seed=1)
    assert torch.equal(torch.rand(3), expected)                       # the caller's random stream is untouched
    b = narx.train_one_step(train.u, train.y, 2, 2, 8, steps=20, seed=1)
    c = narx.train_one_step(train.u, train.y, 2, 2, 8, steps=20, seed=2)
    assert np.array_equal(a.one_step, b.one_step) and not np.array_equal(a.one_step, c.one_step)


def test_linear_path_starts_from_the_least_squares_fit(tanks):
    """NarxNet(linear=True), as train_one_step builds it: the linear path starts at the ridge ARX fit in
    standardised units, so the first loss is far below a plain net's, and training still lowers it."""
    train, test = tanks
    plain = narx.train_one_step(train.u, train.y, 2, 5, hidden=8, steps=100)
    lin = narx.train_one_step(train.u, train.y, 2, 5, hidden=8, steps=100, linear=True)
    assert lin.net.linear is not None and plain.net.linear is None
    assert n_params(lin.net) == n_params(plain.net) + 8                # p = na + nb + 1 = 8 weights, no bias
    assert lin.one_step[0] < 0.5 * plain.one_step[0] and lin.one_step[-1] < lin.one_step[0]
    z, target = narx.regressors(train.u, train.y, 2, 5)
    zs, ts = Standardizer.fit(z), Standardizer.fit(target - z[:, 0])
    zn, tn = zs.transform(z), ts.transform(target - z[:, 0])
    ridge = np.linalg.solve(zn.T @ zn + 1e-3 * len(zn) * np.eye(8), zn.T @ tn)
    first = narx.train_one_step(train.u, train.y, 2, 5, hidden=8, steps=0, linear=True)
    np.testing.assert_allclose(first.net.linear.weight[0].detach().numpy(), ridge, rtol=1e-6, atol=1e-7)
    fit = narx.fit_narx(train, hidden=8, linear=True)
    y_sim = narx.simulate(fit.net, test.u, test.y[:5], 2, 5)
    assert not fit.diverged and math.isfinite(rmse(test.y, y_sim, skip=5))


def test_fit_narx_baseline_is_deterministic(tanks):
    train, test = tanks
    a = narx.fit_narx(train, 2, 2, 8, simulation=False)
    b = narx.fit_narx(train, 2, 2, 8, simulation=False)
    ya, yb = (narx.simulate(m.net, test.u, test.y[:2], 2, 2) for m in (a, b))
    assert np.array_equal(ya, yb) and n_params(a.net) == (5 * 8 + 8) + (8 + 1) and a.simulation.size == 0


def test_fit_narx_reproduces_the_notebook_recipe(tanks):
    """fit_narx(train) = train_one_step + train_simulation with the notebook's settings; beats its own one-step net."""
    train, test = tanks
    fit = narx.fit_narx(train)
    manual = narx.train_one_step(train.u, train.y, narx.NA, narx.NB, hidden=16, steps=500)
    one_step_rmse = rmse(test.y, narx.simulate(manual.net, test.u, test.y[:5], 2, 5), skip=5)
    manual = narx.train_simulation(manual, train.u, train.y, horizon=60, batch=32, steps=150, lr=3e-3, seed=0)
    y_a, y_b = (narx.simulate(m.net, test.u, test.y[:5], 2, 5) for m in (fit, manual))
    assert np.array_equal(y_a, y_b) and n_params(fit.net) == 161
    assert np.array_equal(fit.one_step, manual.one_step) and np.array_equal(fit.simulation, manual.simulation)
    assert rmse(test.y, y_a, skip=5) < one_step_rmse


def test_simulation_training_progress_bar_changes_no_number(tanks, capsys):
    """progress=True draws a tqdm bar over the steps (on stderr outside a notebook) and gives the same losses."""
    train, _ = tanks
    fits = [narx.train_one_step(train.u, train.y, 2, 5, hidden=4, steps=5) for _ in range(2)]
    quiet = narx.train_simulation(fits[0], train.u, train.y, horizon=10, batch=4, steps=3)
    assert capsys.readouterr().err == ""
    shown = narx.train_simulation(fits[1], train.u, train.y, horizon=10, batch=4, steps=3, progress=True)
    assert "simulation training" in capsys.readouterr().err
    np.testing.assert_array_equal(quiet.simulation, shown.simulation)


def test_train_simulation_takes_a_fit():
    net = narx.NarxNet(2, 1, 4)
    with pytest.raises(TypeError, match="NarxFit"):
        narx.train_simulation(net, np.ones(50), np.ones(50))
    fit = narx.NarxFit(net)
    with pytest.raises(ValueError, match=r"horizon must be an integer in \[1, 48\]"):
        narx.train_simulation(fit, np.ones(50), np.ones(50), horizon=49)
