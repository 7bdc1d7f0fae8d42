"""Notebook 01: least squares and gradient descent against PyTorch, the stability limit and the divergence rule
(nnlab.regression), the explorer and its status line (nnlab.experiments.regression), the figure and the widget
(nnlab.views.regression)."""
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from nbval_rules import sanitize  # tests/nbval_rules.py: the sanitizer file as nbval applies it

from nnlab.experiments.regression import BOUNDS, DescentResult, explore_descent, surface_problem
from nnlab.regression import (Standardizer, add_bias, gradient_descent, least_squares, loss_surface, max_stable_lr, mse,
                              mse_hessian)
from nnlab.training import diverged
from nnlab.views.regression import DescentPlot, descent_explorer, plot_descent, plot_surface


@pytest.fixture(scope="module")
def problem():
    return surface_problem()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_least_squares_matches_torch(seed):
    rng = np.random.default_rng(seed)
    xb = add_bias(rng.normal(size=(50, 3)))
    y = rng.normal(size=50)
    expected = torch.linalg.lstsq(torch.tensor(xb), torch.tensor(y)[:, None]).solution[:, 0].numpy()
    np.testing.assert_allclose(least_squares(xb, y), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_descent_reaches_least_squares_and_matches_autograd(seed):
    rng = np.random.default_rng(seed)
    xb = add_bias(rng.normal(size=(40, 2)))
    y = rng.normal(size=40)
    result = gradient_descent(xb, y, lr=0.5 * max_stable_lr(xb), steps=2000)
    assert not result.diverged
    np.testing.assert_allclose(result.path[-1], least_squares(xb, y), atol=1e-8)
    # first step equals torch.optim.SGD's first step
    theta = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([theta], lr=0.5 * max_stable_lr(xb))
    loss = torch.mean((torch.tensor(y) - torch.tensor(xb) @ theta) ** 2)
    loss.backward()
    opt.step()
    np.testing.assert_allclose(result.path[1], theta.detach().numpy(), rtol=1e-12)
    assert result.losses[0] == pytest.approx(loss.item())


def test_stability_limit_separates_convergence_from_divergence():
    rng = np.random.default_rng(3)
    xb = add_bias(rng.normal(size=(60, 2)) * [1.0, 5.0])
    y = rng.normal(size=60)
    limit = max_stable_lr(xb)
    assert not gradient_descent(xb, y, 0.95 * limit, 3000).diverged
    assert gradient_descent(xb, y, 1.05 * limit, 3000).diverged


def test_loss_surface_matches_mse():
    rng = np.random.default_rng(4)
    xb = add_bias(rng.normal(size=(30, 1)))
    y = rng.normal(size=30)
    w, b = np.array([-1.0, 0.5, 2.0]), np.array([0.0, 1.0])
    surface = loss_surface(xb, y, w, b)
    assert surface.shape == (2, 3)
    assert surface[1, 2] == pytest.approx(mse(xb, y, np.array([2.0, 1.0])))


def test_standardizer_round_trip():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    s = Standardizer.fit(x)
    z = s.transform(x)
    np.testing.assert_allclose(z[:, 0].mean(), 0, atol=1e-12)
    np.testing.assert_allclose(z[:, 1], 0)  # constant column: std taken as 1, no division by zero
    np.testing.assert_allclose(s.inverse(z), x)
    assert s.std[0] == pytest.approx(np.sqrt(8 / 3))   # the population std (ddof=0), not the sample one


@pytest.mark.parametrize("call, words", [
    (lambda: mse(np.ones((3, 2)), np.ones(4), np.ones(2)), r"\(N, p\).*\(3, 2\) and \(4,\)"),
    (lambda: mse(np.ones((3, 2)), np.ones(3), np.ones(3)), r"theta of shape \(2,\), got \(3,\)"),
    (lambda: add_bias(np.ones(3)), r"\(N, d\), got shape \(3,\)"),
    (lambda: gradient_descent(np.ones((3, 2)), np.ones(3), lr=0, steps=5), "lr must be > 0"),
    (lambda: gradient_descent(np.ones((3, 2)), np.ones(3), lr=0.1, steps=-1),
     r"steps must be an integer in \[0, inf\]"),
    (lambda: loss_surface(np.ones((3, 3)), np.ones(3), np.ones(2), np.ones(2)), r"\(N, 2\)"),
])
def test_bad_shapes_and_settings_raise_clear_errors(call, words):
    with pytest.raises(ValueError, match=words):
        call()


@pytest.mark.parametrize("lr, steps, expect", [
    (0.001, 0, "not converged"), (0.05, 30, "not converged"), (0.5, 30, "(converged)"),
    (0.9, 200, "(converged)"), (1.2, 50, "⚠ Diverged"), (10.0, 200, "⚠ Diverged"),
])
def test_explore_descent_reports_each_regime(problem, lr, steps, expect):
    result = explore_descent(problem, lr, steps)
    assert isinstance(result, DescentResult) and (result.lr, result.steps) == (lr, steps)
    assert expect in result.status()
    assert np.all(np.isfinite(result.descent.losses[:-1]))


@pytest.mark.parametrize("setting, value", [("lr", 0.0), ("lr", 20.0), ("steps", -1), ("steps", 201), ("steps", 2.5)])
def test_explore_descent_checks_the_bounds_of_its_settings(problem, setting, value):
    settings = {"lr": 0.1, "steps": 30, setting: value}
    with pytest.raises((ValueError, TypeError), match=setting):
        explore_descent(problem, **settings)
    assert BOUNDS["lr"] == (1e-3, 10.0) and BOUNDS["steps"] == (0, 200)


def test_explore_descent_marks_trained_numbers_and_prints_the_minimum_plainly(problem):
    status = explore_descent(problem, 0.05, 30).status()
    assert status.startswith("lr = 0.05, 30 steps: MSE ≈")      # the loss after descent is a trained number
    assert f"above the least-squares minimum {problem.loss_star:,.1f} (" in status  # closed form: plain
    masked = sanitize(status)
    assert masked == ("lr = 0.05, 30 steps: MSE≈#(k$)²,≈#above the least-squares minimum 4,855.5 "
                      "(not converged yet).")
    status = explore_descent(problem, 1.2, 50).status()
    assert sanitize(status) == ("⚠ Diverged: lr = 1.2 is above 2/λmax = 1; the loss reached≈#(k$)² "
                                             "at step≈#. Lower the learning rate.")


def test_divergence_is_caught_before_the_update_that_would_step_on_it():
    rng = np.random.default_rng(5)
    xb = add_bias(rng.normal(size=(40, 2)))
    y = rng.normal(size=40)
    run = gradient_descent(xb, y, 3.0 * max_stable_lr(xb), 500)
    k = run.diverged_at
    assert run.diverged and 0 < k < 500
    assert len(run.losses) == len(run.path) == k + 1          # no step was taken on the blown-up loss
    assert diverged(run.losses[k], run.losses[0]) and not any(diverged(v, run.losses[0]) for v in run.losses[:k])
    assert run.losses[k] == pytest.approx(mse(xb, y, run.path[k]))   # losses[k] is the loss at path[k]
    np.testing.assert_array_equal(run.path[:k + 1], gradient_descent(xb, y, 3.0 * max_stable_lr(xb), k).path)


def test_zero_steps_is_the_start():
    xb, y = add_bias(np.arange(6.0)[:, None]), np.arange(6.0)
    run = gradient_descent(xb, y, 0.1, 0)
    assert run.path.shape == (1, 2) and not run.diverged and run.losses[0] == mse(xb, y, np.zeros(2))


def test_plot_descent_draws_surface_path_and_loss(problem):
    result = explore_descent(problem, 0.5, 20)
    fig = plot_descent(result, title="t")
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "t"
    x, _ = fig.axes[1].get_lines()[0].get_data()
    assert len(x) == 21


def test_descent_plot_is_reused_and_hides_blown_up_losses(problem):
    canvas = DescentPlot(problem)
    fig1 = canvas.draw(explore_descent(problem, 0.5, 20))
    fig2 = canvas.draw(explore_descent(problem, 10.0, 200))
    assert fig1 is fig2
    _, losses = canvas.loss.get_data()
    assert np.all(np.isfinite(losses) | np.isnan(losses))


def test_widget_redraws_and_reports_divergence_without_raising():
    panel = descent_explorer(lr=0.1, steps=30)
    assert "converged" in panel.last_status
    panel.controls["lr"].value = 10.0          # far past the stability limit
    assert panel.last_status.startswith("⚠ Diverged")
    assert "Lower the learning rate" in panel.status.value
    panel.controls["steps"].value = 0
    panel.controls["lr"].value = 1e-3
    assert "0 steps" in panel.last_status
    panel.controls["steps"].value = 200
    assert "200 steps" in panel.last_status
    assert panel.redraws == 5                  # the first draw and one per change
    assert len(panel.last_figure.axes) == 2    # surface + loss curve


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mse_hessian_matches_autograd(seed):
    rng = np.random.default_rng(seed)
    xb = add_bias(rng.normal(size=(25, 3)) * [1.0, 10.0, 0.1])
    y = torch.tensor(rng.normal(size=25))
    expected = torch.autograd.functional.hessian(lambda t: torch.mean((y - torch.tensor(xb) @ t) ** 2),
                                                 torch.zeros(4, dtype=torch.float64))
    np.testing.assert_allclose(mse_hessian(xb), expected.numpy(), rtol=1e-12, atol=1e-12)
    assert max_stable_lr(xb) == pytest.approx(2 / np.linalg.eigvalsh(expected.numpy()).max(), rel=1e-12)


def test_one_step_multiplies_each_eigencomponent_by_one_minus_lr_lambda():
    rng = np.random.default_rng(5)
    xb = add_bias(rng.normal(size=(40, 2)) * [3.0, 0.5])
    y = rng.normal(size=40)
    lam, v = np.linalg.eigh(mse_hessian(xb))
    star, lr = least_squares(xb, y), 0.7 * max_stable_lr(xb)
    path = gradient_descent(xb, y, lr, steps=5).path
    c = (path - star) @ v                                     # (6, 3)
    np.testing.assert_allclose(c, (1 - lr * lam) ** np.arange(6)[:, None] * c[0], atol=1e-10)


def test_raw_and_scaled_surface_problems():
    raw, scaled = surface_problem(scaled=False), surface_problem()
    assert raw.xb.shape == scaled.xb.shape and raw.xb[:, 0].mean() > 1000       # ft²
    np.testing.assert_allclose(np.linalg.eigvalsh(mse_hessian(scaled.xb)), [2.0, 2.0], atol=1e-12)
    assert np.linalg.cond(raw.xb.T @ raw.xb) > 1e7
    one = gradient_descent(scaled.xb, scaled.y, lr=0.5, steps=1)                # η = 1/λ on a round bowl
    np.testing.assert_allclose(one.path[1], scaled.theta_star, atol=1e-12)
    with pytest.raises(TypeError, match="scaled"):
        surface_problem(scaled="no")


def test_plot_surface_holds_the_path_and_the_minimum(problem):
    descent = gradient_descent(problem.xb, problem.y, lr=0.9 * problem.lr_max, steps=10)
    ax = plot_surface(problem, descent, unit="std", equal=True, title="t")
    x0, x1 = ax.get_xlim()
    assert ax.get_title() == "t" and "std" in ax.get_xlabel()
    assert x0 <= descent.path[:, 0].min() and descent.path[:, 0].max() <= x1
    assert len(ax.lines) == 2 and len(ax.texts) == 3                           # path, θ*; steps 1-3 numbered
    plt.close(ax.figure)
    with pytest.raises(TypeError, match="descent"):
        plot_surface(problem, "path")
    with pytest.raises(ValueError, match="two-parameter"):
        plot_surface(problem, gradient_descent(add_bias(np.ones((3, 2))), np.ones(3), 0.1, 2))
