"""Notebook 02: sigma, sigma', one neuron and its fit against PyTorch (nnlab.neuron), the explorer's status line
(nnlab.experiments.neuron), the figures and the widget (nnlab.views.neuron)."""
import math

import pytest
import torch

from nnlab.experiments.neuron import BOUNDS, NeuronResult, explore_neuron
from nnlab.neuron import fit_neuron, neuron, response, sigmoid, sigmoid_prime
from nnlab.views.neuron import ResponsePlot, neuron_explorer, plot_neuron_diagram

TOL = dict(rtol=1e-6, atol=1e-12)  # float64 throughout


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scale", [1.0, 10.0, 40.0])
def test_sigmoid_matches_torch(seed, scale):
    z = scale * torch.randn(50, 3, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    torch.testing.assert_close(sigmoid(z), torch.sigmoid(z), **TOL)


@pytest.mark.parametrize("seed", range(4))
def test_sigmoid_prime_matches_autograd(seed):
    z = 5 * torch.randn(100, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    z.requires_grad_(True)
    (g,) = torch.autograd.grad(torch.sigmoid(z).sum(), z)
    torch.testing.assert_close(sigmoid_prime(z.detach()), g, **TOL)


def test_sigmoid_extremes_are_finite():
    z = torch.tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=torch.float64)
    s = sigmoid(z)
    assert torch.all(torch.isfinite(s)) and s[2] == 0.5
    assert s[0] == 0.0 and s[-1] == 1.0
    assert torch.all(sigmoid_prime(z)[[0, -1]] == 0.0) and sigmoid_prime(z)[2] == 0.25


@pytest.mark.parametrize("n", [1, 3, 7])
def test_neuron_matches_nn_linear(n):
    gen = torch.Generator().manual_seed(n)
    x = torch.randn(20, n, generator=gen)
    lin = torch.nn.Linear(n, 1)
    expected = torch.sigmoid(lin(x))[:, 0]
    torch.testing.assert_close(neuron(x, lin.weight[0], lin.bias[0]), expected, rtol=1e-5, atol=1e-6)


def test_neuron_rejects_wrong_shapes():
    with pytest.raises(ValueError, match="expected x of shape"):
        neuron(torch.zeros(5, 3), torch.zeros(2), 0.0)


@pytest.mark.parametrize("w,b", [(1.0, 0.0), (-3.0, 2.0), (10.0, -10.0), (0.0, 1.5)])
def test_response_numbers(w, b):
    r = response(w, b, -5, 5, n=1001)
    assert 0 <= r.y_min <= r.y_max <= 1
    assert r.max_slope <= abs(w) / 4 + 1e-12  # sigma' peaks at 1/4
    if w == 0:
        assert r.midpoint is None and r.max_slope == 0 and r.y_min == pytest.approx(1 / (1 + math.exp(-b)))
    else:
        assert r.midpoint == pytest.approx(-b / w)
        if -5 < r.midpoint < 5:
            assert r.max_slope == pytest.approx(abs(w) / 4, rel=1e-3)


def test_saturation_is_reported():
    assert response(10.0, 40.0, -2, 2).saturated == 1.0  # z = 10x + 40 in [20, 60]: flat at 1
    result = explore_neuron(1.0, 8.0, 2.0)                 # z in [6, 10]: saturated everywhere
    assert isinstance(result, NeuronResult) and result.response.saturated == 1.0
    assert result.status().startswith("⚠ Saturated")
    assert not explore_neuron(1.0, 0.0, 5.0).status().startswith("⚠")


def test_status_reads_the_response():
    assert explore_neuron(1.0, 0.0, 5.0).status() == (
        "w = 1.00, b = 0.00: output from 0.007 to 0.993, steepest slope 0.250, output 0.5 at x = 0.00; "
        "saturated on 9% of the range.")
    assert "output 0.5 at nowhere (w = 0)" in explore_neuron(0.0, 1.0, 5.0).status()


@pytest.mark.parametrize("setting, value", [("w", 10.5), ("b", -11.0), ("x_range", 0.0), ("x_range", 25.0),
                                            ("w", float("nan")), ("b", "1")])
def test_explore_neuron_checks_the_bounds_of_its_settings(setting, value):
    settings = {"w": 1.0, "b": 0.0, "x_range": 5.0, setting: value}
    with pytest.raises((ValueError, TypeError), match=setting):
        explore_neuron(**settings)
    assert BOUNDS == {"w": (-10.0, 10.0), "b": (-10.0, 10.0), "x_range": (0.5, 20.0)}


def test_response_rejects_bad_range():
    with pytest.raises(ValueError, match="x_min < x_max"):
        response(1.0, 0.0, 3.0, -3.0)
    with pytest.raises(ValueError, match="n must be an integer in"):
        response(1.0, 0.0, n=1)


def test_fit_neuron_gradient_matches_autograd():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(30, 2, generator=gen, dtype=torch.float64)
    y = torch.rand(30, generator=gen, dtype=torch.float64)
    w0 = torch.tensor([0.3, -0.2], dtype=torch.float64)
    one = fit_neuron(x, y, lr=0.5, steps=1, w0=w0, b0=0.1)
    w = w0.clone().requires_grad_(True)
    b = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    loss = ((torch.sigmoid(x @ w + b) - y) ** 2).mean()
    loss.backward()
    torch.testing.assert_close(one.w, w0 - 0.5 * w.grad, **TOL)
    assert one.b == pytest.approx(0.1 - 0.5 * float(b.grad), rel=1e-9)
    assert one.losses[0] == pytest.approx(loss.detach().item(), rel=1e-12)


def test_fit_neuron_learns_a_step_and_cannot_learn_a_bump():
    x = torch.linspace(-3, 3, 61, dtype=torch.float64)[:, None]
    step = torch.sigmoid(2.0 * x[:, 0] - 1.0)
    fit = fit_neuron(x, step, lr=5.0, steps=2000)
    assert fit.losses[-1] < 1e-4 and fit.losses[-1] < fit.losses[0]
    bump = torch.exp(-x[:, 0] ** 2)
    fit2 = fit_neuron(x, bump, lr=5.0, steps=2000)
    assert fit2.losses[-1] > 0.02  # a monotone unit cannot fit a bump
    assert not fit.diverged and len(fit.losses) == 2001
    torch.testing.assert_close(fit.y_hat, neuron(x, fit.w, fit.b))


def test_fit_neuron_stops_on_a_non_finite_loss_before_stepping():
    x = torch.tensor([[0.0], [1e10]], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64)
    w0 = torch.tensor([0.0], dtype=torch.float64)
    fit = fit_neuron(x, y, lr=1e300, steps=10, w0=w0, b0=0.0)     # one step sends w to -inf: 0 * inf is NaN
    assert fit.diverged and fit.diverged_at == 1 and len(fit.losses) == 2 and math.isnan(fit.losses[1])
    one = fit_neuron(x, y, lr=1e300, steps=1, w0=w0, b0=0.0)
    assert torch.equal(fit.w, one.w) and fit.b == one.b             # no update was taken on the NaN loss


def test_a_nan_target_is_bad_data_not_a_divergence():
    x = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    y = torch.tensor([0.5, float("nan")], dtype=torch.float64)
    with pytest.raises(ValueError, match="y contains NaN"):
        fit_neuron(x, y, lr=1.0, steps=10)


def test_fit_neuron_rejects_bad_settings():
    x, y = torch.zeros(4, 1), torch.zeros(4)
    with pytest.raises(ValueError, match="lr must be > 0"):
        fit_neuron(x, y, lr=0.0)
    with pytest.raises(TypeError, match="steps must be an integer"):
        fit_neuron(x, y, steps=2.5)
    with pytest.raises(ValueError, match="expected x of shape"):
        fit_neuron(x, torch.zeros(3))


@pytest.mark.parametrize("control,value,starts_warning", [
    ("w", 1.0, False), ("w", 10.0, True), ("b", 10.0, True), ("x_range", 20.0, False), ("x_range", 2.0, False),
    ("w", 0.0, False), ("x_range", 0.5, False)])
def test_widget_updates_status(control, value, starts_warning):
    panel = neuron_explorer()
    panel.controls[control].value = value
    assert panel.last_status.startswith("⚠") is starts_warning, panel.last_status
    assert panel.last_status == explore_neuron(**panel.values()).status()
    assert panel.last_png.startswith(b"\x89PNG")


def test_widget_sliders_span_the_explorers_bounds():
    panel = neuron_explorer()
    for name, (lo, hi) in BOUNDS.items():
        assert (panel.controls[name].min, panel.controls[name].max) == (lo, hi)


def test_neuron_diagram_draws_inputs_sum_sigmoid_and_output():
    ax = plot_neuron_diagram()
    texts = [t.get_text() for t in ax.texts]
    assert {"$x_1$", "$x_2$", "$x_n$", "$b$", r"$\Sigma$", r"$\hat{y} = \sigma(z)$"} <= set(texts)
    assert not ax.axison and ax.get_title().startswith("One neuron")


def test_response_plot_is_reused_and_updated():
    canvas = ResponsePlot()
    fig1 = canvas.draw(response(1.0, 0.0))
    fig2 = canvas.draw(response(-2.0, 1.0, -3, 3, n=11))
    assert fig1 is fig2 and len(fig2.axes) == 2
    x, y = canvas.y_line.get_data()
    assert len(x) == 11 and y[0] > y[-1]  # w < 0: a falling step
    assert canvas.mid_line.get_xdata()[0] == pytest.approx(0.5)


@pytest.mark.parametrize("w0", [0.0, 2.0, -2.0, 0.5])
def test_one_neuron_on_a_symmetric_bump_ends_flat_at_the_variance(w0):
    """Notebook 02's lesson: from w = 0 the bump's dL/dw cancels in pairs; from a tilted start the fit flattens back."""
    x = (torch.arange(-30, 31, dtype=torch.float64) / 10)[:, None]
    y = torch.exp(-x[:, 0] ** 2)
    fit = fit_neuron(x, y, lr=5.0, steps=1500, w0=torch.tensor([w0], dtype=torch.float64))
    assert abs(fit.w.item()) < 1e-6
    assert fit.losses[-1].item() == pytest.approx(y.var(unbiased=False).item(), abs=1e-9)
