"""Notebook 03: explicit matrix products vs nn.Module, the parameter-count formula, training on the houses
(nnlab.ffn), the explorer's status line (nnlab.experiments.ffn), the network diagram and the widget
(nnlab.views.ffn). The generic loop itself is tested in test_training.py."""
import math
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn as nn
from matplotlib.text import Annotation
from nbval_rules import sanitize  # tests/nbval_rules.py: the sanitizer file as nbval applies it

from nnlab.experiments.ffn import BOUNDS, NetworkResult, explore_network
from nnlab.ffn import (ACTIVATIONS, FeedforwardNeuralNetModel, explicit_forward, fit_network, house_tensors,
                       linear_params, mlp, param_count)
from nnlab.metrics import n_params
from nnlab.views.ffn import network_explorer, plot_network_diagram

TOL = dict(rtol=1e-5, atol=1e-6)  # float32 sums of up to ~300 terms


@pytest.fixture(scope="module")
def houses():
    return house_tensors()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("seed", range(3))
def test_explicit_forward_equals_module(activation, seed):
    gen = torch.Generator().manual_seed(seed)
    depth = int(torch.randint(1, 5, (1,), generator=gen))
    sizes = torch.randint(1, 40, (depth + 1,), generator=gen).tolist()
    torch.manual_seed(seed)
    model = mlp(sizes, activation)
    x = torch.randn(int(torch.randint(1, 20, (1,), generator=gen)), sizes[0], generator=gen)
    weights, biases = linear_params(model)
    torch.testing.assert_close(explicit_forward(x, weights, biases, activation), model(x), **TOL)


@pytest.mark.parametrize("seed", range(3))
def test_explicit_forward_equals_lecture_model(seed):
    torch.manual_seed(seed)
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    x = torch.randn(10, 4)
    weights, biases = linear_params(model)
    assert [tuple(w.shape) for w in weights] == [(200, 4), (300, 200), (1, 300)]
    torch.testing.assert_close(explicit_forward(x, weights, biases), model(x), **TOL)


def test_explicit_forward_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="layer 2"):
        explicit_forward(torch.zeros(3, 4), [torch.zeros(5, 4), torch.zeros(1, 6)], [torch.zeros(5), torch.zeros(1)])
    with pytest.raises(ValueError, match="activation"):
        explicit_forward(torch.zeros(3, 4), [torch.zeros(1, 4)], [torch.zeros(1)], "softsign")


@pytest.mark.parametrize("seed", range(6))
def test_param_count_matches_numel(seed):
    gen = torch.Generator().manual_seed(seed)
    sizes = torch.randint(1, 300, (int(torch.randint(2, 6, (1,), generator=gen)),), generator=gen).tolist()
    model = mlp(sizes)
    assert param_count(sizes) == n_params(model) == sum(p.numel() for p in model.parameters())


def test_param_count_of_the_lecture_model():
    model = FeedforwardNeuralNetModel(4, [200, 300], 1)
    assert param_count([4, 200, 300, 1]) == n_params(model) == 61_601


def test_param_count_rejects_bad_sizes():
    with pytest.raises(ValueError, match="at least 2"):
        param_count([4])
    with pytest.raises(ValueError, match=r"sizes\[1\] must be an integer in \[1, inf\]"):
        param_count([4, 0, 1])
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp([4, 1], "softsign")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_mlp_uses_the_one_activation_table(name):
    model = mlp([3, 4, 4, 2], name)
    assert [type(m) for m in model[1::2]] == [ACTIVATIONS[name]] * 2 and isinstance(model[-1], nn.Linear)


def test_importing_ffn_loads_neither_matplotlib_nor_the_houses_data():
    """nnlab.backprop's workers import nnlab.ffn; it must stay light (the data are read by house_tensors only)."""
    code = ("import sys, nnlab.ffn, nnlab.backprop\n"
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'nnlab.data') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_house_tensors_split_and_scaling(houses):
    assert houses.x_train.shape == (1106, 4) and houses.x_val.shape == (276, 4) and houses.x_test.shape == (346, 4)
    assert houses.y_train.shape == (1106, 1) and houses.x_train.dtype == torch.float32
    torch.testing.assert_close(houses.x_train.mean(0), torch.zeros(4), atol=1e-5, rtol=0)
    assert 50 < houses.y_std < 150 and 150 < houses.y_mean < 250  # k$


def test_fit_network_learns_the_houses(houses):
    fit = fit_network(houses, [8], "tanh", lr=1e-2, epochs=30)
    assert fit.n_params == 4 * 8 + 8 + 8 + 1
    assert fit.history.train[-1] < 0.6 * fit.history.train[0]
    assert 40 < fit.test_rmse < 90  # k$: predicting the mean would give ~98


