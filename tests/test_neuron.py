"""The sigmoid neuron against PyTorch: sigma, sigma', one neuron, its fit, and the notebook-02 widget."""
import math

import pytest
import torch

from nnlab.neuron import (describe_response, fit_neuron, neuron, neuron_explorer, response, sigmoid,
                          sigmoid_prime)

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
    r = response(10.0, 40.0, -2, 2)  # z = 10x + 40 in [20, 60]: flat at 1
    assert r.saturated == 1.0
    assert describe_response(10.0, 40.0, r).startswith("⚠ Saturated")
    assert not describe_response(1.0, 0.0, response(1.0, 0.0)).startswith("⚠")


def test_response_rejects_bad_range():
    with pytest.raises(ValueError, match="x_min < x_max"):
        response(1.0, 0.0, 3.0, -3.0)


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


@pytest.mark.parametrize("control,value,starts_warning", [("w", 1.0, False), ("w", 10.0, True),
                                                          ("b", 10.0, True), ("x_range", 20.0, False), ("x_range", 2.0, False),
                                                          ("w", 0.0, False), ("x_range", 0.5, False)])
def test_widget_updates_status(control, value, starts_warning):
    panel = neuron_explorer()
    panel.controls[control].value = value
    assert panel.last_status.startswith("⚠") is starts_warning, panel.last_status
    expected = describe_response(**{k: v for k, v in panel.values().items() if k != "x_range"},
                                 r=response(panel.values()["w"], panel.values()["b"],
                                            -panel.values()["x_range"], panel.values()["x_range"]))
    assert panel.last_status == expected


def test_response_plot_is_reused_and_updated():
    from nnlab.neuron import ResponsePlot

    canvas = ResponsePlot()
    fig1 = canvas.draw(response(1.0, 0.0))
    fig2 = canvas.draw(response(-2.0, 1.0, -3, 3, n=11))
    assert fig1 is fig2 and len(fig2.axes) == 2
    x, y = canvas.y_line.get_data()
    assert len(x) == 11 and y[0] > y[-1]  # w < 0: a falling step
    assert canvas.mid_line.get_xdata()[0] == pytest.approx(0.5)