def test_fit_network_rmses_are_the_models_in_k_dollars(houses):
    fit = fit_network(houses, [3], "relu", lr=1e-2, epochs=3)
    with torch.no_grad():
        mse = torch.mean((fit.model(houses.x_test) - houses.y_test) ** 2).item()
    assert fit.test_rmse == pytest.approx(math.sqrt(mse) * houses.y_std, rel=1e-5)
    assert fit.n_params == param_count([4, 3, 1])


def test_fit_network_is_seeded_and_leaves_the_global_rng_alone(houses):
    state = torch.random.get_rng_state()
    a = fit_network(houses, [5], "tanh", epochs=2, seed=4)
    assert torch.equal(state, torch.random.get_rng_state())
    b = fit_network(houses, [5], "tanh", epochs=2, seed=4)
    for p, q in zip(a.model.parameters(), b.model.parameters()):
        assert torch.equal(p, q)


@pytest.mark.parametrize("settings,warning", [
    ({}, None),                                                     # the default: a small tanh net
    ({"lr": 10.0, "optimizer": "sgd", "activation": "relu"}, "⚠ Diverged"),  # extreme learning rate
    ({"lr": 1e-4, "epochs": 1}, None),                               # extreme: tiny step, one epoch
    ({"hidden1": 64, "hidden2": 64, "activation": "relu", "epochs": 200}, "⚠ Over-fitting"),
    ({"hidden1": 1, "activation": "sigmoid"}, None),
])
def test_widget_at_several_settings(settings, warning):
    panel = network_explorer()
    for name, value in settings.items():
        panel.controls[name].value = value
    status = panel.last_status
    if warning is None:
        assert not status.startswith("⚠") and "RMSE train" in status, status
    else:
        assert status.startswith(warning), status
    assert panel.last_png.startswith(b"\x89PNG")


def test_explore_network_reports_divergence(houses):
    result = explore_network(houses, [4], "relu", lr=10.0, optimizer="sgd", epochs=20)
    assert isinstance(result, NetworkResult) and result.fit.history.diverged
    assert result.status().startswith("⚠ Diverged")
    assert math.isfinite(result.fit.history.train[0])


def test_explore_network_marks_trained_numbers(houses):
    text = explore_network(houses, [4], "tanh", lr=1e-2, optimizer="adam", epochs=5).status()
    assert sanitize(text) == ("4-4-1 tanh (25 parameters), adam lr=0.01: RMSE train≈#, "
                              "validation≈#, test≈#k$; best validation at epoch≈#of 5.")
    wild = explore_network(houses, [4], "relu", lr=10.0, optimizer="sgd", epochs=20)
    assert sanitize(wild.status()) == (
        "⚠ Diverged at epoch≈#: 4-4-1 relu (25 parameters), sgd lr=10; the training loss blew up. "
        "Lower the learning rate.")


def test_explore_network_reports_over_fitting(houses):
    big = explore_network(houses, [64, 64], "relu", lr=3e-2, optimizer="adam", epochs=200, batch_size=None)
    assert big.overfits and big.status().startswith("⚠ Over-fitting")
    assert "4-64-64-1 relu (4,545 parameters)" in big.status()


@pytest.mark.parametrize("settings, error", [
    ({"hidden": []}, "number of hidden layers"), ({"hidden": [4, 4, 4]}, "number of hidden layers"),
    ({"hidden": [0]}, r"hidden\[0\]"), ({"hidden": [129]}, r"hidden\[0\]"), ({"lr": 20.0}, "lr"),
    ({"activation": "linear"}, "activation"), ({"optimizer": "lbfgs"}, "optimizer"), ({"epochs": 0}, "epochs"),
    ({"epochs": 201}, "epochs"),
])
def test_explore_network_checks_the_bounds_of_its_settings(houses, settings, error):
    with pytest.raises(ValueError, match=error):
        explore_network(houses, **{"hidden": [4], **settings})
    assert BOUNDS["hidden"] == (1, 128) and BOUNDS["epochs"] == (1, 200)


@pytest.mark.parametrize("sizes", [(4, 5, 3, 1), (2, 3, 2), (3, 1), (6, 10, 12, 2)])
def test_network_diagram_draws_one_arrow_per_weight(sizes):
    ax = plot_network_diagram(sizes, highlight=[(0, 0)])
    arrows = sum(isinstance(t, Annotation) for t in ax.texts)
    assert arrows == param_count(list(sizes)) - sum(sizes[1:])
    assert ax.get_title().startswith(f"The {'-'.join(map(str, sizes))} network")


def test_network_diagram_of_the_lecture_colours_the_three_equations():
    ax = plot_network_diagram()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "$w^{1}_{1,j}$: into $z^{2}_{1}$", "$w^{2}_{2,j}$: into $z^{3}_{2}$", "$w^{3}_{1,j}$: into $y$"]
    coloured = [t for t in ax.texts if isinstance(t, Annotation) and t.arrow_patch.get_linewidth() > 1]
    assert len(coloured) == 4 + 5 + 3


def test_lecture_model_rejects_wrong_hidden_list():
    with pytest.raises(ValueError, match="2 layer sizes"):
        FeedforwardNeuralNetModel(4, [200], 1)
    assert isinstance(mlp([4, 3, 1], "relu")[1], nn.ReLU)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_output_hessian_equals_autograd(seed, activation):
    """H = 2/N Z^T Z is the MSE's Hessian in the last layer's (weights, bias), here against torch.autograd."""
    from nnlab.ffn import output_hessian

    torch.manual_seed(seed)
    model = mlp([3, 5, 4, 1], activation).double()
    x, y = torch.randn(17, 3, dtype=torch.float64), torch.randn(17, 1, dtype=torch.float64)
    hessian, z = output_hessian(model, x)
    assert hessian.shape == (5, 5) and z.shape == (17, 5) and bool((z[:, -1] == 1).all())
    body = model[:-1]

    def loss(theta):
        return torch.mean((body(x) @ theta[:-1, None] + theta[-1] - y) ** 2)

    theta = torch.cat([model[-1].weight[0], model[-1].bias]).detach()
    torch.testing.assert_close(hessian, torch.autograd.functional.hessian(loss, theta), rtol=1e-10, atol=1e-10)


def test_output_hessian_of_the_lecture_net_at_seed_0(houses):
    """The numbers notebook 03 prints: sigmoids 0.503 ± 0.016, lambda_max 156.9, lambda_2 0.107."""
    from nnlab.ffn import output_hessian

    torch.manual_seed(0)
    hessian, z = output_hessian(FeedforwardNeuralNetModel(4, [200, 300], 1), houses.x_train)
    lam = torch.linalg.eigvalsh(hessian)
    assert hessian.shape == (301, 301)
    assert round(float(z[:, :-1].mean()), 3) == 0.503 and round(float(z[:, :-1].std(0).mean()), 3) == 0.016
    assert round(float(lam[-1]), 1) == 156.9 and round(float(lam[-2]), 3) == 0.107


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_pre_activations_are_the_hidden_sums(activation):
    from nnlab.ffn import pre_activations

    torch.manual_seed(1)
    model = mlp([4, 6, 3, 2], activation)
    x = torch.randn(9, 4)
    a1, a2 = pre_activations(model, x)
    torch.testing.assert_close(a1, model[0](x), **TOL)
    torch.testing.assert_close(a2, model[2](model[1](model[0](x))), **TOL)
    assert len(pre_activations(mlp([4, 1]), x)) == 0


def test_hessian_and_pre_activations_refuse_bad_input():
    from nnlab.ffn import output_hessian, pre_activations

    model = mlp([4, 3, 1])
    with pytest.raises(ValueError, match=r"x must have shape \(N, 4\).*\(5, 3\)"):
        output_hessian(model, torch.zeros(5, 3))
    with pytest.raises(ValueError, match=r"x must have shape \(N, 4\)"):
        pre_activations(model, torch.zeros(4))
    with pytest.raises(TypeError, match="model"):
        output_hessian("net", torch.zeros(5, 4))
    with pytest.raises(ValueError, match="no nn.Linear"):
        pre_activations(nn.Tanh(), torch.zeros(5, 4))


def test_race_valley_short():
    from nnlab.experiments.ffn import race_valley

    race = race_valley(steps=5, adam_lr=0.3)
    assert set(race.paths) == {"SGD", "momentum", "Adam"}
    for name in race.paths:
        assert race.paths[name].shape == (6, 2) and race.gaps[name].shape == (6,)
        assert (race.gaps[name] >= -1e-6).all() and race.paths[name][0].tolist() == [0.0, 0.0]
    assert race.limit == pytest.approx(2.89e-7, rel=1e-2) and race.condition > 1e7
    np.testing.assert_allclose(race.paths["Adam"][1], [0.3, 0.3], rtol=0, atol=1e-8)
    with pytest.raises(ValueError, match="steps"):
        race_valley(steps=0)
    with pytest.raises(ValueError, match="adam_lr"):
        race_valley(adam_lr=-1.0)
